package io.github.sqsreliable.internal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqsreliable.internal.classify.Outcome;
import io.github.sqsreliable.observe.MessageTracing;
import io.github.sqsreliable.retry.FailureRecord;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TraceOutcomesTest {

    private static final RuntimeException ERROR = new RuntimeException("x");

    @Test
    void eachDecisionHasItsOutcome() {
        assertThat(TraceOutcomes.of(new Outcome.Acknowledge())).isEqualTo(MessageTracing.Outcome.ACKNOWLEDGED);
        assertThat(TraceOutcomes.of(new Outcome.RetryAfter(Duration.ofSeconds(1), 1, ERROR)))
                .isEqualTo(MessageTracing.Outcome.RETRY_SCHEDULED);
        assertThat(TraceOutcomes.of(new Outcome.Move("http://q/retry", Duration.ZERO, null, null, 1, ERROR)))
                .isEqualTo(MessageTracing.Outcome.MOVED_TO_RETRY_QUEUE);
        assertThat(TraceOutcomes.of(new Outcome.Move("http://q/dlq", Duration.ZERO, null,
                FailureRecord.DeadLetterReason.PERMANENT_FAILURE, 1, ERROR)))
                .isEqualTo(MessageTracing.Outcome.DEAD_LETTERED);
        assertThat(TraceOutcomes.of(new Outcome.Release(ERROR))).isEqualTo(MessageTracing.Outcome.RELEASED);
        assertThat(TraceOutcomes.of(new Outcome.Redeliver(ERROR))).isEqualTo(MessageTracing.Outcome.REDELIVERED);
    }

    @Test
    void aBatchWhoseMessagesEndedAlikeHasTheirOutcomeElseMixed() {
        MessageTracing.Outcome acked = TraceOutcomes.merge(TraceOutcomes.merge(null,
                MessageTracing.Outcome.ACKNOWLEDGED), MessageTracing.Outcome.ACKNOWLEDGED);
        assertThat(acked).isEqualTo(MessageTracing.Outcome.ACKNOWLEDGED);
        assertThat(TraceOutcomes.merge(acked, MessageTracing.Outcome.RETRY_SCHEDULED))
                .isEqualTo(MessageTracing.Outcome.MIXED);
        assertThat(TraceOutcomes.merge(MessageTracing.Outcome.MIXED, MessageTracing.Outcome.ACKNOWLEDGED))
                .isEqualTo(MessageTracing.Outcome.MIXED);
    }

    @Test
    void theAttributeValuesAreTheDocumentedOnes() {
        assertThat(Arrays.stream(MessageTracing.Outcome.values()).map(MessageTracing.Outcome::value))
                .containsExactly("acknowledged", "retry_scheduled", "moved_to_retry_queue", "dead_lettered",
                        "released", "redelivered", "mixed");
    }
}

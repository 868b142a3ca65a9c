package io.github.sqsreliable.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqsreliable.chain.NextMessages;
import io.github.sqsreliable.retry.Backoff;
import io.github.sqsreliable.test.EmbeddedSqs;
import io.github.sqsreliable.test.QueueSpec;
import io.github.sqsreliable.test.lambda.SqsEventSource;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.sqs.model.Message;

/** A chain step in a Lambda function: its outputs are confirmed before the invocation reports the input handled. */
@Timeout(60)
class SqsBatchFunctionChainIT {

    private final EmbeddedSqs sqs = EmbeddedSqs.shared();

    private SqsEventSource source(String queueUrl, SqsBatchFunction function) {
        return SqsEventSource.builder().sqsClient(sqs.client()).queueUrl(queueUrl).function(function)
                .functionTimeout(Duration.ofSeconds(10)).build();
    }

    @Test
    void theOutputsAreStoredBeforeTheInvocationReportsTheInputHandled() {
        String input = sqs.createQueue(QueueSpec.standard().visibilityTimeout(Duration.ofSeconds(60)));
        String next = sqs.createQueue();
        sqs.sendAll(input, List.of("a", "b", "c"));
        SqsBatchFunction function = SqsBatchFunction.builder().sqsClient(sqs.client())
                .chainHandler((message, outputs) -> outputs.send(next, message.body() + "-next"))
                .build();

        List<SqsEventSource.Invocation> invocations = source(input, function).drain(Duration.ofSeconds(20));

        assertThat(invocations).allSatisfy(invocation -> assertThat(invocation.failedMessageIds()).isEmpty());
        List<Message> outputs = sqs.takeAll(next);
        assertThat(outputs).extracting(Message::body).containsExactlyInAnyOrder("a-next", "b-next", "c-next");
        assertThat(outputs).allSatisfy(output -> assertThat(output.messageAttributes())
                .containsKey(NextMessages.OUTPUT_ID_ATTRIBUTE));
        assertThat(sqs.counts(input).total()).isZero();
    }

    @Test
    void anOutputNotStoredReportsTheInputFailedAndItIsHandledAgain() {
        String input = sqs.createQueue(QueueSpec.standard().visibilityTimeout(Duration.ofSeconds(60)));
        String next = sqs.createQueue();
        AtomicInteger calls = new AtomicInteger();
        sqs.sendAll(input, List.of("a"));
        SqsBatchFunction function = SqsBatchFunction.builder().sqsClient(sqs.client())
                .retry(r -> r.onSameQueue(3, Backoff.fixed(Duration.ofSeconds(1))))
                .chainHandler((message, outputs) -> outputs.send(
                        calls.incrementAndGet() == 1 ? next + "-missing" : next, message.body() + "-next"))
                .build();

        List<SqsEventSource.Invocation> invocations = source(input, function).drain(Duration.ofSeconds(20));

        assertThat(invocations.get(0).failedMessageIds()).hasSize(1);
        assertThat(calls).hasValue(2);
        assertThat(sqs.takeAll(next)).extracting(Message::body).containsExactly("a-next");
        assertThat(sqs.counts(input).total()).isZero();
    }
}

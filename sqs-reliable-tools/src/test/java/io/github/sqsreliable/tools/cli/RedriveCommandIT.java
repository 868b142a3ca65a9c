package io.github.sqsreliable.tools.cli;

import static io.github.sqsreliable.testing.DeadLetterFixtures.deadLetter;
import static io.github.sqsreliable.testing.DeadLetterFixtures.receiveAll;
import static io.github.sqsreliable.testing.DeadLetterFixtures.record;
import static io.github.sqsreliable.testing.DeadLetterFixtures.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqsreliable.retry.FailureRecord;
import io.github.sqsreliable.test.EmbeddedSqs;
import io.github.sqsreliable.test.QueueSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The redrive command end to end in this JVM: it builds its own client for the embedded ElasticMQ's endpoint
 * (unsigned, as for any loopback endpoint), exactly as the jar does, but returns the exit status instead of
 * exiting. {@link SqsReliableToolsJarIT} runs the jar itself.
 */
@Timeout(60)
class RedriveCommandIT {

    private static final String TIMEOUT = "java.net.SocketTimeoutException";
    private static final String ILLEGAL_STATE = "java.lang.IllegalStateException";

    private final EmbeddedSqs sqs = EmbeddedSqs.shared();

    private String endpoint() {
        return sqs.endpoint().toString();
    }

    @Test
    void redrivesToTheOriginAndPrintsProgressAndSummary() {
        // given 12 dead letters, 2 of another error class
        String dlq = sqs.createQueue(QueueSpec.standard());
        String origin = sqs.createQueue(QueueSpec.standard());
        for (int i = 0; i < 12; i++) {
            deadLetter(sqs, dlq, "body-" + i, record(origin, i < 10 ? TIMEOUT : ILLEGAL_STATE, i), null,
                    Map.of("n", text("v" + i)));
        }

        // when
        CommandRun run = CommandRun.of("redrive", "--dlq", dlq, "--error-class", "SocketTimeoutException",
                "--endpoint", endpoint());

        // then
        assertThat(run.status()).isZero();
        assertThat(run.out()).startsWith("moved 10, skipped 2, failed 0 in ")
                .contains("  10 to " + origin, "  2 skipped: still in " + dlq)
                .doesNotContain("body-");
        assertThat(run.err()).startsWith("\rmoved ").contains("\rmoved 10, skipped 2, failed 0 (").endsWith("\n");
        List<Message> moved = receiveAll(sqs, origin);
        assertThat(moved).hasSize(10).allSatisfy(message -> assertThat(message.messageAttributes())
                .containsOnlyKeys("n"));
        assertThat(sqs.counts(dlq).visible()).isEqualTo(2);
    }

    @Test
    void honoursMaxAndAnExplicitTarget() {
        String dlq = sqs.createQueue(QueueSpec.standard());
        String origin = sqs.createQueue(QueueSpec.standard());
        String target = sqs.createQueue(QueueSpec.standard());
        for (int i = 0; i < 8; i++) {
            deadLetter(sqs, dlq, "body-" + i, record(origin, TIMEOUT, i), null, Map.of());
        }

        CommandRun run = CommandRun.of("redrive", "--dlq", dlq, "--to", target, "--max", "5", "--endpoint",
                endpoint(), "--region", "eu-west-1");

        assertThat(run.status()).isZero();
        assertThat(run.out()).startsWith("moved 5, skipped 0, failed 0").contains("  5 to " + target);
        assertThat(sqs.counts(target).total()).isEqualTo(5);
        assertThat(sqs.counts(origin).total()).isZero();
        assertThat(sqs.counts(dlq).visible()).isEqualTo(3);
    }

    @Test
    void exitsWithOneWhenAMessageCannotBeMoved() {
        // given a dead letter whose origin queue is gone
        String dlq = sqs.createQueue(QueueSpec.standard());
        String gone = sqs.endpoint() + "/000000000000/deleted-queue-" + System.nanoTime();
        deadLetter(sqs, dlq, "body-0", record(gone, TIMEOUT, 0), null, Map.of());

        CommandRun run = CommandRun.of("redrive", "--dlq", dlq, "--endpoint", endpoint());

        assertThat(run.status()).isEqualTo(1);
        assertThat(run.out()).startsWith("moved 0, skipped 0, failed 1");
        assertThat(run.err()).contains("failed: ", gone);
        assertThat(sqs.counts(dlq).visible()).isEqualTo(1);
    }

    @Test
    void exitsWithOneWhenTheDeadLetterQueueDoesNotExist() {
        String missing = sqs.endpoint() + "/000000000000/no-such-dlq-" + System.nanoTime();

        CommandRun run = CommandRun.of("redrive", "--dlq", missing, "--endpoint", endpoint());

        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err()).startsWith("redrive: ").contains("ReceiveMessage", missing);
        assertThat(run.out()).isEmpty();
    }

    @Test
    void peekPrintsOneLinePerMessageWithoutBodiesAndRemovesNothing() {
        // given two dead letters with records and one without
        String dlq = sqs.createQueue(QueueSpec.standard());
        String origin = sqs.createQueue(QueueSpec.standard());
        FailureRecord first = record(origin, TIMEOUT, 0);
        deadLetter(sqs, dlq, "secret-body-0", first, null, Map.of());
        deadLetter(sqs, dlq, "secret-body-1", record(origin, TIMEOUT, 1), null, Map.of());
        deadLetter(sqs, dlq, "secret-body-2", null, null, Map.of());

        // when
        CommandRun run = CommandRun.of("redrive", "--dlq", dlq, "--peek", "--endpoint", endpoint());

        // then
        assertThat(run.status()).isZero();
        List<String> lines = run.out().lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).isEqualTo("messageId\terrorClass\tattempts\tdeadLetterReason\toriginQueueUrl"
                + "\tdeadLetteredAt\terrorMessage");
        assertThat(lines.subList(1, 4)).anySatisfy(line -> assertThat(line).endsWith(String.join("\t", TIMEOUT, "5",
                "ATTEMPTS_EXHAUSTED", origin, first.deadLetteredAt().toString(), "failure number 0")));
        assertThat(lines.subList(1, 4)).anySatisfy(line -> assertThat(line).endsWith("\t(no failure record)"));
        assertThat(run.out() + run.err()).doesNotContain("secret-body");
        assertThat(run.err()).contains("3 message(s) shown");
        assertThat(sqs.counts(dlq).visible()).isEqualTo(3);
        assertThat(sqs.counts(dlq).notVisible()).isZero();
    }
}

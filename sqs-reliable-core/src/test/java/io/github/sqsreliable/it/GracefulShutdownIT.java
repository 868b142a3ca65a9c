package io.github.sqsreliable.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.sqsreliable.ConsumerState;
import io.github.sqsreliable.SqsConsumer;
import io.github.sqsreliable.observe.ConsumerMetrics;
import io.github.sqsreliable.test.EmbeddedSqs;
import io.github.sqsreliable.test.QueueSpec;
import io.github.sqsreliable.testing.SimulatedWork;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class GracefulShutdownIT {

    private final EmbeddedSqs sqs = EmbeddedSqs.shared();

    @Test
    void closeUnderLoadReturnsInTimeAndLeavesNothingInFlight() {
        // given a busy consumer with prefetched messages waiting
        String queueUrl = sqs.createQueue(QueueSpec.standard().visibilityTimeout(Duration.ofSeconds(30)));
        sqs.sendAll(queueUrl, IntStream.range(0, 2_000).mapToObj(i -> "m" + i).toList());
        Duration shutdownTimeout = Duration.ofSeconds(5);
        SqsConsumer consumer = SqsConsumer.builder()
                .sqsClient(sqs.client())
                .queueUrl(queueUrl)
                .handler(message -> SimulatedWork.lasting(Duration.ofMillis(ThreadLocalRandom.current().nextInt(50))))
                .maxConcurrency(8)
                .prefetch(20)
                .pollers(3)
                .waitTime(Duration.ofSeconds(2))
                .shutdownTimeout(shutdownTimeout)
                .build();
        consumer.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> consumer.metrics().deleted() >= 200);

        // when
        long closing = System.nanoTime();
        consumer.close();
        Duration closeTook = Duration.ofNanos(System.nanoTime() - closing);

        // then it returned within the timeout, and every message is deleted or visible again
        assertThat(closeTook).isLessThan(shutdownTimeout);
        assertThat(consumer.state()).isEqualTo(ConsumerState.STOPPED);
        ConsumerMetrics metrics = consumer.metrics();
        EmbeddedSqs.QueueCounts counts = sqs.counts(queueUrl);
        assertThat(counts.notVisible()).isZero();
        assertThat(metrics.deleted()).isEqualTo(metrics.succeeded());
        assertThat(counts.visible() + metrics.deleted()).isEqualTo(2_000);
        assertThat(metrics.received()).isEqualTo(metrics.succeeded() + metrics.released());
        assertThat(metrics.released()).isPositive();
        assertThat(metrics.inFlight()).isZero();
    }

    @Test
    void closeOfAnIdleConsumerReturnsAfterTheLongPollInFlight() {
        // given an idle consumer long-polling an empty queue
        String queueUrl = sqs.createQueue(QueueSpec.standard());
        SqsConsumer consumer = SqsConsumer.builder()
                .sqsClient(sqs.client())
                .queueUrl(queueUrl)
                .handler(message -> { })
                .waitTime(Duration.ofSeconds(2))
                .build();
        consumer.start();

        // when
        long closing = System.nanoTime();
        consumer.close();
        consumer.close();

        // then it waited at most one poll, and a second close is harmless
        assertThat(Duration.ofNanos(System.nanoTime() - closing)).isLessThan(Duration.ofSeconds(4));
        assertThat(consumer.state()).isEqualTo(ConsumerState.STOPPED);
    }
}

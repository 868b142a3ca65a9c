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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

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
    void closeOfAnIdleConsumerReturnsInAboutASecondAndItsLongPollHandsBackWhatItGets() {
        // given an idle consumer with the default 20 s long polls, on a queue with a RedrivePolicy of 2 receives
        String dlqUrl = sqs.createQueue(QueueSpec.standard().namePrefix("shutdown-dlq"));
        String queueUrl = sqs.createQueue(QueueSpec.standard().visibilityTimeout(Duration.ofSeconds(30))
                .redriveTo(dlqUrl, 2));
        SqsConsumer consumer = SqsConsumer.builder()
                .sqsClient(sqs.client())
                .queueUrl(queueUrl)
                .handler(message -> { })
                .build();
        consumer.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> sqs.counts(queueUrl).total() == 0);
        sleepQuietly(Duration.ofMillis(500)); // the first long poll is waiting on the empty queue

        // when it closes, twice
        long closing = System.nanoTime();
        consumer.close();
        consumer.close();
        Duration closeTook = Duration.ofNanos(System.nanoTime() - closing);

        // then it returned in about a second, not after the 20 s poll
        assertThat(closeTook).isLessThan(Duration.ofMillis(2_500));
        assertThat(consumer.state()).isEqualTo(ConsumerState.STOPPED);

        // and a message that arrives while the left poll still waits is handed back at once, not left invisible
        sqs.sendMessages(queueUrl, 3);
        await().atMost(Duration.ofSeconds(5)).until(() -> sqs.counts(queueUrl).visible() == 3);
        System.out.printf("close of an idle consumer took %d ms; messages its left poll handed back: %d%n",
                closeTook.toMillis(), sqs.counts(queueUrl).visible());

        // and the receive it counted does not push them into the RedrivePolicy's DLQ: the next consumer handles them
        AtomicInteger handled = new AtomicInteger();
        try (SqsConsumer next = SqsConsumer.builder().sqsClient(sqs.client()).queueUrl(queueUrl)
                .handler(message -> handled.incrementAndGet()).build()) {
            next.start();
            sqs.awaitDrained(queueUrl, Duration.ofSeconds(10));
        }
        assertThat(handled).hasValue(3);
        assertThat(sqs.counts(dlqUrl).total()).isZero();
    }

    @Test
    void aLongPollAbandonedWithItsClientLeavesAtMostOneReceiveOfMessagesInvisible() {
        // given an idle consumer on its own client, which is closed right after the consumer, as a process exiting
        String queueUrl = sqs.createQueue(QueueSpec.standard().visibilityTimeout(Duration.ofSeconds(30)));
        SqsAsyncClient client = sqs.newClient();
        SqsConsumer consumer = SqsConsumer.builder().sqsClient(client).queueUrl(queueUrl).handler(message -> { })
                .build();
        consumer.start();
        sleepQuietly(Duration.ofMillis(500));

        // when both close and messages arrive during what is left of the poll's 20 s
        long closing = System.nanoTime();
        consumer.close();
        Duration closeTook = Duration.ofNanos(System.nanoTime() - closing);
        client.close();
        sqs.sendMessages(queueUrl, 20);
        sleepQuietly(Duration.ofSeconds(1));

        // then nothing is lost; what the abandoned poll took is invisible until its visibility lapses: at most one
        // receive's worth, the figure docs/configuration.md states
        EmbeddedSqs.QueueCounts counts = sqs.counts(queueUrl);
        System.out.printf("close took %d ms; messages left invisible by the abandoned poll: %d of 20%n",
                closeTook.toMillis(), counts.notVisible());
        assertThat(closeTook).isLessThan(Duration.ofMillis(2_500));
        assertThat(counts.total()).isEqualTo(20);
        assertThat(counts.notVisible()).isLessThanOrEqualTo(10);
    }

    @Test
    void closeUnderLoadWithDefaultPollsReturnsAfterTheRunningHandlersAndLosesNothing() {
        // given a consumer with default waitTime and shutdownTimeout, handlers of up to 300 ms, and a backlog
        String queueUrl = sqs.createQueue(QueueSpec.standard().visibilityTimeout(Duration.ofSeconds(30)));
        sqs.sendAll(queueUrl, IntStream.range(0, 500).mapToObj(i -> "m" + i).toList());
        SqsConsumer consumer = SqsConsumer.builder()
                .sqsClient(sqs.client())
                .queueUrl(queueUrl)
                .handler(message -> SimulatedWork.lasting(Duration.ofMillis(ThreadLocalRandom.current().nextInt(300))))
                .maxConcurrency(16)
                .build();
        consumer.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> consumer.metrics().deleted() >= 50);

        // when
        long closing = System.nanoTime();
        consumer.close();
        Duration closeTook = Duration.ofNanos(System.nanoTime() - closing);

        // then it took the running handlers (at most 300 ms) plus about a second, and every message is deleted or
        // visible again
        System.out.printf("close under load took %d ms%n", closeTook.toMillis());
        assertThat(closeTook).isLessThan(Duration.ofMillis(2_500));
        await().atMost(Duration.ofSeconds(5)).until(() -> sqs.counts(queueUrl).notVisible() == 0);
        ConsumerMetrics metrics = consumer.metrics();
        assertThat(sqs.counts(queueUrl).visible() + metrics.deleted()).isEqualTo(500);
        assertThat(metrics.inFlight()).isZero();
    }

    private static void sleepQuietly(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.github.sqsreliable.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.sqsreliable.BatchResult;
import io.github.sqsreliable.SqsConsumer;
import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.retry.Backoff;
import io.github.sqsreliable.retry.PermanentFailureException;
import io.github.sqsreliable.test.EmbeddedSqs;
import io.github.sqsreliable.test.QueueSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class BatchHandlerIT {

    private final EmbeddedSqs sqs = EmbeddedSqs.shared();

    @Test
    void partialBatchFailureRetriesOnlyTheFailedMessages() {
        // given 30 messages, of which "m7" and "m19" fail on their first attempt
        String queueUrl = sqs.createQueue(QueueSpec.standard().visibilityTimeout(Duration.ofSeconds(5)));
        sqs.sendAll(queueUrl, IntStream.range(0, 30).mapToObj(i -> "m" + i).toList());
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        List<Integer> batchSizes = new CopyOnWriteArrayList<>();

        // when
        try (SqsConsumer consumer = SqsConsumer.builder()
                .sqsClient(sqs.client())
                .queueUrl(queueUrl)
                .waitTime(Duration.ofSeconds(1))
                .retry(r -> r.onSameQueue(3, Backoff.fixed(Duration.ofSeconds(1))))
                .batchHandler(messages -> {
                    batchSizes.add(messages.size());
                    BatchResult.Builder result = BatchResult.builder();
                    for (SqsMessage message : messages) {
                        int call = calls.computeIfAbsent(message.body(), b -> new AtomicInteger()).incrementAndGet();
                        if ((message.body().equals("m7") || message.body().equals("m19")) && call == 1) {
                            result.failed(message, new IllegalStateException("downstream refused " + message.body()));
                        }
                    }
                    return result.build();
                })
                .build()) {
            consumer.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> consumer.metrics().deleted() == 30);

            // then the failed two ran twice, every other message once, and batches held several messages
            for (int i = 0; i < 30; i++) {
                String body = "m" + i;
                int expected = body.equals("m7") || body.equals("m19") ? 2 : 1;
                assertThat(calls.get(body)).as(body).hasValue(expected);
            }
            assertThat(consumer.metrics().failed()).isEqualTo(2);
            assertThat(consumer.metrics().retriesScheduled()).isEqualTo(2);
            assertThat(batchSizes.stream().mapToInt(Integer::intValue).max().orElse(0)).isGreaterThan(1);
        }
        assertThat(sqs.counts(queueUrl).total()).isZero();
    }

    @Test
    void aThrowingBatchHandlerFailsEveryMessageOfTheBatch() {
        // given a batch handler that throws on its first call
        String queueUrl = sqs.createQueue(QueueSpec.standard().visibilityTimeout(Duration.ofSeconds(5)));
        sqs.sendAll(queueUrl, IntStream.range(0, 5).mapToObj(i -> "m" + i).toList());
        AtomicInteger batches = new AtomicInteger();
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

        try (SqsConsumer consumer = SqsConsumer.builder()
                .sqsClient(sqs.client())
                .queueUrl(queueUrl)
                .waitTime(Duration.ofSeconds(1))
                .pollers(1)
                .retry(r -> r.onSameQueue(3, Backoff.fixed(Duration.ofSeconds(1))))
                .batchHandler(messages -> {
                    messages.forEach(m -> calls.computeIfAbsent(m.body(), b -> new AtomicInteger()).incrementAndGet());
                    if (batches.incrementAndGet() == 1) {
                        throw new IllegalStateException("index unavailable");
                    }
                    return BatchResult.success();
                })
                .build()) {
            consumer.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> consumer.metrics().deleted() == 5);

            // then every message of the first batch failed once and succeeded later
            long failed = consumer.metrics().failed();
            assertThat(failed).isPositive();
            assertThat(calls.values().stream().mapToInt(AtomicInteger::get).sum()).isEqualTo(5 + (int) failed);
        }
        assertThat(sqs.counts(queueUrl).total()).isZero();
    }

    @Test
    void fifoBatchKeepsGroupOrderAcrossAFailure() {
        // given a FIFO group of 12 messages whose 4th fails once
        String queueUrl = sqs.createQueue(QueueSpec.fifoQueue().visibilityTimeout(Duration.ofSeconds(5)));
        sqs.sendGroupInOrder(queueUrl, "g", IntStream.range(0, 12).mapToObj(i -> "g:" + i).toList());
        List<String> succeeded = new CopyOnWriteArrayList<>();
        AtomicInteger failures = new AtomicInteger();

        try (SqsConsumer consumer = SqsConsumer.builder()
                .sqsClient(sqs.client())
                .queueUrl(queueUrl)
                .waitTime(Duration.ofSeconds(1))
                .retry(r -> r.onSameQueue(3, Backoff.fixed(Duration.ofSeconds(1))))
                .batchHandler(messages -> {
                    BatchResult.Builder result = BatchResult.builder();
                    boolean stopped = false;
                    for (SqsMessage message : messages) {
                        if (stopped) {
                            result.failed(message, new IllegalStateException("behind a failure"));
                        } else if (message.body().equals("g:3") && failures.getAndIncrement() == 0) {
                            result.failed(message, new IllegalStateException("first try of g:3"));
                            stopped = true;
                        } else {
                            succeeded.add(message.body());
                        }
                    }
                    return result.build();
                })
                .build()) {
            consumer.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> consumer.metrics().deleted() == 12);

            // then each message succeeded once, in group order
            assertThat(succeeded).containsExactlyElementsOf(IntStream.range(0, 12).mapToObj(i -> "g:" + i).toList());
        }
        assertThat(sqs.counts(queueUrl).total()).isZero();
    }

    @Test
    void fifoBatchHandlerThatStopsAtAPermanentFailureLosesNoLaterMessage() {
        // given a FIFO group of 8 messages whose 3rd fails for good, a dead-letter queue, and a handler that stops at
        // the first failure without naming the messages it did not process
        String dlqUrl = sqs.createQueue(QueueSpec.fifoQueue());
        String queueUrl = sqs.createQueue(QueueSpec.fifoQueue().visibilityTimeout(Duration.ofSeconds(5)));
        sqs.sendGroupInOrder(queueUrl, "g", IntStream.range(0, 8).mapToObj(i -> "g:" + i).toList());
        List<String> succeeded = new CopyOnWriteArrayList<>();

        try (SqsConsumer consumer = SqsConsumer.builder()
                .sqsClient(sqs.client())
                .queueUrl(queueUrl)
                .waitTime(Duration.ofSeconds(1))
                .retry(r -> r.onSameQueue(1, Backoff.fixed(Duration.ofSeconds(1))).thenDeadLetter(dlqUrl))
                .batchHandler(messages -> {
                    for (SqsMessage message : messages) {
                        if (message.body().equals("g:2")) {
                            return BatchResult.builder()
                                    .failed(message, new PermanentFailureException("g:2 is malformed")).build();
                        }
                        succeeded.add(message.body());
                    }
                    return BatchResult.success();
                })
                .build()) {
            consumer.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> consumer.metrics().succeeded() == 7
                    && consumer.metrics().deadLettered() == 1);

            // then every other message was handled once, in group order, and g:2 is in the dead-letter queue
            assertThat(succeeded).containsExactly("g:0", "g:1", "g:3", "g:4", "g:5", "g:6", "g:7");
        }
        assertThat(sqs.readAll(dlqUrl)).extracting(message -> message.body()).containsExactly("g:2");
        assertThat(sqs.counts(queueUrl).total()).isZero();
    }
}

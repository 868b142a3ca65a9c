package io.github.sqsreliable.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.sqsreliable.SqsConsumer;
import io.github.sqsreliable.retry.Backoff;
import io.github.sqsreliable.retry.FailureRecord;
import io.github.sqsreliable.test.EmbeddedSqs;
import io.github.sqsreliable.test.QueueSpec;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

@Timeout(60)
class RetryQueueSameConsumerIT {

    private final EmbeddedSqs sqs = EmbeddedSqs.shared();

    @Test
    void oneConsumerFollowsAMessageThroughItsRetryQueueToTheDeadLetterQueue() {
        // given a consumer whose policy retries once in place, twice via a retry queue, then dead-letters
        String mainQueue = sqs.createQueue(QueueSpec.standard().visibilityTimeout(Duration.ofSeconds(5)));
        String retryQueue = sqs.createQueue(QueueSpec.standard().namePrefix("retry").visibilityTimeout(Duration.ofSeconds(5)));
        String deadLetterQueue = sqs.createQueue(QueueSpec.standard().namePrefix("dlq"));
        sqs.client().sendMessage(SendMessageRequest.builder().queueUrl(mainQueue).messageBody("doomed").build()).join();
        List<String> handledOn = new CopyOnWriteArrayList<>();

        // when its handler always fails
        try (SqsConsumer consumer = SqsConsumer.builder()
                .sqsClient(sqs.client())
                .queueUrl(mainQueue)
                .waitTime(Duration.ofSeconds(1))
                .retry(r -> r.onSameQueue(1, Backoff.fixed(Duration.ofSeconds(1)))
                        .thenQueue(retryQueue, 2, Backoff.fixed(Duration.ofSeconds(1)))
                        .thenDeadLetter(deadLetterQueue))
                .handler(message -> {
                    handledOn.add(message.queueUrl());
                    throw new IllegalStateException("downstream is down");
                })
                .build()) {
            consumer.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> consumer.metrics().deadLettered() == 1);

            // then it ran once on the main queue and twice on the retry queue, all within this one consumer
            assertThat(handledOn).containsExactly(mainQueue, retryQueue, retryQueue);
            assertThat(consumer.metrics().movedToRetryQueue()).isEqualTo(1);
            assertThat(consumer.metrics().retriesScheduled()).isEqualTo(1);
        }
        List<Message> deadLetters = sqs.client().receiveMessage(ReceiveMessageRequest.builder()
                .queueUrl(deadLetterQueue).messageAttributeNames("All").maxNumberOfMessages(10).build())
                .join().messages();
        assertThat(deadLetters).hasSize(1);
        FailureRecord record = FailureRecord.of(deadLetters.get(0).messageAttributes()).orElseThrow();
        assertThat(record.attempts()).isEqualTo(3);
        assertThat(record.originQueueUrl()).isEqualTo(mainQueue);
        assertThat(record.deadLetterReason()).isEqualTo(FailureRecord.DeadLetterReason.ATTEMPTS_EXHAUSTED);
        assertThat(deadLetters.get(0).body()).isEqualTo("doomed");
        assertThat(sqs.counts(mainQueue).total()).isZero();
        assertThat(sqs.counts(retryQueue).total()).isZero();
    }

    @Test
    void aMessageThatRecoversOnTheRetryQueueIsDeletedThere() {
        String mainQueue = sqs.createQueue(QueueSpec.standard().visibilityTimeout(Duration.ofSeconds(5)));
        String retryQueue = sqs.createQueue(QueueSpec.standard().namePrefix("retry").visibilityTimeout(Duration.ofSeconds(5)));
        String deadLetterQueue = sqs.createQueue(QueueSpec.standard().namePrefix("dlq"));
        sqs.client().sendMessage(SendMessageRequest.builder().queueUrl(mainQueue).messageBody("flaky").build()).join();
        AtomicInteger calls = new AtomicInteger();

        try (SqsConsumer consumer = SqsConsumer.builder()
                .sqsClient(sqs.client())
                .queueUrl(mainQueue)
                .waitTime(Duration.ofSeconds(1))
                .retry(r -> r.onSameQueue(1, Backoff.fixed(Duration.ofSeconds(1)))
                        .thenQueue(retryQueue, 3, Backoff.fixed(Duration.ofSeconds(1)))
                        .thenDeadLetter(deadLetterQueue))
                .handler(message -> {
                    if (calls.incrementAndGet() < 3) {
                        throw new IllegalStateException("not yet");
                    }
                })
                .build()) {
            consumer.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> consumer.metrics().succeeded() == 1);
            await().atMost(Duration.ofSeconds(5)).until(() -> sqs.counts(retryQueue).total() == 0);
            assertThat(consumer.metrics().deadLettered()).isZero();
        }
        assertThat(calls.get()).isEqualTo(3);
        assertThat(sqs.counts(mainQueue).total()).isZero();
        assertThat(sqs.counts(deadLetterQueue).total()).isZero();
    }
}

package io.github.sqsreliable.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.sqsreliable.MessageHandler;
import io.github.sqsreliable.SqsConsumer;
import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.observe.ConsumerEvent;
import io.github.sqsreliable.observe.ConsumerListener;
import io.github.sqsreliable.retry.Backoff;
import io.github.sqsreliable.retry.FailureKind;
import io.github.sqsreliable.retry.FailureRecord;
import io.github.sqsreliable.retry.FailureRecord.DeadLetterReason;
import io.github.sqsreliable.retry.RetryPolicy;
import io.github.sqsreliable.test.EmbeddedSqs;
import io.github.sqsreliable.test.QueueSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * The full path main queue → retry queue → dead-letter queue, with the failure record checked at each hop. The
 * retry queue has a consumer of its own, built with the same handler and policy (the main queue's consumer is
 * told not to consume it too: {@code consumeRetryQueues(false)}).
 */
@Timeout(60)
class RetryTiersIT {

    private final EmbeddedSqs sqs = EmbeddedSqs.shared();

    @Test
    void anAlwaysFailingMessageTravelsMainQueueRetryQueueDeadLetterQueueWithItsHistory() {
        // given a main queue, a retry queue and a dead-letter queue
        String mainQueue = sqs.createQueue(QueueSpec.standard().visibilityTimeout(Duration.ofSeconds(2)));
        String retryQueue = sqs.createQueue(QueueSpec.standard().namePrefix("retry")
                .visibilityTimeout(Duration.ofSeconds(2)));
        String deadLetterQueue = sqs.createQueue(QueueSpec.standard().namePrefix("dlq"));
        RetryPolicy policy = RetryPolicy.builder()
                .onSameQueue(2, Backoff.fixed(Duration.ofSeconds(1)))
                .thenQueue(retryQueue, 2, Backoff.fixed(Duration.ofSeconds(1)))
                .thenDeadLetter(deadLetterQueue)
                .build();
        // and a message with attributes of its own
        Map<String, MessageAttributeValue> attributes = Map.of(
                "tenant", MessageAttributeValue.builder().dataType("String").stringValue("acme").build(),
                "priority", MessageAttributeValue.builder().dataType("Number").stringValue("7").build());
        String originalId = sqs.client().sendMessage(SendMessageRequest.builder().queueUrl(mainQueue)
                .messageBody("doomed").messageAttributes(attributes).build()).join().messageId();
        List<String> handledOn = new CopyOnWriteArrayList<>();
        List<SqsMessage> receivedOnRetryQueue = new CopyOnWriteArrayList<>();
        List<ConsumerEvent.MovedToRetryQueue> moves = new CopyOnWriteArrayList<>();
        List<ConsumerEvent.DeadLettered> deadLetters = new CopyOnWriteArrayList<>();
        ConsumerListener listener = new ConsumerListener() {
            @Override
            public void onReceived(ConsumerEvent.MessageReceived event) {
                if (event.message().queueUrl().equals(retryQueue)) {
                    receivedOnRetryQueue.add(event.message());
                }
            }

            @Override
            public void onMovedToRetryQueue(ConsumerEvent.MovedToRetryQueue event) {
                moves.add(event);
            }

            @Override
            public void onDeadLettered(ConsumerEvent.DeadLettered event) {
                deadLetters.add(event);
            }
        };
        MessageHandler alwaysFailing = message -> {
            handledOn.add(message.queueUrl());
            throw new IllegalStateException("always failing");
        };

        // when a consumer of each queue, with the same handler and policy, handles it
        try (SqsConsumer main = consumer(mainQueue, policy, alwaysFailing, listener).consumeRetryQueues(false).build();
             SqsConsumer retry = consumer(retryQueue, policy, alwaysFailing, listener).build()) {
            main.start();
            retry.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> deadLetters.size() == 1);
            await().atMost(Duration.ofSeconds(5)).until(() -> sqs.counts(retryQueue).total() == 0);

            // then it ran twice on each queue: the policy's 4 attempts
            assertThat(handledOn).containsExactly(mainQueue, mainQueue, retryQueue, retryQueue);
            assertThat(moves).singleElement().satisfies(move -> {
                assertThat(move.retryQueueUrl()).isEqualTo(retryQueue);
                assertThat(move.attempt()).isEqualTo(2);
                assertThat(move.delay()).isEqualTo(Duration.ofSeconds(1));
                assertThat(move.message().messageId()).isEqualTo(originalId);
            });
            assertThat(deadLetters).singleElement().satisfies(deadLetter -> {
                assertThat(deadLetter.reason()).isEqualTo(DeadLetterReason.ATTEMPTS_EXHAUSTED);
                assertThat(deadLetter.deadLetterQueueUrl()).isEqualTo(deadLetterQueue);
            });
            assertThat(main.metrics().retriesScheduled()).isEqualTo(1);
            assertThat(main.metrics().movedToRetryQueue()).isEqualTo(1);
            assertThat(main.metrics().deadLettered()).isZero();
            assertThat(retry.metrics().retriesScheduled()).isEqualTo(1);
            assertThat(retry.metrics().movedToRetryQueue()).isZero();
            assertThat(retry.metrics().deadLettered()).isEqualTo(1);
        }

        // and the copy on the retry queue carried the record of the main queue's attempts
        assertThat(receivedOnRetryQueue).hasSize(2);
        SqsMessage retryCopy = receivedOnRetryQueue.get(0);
        assertThat(retryCopy.messageId()).isNotEqualTo(originalId);
        assertThat(retryCopy.body()).isEqualTo("doomed");
        FailureRecord hop1 = FailureRecord.of(retryCopy).orElseThrow();
        assertThat(hop1.attempts()).isEqualTo(2);
        assertThat(hop1.tier()).isEqualTo(1);
        assertThat(hop1.originQueueUrl()).isEqualTo(mainQueue);
        assertThat(hop1.originalMessageId()).isEqualTo(originalId);
        assertThat(hop1.errorClass()).isEqualTo(IllegalStateException.class.getName());
        assertThat(hop1.errorMessage()).isEqualTo("always failing");
        assertThat(hop1.kind()).isEqualTo(FailureKind.TRANSIENT);
        assertThat(hop1.deadLetterReason()).isNull();
        assertThat(hop1.notBefore()).isNull();
        assertKeepsTheOriginalAttributes(retryCopy.messageAttributes());

        // and the dead-lettered copy carries the whole history, and still the original attributes
        List<Message> dead = sqs.client().receiveMessage(ReceiveMessageRequest.builder().queueUrl(deadLetterQueue)
                .maxNumberOfMessages(10).waitTimeSeconds(1).messageAttributeNames("All").build()).join().messages();
        assertThat(dead).hasSize(1);
        Message deadCopy = dead.get(0);
        assertThat(deadCopy.body()).isEqualTo("doomed");
        FailureRecord hop2 = FailureRecord.of(deadCopy.messageAttributes()).orElseThrow();
        assertThat(hop2.attempts()).isEqualTo(4);
        assertThat(hop2.tier()).isEqualTo(1);
        assertThat(hop2.originQueueUrl()).isEqualTo(mainQueue);
        assertThat(hop2.originalMessageId()).isEqualTo(originalId);
        assertThat(hop2.errorClass()).isEqualTo(IllegalStateException.class.getName());
        assertThat(hop2.deadLetterReason()).isEqualTo(DeadLetterReason.ATTEMPTS_EXHAUSTED);
        assertThat(hop2.firstFailureAt()).isEqualTo(hop1.firstFailureAt());
        assertThat(hop2.lastFailureAt()).isAfter(hop1.lastFailureAt());
        assertThat(hop2.deadLetteredAt()).isAfterOrEqualTo(hop2.lastFailureAt());
        assertKeepsTheOriginalAttributes(deadCopy.messageAttributes());
        assertThat(sqs.counts(mainQueue).total()).isZero();
        assertThat(sqs.counts(retryQueue).total()).isZero();
    }

    private static void assertKeepsTheOriginalAttributes(Map<String, MessageAttributeValue> copied) {
        assertThat(copied).containsOnlyKeys("tenant", "priority", FailureRecord.ATTRIBUTE_NAME);
        assertThat(copied.get("tenant").dataType()).isEqualTo("String");
        assertThat(copied.get("tenant").stringValue()).isEqualTo("acme");
        assertThat(copied.get("priority").dataType()).isEqualTo("Number");
        assertThat(copied.get("priority").stringValue()).isEqualTo("7");
    }

    private SqsConsumer.Builder consumer(String queueUrl, RetryPolicy policy, MessageHandler handler,
                                         ConsumerListener listener) {
        return SqsConsumer.builder()
                .sqsClient(sqs.client())
                .queueUrl(queueUrl)
                .waitTime(Duration.ofSeconds(1))
                .retryPolicy(policy)
                .handler(handler)
                .listener(listener);
    }
}

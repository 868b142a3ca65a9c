package io.github.sqsreliable.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.sqsreliable.SqsConsumer;
import io.github.sqsreliable.retry.Backoff;
import io.github.sqsreliable.retry.FailureRecord;
import io.github.sqsreliable.retry.FailureRecord.DeadLetterReason;
import io.github.sqsreliable.retry.PermanentFailureException;
import io.github.sqsreliable.retry.TransientFailureException;
import io.github.sqsreliable.test.EmbeddedSqs;
import io.github.sqsreliable.test.QueueSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;

/**
 * On a FIFO queue, retries use visibility only and hold the group back in order; a dead-lettered message keeps
 * its group and gets a deduplication id, and the group goes on without it.
 */
@Timeout(60)
class FifoRetryIT {

    private static final int PER_GROUP = 10;

    private final EmbeddedSqs sqs = EmbeddedSqs.shared();

    private static int sequenceOf(String body) {
        return Integer.parseInt(body.substring(body.indexOf(':') + 1));
    }

    @Test
    void aMessageRetriedTwiceHoldsItsGroupBackAndTheGroupStaysInOrder() {
        // given groups A, B and C of 10 messages each
        String queueUrl = sqs.createQueue(QueueSpec.fifoQueue().visibilityTimeout(Duration.ofSeconds(2)));
        for (String group : List.of("A", "B", "C")) {
            sqs.sendGroupInOrder(queueUrl, group, IntStream.range(0, PER_GROUP).mapToObj(i -> group + ":" + i).toList());
        }
        Map<String, List<Integer>> attempts = new ConcurrentHashMap<>();
        Map<String, List<Integer>> successes = new ConcurrentHashMap<>();
        AtomicInteger failuresLeft = new AtomicInteger(2);

        // when A's 2nd message (A:1) fails transiently twice, then succeeds
        try (SqsConsumer consumer = SqsConsumer.builder()
                .sqsClient(sqs.client())
                .queueUrl(queueUrl)
                .waitTime(Duration.ofSeconds(1))
                .retry(r -> r.onSameQueue(5, Backoff.fixed(Duration.ofSeconds(1))))
                .handler(message -> {
                    String group = message.messageGroupId().orElseThrow();
                    int sequence = sequenceOf(message.body());
                    attempts.computeIfAbsent(group, g -> new CopyOnWriteArrayList<>()).add(sequence);
                    if (group.equals("A") && sequence == 1 && failuresLeft.getAndDecrement() > 0) {
                        throw new TransientFailureException("A:1 not yet");
                    }
                    successes.computeIfAbsent(group, g -> new CopyOnWriteArrayList<>()).add(sequence);
                })
                .build()) {
            consumer.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> consumer.metrics().deleted() == 3 * PER_GROUP);

            // then every group succeeded 0..9 in order
            List<Integer> inOrder = IntStream.range(0, PER_GROUP).boxed().toList();
            assertThat(successes.get("A")).containsExactlyElementsOf(inOrder);
            assertThat(successes.get("B")).containsExactlyElementsOf(inOrder);
            assertThat(successes.get("C")).containsExactlyElementsOf(inOrder);
            // and nothing after A:1 ran before A:1 succeeded
            List<Integer> expectedA = new ArrayList<>(List.of(0, 1, 1, 1));
            expectedA.addAll(IntStream.range(2, PER_GROUP).boxed().toList());
            assertThat(attempts.get("A")).containsExactlyElementsOf(expectedA);
            assertThat(consumer.metrics().failed()).isEqualTo(2);
            assertThat(consumer.metrics().retriesScheduled()).isEqualTo(2);
            assertThat(consumer.metrics().movedToRetryQueue()).isZero();
        }
        assertThat(sqs.counts(queueUrl).total()).isZero();
    }

    @Test
    void aDeadLetteredMessageKeepsItsGroupGetsADeduplicationIdAndTheGroupGoesOn() {
        // given a FIFO queue with a FIFO dead-letter queue, and groups G and H of 5 messages
        String deadLetterQueue = sqs.createQueue(QueueSpec.fifoQueue().namePrefix("dlq"));
        String queueUrl = sqs.createQueue(QueueSpec.fifoQueue().visibilityTimeout(Duration.ofSeconds(2)));
        for (String group : List.of("G", "H")) {
            sqs.sendGroupInOrder(queueUrl, group, IntStream.range(0, 5).mapToObj(i -> group + ":" + i).toList());
        }
        Map<String, List<Integer>> attempts = new ConcurrentHashMap<>();
        Map<String, List<Integer>> successes = new ConcurrentHashMap<>();
        Map<String, String> messageIds = new ConcurrentHashMap<>();

        // when G:2 fails permanently
        try (SqsConsumer consumer = SqsConsumer.builder()
                .sqsClient(sqs.client())
                .queueUrl(queueUrl)
                .waitTime(Duration.ofSeconds(1))
                .retry(r -> r.onSameQueue(3, Backoff.fixed(Duration.ofSeconds(1))).thenDeadLetter(deadLetterQueue))
                .handler(message -> {
                    String group = message.messageGroupId().orElseThrow();
                    int sequence = sequenceOf(message.body());
                    messageIds.put(message.body(), message.messageId());
                    attempts.computeIfAbsent(group, g -> new CopyOnWriteArrayList<>()).add(sequence);
                    if (message.body().equals("G:2")) {
                        throw new PermanentFailureException("G:2 can never be applied");
                    }
                    successes.computeIfAbsent(group, g -> new CopyOnWriteArrayList<>()).add(sequence);
                })
                .build()) {
            consumer.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> consumer.metrics().deleted() == 10);

            // then the group went on without G:2, in order, and G:2 was attempted once
            assertThat(successes.get("G")).containsExactly(0, 1, 3, 4);
            assertThat(attempts.get("G")).containsExactly(0, 1, 2, 3, 4);
            assertThat(successes.get("H")).containsExactly(0, 1, 2, 3, 4);
            assertThat(consumer.metrics().deadLettered()).isEqualTo(1);
        }
        assertThat(sqs.counts(queueUrl).total()).isZero();

        // and the dead-lettered copy kept its group and carries a deduplication id derived from the original
        List<Message> dead = sqs.client().receiveMessage(ReceiveMessageRequest.builder()
                .queueUrl(deadLetterQueue)
                .maxNumberOfMessages(10)
                .waitTimeSeconds(1)
                .messageAttributeNames("All")
                .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                .build()).join().messages();
        assertThat(dead).hasSize(1);
        Message copy = dead.get(0);
        assertThat(copy.body()).isEqualTo("G:2");
        assertThat(copy.attributes()).containsEntry(MessageSystemAttributeName.MESSAGE_GROUP_ID, "G");
        assertThat(copy.attributes().get(MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID))
                .startsWith("sqsreliable-")
                .isEqualTo("sqsreliable-" + messageIds.get("G:2"));
        FailureRecord record = FailureRecord.of(copy.messageAttributes()).orElseThrow();
        assertThat(record.deadLetterReason()).isEqualTo(DeadLetterReason.PERMANENT_FAILURE);
        assertThat(record.attempts()).isEqualTo(1);
        assertThat(record.originQueueUrl()).isEqualTo(queueUrl);
        assertThat(record.originalMessageId()).isEqualTo(messageIds.get("G:2"));
    }
}

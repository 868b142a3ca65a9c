package io.github.sqsreliable.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.sqsreliable.SqsConsumer;
import io.github.sqsreliable.internal.settle.CopyTooLargeException;
import io.github.sqsreliable.observe.ConsumerEvent;
import io.github.sqsreliable.observe.ConsumerEvent.FailureRecordForm;
import io.github.sqsreliable.observe.ConsumerListener;
import io.github.sqsreliable.retry.Backoff;
import io.github.sqsreliable.retry.FailureKind;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.CreateQueueRequest;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * Messages at their target's size limit still move: the failure record shrinks, or is left off, so that the copy
 * fits; a move that fails anyway (a target too small for the body, a dead-letter queue that does not exist) leaves
 * the original on its queue and never runs the handler again, in this process. ElasticMQ is made to keep SQS's
 * size rules by {@link SqsSizeRules}.
 */
@Timeout(90)
class MoveSizeLimitIT {

    private static final Duration VISIBILITY = Duration.ofSeconds(2);
    private static final Backoff ONE_SECOND = Backoff.fixed(Duration.ofSeconds(1));
    private static final MessageAttributeValue TENANT =
            MessageAttributeValue.builder().dataType("String").stringValue("acme").build();
    /** "tenant" + "String" + "acme" */
    private static final int TENANT_SIZE = 16;

    private final EmbeddedSqs sqs = EmbeddedSqs.shared();
    private final SqsSizeRules sizeRules = new SqsSizeRules();

    /** Records what the tests look at. */
    private static final class Recorder implements ConsumerListener {
        final List<ConsumerEvent.DeadLettered> deadLettered = new CopyOnWriteArrayList<>();
        final List<ConsumerEvent.MovedToRetryQueue> movedToRetryQueue = new CopyOnWriteArrayList<>();
        final List<ConsumerEvent.MoveFailed> moveFailed = new CopyOnWriteArrayList<>();

        @Override
        public void onDeadLettered(ConsumerEvent.DeadLettered event) {
            deadLettered.add(event);
        }

        @Override
        public void onMovedToRetryQueue(ConsumerEvent.MovedToRetryQueue event) {
            movedToRetryQueue.add(event);
        }

        @Override
        public void onMoveFailed(ConsumerEvent.MoveFailed event) {
            moveFailed.add(event);
        }
    }

    @ParameterizedTest(name = "fifo={0}, bytes under the limit={1}")
    @CsvSource({"false, 0", "false, 1", "true, 0", "true, 1"})
    void aPermanentFailureAtTheSizeLimitReachesTheDeadLetterQueueWithoutItsRecordAfterOneAttempt(
            boolean fifo, int underTheLimit) {
        // given a message of exactly SQS's 1 MiB maximum (or one byte under), body and one attribute together
        QueueSpec spec = fifo ? QueueSpec.fifoQueue() : QueueSpec.standard();
        String deadLetterQueue = sqs.createQueue(spec.namePrefix("dlq"));
        String queueUrl = sqs.createQueue(spec.visibilityTimeout(VISIBILITY));
        String body = "x".repeat(SqsSizeRules.SQS_MAXIMUM - underTheLimit - TENANT_SIZE);
        assertThat(SqsSizeRules.sizeOf(body, Map.of("tenant", TENANT)))
                .isEqualTo(SqsSizeRules.SQS_MAXIMUM - underTheLimit);
        String messageId = send(queueUrl, body, fifo);
        AtomicInteger calls = new AtomicInteger();
        Recorder events = new Recorder();

        // when its handler fails permanently
        try (SqsAsyncClient client = sqs.newClient(sizeRules);
             SqsConsumer consumer = SqsConsumer.builder()
                     .sqsClient(client)
                     .queueUrl(queueUrl)
                     .waitTime(Duration.ofSeconds(1))
                     .retry(r -> r.onSameQueue(3, ONE_SECOND).thenDeadLetter(deadLetterQueue))
                     .listener(events)
                     .handler(message -> {
                         calls.incrementAndGet();
                         throw new PermanentFailureException("not an order");
                     })
                     .build()) {
            consumer.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> consumer.metrics().deadLettered() == 1);
            await().atMost(Duration.ofSeconds(5)).until(() -> sqs.counts(queueUrl).total() == 0);

            // then it was handled once and dead-lettered, the event saying the record was left off for size
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> calls.get() == 1);
            assertThat(consumer.metrics().moveFailures()).isZero();
            assertThat(events.deadLettered).singleElement().satisfies(event -> {
                assertThat(event.recordForm()).isEqualTo(FailureRecordForm.DROPPED_FOR_SIZE);
                assertThat(event.reason()).isEqualTo(DeadLetterReason.PERMANENT_FAILURE);
                assertThat(event.message().messageId()).isEqualTo(messageId);
            });
        }
        // and the copy is the message as it was: same body and attribute, no record
        Message copy = receiveAll(deadLetterQueue, 1).get(0);
        assertThat(copy.body()).isEqualTo(body);
        assertThat(copy.messageAttributes()).containsOnlyKeys("tenant");
        assertThat(FailureRecord.of(copy.messageAttributes())).isEmpty();
        if (fifo) {
            assertThat(copy.attributesAsStrings()).containsEntry("MessageGroupId", "g")
                    .containsEntry("MessageDeduplicationId", "sqsreliable-" + messageId);
        }
    }

    @ParameterizedTest(name = "bytes under the limit={0}")
    @CsvSource({"0", "1"})
    void aMessageAtItsQueuesLimitMovesThroughTheRetryTierAndToTheDeadLetterQueueWithoutARecord(int underTheLimit) {
        // given three queues with a MaximumMessageSize of 64 KiB, and a message of exactly that (or one byte under)
        int limit = 65_536;
        String deadLetterQueue = sqs.createQueue(QueueSpec.standard().namePrefix("dlq"));
        String retryQueue = sqs.createQueue(QueueSpec.standard().namePrefix("retry").visibilityTimeout(VISIBILITY));
        String queueUrl = sqs.createQueue(QueueSpec.standard().visibilityTimeout(VISIBILITY));
        List.of(deadLetterQueue, retryQueue, queueUrl).forEach(url -> sizeRules.limit(url, limit));
        String body = "y".repeat(limit - underTheLimit - TENANT_SIZE);
        send(queueUrl, body, false);
        AtomicInteger calls = new AtomicInteger();
        Recorder events = new Recorder();

        // when it always fails transiently: one attempt on the queue, one on the retry queue, then the DLQ
        try (SqsAsyncClient client = sqs.newClient(sizeRules);
             SqsConsumer consumer = SqsConsumer.builder()
                     .sqsClient(client)
                     .queueUrl(queueUrl)
                     .waitTime(Duration.ofSeconds(1))
                     .retry(r -> r.onSameQueue(1, ONE_SECOND).thenQueue(retryQueue, 1, ONE_SECOND)
                             .thenDeadLetter(deadLetterQueue))
                     .listener(events)
                     .handler(message -> {
                         calls.incrementAndGet();
                         throw new TransientFailureException("downstream is down");
                     })
                     .build()) {
            consumer.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> consumer.metrics().deadLettered() == 1);
            await().atMost(Duration.ofSeconds(5)).until(() -> sqs.counts(queueUrl).total() == 0
                    && sqs.counts(retryQueue).total() == 0);

            // then each hop moved the copy without a record, said so, and nothing failed or repeated
            assertThat(calls).hasValue(2);
            assertThat(consumer.metrics().moveFailures()).isZero();
            assertThat(events.movedToRetryQueue).singleElement()
                    .satisfies(event -> assertThat(event.recordForm()).isEqualTo(FailureRecordForm.DROPPED_FOR_SIZE));
            assertThat(events.deadLettered).singleElement().satisfies(event -> {
                assertThat(event.recordForm()).isEqualTo(FailureRecordForm.DROPPED_FOR_SIZE);
                assertThat(event.reason()).isEqualTo(DeadLetterReason.ATTEMPTS_EXHAUSTED);
            });
        }
        Message copy = receiveAll(deadLetterQueue, 1).get(0);
        assertThat(copy.body()).isEqualTo(body);
        assertThat(copy.messageAttributes()).containsOnlyKeys("tenant");
    }

    @Test
    void whenTheTargetsLimitCannotBeReadSqssRefusalTeachesItAndTheErrorMessageIsCutToFit() {
        // given a dead-letter queue whose MaximumMessageSize (2,048) the consumer cannot read, and an error message
        // of 256 two-byte characters: with the whole record the copy is larger than 2,048 bytes
        String deadLetterQueue = sqs.createQueue(QueueSpec.standard().namePrefix("dlq"));
        String queueUrl = sqs.createQueue(QueueSpec.standard().visibilityTimeout(VISIBILITY));
        sizeRules.limit(deadLetterQueue, 2_048).hideLimit(deadLetterQueue);
        String body = "z".repeat(1_000);
        send(queueUrl, body, false);
        AtomicInteger calls = new AtomicInteger();
        Recorder events = new Recorder();

        // when its handler fails permanently
        try (SqsAsyncClient client = sqs.newClient(sizeRules);
             SqsConsumer consumer = SqsConsumer.builder()
                     .sqsClient(client)
                     .queueUrl(queueUrl)
                     .waitTime(Duration.ofSeconds(1))
                     .retry(r -> r.onSameQueue(3, ONE_SECOND).thenDeadLetter(deadLetterQueue))
                     .listener(events)
                     .handler(message -> {
                         calls.incrementAndGet();
                         throw new PermanentFailureException("é".repeat(256));
                     })
                     .build()) {
            consumer.start();
            await().atMost(Duration.ofSeconds(15)).until(() -> consumer.metrics().deadLettered() == 1);

            // then the refused copy was not sent again as it was: a smaller one went, on the same attempt
            assertThat(calls).hasValue(1);
            assertThat(consumer.metrics().moveFailures()).isZero();
            assertThat(events.deadLettered).singleElement().satisfies(event -> assertThat(event.recordForm())
                    .isEqualTo(FailureRecordForm.SHORTENED_ERROR_MESSAGE));
        }
        // and the copy carries the record with its error message cut to fit just under the limit
        Message copy = receiveAll(deadLetterQueue, 1).get(0);
        assertThat(SqsSizeRules.sizeOf(copy.body(), copy.messageAttributes())).isLessThanOrEqualTo(2_048)
                .isGreaterThan(2_048 - 12);
        FailureRecord record = FailureRecord.of(copy.messageAttributes()).orElseThrow();
        assertThat(record.errorMessage()).endsWith("…").startsWith("éé");
        assertThat(record.errorClass()).isEqualTo(PermanentFailureException.class.getName());
        assertThat(record.deadLetterReason()).isEqualTo(DeadLetterReason.PERMANENT_FAILURE);
        assertThat(record.kind()).isEqualTo(FailureKind.PERMANENT);
    }

    @Test
    void aBodyTooLargeForTheDeadLetterQueueStaysAndIsNotHandledAgainUntilTheQueueTakesIt() {
        // given a dead-letter queue with SQS's smallest MaximumMessageSize, 1,024 bytes, and a 2,000-byte message
        String deadLetterQueue = sqs.createQueue(QueueSpec.standard().namePrefix("dlq"));
        String queueUrl = sqs.createQueue(QueueSpec.standard().visibilityTimeout(VISIBILITY));
        sizeRules.limit(deadLetterQueue, 1_024);
        send(queueUrl, "w".repeat(2_000), false);
        AtomicInteger calls = new AtomicInteger();
        Recorder events = new Recorder();

        try (SqsAsyncClient client = sqs.newClient(sizeRules);
             SqsConsumer consumer = SqsConsumer.builder()
                     .sqsClient(client)
                     .queueUrl(queueUrl)
                     .waitTime(Duration.ofSeconds(1))
                     .retry(r -> r.onSameQueue(3, ONE_SECOND).thenDeadLetter(deadLetterQueue))
                     .listener(events)
                     .handler(message -> {
                         calls.incrementAndGet();
                         throw new PermanentFailureException("not an order");
                     })
                     .build()) {
            consumer.start();

            // when the move has failed three times (after 0 s, then backoffs of 1 s and 2 s)
            await().atMost(Duration.ofSeconds(15)).until(() -> events.moveFailed.size() >= 3);

            // then the handler ran once; the original is still on the queue; each failure is an event and a metric
            assertThat(calls).hasValue(1);
            assertThat(sqs.counts(queueUrl).total()).isEqualTo(1);
            assertThat(consumer.metrics().moveFailures()).isGreaterThanOrEqualTo(3);
            assertThat(consumer.metrics().deleted()).isZero();
            assertThat(events.moveFailed.subList(0, 3)).extracting(ConsumerEvent.MoveFailed::retryIn)
                    .containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4));
            assertThat(events.moveFailed).allSatisfy(event -> {
                assertThat(event.cause()).isInstanceOf(CopyTooLargeException.class)
                        .hasMessageContaining("2016 bytes").hasMessageContaining("(1024 bytes)");
                assertThat(event.targetQueueUrl()).isEqualTo(deadLetterQueue);
            });

            // when the dead-letter queue's limit is raised
            sizeRules.limit(deadLetterQueue, SqsSizeRules.SQS_MAXIMUM);

            // then the next try moves it, still without running the handler again
            await().atMost(Duration.ofSeconds(15)).until(() -> consumer.metrics().deadLettered() == 1);
            await().atMost(Duration.ofSeconds(5)).until(() -> sqs.counts(queueUrl).total() == 0);
            assertThat(calls).hasValue(1);
            assertThat(events.deadLettered).singleElement()
                    .satisfies(event -> assertThat(event.recordForm()).isEqualTo(FailureRecordForm.FULL));
        }
        FailureRecord record = FailureRecord.of(receiveAll(deadLetterQueue, 1).get(0).messageAttributes())
                .orElseThrow();
        assertThat(record.attempts()).isEqualTo(1);
    }

    @ParameterizedTest(name = "fifo={0}")
    @CsvSource({"false", "true"})
    void aMissingDeadLetterQueueLeavesTheOriginalUnhandledUntilTheQueueExists(boolean fifo) {
        // given a dead-letter queue URL whose queue does not exist yet
        QueueSpec spec = fifo ? QueueSpec.fifoQueue() : QueueSpec.standard();
        String queueUrl = sqs.createQueue(spec.visibilityTimeout(VISIBILITY));
        String deadLetterName = "missing-dlq-" + System.nanoTime() + (fifo ? ".fifo" : "");
        String deadLetterQueue = queueUrl.substring(0, queueUrl.lastIndexOf('/') + 1) + deadLetterName;
        String messageId = send(queueUrl, "poison", fifo);
        AtomicInteger calls = new AtomicInteger();
        Recorder events = new Recorder();

        try (SqsAsyncClient client = sqs.newClient(sizeRules);
             SqsConsumer consumer = SqsConsumer.builder()
                     .sqsClient(client)
                     .queueUrl(queueUrl)
                     .waitTime(Duration.ofSeconds(1))
                     .retry(r -> r.onSameQueue(3, ONE_SECOND).thenDeadLetter(deadLetterQueue))
                     .listener(events)
                     .handler(message -> {
                         calls.incrementAndGet();
                         throw new PermanentFailureException("poison");
                     })
                     .build()) {
            consumer.start();

            // when the move has failed twice
            await().atMost(Duration.ofSeconds(15)).until(() -> events.moveFailed.size() >= 2);

            // then the original was neither deleted nor handled again; the failures are events and metrics
            assertThat(calls).hasValue(1);
            assertThat(sqs.counts(queueUrl).total()).isEqualTo(1);
            assertThat(consumer.metrics().moveFailures()).isGreaterThanOrEqualTo(2);
            assertThat(consumer.metrics().failed()).isEqualTo(1);
            assertThat(events.moveFailed).allSatisfy(event -> {
                assertThat(event.cause()).isInstanceOf(QueueDoesNotExistException.class);
                assertThat(event.message().messageId()).isEqualTo(messageId);
            });

            // when the dead-letter queue is created
            createNamedQueue(deadLetterName, fifo);

            // then the message reaches it, exactly once, and its handler still ran only once
            await().atMost(Duration.ofSeconds(15)).until(() -> consumer.metrics().deadLettered() == 1);
            await().atMost(Duration.ofSeconds(5)).until(() -> sqs.counts(queueUrl).total() == 0);
            assertThat(calls).hasValue(1);
        }
        Message copy = receiveAll(deadLetterQueue, 1).get(0);
        FailureRecord record = FailureRecord.of(copy.messageAttributes()).orElseThrow();
        assertThat(record.attempts()).isEqualTo(1);
        assertThat(record.originalMessageId()).isEqualTo(messageId);
    }

    private void createNamedQueue(String name, boolean fifo) {
        CreateQueueRequest.Builder request = CreateQueueRequest.builder().queueName(name);
        if (fifo) {
            request.attributes(Map.of(QueueAttributeName.FIFO_QUEUE, "true"));
        }
        sqs.client().createQueue(request.build()).join();
    }

    private String send(String queueUrl, String body, boolean fifo) {
        SendMessageRequest.Builder request = SendMessageRequest.builder().queueUrl(queueUrl).messageBody(body)
                .messageAttributes(Map.of("tenant", TENANT));
        if (fifo) {
            request.messageGroupId("g").messageDeduplicationId("d-" + System.nanoTime());
        }
        return sqs.client().sendMessage(request.build()).join().messageId();
    }

    /** Receives (and leaves invisible for a minute) exactly {@code expected} messages. */
    private List<Message> receiveAll(String queueUrl, int expected) {
        List<Message> received = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            received.addAll(sqs.client().receiveMessage(ReceiveMessageRequest.builder()
                    .queueUrl(queueUrl)
                    .maxNumberOfMessages(10)
                    .waitTimeSeconds(1)
                    .visibilityTimeout(60)
                    .messageAttributeNames("All")
                    .messageSystemAttributeNamesWithStrings("All")
                    .build()).join().messages());
            return received.size() >= expected;
        });
        assertThat(received).hasSize(expected);
        return received;
    }
}

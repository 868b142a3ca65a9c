package io.github.sqsreliable.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.sqsreliable.SqsConsumer;
import io.github.sqsreliable.observe.ConsumerEvent;
import io.github.sqsreliable.observe.ConsumerListener;
import io.github.sqsreliable.retry.Backoff;
import io.github.sqsreliable.retry.ErrorClassifier;
import io.github.sqsreliable.retry.FailureKind;
import io.github.sqsreliable.retry.FailureRecord;
import io.github.sqsreliable.retry.FailureRecord.DeadLetterReason;
import io.github.sqsreliable.retry.PermanentFailureException;
import io.github.sqsreliable.test.EmbeddedSqs;
import io.github.sqsreliable.test.QueueSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * Messages that cannot be handled end in a dead-letter queue with their failure record: permanent failures at
 * once (a handler's stack overflow among them), transient ones when out of attempts; a failed send to the dead-letter
 * queue loses nothing and does not run the handler again; and without a
 * dead-letter queue of its own the consumer hands permanent failures to the queue's RedrivePolicy.
 */
@Timeout(60)
class DeadLetteringIT {

    private static final Duration VISIBILITY = Duration.ofSeconds(2);
    private static final Backoff ONE_SECOND = Backoff.fixed(Duration.ofSeconds(1));

    private final EmbeddedSqs sqs = EmbeddedSqs.shared();

    /** What the handler's tiny JSON check throws; made permanent by the classifier, not by its type. */
    static final class MalformedJsonException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MalformedJsonException(String message) {
            super(message);
        }
    }

    /** Accepts {@code {"order":<digits>}} only. */
    private static int parseOrder(String body) {
        if (!body.startsWith("{") || !body.endsWith("}")) {
            throw new MalformedJsonException("not a JSON object");
        }
        String value = body.substring(1, body.length() - 1).replace("\"order\":", "").trim();
        if (value.isEmpty() || !value.chars().allMatch(Character::isDigit)) {
            throw new PermanentFailureException("order has no numeric value");
        }
        return Integer.parseInt(value);
    }

    @Test
    void malformedMessagesAreDeadLetteredAfterOneAttemptWhileTheHealthyOnesAroundThemAreProcessed() {
        // given 50 healthy orders with 5 malformed bodies among them
        String deadLetterQueue = sqs.createQueue(QueueSpec.standard().namePrefix("dlq"));
        String queueUrl = sqs.createQueue(QueueSpec.standard().visibilityTimeout(VISIBILITY));
        List<String> healthy = IntStream.range(0, 50).mapToObj(i -> "{\"order\":" + i + "}").toList();
        Map<String, String> malformed = Map.of(
                "not json at all", MalformedJsonException.class.getName(),
                "<order>7</order>", MalformedJsonException.class.getName(),
                "{\"order\":12", MalformedJsonException.class.getName(),
                "{\"order\":}", PermanentFailureException.class.getName(),
                "{\"order\":\"twelve\"}", PermanentFailureException.class.getName());
        List<String> bodies = new ArrayList<>(healthy);
        List<String> poison = List.copyOf(malformed.keySet());
        for (int i = 0; i < poison.size(); i++) {
            bodies.add(i * 11 + 3, poison.get(i));
        }
        sqs.sendAll(queueUrl, bodies);
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        Map<String, String> messageIds = new ConcurrentHashMap<>();
        Set<String> processed = ConcurrentHashMap.newKeySet();
        List<ConsumerEvent.DeadLettered> deadLettered = new CopyOnWriteArrayList<>();

        // when the handler rejects malformed JSON, with a classifier that makes its exception permanent
        try (SqsConsumer consumer = SqsConsumer.builder()
                .sqsClient(sqs.client())
                .queueUrl(queueUrl)
                .waitTime(Duration.ofSeconds(1))
                .errorClassifier(ErrorClassifier.builder().permanentOn(MalformedJsonException.class).build())
                .retry(r -> r.onSameQueue(3, ONE_SECOND).thenDeadLetter(deadLetterQueue))
                .listener(new ConsumerListener() {
                    @Override
                    public void onDeadLettered(ConsumerEvent.DeadLettered event) {
                        deadLettered.add(event);
                    }
                })
                .handler(message -> {
                    calls.computeIfAbsent(message.body(), b -> new AtomicInteger()).incrementAndGet();
                    messageIds.put(message.body(), message.messageId());
                    parseOrder(message.body());
                    processed.add(message.body());
                })
                .build()) {
            consumer.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> consumer.metrics().deleted() == 55);

            // then every healthy message was processed, and each malformed one was attempted exactly once
            assertThat(processed).containsExactlyInAnyOrderElementsOf(healthy);
            assertThat(poison).allSatisfy(body -> assertThat(calls.get(body)).as(body).hasValue(1));
            assertThat(consumer.metrics().deadLettered()).isEqualTo(5);
            assertThat(consumer.metrics().failed()).isEqualTo(5);
            assertThat(consumer.metrics().retriesScheduled()).isZero();
            assertThat(deadLettered).hasSize(5).allSatisfy(event -> {
                assertThat(event.reason()).isEqualTo(DeadLetterReason.PERMANENT_FAILURE);
                assertThat(event.deadLetterQueueUrl()).isEqualTo(deadLetterQueue);
            });
        }

        // and the dead-letter queue holds exactly the malformed ones, each with its failure record
        List<Message> copies = receiveAll(deadLetterQueue, 5);
        assertThat(copies).extracting(Message::body).containsExactlyInAnyOrderElementsOf(poison);
        for (Message copy : copies) {
            FailureRecord record = FailureRecord.of(copy.messageAttributes()).orElseThrow();
            assertThat(record.deadLetterReason()).isEqualTo(DeadLetterReason.PERMANENT_FAILURE);
            assertThat(record.kind()).isEqualTo(FailureKind.PERMANENT);
            assertThat(record.attempts()).isEqualTo(1);
            assertThat(record.tier()).isZero();
            assertThat(record.originQueueUrl()).isEqualTo(queueUrl);
            assertThat(record.originalMessageId()).isEqualTo(messageIds.get(copy.body()))
                    .isNotEqualTo(copy.messageId());
            assertThat(record.errorClass()).isEqualTo(malformed.get(copy.body()));
            assertThat(record.errorMessage()).isNotBlank();
            assertThat(record.deadLetteredAt()).isNotNull().isAfterOrEqualTo(record.lastFailureAt());
        }
        // and nothing is left on the main queue: every original was deleted
        assertThat(sqs.counts(queueUrl).total()).isZero();
        assertThat(sqs.counts(deadLetterQueue).total()).isEqualTo(5);
    }

    @Test
    void aMessageThatAlwaysFailsTransientlyIsDeadLetteredAfterExactlyMaxAttempts() {
        // given
        String deadLetterQueue = sqs.createQueue(QueueSpec.standard().namePrefix("dlq"));
        String queueUrl = sqs.createQueue(QueueSpec.standard().visibilityTimeout(VISIBILITY));
        String messageId = send(queueUrl, "{\"order\":1}", Map.of());
        AtomicInteger calls = new AtomicInteger();
        List<ConsumerEvent.DeadLettered> deadLettered = new CopyOnWriteArrayList<>();

        // when the handler always fails with an I/O error (transient)
        try (SqsConsumer consumer = SqsConsumer.builder()
                .sqsClient(sqs.client())
                .queueUrl(queueUrl)
                .waitTime(Duration.ofSeconds(1))
                .retry(r -> r.onSameQueue(3, ONE_SECOND).thenDeadLetter(deadLetterQueue))
                .listener(new ConsumerListener() {
                    @Override
                    public void onDeadLettered(ConsumerEvent.DeadLettered event) {
                        deadLettered.add(event);
                    }
                })
                .handler(message -> {
                    calls.incrementAndGet();
                    throw new UncheckedIOException(new IOException("downstream unreachable"));
                })
                .build()) {
            consumer.start();
            await().atMost(Duration.ofSeconds(15)).until(() -> consumer.metrics().deadLettered() == 1);
            await().atMost(Duration.ofSeconds(5)).until(() -> sqs.counts(queueUrl).total() == 0);

            // then it was attempted exactly max attempts times, retried in between
            assertThat(calls).hasValue(3);
            assertThat(consumer.metrics().retriesScheduled()).isEqualTo(2);
            assertThat(deadLettered).singleElement().satisfies(event -> {
                assertThat(event.reason()).isEqualTo(DeadLetterReason.ATTEMPTS_EXHAUSTED);
                assertThat(event.error()).isInstanceOf(UncheckedIOException.class);
            });
        }
        assertThat(calls).hasValue(3);
        Message copy = receiveAll(deadLetterQueue, 1).get(0);
        FailureRecord record = FailureRecord.of(copy.messageAttributes()).orElseThrow();
        assertThat(record.deadLetterReason()).isEqualTo(DeadLetterReason.ATTEMPTS_EXHAUSTED);
        assertThat(record.kind()).isEqualTo(FailureKind.TRANSIENT);
        assertThat(record.attempts()).isEqualTo(3);
        assertThat(record.originalMessageId()).isEqualTo(messageId);
        assertThat(record.originQueueUrl()).isEqualTo(queueUrl);
        assertThat(record.errorClass()).isEqualTo(UncheckedIOException.class.getName());
        assertThat(record.errorMessage()).contains("downstream unreachable");
        assertThat(record.firstFailureAt()).isBeforeOrEqualTo(record.lastFailureAt());
        assertThat(sqs.counts(deadLetterQueue).total()).isEqualTo(1);
    }

    @Test
    void aHandlerThatOverflowsItsStackDeadLettersItsMessageAtOnceWithAFailureRecord() {
        // given a message whose handling recurses without end (think of a cyclic or too deeply nested document)
        String deadLetterQueue = sqs.createQueue(QueueSpec.standard().namePrefix("dlq"));
        String queueUrl = sqs.createQueue(QueueSpec.standard().visibilityTimeout(VISIBILITY));
        String messageId = send(queueUrl, "{\"order\":{\"order\":{\"order\":\"...\"}}}", Map.of());
        AtomicInteger calls = new AtomicInteger();
        List<ConsumerEvent.DeadLettered> deadLettered = new CopyOnWriteArrayList<>();

        // when the handler overflows its stack
        try (SqsConsumer consumer = SqsConsumer.builder()
                .sqsClient(sqs.client())
                .queueUrl(queueUrl)
                .waitTime(Duration.ofSeconds(1))
                .retry(r -> r.onSameQueue(3, ONE_SECOND).thenDeadLetter(deadLetterQueue))
                .listener(new ConsumerListener() {
                    @Override
                    public void onDeadLettered(ConsumerEvent.DeadLettered event) {
                        deadLettered.add(event);
                    }
                })
                .handler(message -> {
                    calls.incrementAndGet();
                    recurseWithoutEnd(0);
                })
                .build()) {
            consumer.start();
            await().atMost(Duration.ofSeconds(15)).until(() -> consumer.metrics().deadLettered() == 1);
            await().atMost(Duration.ofSeconds(5)).until(() -> sqs.counts(queueUrl).total() == 0);

            // then it failed once, permanently, and went to the dead-letter queue without being retried
            assertThat(calls).hasValue(1);
            assertThat(consumer.metrics().failed()).isEqualTo(1);
            assertThat(consumer.metrics().retriesScheduled()).isZero();
            assertThat(deadLettered).singleElement().satisfies(event -> {
                assertThat(event.reason()).isEqualTo(DeadLetterReason.PERMANENT_FAILURE);
                assertThat(event.error()).isInstanceOf(StackOverflowError.class);
            });
        }
        // and the copy carries a failure record naming the stack overflow
        Message copy = receiveAll(deadLetterQueue, 1).get(0);
        FailureRecord record = FailureRecord.of(copy.messageAttributes()).orElseThrow();
        assertThat(record.errorClass()).isEqualTo(StackOverflowError.class.getName());
        assertThat(record.kind()).isEqualTo(FailureKind.PERMANENT);
        assertThat(record.deadLetterReason()).isEqualTo(DeadLetterReason.PERMANENT_FAILURE);
        assertThat(record.attempts()).isEqualTo(1);
        assertThat(record.originalMessageId()).isEqualTo(messageId);
        assertThat(record.originQueueUrl()).isEqualTo(queueUrl);
        assertThat(sqs.counts(deadLetterQueue).total()).isEqualTo(1);
    }

    /** Never returns: each call adds a frame until the thread's stack is exhausted. */
    private static int recurseWithoutEnd(int depth) {
        return recurseWithoutEnd(depth + 1) + 1;
    }

    @Test
    void whenTheDeadLetterSendFailsTheOriginalStaysAndReachesTheDeadLetterQueueExactlyOnceLater() {
        // given a client whose SendMessage calls fail while a flag is set
        String deadLetterQueue = sqs.createQueue(QueueSpec.standard().namePrefix("dlq"));
        String queueUrl = sqs.createQueue(QueueSpec.standard().visibilityTimeout(VISIBILITY));
        String messageId = send(queueUrl, "poison", Map.of());
        AtomicBoolean sendsFail = new AtomicBoolean(true);
        ExecutionInterceptor failingSends = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if (sendsFail.get() && context.request() instanceof SendMessageRequest) {
                    throw SdkClientException.create("injected: the dead-letter queue is unreachable");
                }
            }
        };
        AtomicInteger calls = new AtomicInteger();
        List<ConsumerEvent.MoveFailed> moveFailures = new CopyOnWriteArrayList<>();

        try (SqsAsyncClient client = sqs.newClient(failingSends);
             SqsConsumer consumer = SqsConsumer.builder()
                     .sqsClient(client)
                     .queueUrl(queueUrl)
                     .waitTime(Duration.ofSeconds(1))
                     .retry(r -> r.onSameQueue(3, ONE_SECOND).thenDeadLetter(deadLetterQueue))
                     .listener(new ConsumerListener() {
                         @Override
                         public void onMoveFailed(ConsumerEvent.MoveFailed event) {
                             moveFailures.add(event);
                         }
                     })
                     .handler(message -> {
                         calls.incrementAndGet();
                         throw new PermanentFailureException("poison");
                     })
                     .build()) {
            consumer.start();

            // when the dead-letter send has failed twice
            await().atMost(Duration.ofSeconds(15)).until(() -> moveFailures.size() >= 2);

            // then the original was not deleted, and the move was tried again without running the handler again
            assertThat(sqs.counts(deadLetterQueue).total()).isZero();
            assertThat(sqs.counts(queueUrl).total()).isEqualTo(1);
            assertThat(calls).hasValue(1);
            assertThat(consumer.metrics().deadLettered()).isZero();
            assertThat(consumer.metrics().deleted()).isZero();
            assertThat(consumer.metrics().moveFailures()).isGreaterThanOrEqualTo(2);
            assertThat(moveFailures).allSatisfy(event -> {
                assertThat(event.targetQueueUrl()).isEqualTo(deadLetterQueue);
                assertThat(event.message().messageId()).isEqualTo(messageId);
            });

            // when sends work again
            sendsFail.set(false);

            // then it reaches the dead-letter queue, exactly once, and leaves the main queue
            await().atMost(Duration.ofSeconds(10)).until(() -> consumer.metrics().deadLettered() == 1);
            await().atMost(Duration.ofSeconds(5)).until(() -> sqs.counts(queueUrl).total() == 0);
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                    .until(() -> sqs.counts(deadLetterQueue).total() == 1);
            assertThat(consumer.metrics().deadLettered()).isEqualTo(1);
        }
        Message copy = receiveAll(deadLetterQueue, 1).get(0);
        FailureRecord record = FailureRecord.of(copy.messageAttributes()).orElseThrow();
        assertThat(record.deadLetterReason()).isEqualTo(DeadLetterReason.PERMANENT_FAILURE);
        assertThat(record.originalMessageId()).isEqualTo(messageId);
        // the handler ran once: the receives that retried the move did not run it
        assertThat(calls).hasValue(1);
        assertThat(record.attempts()).isEqualTo(1);
        assertThat(sqs.counts(deadLetterQueue).total()).isEqualTo(1);
    }

    @Test
    void withoutItsOwnDeadLetterQueueAPermanentFailureIsReleasedAtOnceForTheQueuesRedrivePolicy() {
        // given a queue whose RedrivePolicy dead-letters after 2 receives, and a long visibility timeout
        String deadLetterQueue = sqs.createQueue(QueueSpec.standard().namePrefix("dlq"));
        String queueUrl = sqs.createQueue(QueueSpec.standard().visibilityTimeout(Duration.ofSeconds(10))
                .redriveTo(deadLetterQueue, 2));
        send(queueUrl, "poison", Map.of());
        List<Long> callTimes = new CopyOnWriteArrayList<>();
        List<ConsumerEvent.ReleaseReason> releases = new CopyOnWriteArrayList<>();

        // when a consumer without a dead-letter queue of its own meets a permanent failure
        try (SqsConsumer consumer = SqsConsumer.builder()
                .sqsClient(sqs.client())
                .queueUrl(queueUrl)
                .waitTime(Duration.ofSeconds(1))
                .listener(new ConsumerListener() {
                    @Override
                    public void onReleased(ConsumerEvent.MessageReleased event) {
                        releases.add(event.reason());
                    }
                })
                .handler(message -> {
                    callTimes.add(System.nanoTime());
                    throw new PermanentFailureException("poison");
                })
                .build()) {
            consumer.start();

            // then SQS moves it to the dead-letter queue after 2 receives
            await().atMost(Duration.ofSeconds(15)).until(() -> sqs.counts(deadLetterQueue).total() == 1);
            await().atMost(Duration.ofSeconds(5)).until(() -> sqs.counts(queueUrl).total() == 0);

            // and each failure was released at once, not left to its 10 s visibility timeout
            assertThat(callTimes).hasSize(2);
            assertThat(Duration.ofNanos(callTimes.get(1) - callTimes.get(0))).isLessThan(Duration.ofSeconds(5));
            assertThat(releases).containsExactly(ConsumerEvent.ReleaseReason.PERMANENT_FAILURE_TO_REDRIVE_POLICY,
                    ConsumerEvent.ReleaseReason.PERMANENT_FAILURE_TO_REDRIVE_POLICY);
            assertThat(consumer.metrics().released()).isEqualTo(2);
            assertThat(consumer.metrics().deadLettered()).isZero();
            assertThat(consumer.metrics().retriesScheduled()).isZero();
        }
        // and SQS moved it as it was: the consumer attached no failure record
        Message moved = receiveAll(deadLetterQueue, 1).get(0);
        assertThat(moved.body()).isEqualTo("poison");
        assertThat(FailureRecord.of(moved.messageAttributes())).isEmpty();
    }

    @Test
    void aMessageWithTenAttributesIsDeadLetteredWithoutARecordAndReportedAsExhausted() {
        // given a message that already carries SQS's maximum of 10 message attributes
        String deadLetterQueue = sqs.createQueue(QueueSpec.standard().namePrefix("dlq"));
        String queueUrl = sqs.createQueue(QueueSpec.standard().visibilityTimeout(VISIBILITY));
        Map<String, MessageAttributeValue> attributes = new HashMap<>();
        for (int i = 0; i < 10; i++) {
            attributes.put("attr" + i, MessageAttributeValue.builder().dataType("String").stringValue("v" + i).build());
        }
        send(queueUrl, "crowded", attributes);
        List<ConsumerEvent.DeadLettered> deadLettered = new CopyOnWriteArrayList<>();

        // when it always fails transiently
        try (SqsConsumer consumer = SqsConsumer.builder()
                .sqsClient(sqs.client())
                .queueUrl(queueUrl)
                .waitTime(Duration.ofSeconds(1))
                .retry(r -> r.onSameQueue(2, ONE_SECOND).thenDeadLetter(deadLetterQueue))
                .listener(new ConsumerListener() {
                    @Override
                    public void onDeadLettered(ConsumerEvent.DeadLettered event) {
                        deadLettered.add(event);
                    }
                })
                .handler(message -> {
                    throw new IllegalStateException("always failing");
                })
                .build()) {
            consumer.start();
            await().atMost(Duration.ofSeconds(15)).until(() -> consumer.metrics().deadLettered() == 1);

            // then it is reported as dead-lettered for running out of attempts
            assertThat(deadLettered).singleElement()
                    .satisfies(event -> assertThat(event.reason()).isEqualTo(DeadLetterReason.ATTEMPTS_EXHAUSTED));
        }
        // and the copy keeps its 10 attributes, with no room left for a record
        Message copy = receiveAll(deadLetterQueue, 1).get(0);
        assertThat(copy.messageAttributes()).containsOnlyKeys(attributes.keySet());
        assertThat(FailureRecord.of(copy.messageAttributes())).isEmpty();
    }

    private String send(String queueUrl, String body, Map<String, MessageAttributeValue> attributes) {
        return sqs.client().sendMessage(SendMessageRequest.builder().queueUrl(queueUrl).messageBody(body)
                .messageAttributes(attributes).build()).join().messageId();
    }

    /** Receives (and leaves invisible for a minute) at least {@code expected} messages. */
    private List<Message> receiveAll(String queueUrl, int expected) {
        List<Message> received = new CopyOnWriteArrayList<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            received.addAll(sqs.client().receiveMessage(ReceiveMessageRequest.builder()
                    .queueUrl(queueUrl)
                    .maxNumberOfMessages(10)
                    .waitTimeSeconds(1)
                    .visibilityTimeout(60)
                    .messageAttributeNames("All")
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                    .build()).join().messages());
            return received.size() >= expected;
        });
        assertThat(received).hasSize(expected);
        return received;
    }
}

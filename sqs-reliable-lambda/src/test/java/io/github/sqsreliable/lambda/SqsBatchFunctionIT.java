package io.github.sqsreliable.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqsreliable.BatchResult;
import io.github.sqsreliable.MessageHandler;
import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.idempotency.AcquireRequest;
import io.github.sqsreliable.idempotency.AcquireResult;
import io.github.sqsreliable.idempotency.FencingToken;
import io.github.sqsreliable.idempotency.HeldKey;
import io.github.sqsreliable.idempotency.Idempotency;
import io.github.sqsreliable.idempotency.IdempotencyStore;
import io.github.sqsreliable.idempotency.InMemoryIdempotencyStore;
import io.github.sqsreliable.idempotency.KeyCompletingHandler;
import io.github.sqsreliable.retry.Backoff;
import io.github.sqsreliable.retry.FailureKind;
import io.github.sqsreliable.retry.FailureRecord;
import io.github.sqsreliable.retry.FailureRecord.DeadLetterReason;
import io.github.sqsreliable.retry.PermanentFailureException;
import io.github.sqsreliable.retry.RetryPolicy;
import io.github.sqsreliable.test.EmbeddedSqs;
import io.github.sqsreliable.test.QueueSpec;
import io.github.sqsreliable.test.lambda.SqsEventSource;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * A function built on {@link SqsBatchFunction}, invoked through the test kit's emulation of Lambda's event source
 * mapping: events are written in Lambda's JSON and read with the official Lambda serialization, the answer is read
 * back the same way, and what is not reported failed is deleted. The same scenarios as the polling consumer's:
 * retry on the same queue, retry queues, dead-lettering, FIFO order and idempotency.
 */
@Timeout(90)
class SqsBatchFunctionIT {

    private static final Duration FUNCTION_TIMEOUT = Duration.ofSeconds(10);
    /** Much longer than the backoffs: a retry that comes back within seconds came back by the backoff. */
    private static final Duration LONG_VISIBILITY = Duration.ofSeconds(60);

    private final EmbeddedSqs sqs = EmbeddedSqs.shared();

    private SqsEventSource source(String queueUrl, SqsBatchFunction function) {
        return SqsEventSource.builder().sqsClient(sqs.client()).queueUrl(queueUrl).function(function)
                .functionTimeout(FUNCTION_TIMEOUT).build();
    }

    private SqsBatchFunction.Builder function(MessageHandler handler) {
        return SqsBatchFunction.builder().sqsClient(sqs.client()).name("orders").handler(handler);
    }

    @Test
    void aHandledBatchIsReportedAsNoFailuresAndDeletedWithEveryFieldTheConsumerGives() {
        String queue = sqs.createQueue(QueueSpec.standard().visibilityTimeout(LONG_VISIBILITY));
        sqs.client().sendMessage(SendMessageRequest.builder().queueUrl(queue).messageBody("first")
                .messageAttributes(Map.of(
                        "tenant", MessageAttributeValue.builder().dataType("String").stringValue("acme").build(),
                        "priority", MessageAttributeValue.builder().dataType("Number").stringValue("7").build(),
                        "blob", MessageAttributeValue.builder().dataType("Binary")
                                .binaryValue(SdkBytes.fromUtf8String("bytes")).build()))
                .build()).join();
        sqs.sendMessages(queue, 4);
        List<SqsMessage> seen = new CopyOnWriteArrayList<>();
        SqsBatchFunction function = function(seen::add).build();

        List<SqsEventSource.Invocation> invocations = source(queue, function).drain(Duration.ofSeconds(20));

        assertThat(seen).hasSize(5);
        assertThat(invocations).allSatisfy(invocation -> {
            assertThat(invocation.response().getBatchItemFailures()).isEmpty();
            assertThat(invocation.failedMessageIds()).isEmpty();
        });
        SqsMessage first = seen.stream().filter(m -> m.body().equals("first")).findFirst().orElseThrow();
        assertThat(first.queueUrl()).isEqualTo(queue);
        assertThat(first.receiveCount()).isEqualTo(1);
        assertThat(first.sentTimestamp()).hasValueSatisfying(sent -> assertThat(sent).isBefore(Instant.now()));
        assertThat(first.messageAttribute("tenant")).contains("acme");
        assertThat(first.messageAttribute("priority")).contains("7");
        assertThat(first.messageAttributes().get("blob").binaryValue().asString(StandardCharsets.UTF_8))
                .isEqualTo("bytes");
        assertThat(function.metrics().received()).isEqualTo(5);
        assertThat(function.metrics().succeeded()).isEqualTo(5);
        assertThat(sqs.counts(queue).total()).isZero();
    }

    @Test
    void aTransientFailureComesBackAfterTheBackoffNotTheVisibilityTimeout() {
        String queue = sqs.createQueue(QueueSpec.standard().visibilityTimeout(LONG_VISIBILITY));
        String id = send(queue, "retry me");
        List<Integer> receiveCounts = new CopyOnWriteArrayList<>();
        SqsBatchFunction function = function(message -> {
            receiveCounts.add(message.receiveCount());
            if (message.receiveCount() < 3) {
                throw new IllegalStateException("downstream busy");
            }
        }).retry(r -> r.onSameQueue(5, Backoff.fixed(Duration.ofSeconds(1)))).build();

        long start = System.nanoTime();
        List<SqsEventSource.Invocation> invocations = source(queue, function).drain(Duration.ofSeconds(30));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(receiveCounts).containsExactly(1, 2, 3);
        assertThat(invocations).hasSize(3);
        assertThat(invocations.get(0).failedMessageIds()).containsExactly(id);
        assertThat(invocations.get(1).failedMessageIds()).containsExactly(id);
        assertThat(invocations.get(2).deletedMessageIds()).containsExactly(id);
        // two 1 s backoffs, where the queue's visibility timeout alone would have taken two minutes
        assertThat(took).isLessThan(LONG_VISIBILITY);
        assertThat(function.metrics().retriesScheduled()).isEqualTo(2);
    }

    @Test
    void aPermanentFailureIsDeadLetteredWithItsReasonAndOnlyThenLeftToBeDeleted() {
        String dlq = sqs.createQueue(QueueSpec.standard().namePrefix("dlq"));
        String queue = sqs.createQueue(QueueSpec.standard().visibilityTimeout(LONG_VISIBILITY));
        List<String> ids = List.of(send(queue, "order-1"), send(queue, "garbage"), send(queue, "order-3"));
        SqsBatchFunction function = function(message -> {
            if (message.messageId().equals(ids.get(1))) {
                throw new PermanentFailureException("not an order: " + message.body());
            }
        }).retry(r -> r.onSameQueue(3, Backoff.fixed(Duration.ofSeconds(1))).thenDeadLetter(dlq)).build();

        List<SqsEventSource.Invocation> invocations = source(queue, function).drain(Duration.ofSeconds(20));

        assertThat(invocations).allSatisfy(invocation -> assertThat(invocation.failedMessageIds()).isEmpty());
        List<Message> dead = sqs.takeAll(dlq);
        assertThat(dead).singleElement().satisfies(copy -> {
            FailureRecord record = FailureRecord.of(copy.messageAttributes()).orElseThrow();
            assertThat(record.originalMessageId()).isEqualTo(ids.get(1));
            assertThat(record.originQueueUrl()).isEqualTo(queue);
            assertThat(record.kind()).isEqualTo(FailureKind.PERMANENT);
            assertThat(record.deadLetterReason()).isEqualTo(DeadLetterReason.PERMANENT_FAILURE);
            assertThat(record.errorMessage()).startsWith("not an order: ");
        });
        assertThat(function.metrics().deadLettered()).isEqualTo(1);
    }

    @Test
    void exhaustedAttemptsTravelTheRetryQueueToTheDeadLetterQueueWithTheirHistory() {
        String dlq = sqs.createQueue(QueueSpec.standard().namePrefix("dlq"));
        String retryQueue = sqs.createQueue(QueueSpec.standard().namePrefix("retry").visibilityTimeout(LONG_VISIBILITY));
        String queue = sqs.createQueue(QueueSpec.standard().visibilityTimeout(LONG_VISIBILITY));
        String id = send(queue, "doomed");
        List<String> handledOn = new CopyOnWriteArrayList<>();
        // One function, two event source mappings: the queue and its retry queue.
        SqsBatchFunction function = function(message -> {
            handledOn.add(message.queueUrl());
            throw new IllegalStateException("always failing");
        }).retry(r -> r.onSameQueue(2, Backoff.fixed(Duration.ofSeconds(1)))
                .thenQueue(retryQueue, 2, Backoff.fixed(Duration.ofSeconds(1)))
                .thenDeadLetter(dlq)).build();

        source(queue, function).drain(Duration.ofSeconds(20));
        source(retryQueue, function).drain(Duration.ofSeconds(20));

        assertThat(handledOn).containsExactly(queue, queue, retryQueue, retryQueue);
        List<Message> dead = sqs.takeAll(dlq);
        assertThat(dead).singleElement().satisfies(copy -> {
            FailureRecord record = FailureRecord.of(copy.messageAttributes()).orElseThrow();
            assertThat(record.attempts()).isEqualTo(4);
            assertThat(record.originalMessageId()).isEqualTo(id);
            assertThat(record.originQueueUrl()).isEqualTo(queue);
            assertThat(record.deadLetterReason()).isEqualTo(DeadLetterReason.ATTEMPTS_EXHAUSTED);
        });
        assertThat(function.metrics().movedToRetryQueue()).isEqualTo(1);
        assertThat(function.metrics().deadLettered()).isEqualTo(1);
    }

    @Test
    void withoutADeadLetterQueueAPermanentFailureIsLeftToTheQueuesRedrivePolicy() {
        String dlq = sqs.createQueue(QueueSpec.standard().namePrefix("dlq"));
        String queue = sqs.createQueue(QueueSpec.standard().visibilityTimeout(LONG_VISIBILITY).redriveTo(dlq, 2));
        String id = send(queue, "poison");
        AtomicInteger runs = new AtomicInteger();
        SqsBatchFunction function = function(message -> {
            runs.incrementAndGet();
            throw new PermanentFailureException("poison");
        }).build();

        List<SqsEventSource.Invocation> invocations = source(queue, function).drain(Duration.ofSeconds(20));

        // reported failed and made visible at once, twice; then SQS moved it
        assertThat(invocations).hasSize(2).allSatisfy(invocation ->
                assertThat(invocation.failedMessageIds()).containsExactly(id));
        assertThat(runs).hasValue(2);
        assertThat(sqs.takeAll(dlq)).singleElement().satisfies(copy -> assertThat(copy.messageId()).isEqualTo(id));
    }

    @Test
    void aFailedMoveIsReportedFailedAndRetriedWithoutRunningTheHandlerAgain() {
        String queue = sqs.createQueue(QueueSpec.standard().visibilityTimeout(LONG_VISIBILITY));
        // a dead-letter queue that does not exist yet: the copy cannot be sent
        String dlqName = "late-dlq-" + UUID.randomUUID().toString().substring(0, 8);
        String dlq = queue.substring(0, queue.lastIndexOf('/') + 1) + dlqName;
        String id = send(queue, "poison");
        AtomicInteger runs = new AtomicInteger();
        SqsBatchFunction function = function(message -> {
            runs.incrementAndGet();
            throw new PermanentFailureException("poison");
        }).retry(r -> r.onSameQueue(3, Backoff.fixed(Duration.ofSeconds(1))).thenDeadLetter(dlq)).build();
        SqsEventSource source = source(queue, function);

        SqsEventSource.Invocation first = source.pollOnce();
        sqs.client().createQueue(r -> r.queueName(dlqName)).join();
        source.drain(Duration.ofSeconds(20));

        // reported failed and hidden for the 1 s backoff; on its next delivery only the move was tried again
        assertThat(first.failedMessageIds()).containsExactly(id);
        assertThat(runs).hasValue(1);
        assertThat(function.metrics().moveFailures()).isEqualTo(1);
        assertThat(sqs.takeAll(dlq)).singleElement().satisfies(copy -> assertThat(
                FailureRecord.of(copy.messageAttributes()).orElseThrow().originalMessageId()).isEqualTo(id));
    }

    @Test
    void onAFifoQueueTheLaterMessagesOfAFailedGroupAreReportedFailedUnprocessed() {
        String queue = sqs.createQueue(QueueSpec.fifoQueue().visibilityTimeout(LONG_VISIBILITY));
        sqs.sendGroupInOrder(queue, "a", List.of("a1", "a2", "a3"));
        sqs.sendGroupInOrder(queue, "b", List.of("b1", "b2"));
        Map<String, List<String>> handled = new ConcurrentHashMap<>();
        AtomicInteger a1Runs = new AtomicInteger();
        SqsBatchFunction function = function(message -> {
            if (message.body().equals("a1") && a1Runs.incrementAndGet() == 1) {
                throw new IllegalStateException("first try of a1 fails");
            }
            handled.computeIfAbsent(message.messageGroupId().orElseThrow(), g -> new CopyOnWriteArrayList<>())
                    .add(message.body());
        }).retry(r -> r.onSameQueue(3, Backoff.fixed(Duration.ofSeconds(1)))).build();

        List<SqsEventSource.Invocation> invocations = source(queue, function).drain(Duration.ofSeconds(30));

        SqsEventSource.Invocation first = invocations.get(0);
        List<String> firstBodies = first.records().stream().map(r -> r.getBody()).toList();
        assertThat(firstBodies).contains("a1", "a2", "a3");
        // a1 failed: a2 and a3 came after it in the batch and were reported failed without running
        assertThat(bodiesOf(first, first.failedMessageIds())).containsExactly("a1", "a2", "a3");
        assertThat(handled.get("a")).containsExactly("a1", "a2", "a3");
        assertThat(a1Runs).hasValue(2);
        assertThat(handled.get("b")).containsExactly("b1", "b2");
        assertThat(sqs.counts(queue).total()).isZero();
    }

    @Test
    void withMaxConcurrencyTheBatchsMessagesRunSideBySideButNeverMoreAtOnce() {
        String queue = sqs.createQueue(QueueSpec.standard().visibilityTimeout(LONG_VISIBILITY));
        sqs.sendAll(queue, List.of("a", "b", "c", "d", "e", "f", "g", "h"));
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        List<String> handled = new CopyOnWriteArrayList<>();
        SqsBatchFunction function = function(message -> {
            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
            sleep(Duration.ofMillis(300));
            running.decrementAndGet();
            handled.add(message.body());
        }).maxConcurrency(4).build();

        source(queue, function).drain(Duration.ofSeconds(20));

        assertThat(handled).containsExactlyInAnyOrder("a", "b", "c", "d", "e", "f", "g", "h");
        assertThat(mostAtOnce.get()).isBetween(2, 4);
    }

    @Test
    void aBatchHandlersPartialFailuresAreReportedByMessage() {
        String queue = sqs.createQueue(QueueSpec.standard().visibilityTimeout(LONG_VISIBILITY));
        List<String> ids = List.of(send(queue, "line-1"), send(queue, "line-2"), send(queue, "line-3"),
                send(queue, "line-4"));
        AtomicInteger calls = new AtomicInteger();
        SqsBatchFunction function = SqsBatchFunction.builder().sqsClient(sqs.client()).name("orders")
                .batchHandler(messages -> {
                    calls.incrementAndGet();
                    BatchResult.Builder result = BatchResult.builder();
                    messages.stream().filter(m -> m.messageId().equals(ids.get(2)) && m.receiveCount() == 1)
                            .forEach(m -> result.failed(m, new IllegalStateException("one bad line")));
                    return result.build();
                })
                .retry(r -> r.onSameQueue(3, Backoff.fixed(Duration.ofSeconds(1)))).build();

        List<SqsEventSource.Invocation> invocations = source(queue, function).drain(Duration.ofSeconds(20));

        assertThat(invocations.get(0).failedMessageIds()).containsExactly(ids.get(2));
        assertThat(invocations.get(invocations.size() - 1).deletedMessageIds()).contains(ids.get(2));
        assertThat(function.metrics().succeeded()).isEqualTo(4);
    }

    @Test
    void aDuplicateIsRecognisedAndItsLeaseIsTheInvocationsRemainingTime() {
        String queue = sqs.createQueue(QueueSpec.standard().visibilityTimeout(LONG_VISIBILITY));
        sqs.sendAll(queue, List.of("order-1", "order-2", "order-1"));
        List<Duration> leases = new CopyOnWriteArrayList<>();
        IdempotencyStore store = recordingLeases(InMemoryIdempotencyStore.builder().build(), leases);
        List<String> handled = new CopyOnWriteArrayList<>();
        SqsBatchFunction function = function(message -> handled.add(message.body()))
                .idempotency(Idempotency.builder().store(store).key(SqsMessage::body).build()).build();

        source(queue, function).drain(Duration.ofSeconds(20));

        assertThat(handled).containsExactlyInAnyOrder("order-1", "order-2");
        assertThat(function.metrics().duplicatesSkipped()).isEqualTo(1);
        // the lease is what was left of the 10 s invocation minus the 2 s margin, plus a second of slack
        assertThat(leases).isNotEmpty().allSatisfy(lease -> assertThat(lease)
                .isBetween(Duration.ofSeconds(7), FUNCTION_TIMEOUT.minusSeconds(1)));
    }

    @Test
    void aHandlerThatCompletesItsOwnKeyIsDeletedWithoutASecondCompletion() {
        String queue = sqs.createQueue(QueueSpec.standard().visibilityTimeout(LONG_VISIBILITY));
        sqs.sendAll(queue, List.of("order-1", "order-2"));
        InMemoryIdempotencyStore memory = InMemoryIdempotencyStore.builder().build();
        List<String> completions = new CopyOnWriteArrayList<>();
        IdempotencyStore store = countingCompletions(memory, completions);
        // what a transactional mode does: complete the key in the handler's own commit, then say so
        KeyCompletingHandler handler = new KeyCompletingHandler() {
            @Override
            public IdempotencyStore store() {
                return store;
            }

            @Override
            public void handle(SqsMessage message) {
                HeldKey held = HeldKey.current().orElseThrow();
                assertThat(store.complete(held.key(), held.token(), held.ttl()).join()).isTrue();
                held.markCompletedByHandler();
            }
        };
        SqsBatchFunction function = function(handler)
                .idempotency(Idempotency.builder().store(store).key(SqsMessage::body).build()).build();

        List<SqsEventSource.Invocation> invocations = source(queue, function).drain(Duration.ofSeconds(20));

        assertThat(invocations).allSatisfy(invocation -> assertThat(invocation.failedMessageIds()).isEmpty());
        assertThat(completions).hasSize(2);
        assertThat(function.metrics().succeeded()).isEqualTo(2);
        assertThat(sqs.counts(queue).total()).isZero();
    }

    @Test
    void aTimeoutMidBatchLeavesNothingCompletedThatWasNotHandled() {
        String queue = sqs.createQueue(QueueSpec.standard().visibilityTimeout(LONG_VISIBILITY));
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            bodies.add("job-" + i);
        }
        sqs.sendAll(queue, bodies);
        Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
        InMemoryIdempotencyStore store = InMemoryIdempotencyStore.builder().build();
        SqsBatchFunction function = function(message -> {
            runs.computeIfAbsent(message.body(), b -> new AtomicInteger()).incrementAndGet();
            sleep(Duration.ofMillis(500));
        }).idempotency(Idempotency.builder().store(store).key(SqsMessage::body).build()).build();
        // a 3 s function: it stops starting messages 0.6 s before its timeout and answers
        SqsEventSource source = SqsEventSource.builder().sqsClient(sqs.client()).queueUrl(queue).function(function)
                .functionTimeout(Duration.ofSeconds(3)).build();

        SqsEventSource.Invocation first = source.pollOnce();

        assertThat(first.timedOut()).isFalse();
        assertThat(first.deletedMessageIds()).hasSizeBetween(1, first.records().size() - 1);
        assertThat(first.failedMessageIds()).hasSize(first.records().size() - first.deletedMessageIds().size());
        // every message reported failed comes back at once and runs; none is skipped as done without running
        source.drain(Duration.ofSeconds(40));
        assertThat(runs.keySet()).containsExactlyInAnyOrderElementsOf(bodies);
        assertThat(runs.values()).allSatisfy(count -> assertThat(count).hasValue(1));
        assertThat(function.metrics().duplicatesSkipped()).isZero();
    }

    /** @return the message id SQS gave the message */
    private String send(String queue, String body) {
        return sqs.client().sendMessage(SendMessageRequest.builder().queueUrl(queue).messageBody(body).build()).join()
                .messageId();
    }

    private static List<String> bodiesOf(SqsEventSource.Invocation invocation, List<String> messageIds) {
        return invocation.records().stream().filter(r -> messageIds.contains(r.getMessageId()))
                .map(r -> r.getBody()).toList();
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A store that notes the lease of every acquire, and otherwise is the real in-memory store. */
    private static IdempotencyStore recordingLeases(IdempotencyStore store, List<Duration> leases) {
        return recording(store, leases, new ArrayList<>());
    }

    /** A store that notes the key of every complete call, and otherwise is the real in-memory store. */
    private static IdempotencyStore countingCompletions(IdempotencyStore store, List<String> completions) {
        return recording(store, new ArrayList<>(), completions);
    }

    private static IdempotencyStore recording(IdempotencyStore store, List<Duration> leases,
                                              List<String> completions) {
        return new IdempotencyStore() {
            @Override
            public CompletableFuture<List<AcquireResult>> acquire(List<AcquireRequest> requests) {
                requests.forEach(request -> leases.add(request.lease()));
                return store.acquire(requests);
            }

            @Override
            public CompletableFuture<Boolean> complete(String key, FencingToken token, Duration ttl) {
                completions.add(key);
                return store.complete(key, token, ttl);
            }

            @Override
            public CompletableFuture<Boolean> release(String key, FencingToken token) {
                return store.release(key, token);
            }

            @Override
            public CompletableFuture<Boolean> renew(String key, FencingToken token, Duration lease) {
                return store.renew(key, token, lease);
            }
        };
    }
}

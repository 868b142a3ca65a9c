package io.github.sqsreliable.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.sqsreliable.SqsConsumer;
import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.idempotency.AcquireRequest;
import io.github.sqsreliable.idempotency.AcquireResult;
import io.github.sqsreliable.idempotency.FencingToken;
import io.github.sqsreliable.idempotency.Idempotency;
import io.github.sqsreliable.idempotency.IdempotencyStore;
import io.github.sqsreliable.idempotency.InMemoryIdempotencyStore;
import io.github.sqsreliable.observe.ConsumerEvent;
import io.github.sqsreliable.observe.ConsumerListener;
import io.github.sqsreliable.observe.ConsumerMetrics;
import io.github.sqsreliable.retry.Backoff;
import io.github.sqsreliable.retry.FailureKind;
import io.github.sqsreliable.retry.FailureRecord;
import io.github.sqsreliable.retry.FailureRecord.DeadLetterReason;
import io.github.sqsreliable.retry.PermanentFailureException;
import io.github.sqsreliable.test.EmbeddedSqs;
import io.github.sqsreliable.test.QueueSpec;
import io.github.sqsreliable.testing.SimulatedWork;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * What idempotency gives a consumer on a real (embedded) SQS with the {@link InMemoryIdempotencyStore}: a failed
 * attempt gives its key back for the retry; a duplicate after success is deleted unhandled; a message whose key
 * cannot be derived is dead-lettered; a store outage holds messages back (fail closed) or lets them through (fail
 * open) without losing any; and a long handler keeps its key, renewed with its visibility, so a duplicate waits.
 */
@Timeout(60)
class IdempotencyBehaviourIT {

    private static final Duration VISIBILITY = Duration.ofSeconds(2);
    private static final Duration AT_MOST = Duration.ofSeconds(20);

    private final EmbeddedSqs sqs = EmbeddedSqs.shared();

    /**
     * Wraps a store: counts calls, and fails every call while {@link #failing} is set (as an unreachable backend
     * would).
     */
    static final class FlakyStore implements IdempotencyStore {
        final IdempotencyStore delegate;
        final AtomicBoolean failing = new AtomicBoolean();
        final AtomicInteger acquires = new AtomicInteger();
        final AtomicInteger failedCalls = new AtomicInteger();
        final AtomicInteger completes = new AtomicInteger();
        final AtomicInteger releases = new AtomicInteger();
        final AtomicInteger renews = new AtomicInteger();
        final AtomicInteger renewsRefused = new AtomicInteger();

        FlakyStore(IdempotencyStore delegate) {
            this.delegate = delegate;
        }

        private <T> CompletableFuture<T> unavailable() {
            failedCalls.incrementAndGet();
            return CompletableFuture.failedFuture(new IllegalStateException("idempotency store unavailable (test)"));
        }

        @Override
        public CompletableFuture<List<AcquireResult>> acquire(List<AcquireRequest> requests) {
            acquires.incrementAndGet();
            return failing.get() ? unavailable() : delegate.acquire(requests);
        }

        @Override
        public CompletableFuture<Boolean> complete(String key, FencingToken token, Duration ttl) {
            completes.incrementAndGet();
            return failing.get() ? unavailable() : delegate.complete(key, token, ttl);
        }

        @Override
        public CompletableFuture<Boolean> release(String key, FencingToken token) {
            releases.incrementAndGet();
            return failing.get() ? unavailable() : delegate.release(key, token);
        }

        @Override
        public CompletableFuture<Boolean> renew(String key, FencingToken token, Duration lease) {
            renews.incrementAndGet();
            if (failing.get()) {
                return unavailable();
            }
            return delegate.renew(key, token, lease).thenApply(renewed -> {
                if (!renewed) {
                    renewsRefused.incrementAndGet();
                }
                return renewed;
            });
        }
    }

    /** Records the idempotency and dead-letter events. */
    static final class Recorder implements ConsumerListener {
        final List<ConsumerEvent.DuplicateSkipped> duplicates = new CopyOnWriteArrayList<>();
        final List<ConsumerEvent.DeadLettered> deadLettered = new CopyOnWriteArrayList<>();

        @Override
        public void onDuplicateSkipped(ConsumerEvent.DuplicateSkipped event) {
            duplicates.add(event);
        }

        @Override
        public void onDeadLettered(ConsumerEvent.DeadLettered event) {
            deadLettered.add(event);
        }
    }

    private SqsConsumer.Builder consumer(String queueUrl, Idempotency idempotency, Recorder recorder) {
        return SqsConsumer.builder()
                .sqsClient(sqs.client())
                .queueUrl(queueUrl)
                .waitTime(Duration.ofSeconds(1))
                .idempotency(idempotency)
                .listener(recorder);
    }

    private void send(String queueUrl, String body) {
        sqs.client().sendMessage(SendMessageRequest.builder().queueUrl(queueUrl).messageBody(body).build()).join();
    }

    private static List<String> orders(int count) {
        return IntStream.range(0, count).mapToObj(i -> "order-" + i).toList();
    }

    // ---------------------------------------------------------------------------------------------------------

    @Test
    void aFailedAttemptReleasesItsKeySoTheRetryTakesItAndRunsTheHandlerAgain() {
        // given one message whose handler fails on its first attempt
        String queueUrl = sqs.createQueue(QueueSpec.standard().visibilityTimeout(VISIBILITY));
        send(queueUrl, "order-1");
        FlakyStore store = new FlakyStore(InMemoryIdempotencyStore.create());
        Recorder recorder = new Recorder();
        List<Integer> receiveCounts = new CopyOnWriteArrayList<>();

        // when
        try (SqsConsumer consumer = consumer(queueUrl, Idempotency.builder().store(store).build(), recorder)
                .retry(r -> r.onSameQueue(3, Backoff.fixed(Duration.ofSeconds(1))))
                .handler(message -> {
                    receiveCounts.add(message.receiveCount());
                    if (receiveCounts.size() == 1) {
                        throw new IllegalStateException("downstream hiccup");
                    }
                })
                .build()) {
            consumer.start();
            await().atMost(AT_MOST).until(() -> consumer.metrics().deleted() == 1);

            // then the retry of the same message acquired the released key and ran the handler: twice in all
            assertThat(receiveCounts).containsExactly(1, 2);
            ConsumerMetrics metrics = consumer.metrics();
            assertThat(metrics.failed()).isEqualTo(1);
            assertThat(metrics.succeeded()).isEqualTo(1);
            assertThat(metrics.retriesScheduled()).isEqualTo(1);
            assertThat(metrics.duplicatesSkipped()).isZero();
            assertThat(metrics.duplicatesInProgress()).isZero();
            assertThat(metrics.idempotencyStoreFailures()).isZero();
            assertThat(recorder.duplicates).isEmpty();
            assertThat(store.acquires).hasValue(2);
            assertThat(store.releases).hasValue(1);
            assertThat(store.completes).hasValue(1);
        }
        assertThat(sqs.counts(queueUrl).total()).isZero();
    }

    @Test
    void closingRightAfterTheHandlersRanCompletesTheirKeysAndThenDeletesTheirMessages() {
        // given five messages, and completions that may wait a whole second for their batch
        String queueUrl = sqs.createQueue(QueueSpec.standard().visibilityTimeout(Duration.ofSeconds(30)));
        orders(5).forEach(body -> send(queueUrl, body));
        FlakyStore store = new FlakyStore(InMemoryIdempotencyStore.create());
        SqsConsumer consumer = consumer(queueUrl, Idempotency.builder().store(store).build(), new Recorder())
                .batchFlushInterval(Duration.ofSeconds(1))
                .handler(message -> { })
                .build();

        // when the consumer closes as soon as the handlers have run
        try (consumer) {
            consumer.start();
            await().atMost(AT_MOST).until(() -> consumer.metrics().succeeded() == 5);
        }

        // then close() completed every key, and only then flushed the deletes
        assertThat(store.completes).hasValue(5);
        assertThat(consumer.metrics().deleted()).isEqualTo(5);
        assertThat(consumer.metrics().idempotencyStoreFailures()).isZero();
        assertThat(sqs.counts(queueUrl).total()).isZero();
    }

    @Test
    void aDuplicateSentAfterSuccessIsDeletedWithoutRunningTheHandler() {
        // given a business key: the order in the body
        String queueUrl = sqs.createQueue(QueueSpec.standard().visibilityTimeout(VISIBILITY));
        Recorder recorder = new Recorder();
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        Idempotency idempotency = Idempotency.builder()
                .store(InMemoryIdempotencyStore.create())
                .key(SqsMessage::body)
                .build();

        try (SqsConsumer consumer = consumer(queueUrl, idempotency, recorder)
                .handler(message -> calls.computeIfAbsent(message.body(), b -> new AtomicInteger()).incrementAndGet())
                .build()) {
            consumer.start();
            send(queueUrl, "order-7");
            await().atMost(AT_MOST).until(() -> consumer.metrics().deleted() == 1);

            // when the producer sends the same order again, as a new message
            send(queueUrl, "order-7");
            await().atMost(AT_MOST).until(() -> consumer.metrics().deleted() == 2);

            // then the copy was deleted as a duplicate, without a handler call
            assertThat(calls).containsOnlyKeys("order-7");
            assertThat(calls.get("order-7")).hasValue(1);
            ConsumerMetrics metrics = consumer.metrics();
            assertThat(metrics.duplicatesSkipped()).isEqualTo(1);
            assertThat(metrics.duplicatesInProgress()).isZero();
            assertThat(metrics.succeeded()).isEqualTo(1);
            assertThat(metrics.received()).isEqualTo(2);
            assertThat(recorder.duplicates).singleElement().satisfies(event -> {
                assertThat(event.inProgress()).isFalse();
                assertThat(event.message().body()).isEqualTo("order-7");
            });
        }
        assertThat(sqs.counts(queueUrl).total()).isZero();
    }

    @Test
    void aMessageWhoseKeyCannotBeDerivedIsDeadLetteredWhileTheHealthyOnesAroundItAreHandled() {
        // given ten orders with one malformed body among them, and a key function that rejects it
        String deadLetterQueue = sqs.createQueue(QueueSpec.standard().namePrefix("dlq"));
        String queueUrl = sqs.createQueue(QueueSpec.standard().visibilityTimeout(VISIBILITY));
        List<String> healthy = orders(10);
        List<String> bodies = new ArrayList<>(healthy);
        bodies.add(5, "garbage");
        sqs.sendAll(queueUrl, bodies);
        Recorder recorder = new Recorder();
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        Idempotency idempotency = Idempotency.builder()
                .store(InMemoryIdempotencyStore.create())
                .key(message -> {
                    if (!message.body().startsWith("order-")) {
                        throw new IllegalArgumentException("no order id in this body");
                    }
                    return message.body();
                })
                .build();

        // when
        try (SqsConsumer consumer = consumer(queueUrl, idempotency, recorder)
                .retry(r -> r.onSameQueue(3, Backoff.fixed(Duration.ofSeconds(1))).thenDeadLetter(deadLetterQueue))
                .handler(message -> calls.computeIfAbsent(message.body(), b -> new AtomicInteger()).incrementAndGet())
                .build()) {
            consumer.start();
            await().atMost(AT_MOST).until(() -> consumer.metrics().deleted() == 11);

            // then every healthy order was handled once; the malformed one never reached the handler
            assertThat(calls).containsOnlyKeys(healthy);
            assertThat(calls.values()).allSatisfy(count -> assertThat(count).hasValue(1));
            ConsumerMetrics metrics = consumer.metrics();
            assertThat(metrics.deadLettered()).isEqualTo(1);
            assertThat(metrics.failed()).isZero();
            assertThat(metrics.retriesScheduled()).isZero();
            assertThat(recorder.deadLettered).singleElement().satisfies(event -> {
                assertThat(event.reason()).isEqualTo(DeadLetterReason.PERMANENT_FAILURE);
                assertThat(event.deadLetterQueueUrl()).isEqualTo(deadLetterQueue);
                assertThat(event.message().body()).isEqualTo("garbage");
            });
        }

        // and the dead-letter queue holds it, with a failure record that says why
        Message copy = receiveOne(deadLetterQueue);
        assertThat(copy.body()).isEqualTo("garbage");
        FailureRecord record = FailureRecord.of(copy.messageAttributes()).orElseThrow();
        assertThat(record.kind()).isEqualTo(FailureKind.PERMANENT);
        assertThat(record.deadLetterReason()).isEqualTo(DeadLetterReason.PERMANENT_FAILURE);
        assertThat(record.attempts()).isEqualTo(1);
        assertThat(record.originQueueUrl()).isEqualTo(queueUrl);
        assertThat(record.errorClass()).isEqualTo(PermanentFailureException.class.getName());
        assertThat(record.errorMessage()).contains("idempotency key").contains("no order id in this body");
        assertThat(sqs.counts(queueUrl).total()).isZero();
    }

    @Test
    void whileTheStoreFailsNoHandlerRunsAndOnceItIsBackEveryMessageIsHandledExactlyOnce() {
        // given a store that fails every call, and five messages
        String queueUrl = sqs.createQueue(QueueSpec.standard().visibilityTimeout(VISIBILITY));
        sqs.sendAll(queueUrl, orders(5));
        FlakyStore store = new FlakyStore(InMemoryIdempotencyStore.create());
        store.failing.set(true);
        Recorder recorder = new Recorder();
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

        try (SqsConsumer consumer = consumer(queueUrl, Idempotency.builder().store(store).build(), recorder)
                .pollers(1)
                .handler(message -> calls.computeIfAbsent(message.body(), b -> new AtomicInteger()).incrementAndGet())
                .build()) {
            consumer.start();

            // when the consumer has met the failing store at least twice
            await().atMost(AT_MOST).until(() -> consumer.metrics().idempotencyStoreFailures() >= 2);

            // then it failed closed: no handler ran
            assertThat(calls).isEmpty();
            assertThat(consumer.metrics().succeeded()).isZero();
            assertThat(consumer.metrics().deleted()).isZero();

            // and when the store is back, every message is handled exactly once and nothing is lost
            store.failing.set(false);
            await().atMost(AT_MOST).until(() -> consumer.metrics().deleted() == 5);
            assertThat(calls).containsOnlyKeys(orders(5));
            assertThat(calls.values()).allSatisfy(count -> assertThat(count).hasValue(1));
            ConsumerMetrics metrics = consumer.metrics();
            assertThat(metrics.idempotencyStoreFailures()).isGreaterThanOrEqualTo(2);
            // held back in memory, not handed back: SQS never counted another receive
            assertThat(metrics.received()).isEqualTo(5);
            assertThat(metrics.succeeded()).isEqualTo(5);
            assertThat(metrics.duplicatesSkipped()).isZero();
            assertThat(metrics.deadLettered()).isZero();
            assertThat(store.completes).hasValue(5);
        }
        assertThat(sqs.counts(queueUrl).total()).isZero();
    }

    @Test
    void anOutageLongerThanTheRedrivePolicyAllowsDeadLettersNothing() {
        // given a queue whose RedrivePolicy dead-letters after 2 receives, and a store failing for several backoffs
        String deadLetterQueue = sqs.createQueue(QueueSpec.standard().namePrefix("redrive-dlq"));
        String queueUrl = sqs.createQueue(QueueSpec.standard().visibilityTimeout(VISIBILITY)
                .redriveTo(deadLetterQueue, 2));
        sqs.sendAll(queueUrl, orders(3));
        FlakyStore store = new FlakyStore(InMemoryIdempotencyStore.create());
        store.failing.set(true);
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

        try (SqsConsumer consumer = consumer(queueUrl, Idempotency.builder().store(store).build(), new Recorder())
                .handler(message -> calls.computeIfAbsent(message.body(), b -> new AtomicInteger()).incrementAndGet())
                .build()) {
            consumer.start();
            await().atMost(AT_MOST).until(() -> consumer.metrics().idempotencyStoreFailures() >= 4);

            // when the store comes back
            store.failing.set(false);

            // then every message ran once, none was received twice, and the dead-letter queue stayed empty
            await().atMost(AT_MOST).until(() -> consumer.metrics().deleted() == 3);
            assertThat(calls).containsOnlyKeys(orders(3));
            assertThat(consumer.metrics().received()).isEqualTo(3);
        }
        assertThat(sqs.counts(deadLetterQueue).total()).isZero();
        assertThat(sqs.counts(queueUrl).total()).isZero();
    }

    @Test
    void failingOpenRunsTheHandlersDespiteTheFailingStore() {
        // given a store that is down for the whole test
        String queueUrl = sqs.createQueue(QueueSpec.standard().visibilityTimeout(VISIBILITY));
        sqs.sendAll(queueUrl, orders(5));
        FlakyStore store = new FlakyStore(InMemoryIdempotencyStore.create());
        store.failing.set(true);
        Recorder recorder = new Recorder();
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

        // when the consumer fails open
        try (SqsConsumer consumer = consumer(queueUrl,
                Idempotency.builder().store(store).failOpen(true).build(), recorder)
                .handler(message -> calls.computeIfAbsent(message.body(), b -> new AtomicInteger()).incrementAndGet())
                .build()) {
            consumer.start();
            await().atMost(AT_MOST).until(() -> consumer.metrics().deleted() == 5);

            // then every message was handled, without a key: nothing to complete, release or renew
            assertThat(calls).containsOnlyKeys(orders(5));
            assertThat(calls.values()).allSatisfy(count -> assertThat(count).hasValue(1));
            ConsumerMetrics metrics = consumer.metrics();
            assertThat(metrics.idempotencyStoreFailures()).isPositive();
            assertThat(metrics.succeeded()).isEqualTo(5);
            assertThat(store.acquires).hasPositiveValue();
            assertThat(store.completes).hasValue(0);
            assertThat(store.releases).hasValue(0);
        }
        assertThat(sqs.counts(queueUrl).total()).isZero();
    }

    @Test
    void aLongHandlerKeepsItsKeySoADuplicateWaitsAndIsDeletedOnceTheFirstCompletes() {
        // given a 2 s visibility timeout, a handler working 6 s, and a business key before the '#'
        String queueUrl = sqs.createQueue(QueueSpec.standard().visibilityTimeout(VISIBILITY));
        FlakyStore store = new FlakyStore(InMemoryIdempotencyStore.create());
        Recorder recorder = new Recorder();
        List<String> handled = new CopyOnWriteArrayList<>();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostRunning = new AtomicInteger();
        Idempotency idempotency = Idempotency.builder()
                .store(store)
                .key(message -> message.body().substring(0, message.body().indexOf('#')))
                .build();

        try (SqsConsumer consumer = consumer(queueUrl, idempotency, recorder)
                .handler(message -> {
                    mostRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                    handled.add(message.body());
                    try {
                        SimulatedWork.lasting(VISIBILITY.multipliedBy(3));
                    } finally {
                        running.decrementAndGet();
                    }
                })
                .build()) {
            consumer.start();
            send(queueUrl, "order-42#first");
            await().atMost(AT_MOST).until(() -> handled.contains("order-42#first"));

            // when a duplicate of it arrives while it runs
            send(queueUrl, "order-42#second");
            await().atMost(AT_MOST).until(() -> consumer.metrics().deleted() == 2);

            // then the duplicate never ran: it found the key in progress, then done
            assertThat(handled).containsExactly("order-42#first");
            assertThat(mostRunning).hasValue(1);
            ConsumerMetrics metrics = consumer.metrics();
            assertThat(metrics.succeeded()).isEqualTo(1);
            assertThat(metrics.duplicatesInProgress()).isPositive();
            assertThat(metrics.duplicatesSkipped()).isEqualTo(1);
            assertThat(metrics.leasesLost()).isZero();
            assertThat(metrics.visibilityExtensions()).isPositive();
            assertThat(recorder.duplicates).allSatisfy(event ->
                    assertThat(event.message().body()).isEqualTo("order-42#second"));
            assertThat(recorder.duplicates.get(0).inProgress()).isTrue();
            assertThat(recorder.duplicates.get(recorder.duplicates.size() - 1).inProgress()).isFalse();
            // and the key's lease was renewed with the visibility, never lost
            assertThat(store.renews).hasPositiveValue();
            assertThat(store.renewsRefused).hasValue(0);
            assertThat(store.completes).hasValue(1);
        }
        assertThat(sqs.counts(queueUrl).total()).isZero();
    }

    private Message receiveOne(String queueUrl) {
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
            return !received.isEmpty();
        });
        assertThat(received).hasSize(1);
        return received.get(0);
    }
}

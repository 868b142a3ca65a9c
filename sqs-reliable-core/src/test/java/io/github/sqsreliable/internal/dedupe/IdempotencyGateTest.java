package io.github.sqsreliable.internal.dedupe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.idempotency.AcquireRequest;
import io.github.sqsreliable.idempotency.AcquireResult;
import io.github.sqsreliable.idempotency.FencingToken;
import io.github.sqsreliable.idempotency.Idempotency;
import io.github.sqsreliable.idempotency.IdempotencyKey;
import io.github.sqsreliable.idempotency.IdempotencyStore;
import io.github.sqsreliable.idempotency.InMemoryIdempotencyStore;
import io.github.sqsreliable.internal.message.InFlightMessage;
import io.github.sqsreliable.internal.classify.FailureRouter;
import io.github.sqsreliable.internal.classify.Outcome;
import io.github.sqsreliable.internal.dedupe.IdempotencyGate.Settlement;
import io.github.sqsreliable.internal.observe.ConsumerEvents;
import io.github.sqsreliable.observe.ConsumerEvent;
import io.github.sqsreliable.observe.ConsumerEvent.ReleaseReason;
import io.github.sqsreliable.observe.ConsumerListener;
import io.github.sqsreliable.observe.ConsumerMetrics;
import io.github.sqsreliable.retry.Backoff;
import io.github.sqsreliable.retry.ErrorClassifier;
import io.github.sqsreliable.retry.FailureKind;
import io.github.sqsreliable.retry.FailureRecord;
import io.github.sqsreliable.retry.FailureRecord.DeadLetterReason;
import io.github.sqsreliable.retry.PermanentFailureException;
import io.github.sqsreliable.retry.RetryPolicy;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The idempotency gate between receive and dispatch, driven directly: a real {@link FailureRouter} (fixed wall
 * clock, fake nano clock), the {@link IdempotencyGate.Admission} it returns as its decisions (it settles no message
 * itself), {@link ConsumerEvents} with a recording listener, and either a real {@link InMemoryIdempotencyStore} or
 * a mocked store (for failures, and to see the exact requests).
 */
@Timeout(30)
class IdempotencyGateTest {

    private static final String PREFIX = "https://sqs.us-east-1.amazonaws.com/123456789012/";
    private static final String QUEUE_URL = PREFIX + "orders";
    private static final String DLQ = PREFIX + "orders-dlq";
    private static final String FIFO_QUEUE_URL = PREFIX + "orders.fifo";
    private static final String NAMESPACE = "orders";
    private static final Duration VISIBILITY = Duration.ofSeconds(30);
    /** The lease the gate acquires with: the visibility timeout plus one second. */
    private static final Duration LEASE = VISIBILITY.plusSeconds(1);
    private static final Instant NOW = Instant.parse("2024-05-01T10:00:00Z");
    /** sha256("orders\nm-1"), computed outside Java ({@code printf 'orders\nm-1' | sha256sum}). */
    private static final String SHA256_OF_ORDERS_M1 = "7ee238ad631ed26b42e7a8762108e0204cf71c91445da99f3eb054bb10b0b65e";
    /** sha256("{\"order\":1}"), computed outside Java. */
    private static final String SHA256_OF_ORDER_1_BODY = "a781679e01308cfef90983a4c1350319a7e3993c3a3f5a8c8439781a326d7c8d";

    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final AtomicLong nanos = new AtomicLong(5_000_000_000L);
    private final List<ConsumerEvent> recorded = new CopyOnWriteArrayList<>();
    private final ConsumerEvents events = new ConsumerEvents(List.of(new ConsumerListener() {
        @Override
        public void onDuplicateSkipped(ConsumerEvent.DuplicateSkipped event) {
            recorded.add(event);
        }
    }));
    /** Every list of requests the mocked store was asked to acquire. */
    private final List<List<AcquireRequest>> acquireCalls = new CopyOnWriteArrayList<>();

    // ---------------------------------------------------------------------------------------------------------
    // fixtures

    private static Idempotency.Builder config(IdempotencyStore store) {
        return Idempotency.builder().store(store).namespace(NAMESPACE);
    }

    private FailureRouter router(RetryPolicy policy, String queueUrl, boolean fifo, boolean redrivePolicy) {
        return new FailureRouter(policy, ErrorClassifier.defaults(), queueUrl, fifo, redrivePolicy, clock, nanos::get);
    }

    private static RetryPolicy withDeadLetterQueue() {
        return RetryPolicy.builder().onSameQueue(3, Backoff.fixed(Duration.ofSeconds(1))).thenDeadLetter(DLQ).build();
    }

    private IdempotencyGate gate(Idempotency config) {
        return gate(config, router(RetryPolicy.defaults(), QUEUE_URL, false, false), false);
    }

    private IdempotencyGate gate(Idempotency config, FailureRouter router, boolean fifo) {
        return new IdempotencyGate(config, "consumer-name", VISIBILITY, fifo, router, HeldKeys.NONE, events);
    }

    private InFlightMessage message(String messageId, String body) {
        return message(messageId, body, null);
    }

    private InFlightMessage message(String messageId, String body, String groupId) {
        Map<String, String> system = new HashMap<>();
        system.put("ApproximateReceiveCount", "1");
        if (groupId != null) {
            system.put("MessageGroupId", groupId);
        }
        Message sdk = Message.builder()
                .messageId(messageId)
                .receiptHandle("receipt-" + messageId)
                .body(body)
                .attributesWithStrings(system)
                .build();
        String queueUrl = groupId != null ? FIFO_QUEUE_URL : QUEUE_URL;
        SqsMessage view = SqsMessage.builder()
                .queueUrl(queueUrl)
                .messageId(sdk.messageId())
                .body(sdk.body())
                .attributes(sdk.attributesAsStrings())
                .messageAttributes(sdk.messageAttributes())
                .build();
        return new InFlightMessage(sdk, view, groupId != null, nanos.get(), VISIBILITY.toNanos());
    }

    /** A mocked store answering each acquire with {@code answer} and recording the requests. */
    private IdempotencyStore mockedStore(Function<List<AcquireRequest>, CompletableFuture<List<AcquireResult>>> answer) {
        IdempotencyStore store = mock(IdempotencyStore.class);
        when(store.acquire(anyList())).thenAnswer(invocation -> {
            List<AcquireRequest> requests = List.copyOf(invocation.getArgument(0));
            acquireCalls.add(requests);
            return answer.apply(requests);
        });
        return store;
    }

    /** A mocked store that grants every key. */
    private IdempotencyStore grantingStore() {
        return mockedStore(requests -> {
            List<AcquireResult> results = new ArrayList<>();
            requests.forEach(r -> results.add(new AcquireResult.Acquired(FencingToken.random())));
            return CompletableFuture.completedFuture(results);
        });
    }

    /** A mocked store that answers every request with the same result. */
    private IdempotencyStore storeAnswering(AcquireResult result) {
        return mockedStore(requests -> CompletableFuture.completedFuture(
                requests.stream().map(r -> result).toList()));
    }

    private IdempotencyStore failingStore() {
        return mockedStore(requests -> CompletableFuture.failedFuture(new IllegalStateException("store down")));
    }

    private static String sha256(String text) throws Exception {
        StringBuilder hex = new StringBuilder();
        for (byte b : MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8))) {
            hex.append(String.format("%02x", b));
        }
        return hex.toString();
    }

    private static String storeKey(String rawKey) throws Exception {
        return sha256(NAMESPACE + "\n" + rawKey);
    }

    /** The single outcome the gate decided to apply to {@code message}, asserting it decided nothing else. */
    private static Outcome outcomeOf(IdempotencyGate.Admission admission, InFlightMessage message) {
        assertThat(settlementsOf(admission, message)).singleElement().isInstanceOf(Settlement.Apply.class);
        return ((Settlement.Apply) settlementsOf(admission, message).get(0)).outcome();
    }

    /** What the gate decided to settle for {@code message} (the same instance), in order. */
    private static List<Settlement> settlementsOf(IdempotencyGate.Admission admission, InFlightMessage message) {
        return admission.toSettle().stream().filter(settlement -> settlement.message() == message).toList();
    }

    /** The messages the gate decided to hand back unprocessed, whatever the reason. */
    private static List<Settlement.Release> releases(IdempotencyGate.Admission admission) {
        return admission.toSettle().stream().filter(Settlement.Release.class::isInstance)
                .map(Settlement.Release.class::cast).toList();
    }

    private static Settlement.Release blockedBehindItsGroup(InFlightMessage message) {
        return new Settlement.Release(message, ReleaseReason.FIFO_GROUP_BLOCKED);
    }

    private List<ConsumerEvent.DuplicateSkipped> duplicateEvents() {
        List<ConsumerEvent.DuplicateSkipped> skipped = new ArrayList<>();
        for (ConsumerEvent event : recorded) {
            skipped.add((ConsumerEvent.DuplicateSkipped) event);
        }
        return skipped;
    }

    private ConsumerMetrics metrics() {
        return events.snapshot();
    }

    // ---------------------------------------------------------------------------------------------------------
    // the store call

    @Test
    void acquiresTheKeysOfOneReceiveInOneStoreCallAsNamespacedSha256() throws Exception {
        IdempotencyStore store = grantingStore();
        IdempotencyGate gate = gate(config(store).build());
        InFlightMessage first = message("m-1", "{\"order\":1}");
        InFlightMessage second = message("m-2", "{\"order\":2}");
        InFlightMessage third = message("m-3", "{\"order\":3}");

        gate.admit(List.of(first, second, third));

        verify(store, times(1)).acquire(anyList());
        assertThat(acquireCalls).hasSize(1);
        List<AcquireRequest> requests = acquireCalls.get(0);
        assertThat(requests).extracting(AcquireRequest::key)
                .containsExactly(SHA256_OF_ORDERS_M1, storeKey("m-2"), storeKey("m-3"))
                .allSatisfy(key -> assertThat(key).matches("[0-9a-f]{64}"));
        assertThat(requests).extracting(AcquireRequest::lease).containsOnly(LEASE);
        assertThat(requests).extracting(AcquireRequest::payloadHash).containsOnlyNulls();
    }

    @Test
    void theNamespaceDefaultsToTheConsumersName() throws Exception {
        IdempotencyStore store = grantingStore();
        IdempotencyGate gate = gate(Idempotency.builder().store(store).build());

        gate.admit(List.of(message("m-1", "body")));

        assertThat(acquireCalls.get(0)).extracting(AcquireRequest::key).containsExactly(sha256("consumer-name\nm-1"));
    }

    @Test
    void theRawKeyComesFromTheKeyFunction() throws Exception {
        IdempotencyStore store = grantingStore();
        IdempotencyKey orderId = message -> message.body().replace("{\"order\":", "order-").replace("}", "");
        IdempotencyGate gate = gate(config(store).key(orderId).build());

        gate.admit(List.of(message("m-1", "{\"order\":7}")));

        assertThat(acquireCalls.get(0)).extracting(AcquireRequest::key)
                .containsExactly("915f39c81ca8c9b98a1e346e6bee98b911d7d416a7e62b052b56adf4a6cdc7c7")
                .containsExactly(storeKey("order-7"));
    }

    @Test
    void sendsAPayloadHashOnlyWithValidatePayload() {
        IdempotencyStore store = grantingStore();
        IdempotencyGate gate = gate(config(store).validatePayload(true).build());

        gate.admit(List.of(message("m-1", "{\"order\":1}")));

        assertThat(acquireCalls.get(0)).singleElement().satisfies(request -> {
            assertThat(request.payloadHash()).isEqualTo(SHA256_OF_ORDER_1_BODY);
            assertThat(request.key()).isEqualTo(SHA256_OF_ORDERS_M1);
        });
    }

    // ---------------------------------------------------------------------------------------------------------
    // what the store answers

    @Test
    void anAcquiredKeyIsDispatchedHoldingItsKeyAndToken() throws Exception {
        InMemoryIdempotencyStore store = InMemoryIdempotencyStore.create();
        IdempotencyGate gate = gate(config(store).build());
        InFlightMessage first = message("m-1", "a");
        InFlightMessage second = message("m-2", "b");

        IdempotencyGate.Admission admission = gate.admit(List.of(first, second));

        assertThat(admission.toDispatch()).containsExactly(first, second);
        assertThat(admission.pause()).isZero();
        assertThat(first.idempotencyKey()).isEqualTo(SHA256_OF_ORDERS_M1);
        assertThat(second.idempotencyKey()).isEqualTo(storeKey("m-2"));
        assertThat(first.fencingToken()).isNotNull();
        assertThat(second.fencingToken()).isNotNull().isNotEqualTo(first.fencingToken());
        assertThat(admission.toSettle()).isEmpty();
        assertThat(recorded).isEmpty();
        // the key is really held: another acquisition finds it in progress
        assertThat(store.acquire(List.of(new AcquireRequest(first.idempotencyKey(), LEASE, null))).join().get(0))
                .isInstanceOf(AcquireResult.InProgress.class);
        // and the token the message holds is the one that can complete it
        assertThat(store.complete(first.idempotencyKey(), first.fencingToken(), Duration.ofMinutes(1)).join()).isTrue();
    }

    @Test
    void aCompletedKeyIsAcknowledgedAsADuplicateWithoutDispatch() throws Exception {
        InMemoryIdempotencyStore store = InMemoryIdempotencyStore.create();
        FencingToken token = ((AcquireResult.Acquired) store.acquire(List.of(
                new AcquireRequest(storeKey("m-1"), LEASE, null))).join().get(0)).token();
        store.complete(storeKey("m-1"), token, Duration.ofHours(1)).join();
        IdempotencyGate gate = gate(config(store).build());
        InFlightMessage duplicate = message("m-1", "a");
        InFlightMessage fresh = message("m-2", "b");

        IdempotencyGate.Admission admission = gate.admit(List.of(duplicate, fresh));

        assertThat(admission.toDispatch()).containsExactly(fresh);
        assertThat(outcomeOf(admission, duplicate)).isInstanceOf(Outcome.Acknowledge.class);
        assertThat(duplicate.idempotencyKey()).isNull();
        assertThat(duplicateEvents()).singleElement().satisfies(event -> {
            assertThat(event.message()).isSameAs(duplicate.view());
            assertThat(event.inProgress()).isFalse();
        });
        assertThat(metrics().duplicatesSkipped()).isEqualTo(1);
        assertThat(metrics().duplicatesInProgress()).isZero();
    }

    @Test
    void aKeyInProgressElsewhereIsRetriedWhenItsLeaseWouldHaveExpired() throws Exception {
        InMemoryIdempotencyStore store = InMemoryIdempotencyStore.builder().clock(clock).build();
        store.acquire(List.of(new AcquireRequest(storeKey("m-1"), Duration.ofSeconds(10), null))).join();
        IdempotencyGate gate = gate(config(store).build());
        InFlightMessage held = message("m-1", "a");

        IdempotencyGate.Admission admission = gate.admit(List.of(held));

        assertThat(admission.toDispatch()).isEmpty();
        assertThat(admission.pause()).isZero();
        Outcome outcome = outcomeOf(admission, held);
        assertThat(outcome).isInstanceOfSatisfying(Outcome.RetryAfter.class, retry -> {
            assertThat(retry.delay()).isEqualTo(Duration.ofSeconds(11));
            assertThat(retry.attempt()).isEqualTo(1);
            assertThat(retry.cause()).isNull();
        });
        assertThat(duplicateEvents()).singleElement().satisfies(event -> {
            assertThat(event.message()).isSameAs(held.view());
            assertThat(event.inProgress()).isTrue();
        });
        assertThat(metrics().duplicatesInProgress()).isEqualTo(1);
        assertThat(metrics().duplicatesSkipped()).isZero();
    }

    @Test
    void theSameKeyTwiceInOneReceiveIsRequestedOnceAndTheSecondCopyWaits() throws Exception {
        IdempotencyStore store = grantingStore();
        IdempotencyGate gate = gate(config(store).key(SqsMessage::body).build());
        InFlightMessage first = message("m-1", "order-1");
        InFlightMessage other = message("m-2", "order-2");
        InFlightMessage copy = message("m-3", "order-1");

        IdempotencyGate.Admission admission = gate.admit(List.of(first, other, copy));

        assertThat(acquireCalls).singleElement().satisfies(requests -> assertThat(requests)
                .extracting(AcquireRequest::key).containsExactly(storeKey("order-1"), storeKey("order-2")));
        assertThat(admission.toDispatch()).containsExactly(first, other);
        assertThat(outcomeOf(admission, copy)).isInstanceOfSatisfying(Outcome.RetryAfter.class, retry -> {
            assertThat(retry.delay()).isEqualTo(LEASE);
            assertThat(retry.attempt()).isEqualTo(1);
            assertThat(retry.cause()).isNull();
        });
        assertThat(copy.idempotencyKey()).isNull();
        assertThat(duplicateEvents()).singleElement().satisfies(event -> {
            assertThat(event.message()).isSameAs(copy.view());
            assertThat(event.inProgress()).isTrue();
        });
        assertThat(settlementsOf(admission, first)).isEmpty();
    }

    /**
     * The consumer applies the settlements in the order the gate returns them, before it dispatches: that order must
     * be the received order, and each message must get exactly one decision.
     */
    @Test
    void decidesOnceForEveryMessageAndListsTheSettlementsInReceivedOrder() throws Exception {
        InMemoryIdempotencyStore store = InMemoryIdempotencyStore.builder().clock(clock).build();
        FencingToken token = ((AcquireResult.Acquired) store.acquire(List.of(
                new AcquireRequest(storeKey("m-1"), LEASE, null))).join().get(0)).token();
        store.complete(storeKey("m-1"), token, Duration.ofHours(1)).join();
        store.acquire(List.of(new AcquireRequest(storeKey("m-4"), Duration.ofSeconds(10), null))).join();
        IdempotencyKey parse = message -> {
            if (message.body().contains("garbage")) {
                throw new IllegalArgumentException("malformed");
            }
            return message.messageId();
        };
        IdempotencyGate gate = gate(config(store).key(parse).build(),
                router(withDeadLetterQueue(), QUEUE_URL, false, false), false);
        InFlightMessage duplicate = message("m-1", "a");
        InFlightMessage fresh = message("m-2", "b");
        InFlightMessage malformed = message("m-3", "garbage");
        InFlightMessage heldElsewhere = message("m-4", "d");
        InFlightMessage alsoFresh = message("m-5", "e");

        IdempotencyGate.Admission admission = gate.admit(List.of(duplicate, fresh, malformed, heldElsewhere,
                alsoFresh));

        assertThat(admission.toDispatch()).containsExactly(fresh, alsoFresh);
        assertThat(admission.held()).isEmpty();
        assertThat(admission.pause()).isZero();
        assertThat(admission.toSettle()).extracting(Settlement::message)
                .containsExactly(duplicate, malformed, heldElsewhere);
        assertThat(admission.toSettle()).allSatisfy(settlement -> assertThat(settlement)
                .isInstanceOf(Settlement.Apply.class));
        assertThat(outcomeOf(admission, duplicate)).isInstanceOf(Outcome.Acknowledge.class);
        assertThat(outcomeOf(admission, malformed)).isInstanceOf(Outcome.Move.class);
        assertThat(outcomeOf(admission, heldElsewhere)).isInstanceOf(Outcome.RetryAfter.class);
        assertThat(duplicateEvents()).extracting(ConsumerEvent.DuplicateSkipped::inProgress)
                .containsExactly(false, true);
    }

    // ---------------------------------------------------------------------------------------------------------
    // malformed keys

    @Test
    void aKeyFunctionThatThrowsDeadLettersTheMessageWithThePermanentFailure() {
        IdempotencyStore store = grantingStore();
        IdempotencyKey parse = message -> {
            if (!message.body().startsWith("order-")) {
                throw new IllegalArgumentException("no order id in '" + message.body() + "'");
            }
            return message.body();
        };
        IdempotencyGate gate = gate(config(store).key(parse).build(),
                router(withDeadLetterQueue(), QUEUE_URL, false, false), false);
        InFlightMessage healthy = message("m-1", "order-1");
        InFlightMessage malformed = message("m-2", "garbage");

        IdempotencyGate.Admission admission = gate.admit(List.of(healthy, malformed));

        assertThat(admission.toDispatch()).containsExactly(healthy);
        assertThat(acquireCalls).singleElement().satisfies(requests -> assertThat(requests).hasSize(1));
        assertDeadLetteredForItsKey(outcomeOf(admission, malformed), "no order id in 'garbage'");
        assertThat(recorded).isEmpty();
    }

    @Test
    void aKeyFunctionThatThrowsIsLoggedOnceAtWarnWithoutTheBody() {
        // given a key function that fails on a body carrying data that must not reach the log
        IdempotencyStore store = grantingStore();
        IdempotencyKey failing = message -> {
            throw new IllegalArgumentException("no order id");
        };
        IdempotencyGate gate = gate(config(store).key(failing).build(),
                router(withDeadLetterQueue(), QUEUE_URL, false, false), false);
        InFlightMessage malformed = message("m-2", "{\"card\":\"4111-1111-1111-1111\"}");

        // when it is admitted
        AtomicReference<IdempotencyGate.Admission> admission = new AtomicReference<>();
        String log = standardErrorOf(() -> admission.set(gate.admit(List.of(malformed))));

        // then it is dead-lettered as before
        assertDeadLetteredForItsKey(outcomeOf(admission.get(), malformed), "no order id");
        // and one WARN line says why: message id, queue, the exception's class and message, where it went
        assertThat(log.lines().filter(line -> line.contains("m-2"))).singleElement().satisfies(line -> assertThat(line)
                .contains("WARN", QUEUE_URL, IllegalArgumentException.class.getName(), "no order id", DLQ)
                .doesNotContain("4111", "receipt-m-2"));
        // without a stack trace
        assertThat(log).doesNotContain("\tat ");
    }

    /**
     * Runs {@code action} and returns what it wrote to standard error: slf4j-simple (the test binding) writes to
     * {@code System.err} as it is when each line is logged.
     */
    private static String standardErrorOf(Runnable action) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aKeyFunctionReturningNullDeadLettersTheMessage() {
        IdempotencyStore store = grantingStore();
        IdempotencyGate gate = gate(config(store).key(message -> null).build(),
                router(withDeadLetterQueue(), QUEUE_URL, false, false), false);
        InFlightMessage message = message("m-1", "a");

        IdempotencyGate.Admission admission = gate.admit(List.of(message));

        assertThat(admission.toDispatch()).isEmpty();
        assertThat(admission.pause()).isZero();
        assertDeadLetteredForItsKey(outcomeOf(admission, message), "returned null");
        // nothing to acquire: the store is not called at all
        assertThat(acquireCalls).isEmpty();
    }

    @Test
    void aKeyFunctionReturningAnEmptyKeyDeadLettersTheMessage() {
        IdempotencyStore store = grantingStore();
        IdempotencyGate gate = gate(config(store).key(message -> "").build(),
                router(withDeadLetterQueue(), QUEUE_URL, false, false), false);
        InFlightMessage message = message("m-1", "a");

        IdempotencyGate.Admission admission = gate.admit(List.of(message));

        assertThat(admission.toDispatch()).isEmpty();
        assertDeadLetteredForItsKey(outcomeOf(admission, message), "an empty key");
        assertThat(acquireCalls).isEmpty();
    }

    @Test
    void withoutADeadLetterQueueAMalformedKeyGoesToTheQueuesRedrivePolicy() {
        IdempotencyStore store = grantingStore();
        IdempotencyGate gate = gate(config(store).key(message -> null).build(),
                router(RetryPolicy.defaults(), QUEUE_URL, false, true), false);
        InFlightMessage message = message("m-1", "a");

        IdempotencyGate.Admission admission = gate.admit(List.of(message));

        assertThat(outcomeOf(admission, message)).isInstanceOfSatisfying(Outcome.Release.class, release ->
                assertThat(release.cause()).isInstanceOf(PermanentFailureException.class)
                        .hasMessageContaining("idempotency key"));
    }

    private static void assertDeadLetteredForItsKey(Outcome outcome, String detail) {
        assertThat(outcome).isInstanceOfSatisfying(Outcome.Move.class, move -> {
            assertThat(move.queueUrl()).isEqualTo(DLQ);
            assertThat(move.deadLetter()).isTrue();
            assertThat(move.delay()).isZero();
            assertThat(move.cause()).isInstanceOf(PermanentFailureException.class);
            FailureRecord record = move.record();
            assertThat(record.deadLetterReason()).isEqualTo(DeadLetterReason.PERMANENT_FAILURE);
            assertThat(record.kind()).isEqualTo(FailureKind.PERMANENT);
            assertThat(record.attempts()).isEqualTo(1);
            assertThat(record.originQueueUrl()).isEqualTo(QUEUE_URL);
            assertThat(record.errorClass()).isEqualTo(PermanentFailureException.class.getName());
            assertThat(record.errorMessage()).contains("idempotency key").contains(detail);
        });
    }

    // ---------------------------------------------------------------------------------------------------------
    // payload validation

    @Test
    void aCompletedKeyRecordedWithAnotherBodyIsAPermanentFailure() {
        IdempotencyStore store = storeAnswering(new AcquireResult.Completed("0".repeat(64)));
        IdempotencyGate gate = gate(config(store).validatePayload(true).build(),
                router(withDeadLetterQueue(), QUEUE_URL, false, false), false);
        InFlightMessage reused = message("m-1", "{\"order\":1}");

        IdempotencyGate.Admission admission = gate.admit(List.of(reused));

        assertThat(admission.toDispatch()).isEmpty();
        assertThat(outcomeOf(admission, reused)).isInstanceOfSatisfying(Outcome.Move.class, move -> {
            assertThat(move.deadLetter()).isTrue();
            assertThat(move.record().deadLetterReason()).isEqualTo(DeadLetterReason.PERMANENT_FAILURE);
            assertThat(move.record().errorMessage()).contains("different body");
        });
        assertThat(recorded).isEmpty();
        assertThat(metrics().duplicatesSkipped()).isZero();
    }

    @Test
    void aKeyInProgressWithAnotherBodyIsAPermanentFailure() {
        IdempotencyStore store = storeAnswering(new AcquireResult.InProgress(Duration.ofSeconds(5), "0".repeat(64)));
        IdempotencyGate gate = gate(config(store).validatePayload(true).build(),
                router(withDeadLetterQueue(), QUEUE_URL, false, false), false);
        InFlightMessage reused = message("m-1", "{\"order\":1}");

        IdempotencyGate.Admission admission = gate.admit(List.of(reused));

        assertThat(outcomeOf(admission, reused)).isInstanceOfSatisfying(Outcome.Move.class, move ->
                assertThat(move.cause()).isInstanceOf(PermanentFailureException.class)
                        .hasMessageContaining("different body"));
        assertThat(metrics().duplicatesInProgress()).isZero();
    }

    @Test
    void aCompletedKeyRecordedWithTheSameBodyIsAnOrdinaryDuplicate() {
        IdempotencyStore store = storeAnswering(new AcquireResult.Completed(SHA256_OF_ORDER_1_BODY));
        IdempotencyGate gate = gate(config(store).validatePayload(true).build());
        InFlightMessage duplicate = message("m-1", "{\"order\":1}");

        IdempotencyGate.Admission admission = gate.admit(List.of(duplicate));

        assertThat(outcomeOf(admission, duplicate)).isInstanceOf(Outcome.Acknowledge.class);
        assertThat(metrics().duplicatesSkipped()).isEqualTo(1);
    }

    @Test
    void withoutValidatePayloadAnotherBodyIsStillADuplicate() {
        IdempotencyStore store = storeAnswering(new AcquireResult.Completed("0".repeat(64)));
        IdempotencyGate gate = gate(config(store).build());
        InFlightMessage duplicate = message("m-1", "{\"order\":1}");

        IdempotencyGate.Admission admission = gate.admit(List.of(duplicate));

        assertThat(outcomeOf(admission, duplicate)).isInstanceOf(Outcome.Acknowledge.class);
    }

    // ---------------------------------------------------------------------------------------------------------
    // the store unavailable

    @Test
    void aFailedStoreCallHoldsEveryMessageBackAndPausesReceiving() {
        IdempotencyStore store = failingStore();
        IdempotencyGate gate = gate(config(store).build());
        List<InFlightMessage> messages = List.of(message("m-1", "a"), message("m-2", "b"), message("m-3", "c"));

        IdempotencyGate.Admission admission = gate.admit(messages);

        assertFailedClosed(admission, messages);
        assertThat(metrics().idempotencyStoreFailures()).isEqualTo(1);
    }

    @Test
    void aStoreThatThrowsInsteadOfFailingItsFutureIsAFailureToo() {
        IdempotencyStore store = mock(IdempotencyStore.class);
        when(store.acquire(anyList())).thenThrow(new IllegalStateException("connection pool closed"));
        IdempotencyGate gate = gate(config(store).build());
        List<InFlightMessage> messages = List.of(message("m-1", "a"));

        assertFailedClosed(gate.admit(messages), messages);
        assertThat(metrics().idempotencyStoreFailures()).isEqualTo(1);
    }

    @Test
    void aStoreThatNeverAnswersTimesOutAfterStoreTimeout() {
        IdempotencyStore store = mockedStore(requests -> new CompletableFuture<>());
        IdempotencyGate gate = gate(config(store).storeTimeout(Duration.ofMillis(100)).build());
        List<InFlightMessage> messages = List.of(message("m-1", "a"), message("m-2", "b"));

        long started = System.nanoTime();
        IdempotencyGate.Admission admission = gate.admit(messages);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(100)).isLessThan(Duration.ofSeconds(5));
        assertFailedClosed(admission, messages);
        assertThat(metrics().idempotencyStoreFailures()).isEqualTo(1);
    }

    @Test
    void theOutagePauseGrowsOverConsecutiveFailuresAndResetsAfterASuccess() {
        boolean[] down = {true};
        IdempotencyStore store = mockedStore(requests -> down[0]
                ? CompletableFuture.failedFuture(new IllegalStateException("store down"))
                : CompletableFuture.completedFuture(requests.stream()
                        .<AcquireResult>map(r -> new AcquireResult.Acquired(FencingToken.random())).toList()));
        IdempotencyGate gate = gate(config(store).build());

        List<Duration> pauses = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            pauses.add(gate.admit(List.of(message("m-" + i, "x"))).pause());
        }
        down[0] = false;
        IdempotencyGate.Admission recovered = gate.admit(List.of(message("m-6", "x")));
        down[0] = true;
        Duration afterRecovery = gate.admit(List.of(message("m-7", "x"))).pause();

        // exponential from 1 s, doubling, ±50 % jitter: the n-th failure waits 2^(n-1) s ± 50 %
        for (int n = 1; n <= 5; n++) {
            long base = 1000L << (n - 1);
            assertThat(pauses.get(n - 1).toMillis()).as("pause after failure %d", n)
                    .isBetween(base / 2, base * 3 / 2 + 1);
        }
        assertThat(pauses.get(4)).isGreaterThan(pauses.get(2));
        assertThat(pauses.get(2)).isGreaterThan(pauses.get(0));
        assertThat(recovered.pause()).isZero();
        assertThat(recovered.toDispatch()).hasSize(1);
        assertThat(afterRecovery.toMillis()).as("the first failure after a success starts over")
                .isBetween(500L, 1501L);
        assertThat(metrics().idempotencyStoreFailures()).isEqualTo(6);
    }

    @Test
    void failingOpenDispatchesEveryMessageWithoutAKeyAndDoesNotPause() {
        IdempotencyStore store = failingStore();
        IdempotencyGate gate = gate(config(store).failOpen(true).build());
        List<InFlightMessage> messages = List.of(message("m-1", "a"), message("m-2", "b"));

        IdempotencyGate.Admission admission = gate.admit(messages);

        assertThat(admission.toDispatch()).containsExactlyElementsOf(messages);
        assertThat(admission.pause()).isZero();
        assertThat(messages).allSatisfy(message -> {
            assertThat(message.idempotencyKey()).isNull();
            assertThat(message.fencingToken()).isNull();
        });
        assertThat(admission.toSettle()).isEmpty();
        assertThat(metrics().idempotencyStoreFailures()).isEqualTo(1);
    }

    @Test
    void failingOpenStillHoldsBackTheSecondCopyOfAKeyInTheSameReceive() {
        IdempotencyStore store = failingStore();
        IdempotencyGate gate = gate(config(store).key(SqsMessage::body).failOpen(true).build());
        InFlightMessage first = message("m-1", "order-1");
        InFlightMessage copy = message("m-2", "order-1");

        IdempotencyGate.Admission admission = gate.admit(List.of(first, copy));

        assertThat(admission.toDispatch()).containsExactly(first);
        assertThat(outcomeOf(admission, copy)).isInstanceOf(Outcome.RetryAfter.class);
    }

    @Test
    void tooFewResultsFromTheStoreAreAFailure() {
        IdempotencyStore store = mockedStore(requests -> CompletableFuture.completedFuture(
                List.of(new AcquireResult.Acquired(FencingToken.random()))));
        IdempotencyGate gate = gate(config(store).build());
        List<InFlightMessage> messages = List.of(message("m-1", "a"), message("m-2", "b"));

        IdempotencyGate.Admission admission = gate.admit(messages);

        assertFailedClosed(admission, messages);
        assertThat(messages).allSatisfy(message -> assertThat(message.idempotencyKey()).isNull());
        assertThat(metrics().idempotencyStoreFailures()).isEqualTo(1);
    }

    @Test
    void tooManyResultsFromTheStoreAreAFailure() {
        IdempotencyStore store = mockedStore(requests -> CompletableFuture.completedFuture(List.of(
                new AcquireResult.Acquired(FencingToken.random()), new AcquireResult.Completed(null))));
        IdempotencyGate gate = gate(config(store).build());
        List<InFlightMessage> messages = List.of(message("m-1", "a"));

        assertFailedClosed(gate.admit(messages), messages);
    }

    @Test
    void aNullResultListFromTheStoreIsAFailure() {
        IdempotencyStore store = mockedStore(requests -> CompletableFuture.completedFuture(null));
        IdempotencyGate gate = gate(config(store).build());
        List<InFlightMessage> messages = List.of(message("m-1", "a"));

        assertFailedClosed(gate.admit(messages), messages);
    }

    @Test
    void aNullResultForOneKeyIsAFailure() {
        // The SPI promises one result per request; a null among them breaks it like a wrong count does.
        IdempotencyStore store = mockedStore(requests -> {
            List<AcquireResult> results = new ArrayList<>();
            results.add(new AcquireResult.Acquired(FencingToken.random()));
            results.add(null);
            return CompletableFuture.completedFuture(results);
        });
        IdempotencyGate gate = gate(config(store).build());
        List<InFlightMessage> messages = List.of(message("m-1", "a"), message("m-2", "b"));

        assertFailedClosed(gate.admit(messages), messages);
        assertThat(messages).allSatisfy(message -> assertThat(message.idempotencyKey()).isNull());
        assertThat(metrics().idempotencyStoreFailures()).isEqualTo(1);
    }

    /**
     * Failing closed holds the messages back, owned and invisible, to be admitted again after the pause: nothing is
     * settled (a settle would make SQS count another receive), released or dispatched.
     */
    private void assertFailedClosed(IdempotencyGate.Admission admission, List<InFlightMessage> messages) {
        assertThat(admission.toDispatch()).isEmpty();
        assertThat(admission.pause()).isPositive();
        assertThat(admission.held()).containsExactlyElementsOf(messages);
        assertThat(admission.toSettle()).isEmpty();
        assertThat(recorded).isEmpty();
    }

    // ---------------------------------------------------------------------------------------------------------
    // FIFO

    @Test
    void onFifoAKeyInProgressBlocksTheLaterMessagesOfItsGroupOnly() throws Exception {
        InMemoryIdempotencyStore store = InMemoryIdempotencyStore.builder().clock(clock).build();
        store.acquire(List.of(new AcquireRequest(storeKey("m-1"), Duration.ofSeconds(10), null))).join();
        IdempotencyGate gate = gate(config(store).build(), router(RetryPolicy.defaults(), FIFO_QUEUE_URL, true, false),
                true);
        InFlightMessage heldElsewhere = message("m-1", "g1-a", "g1");
        InFlightMessage behind = message("m-2", "g1-b", "g1");
        InFlightMessage otherGroup = message("m-3", "g2-a", "g2");
        InFlightMessage furtherBehind = message("m-4", "g1-c", "g1");
        InFlightMessage otherGroupNext = message("m-5", "g2-b", "g2");

        IdempotencyGate.Admission admission = gate.admit(
                List.of(heldElsewhere, behind, otherGroup, furtherBehind, otherGroupNext));

        assertThat(admission.toDispatch()).containsExactly(otherGroup, otherGroupNext);
        assertThat(outcomeOf(admission, heldElsewhere)).isInstanceOfSatisfying(Outcome.RetryAfter.class,
                retry -> assertThat(retry.delay()).isEqualTo(Duration.ofSeconds(11)));
        // released, and nothing else: never applied an outcome
        assertThat(settlementsOf(admission, behind)).containsExactly(blockedBehindItsGroup(behind));
        assertThat(settlementsOf(admission, furtherBehind)).containsExactly(blockedBehindItsGroup(furtherBehind));
        assertThat(admission.toSettle()).extracting(Settlement::message)
                .containsExactly(heldElsewhere, behind, furtherBehind);
        // the blocked messages had their keys acquired: they hold them, so that releasing them gives them back
        assertThat(behind.idempotencyKey()).isEqualTo(storeKey("m-2"));
        assertThat(behind.fencingToken()).isNotNull();
        assertThat(furtherBehind.idempotencyKey()).isEqualTo(storeKey("m-4"));
        assertThat(duplicateEvents()).singleElement()
                .satisfies(event -> assertThat(event.message()).isSameAs(heldElsewhere.view()));
    }

    @Test
    void onFifoAMessageAfterTheKeyInProgressIsNotBlockedByIt() throws Exception {
        InMemoryIdempotencyStore store = InMemoryIdempotencyStore.builder().clock(clock).build();
        store.acquire(List.of(new AcquireRequest(storeKey("m-2"), Duration.ofSeconds(10), null))).join();
        IdempotencyGate gate = gate(config(store).build(), router(RetryPolicy.defaults(), FIFO_QUEUE_URL, true, false),
                true);
        InFlightMessage ahead = message("m-1", "g1-a", "g1");
        InFlightMessage heldElsewhere = message("m-2", "g1-b", "g1");

        IdempotencyGate.Admission admission = gate.admit(List.of(ahead, heldElsewhere));

        assertThat(admission.toDispatch()).containsExactly(ahead);
        assertThat(outcomeOf(admission, heldElsewhere)).isInstanceOf(Outcome.RetryAfter.class);
        assertThat(releases(admission)).isEmpty();
    }

    @Test
    void onFifoACompletedDuplicateDoesNotBlockItsGroup() throws Exception {
        InMemoryIdempotencyStore store = InMemoryIdempotencyStore.create();
        FencingToken token = ((AcquireResult.Acquired) store.acquire(List.of(
                new AcquireRequest(storeKey("m-1"), LEASE, null))).join().get(0)).token();
        store.complete(storeKey("m-1"), token, Duration.ofHours(1)).join();
        IdempotencyGate gate = gate(config(store).build(), router(RetryPolicy.defaults(), FIFO_QUEUE_URL, true, false),
                true);
        InFlightMessage duplicate = message("m-1", "g1-a", "g1");
        InFlightMessage next = message("m-2", "g1-b", "g1");

        IdempotencyGate.Admission admission = gate.admit(List.of(duplicate, next));

        assertThat(admission.toDispatch()).containsExactly(next);
        assertThat(outcomeOf(admission, duplicate)).isInstanceOf(Outcome.Acknowledge.class);
        assertThat(releases(admission)).isEmpty();
    }

    @Test
    void onFifoAMalformedMessageThatIsDeadLetteredDoesNotBlockItsGroup() {
        IdempotencyStore store = grantingStore();
        IdempotencyKey parse = message -> {
            if (message.body().contains("garbage")) {
                throw new IllegalArgumentException("malformed");
            }
            return message.body();
        };
        String fifoDlq = PREFIX + "orders-dlq.fifo";
        RetryPolicy policy = RetryPolicy.builder().onSameQueue(3, Backoff.fixed(Duration.ofSeconds(1)))
                .thenDeadLetter(fifoDlq).build();
        IdempotencyGate gate = gate(config(store).key(parse).build(), router(policy, FIFO_QUEUE_URL, true, false),
                true);
        InFlightMessage malformed = message("m-1", "g1-garbage", "g1");
        InFlightMessage next = message("m-2", "g1-b", "g1");

        IdempotencyGate.Admission admission = gate.admit(List.of(malformed, next));

        assertThat(admission.toDispatch()).containsExactly(next);
        assertThat(outcomeOf(admission, malformed)).isInstanceOfSatisfying(Outcome.Move.class,
                move -> assertThat(move.queueUrl()).isEqualTo(fifoDlq));
    }

    @Test
    void onFifoAMalformedMessageThatStaysOnTheQueueBlocksTheLaterMessagesOfItsGroup() {
        IdempotencyStore store = grantingStore();
        IdempotencyKey parse = message -> {
            if (message.body().contains("garbage")) {
                throw new IllegalArgumentException("malformed");
            }
            return message.body();
        };
        IdempotencyGate gate = gate(config(store).key(parse).build(),
                router(RetryPolicy.defaults(), FIFO_QUEUE_URL, true, false), true);
        InFlightMessage malformed = message("m-1", "g1-garbage", "g1");
        InFlightMessage behind = message("m-2", "g1-b", "g1");
        InFlightMessage otherGroup = message("m-3", "g2-a", "g2");

        IdempotencyGate.Admission admission = gate.admit(List.of(malformed, behind, otherGroup));

        assertThat(admission.toDispatch()).containsExactly(otherGroup);
        assertThat(outcomeOf(admission, malformed)).isInstanceOf(Outcome.RetryAfter.class);
        assertThat(settlementsOf(admission, behind)).containsExactly(blockedBehindItsGroup(behind));
    }

    /**
     * A message that cannot go on must block only the messages behind it. A malformed message late in a group
     * (retried on the queue: no dead-letter queue) must not hold back the earlier messages of that group.
     */
    @Test
    void onFifoAMalformedMessageDoesNotBlockTheEarlierMessagesOfItsGroup() {
        IdempotencyStore store = grantingStore();
        IdempotencyKey parse = message -> {
            if (message.body().contains("garbage")) {
                throw new IllegalArgumentException("malformed");
            }
            return message.body();
        };
        IdempotencyGate gate = gate(config(store).key(parse).build(),
                router(RetryPolicy.defaults(), FIFO_QUEUE_URL, true, false), true);
        InFlightMessage ahead = message("m-1", "g1-a", "g1");
        InFlightMessage malformed = message("m-2", "g1-garbage", "g1");

        IdempotencyGate.Admission admission = gate.admit(List.of(ahead, malformed));

        assertThat(admission.toDispatch()).containsExactly(ahead);
        assertThat(releases(admission)).isEmpty();
        assertThat(outcomeOf(admission, malformed)).isInstanceOf(Outcome.RetryAfter.class);
    }

    /**
     * The same business key twice in one FIFO group, in one receive: the first copy must go on and the second
     * wait. Blocking the first copy behind the second would repeat on every receive (SQS returns the group's
     * messages together again once the second copy is visible), so neither would ever be handled.
     */
    @Test
    void onFifoTheSecondCopyOfAKeyDoesNotBlockTheFirstCopy() throws Exception {
        IdempotencyStore store = grantingStore();
        IdempotencyGate gate = gate(config(store).key(message -> message.body().substring(3)).build(),
                router(RetryPolicy.defaults(), FIFO_QUEUE_URL, true, false), true);
        InFlightMessage first = message("m-1", "g1-order-1", "g1");
        InFlightMessage copy = message("m-2", "g1-order-1", "g1");

        IdempotencyGate.Admission admission = gate.admit(List.of(first, copy));

        assertThat(acquireCalls).singleElement().satisfies(requests -> assertThat(requests)
                .extracting(AcquireRequest::key).containsExactly(storeKey("order-1")));
        assertThat(admission.toDispatch()).containsExactly(first);
        assertThat(releases(admission)).isEmpty();
        assertThat(outcomeOf(admission, copy)).isInstanceOf(Outcome.RetryAfter.class);
    }

    @Test
    void onFifoAFailedStoreHoldsBackEveryGroup() {
        IdempotencyStore store = failingStore();
        IdempotencyGate gate = gate(config(store).build(), router(RetryPolicy.defaults(), FIFO_QUEUE_URL, true, false),
                true);
        List<InFlightMessage> messages = List.of(message("m-1", "a", "g1"), message("m-2", "b", "g2"),
                message("m-3", "c", "g1"));

        assertFailedClosed(gate.admit(messages), messages);
    }

    @Test
    void onFifoAMalformedMessageBehindABlockedOneIsReleasedRatherThanDeadLetteredAheadOfIt() throws Exception {
        InMemoryIdempotencyStore store = InMemoryIdempotencyStore.builder().clock(clock).build();
        store.acquire(List.of(new AcquireRequest(storeKey("g1-a"), Duration.ofSeconds(10), null))).join();
        IdempotencyKey parse = message -> {
            if (message.body().contains("garbage")) {
                throw new IllegalArgumentException("malformed");
            }
            return message.body();
        };
        RetryPolicy policy = RetryPolicy.builder().onSameQueue(3, Backoff.fixed(Duration.ofSeconds(1)))
                .thenDeadLetter(PREFIX + "orders-dlq.fifo").build();
        IdempotencyGate gate = gate(config(store).key(parse).build(), router(policy, FIFO_QUEUE_URL, true, false),
                true);
        InFlightMessage heldElsewhere = message("m-1", "g1-a", "g1");
        InFlightMessage malformed = message("m-2", "g1-garbage", "g1");

        IdempotencyGate.Admission admission = gate.admit(List.of(heldElsewhere, malformed));

        assertThat(admission.toDispatch()).isEmpty();
        assertThat(outcomeOf(admission, heldElsewhere)).isInstanceOf(Outcome.RetryAfter.class);
        // leaving the queue (to the dead-letter queue) would overtake the earlier message: it comes back instead
        assertThat(settlementsOf(admission, malformed)).containsExactly(blockedBehindItsGroup(malformed));
    }

    @Test
    void onFifoADoneDuplicateBehindABlockedOneIsStillDeleted() throws Exception {
        InMemoryIdempotencyStore store = InMemoryIdempotencyStore.builder().clock(clock).build();
        store.acquire(List.of(new AcquireRequest(storeKey("m-1"), Duration.ofSeconds(10), null))).join();
        FencingToken token = ((AcquireResult.Acquired) store.acquire(List.of(
                new AcquireRequest(storeKey("m-2"), LEASE, null))).join().get(0)).token();
        store.complete(storeKey("m-2"), token, Duration.ofHours(1)).join();
        IdempotencyGate gate = gate(config(store).build(), router(RetryPolicy.defaults(), FIFO_QUEUE_URL, true, false),
                true);
        InFlightMessage heldElsewhere = message("m-1", "g1-a", "g1");
        InFlightMessage duplicate = message("m-2", "g1-b", "g1");

        IdempotencyGate.Admission admission = gate.admit(List.of(heldElsewhere, duplicate));

        assertThat(admission.toDispatch()).isEmpty();
        assertThat(outcomeOf(admission, duplicate)).isInstanceOf(Outcome.Acknowledge.class);
        assertThat(releases(admission)).isEmpty();
        assertThat(duplicateEvents()).extracting(ConsumerEvent.DuplicateSkipped::inProgress).containsExactly(true, false);
    }
}

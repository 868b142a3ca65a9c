package io.github.sqsreliable.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.sqsreliable.idempotency.AcquireRequest;
import io.github.sqsreliable.idempotency.AcquireResult;
import io.github.sqsreliable.idempotency.CompleteRequest;
import io.github.sqsreliable.idempotency.FencingToken;
import io.github.sqsreliable.idempotency.IdempotencyStore;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The behaviour every {@link IdempotencyStore} must have. Each store's test extends this class and supplies the
 * store; the tests run against the real backend. Leases and TTLs here are short and real: expiry is waited for,
 * never faked, because Redis and DynamoDB stores take time from their own clocks.
 */
@Timeout(120)
public abstract class IdempotencyStoreContract {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration LONG = Duration.ofMinutes(5);
    private static final Duration SHORT = Duration.ofMillis(1_500);

    /** @return the store under test, ready to use */
    protected abstract IdempotencyStore store();

    /** @return a fresh key shaped like the consumer's: 64 hex characters */
    protected static String newKey() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private AcquireResult acquire(String key, Duration lease, String payloadHash) {
        return store().acquire(List.of(new AcquireRequest(key, lease, payloadHash))).join().get(0);
    }

    private FencingToken acquired(String key, Duration lease) {
        AcquireResult result = acquire(key, lease, "hash-1");
        assertThat(result).isInstanceOf(AcquireResult.Acquired.class);
        return ((AcquireResult.Acquired) result).token();
    }

    @Test
    void acquiresAFreeKeyOnceAndReportsItInProgressToOthers() {
        String key = newKey();
        acquired(key, LONG);

        AcquireResult second = acquire(key, LONG, "hash-1");

        assertThat(second).isInstanceOfSatisfying(AcquireResult.InProgress.class, inProgress -> {
            assertThat(inProgress.leaseRemaining()).isPositive().isLessThanOrEqualTo(LONG);
            assertThat(inProgress.payloadHash()).isEqualTo("hash-1");
        });
    }

    @Test
    void completedKeyIsReportedCompletedWithItsPayloadHash() {
        String key = newKey();
        FencingToken token = acquired(key, LONG);

        assertThat(store().complete(key, token, LONG).join()).isTrue();

        assertThat(acquire(key, LONG, "hash-2")).isEqualTo(new AcquireResult.Completed("hash-1"));
    }

    @Test
    void releasedKeyCanBeAcquiredAgainWithANewToken() {
        String key = newKey();
        FencingToken first = acquired(key, LONG);

        assertThat(store().release(key, first).join()).isTrue();
        FencingToken second = acquired(key, LONG);

        assertThat(second).isNotEqualTo(first);
    }

    @Test
    void expiredLeaseIsTakenOverAndTheStaleOwnerIsFencedOut() {
        String key = newKey();
        FencingToken stale = acquired(key, SHORT);

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> acquire(key, LONG, "hash-1") instanceof AcquireResult.Acquired);
        AcquireResult afterTakeover = acquire(key, LONG, "hash-1");

        assertThat(afterTakeover).isInstanceOf(AcquireResult.InProgress.class);
        assertThat(store().complete(key, stale, LONG).join()).isFalse();
        assertThat(store().release(key, stale).join()).isFalse();
        assertThat(store().renew(key, stale, LONG).join()).isFalse();
        assertThat(acquire(key, LONG, "hash-1")).isInstanceOf(AcquireResult.InProgress.class);
    }

    @Test
    void newOwnerCompletesAfterATakeoverWhileTheStaleOwnerCannot() {
        String key = newKey();
        FencingToken stale = acquired(key, SHORT);
        AtomicReference<AcquireResult> takeover = new AtomicReference<>();

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> takeover.updateAndGet(previous -> acquire(key, LONG, "hash-1"))
                        instanceof AcquireResult.Acquired);
        FencingToken owner = ((AcquireResult.Acquired) takeover.get()).token();

        assertThat(store().complete(key, stale, LONG).join()).isFalse();
        assertThat(store().complete(key, owner, LONG).join()).isTrue();
        assertThat(acquire(key, LONG, "hash-1")).isInstanceOf(AcquireResult.Completed.class);
    }

    @Test
    void completedRecordExpiresAfterItsTtl() {
        String key = newKey();
        FencingToken token = acquired(key, LONG);
        assertThat(store().complete(key, token, SHORT).join()).isTrue();
        assertThat(acquire(key, LONG, "hash-1")).isInstanceOf(AcquireResult.Completed.class);

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> acquire(key, LONG, "hash-1") instanceof AcquireResult.Acquired);
    }

    @Test
    void renewedLeaseOutlivesItsFirstLength() {
        String key = newKey();
        FencingToken token = acquired(key, SHORT);

        assertThat(store().renew(key, token, LONG).join()).isTrue();

        await().during(Duration.ofMillis(2_500)).atMost(Duration.ofSeconds(4)).pollInterval(Duration.ofMillis(250))
                .until(() -> acquire(key, LONG, "hash-1") instanceof AcquireResult.InProgress);
        assertThat(store().complete(key, token, LONG).join()).isTrue();
    }

    @Test
    void operationsOnAnUnknownKeyAnswerFalse() {
        String key = newKey();
        FencingToken token = FencingToken.random();

        assertThat(store().complete(key, token, LONG).join()).isFalse();
        assertThat(store().release(key, token).join()).isFalse();
        assertThat(store().renew(key, token, LONG).join()).isFalse();
    }

    @Test
    void batchAcquireAnswersEachKeyInOrder() {
        String free = newKey();
        String held = newKey();
        String done = newKey();
        acquired(held, LONG);
        FencingToken doneToken = acquired(done, LONG);
        store().complete(done, doneToken, LONG).join();

        List<AcquireResult> results = store().acquire(List.of(
                new AcquireRequest(free, LONG, "f"),
                new AcquireRequest(held, LONG, "h"),
                new AcquireRequest(done, LONG, "d"))).join();

        assertThat(results).hasSize(3);
        assertThat(results.get(0)).isInstanceOf(AcquireResult.Acquired.class);
        assertThat(results.get(1)).isInstanceOf(AcquireResult.InProgress.class);
        assertThat(results.get(2)).isInstanceOf(AcquireResult.Completed.class);
    }

    @Test
    void completeAllCompletesEveryHeldKeyInOneCall() {
        List<String> keys = List.of(newKey(), newKey(), newKey());
        List<CompleteRequest> requests = new ArrayList<>();
        for (String key : keys) {
            requests.add(new CompleteRequest(key, acquired(key, LONG)));
        }

        List<Boolean> answers = store().completeAll(requests, LONG).join();

        assertThat(answers).containsExactly(true, true, true);
        for (String key : keys) {
            assertThat(acquire(key, LONG, "hash-2")).isEqualTo(new AcquireResult.Completed("hash-1"));
        }
    }

    @Test
    void completeAllAnswersFalseOnlyForTheKeyWhoseTokenWasTakenOver() {
        String before = newKey();
        String lost = newKey();
        String after = newKey();
        FencingToken beforeToken = acquired(before, LONG);
        FencingToken stale = acquired(lost, SHORT);
        FencingToken afterToken = acquired(after, LONG);
        AtomicReference<AcquireResult> takeover = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> takeover.updateAndGet(previous -> acquire(lost, LONG, "hash-1"))
                        instanceof AcquireResult.Acquired);

        List<Boolean> answers = store().completeAll(List.of(
                new CompleteRequest(before, beforeToken),
                new CompleteRequest(lost, stale),
                new CompleteRequest(after, afterToken)), LONG).join();

        assertThat(answers).containsExactly(true, false, true);
        assertThat(acquire(lost, LONG, "hash-1")).isInstanceOf(AcquireResult.InProgress.class);
        FencingToken owner = ((AcquireResult.Acquired) takeover.get()).token();
        assertThat(store().completeAll(List.of(new CompleteRequest(lost, owner)), LONG).join()).containsExactly(true);
    }

    @Test
    void keysCompletedTogetherAreRefusedToEveryLaterAcquirer() {
        List<String> keys = List.of(newKey(), newKey());
        List<CompleteRequest> requests = new ArrayList<>();
        for (String key : keys) {
            requests.add(new CompleteRequest(key, acquired(key, LONG)));
        }
        store().completeAll(requests, LONG).join();

        List<AcquireResult> duplicates = store().acquire(List.of(
                new AcquireRequest(keys.get(0), LONG, "hash-1"),
                new AcquireRequest(keys.get(1), LONG, "hash-1"))).join();

        assertThat(duplicates).allMatch(AcquireResult.Completed.class::isInstance);
        assertThat(store().completeAll(requests, LONG).join())
                .as("completing again: the token no longer holds the key").containsExactly(false, false);
    }

    @Test
    void completeAllOfNoKeysAnswersAnEmptyList() {
        assertThat(store().completeAll(List.of(), LONG).join()).isEmpty();
    }

    @Test
    void completeAllOfAnUnknownKeyAnswersFalse() {
        assertThat(store().completeAll(List.of(new CompleteRequest(newKey(), FencingToken.random())), LONG).join())
                .containsExactly(false);
    }

    @Test
    void sixteenThreadsRacingOnAThousandKeysAcquireEachExactlyOnce() throws Exception {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            keys.add(newKey());
        }
        AtomicIntegerArray acquisitions = new AtomicIntegerArray(keys.size());
        ExecutorService threads = Executors.newFixedThreadPool(16);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> racers = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                racers.add(threads.submit(() -> {
                    start.await();
                    for (int from = 0; from < keys.size(); from += 10) {
                        List<AcquireRequest> batch = new ArrayList<>();
                        for (int i = from; i < from + 10; i++) {
                            batch.add(new AcquireRequest(keys.get(i), LONG, null));
                        }
                        List<AcquireResult> results = store().acquire(batch).join();
                        for (int i = 0; i < results.size(); i++) {
                            if (results.get(i) instanceof AcquireResult.Acquired) {
                                acquisitions.incrementAndGet(from + i);
                            }
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> racer : racers) {
                racer.get(90, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
        for (int i = 0; i < keys.size(); i++) {
            assertThat(acquisitions.get(i)).as("acquisitions of key %d", i).isEqualTo(1);
        }
    }
}

package io.github.sqsreliable.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqsreliable.SqsReliableException;
import io.github.sqsreliable.idempotency.AcquireRequest;
import io.github.sqsreliable.idempotency.AcquireResult;
import io.github.sqsreliable.idempotency.CompleteRequest;
import io.github.sqsreliable.idempotency.FencingToken;
import io.github.sqsreliable.test.EmbeddedRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.SlotHash;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the store writes to Redis: key names, the record (one string), the server clock, garbage collection; and
 * what it does with keys it did not write.
 */
class RedisRecordFormatIT {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration LEASE = Duration.ofMinutes(5);

    private static RedisClient client;
    private static StatefulRedisConnection<String, String> connection;
    private static RedisCommands<String, String> redis;
    private static RedisIdempotencyStore store;

    @BeforeAll
    static void connect() {
        client = RedisClient.create(EmbeddedRedis.shared().uri());
        connection = client.connect();
        redis = connection.sync();
        store = RedisIdempotencyStore.builder().connection(connection)
                .keyPrefix("orders:").hashTag("billing").build();
    }

    @AfterAll
    static void disconnect() {
        connection.close();
        client.shutdown();
    }

    @Test
    void keysCarryThePrefixAndTheHashTag() {
        String key = newKey();

        FencingToken token = acquired(key, "hash-1");

        assertThat(store.redisKey(key)).isEqualTo("orders:{billing}:" + key);
        assertThat(redis.exists("orders:{billing}:" + key)).isEqualTo(1L);
        assertThat(store.release(key, token).join()).isTrue();
        assertThat(redis.exists("orders:{billing}:" + key)).isZero();
    }

    @Test
    void everyKeyOfAStoreHashesToTheSlotOfItsTag() {
        List<Integer> slots = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            slots.add(SlotHash.getSlot(store.redisKey(newKey())));
        }

        assertThat(slots).containsOnly(SlotHash.getSlot("billing"));
    }

    @Test
    void inProgressRecordIsOneStringOfServerTimeExpiryStateTokenAndPayloadHash() {
        String key = newKey();
        long serverMillisBefore = serverMillis();

        FencingToken token = acquired(key, "hash-1");

        long serverMillisAfter = serverMillis();
        assertThat(redis.type(store.redisKey(key))).isEqualTo("string");
        String[] fields = redis.get(store.redisKey(key)).split("\\|", -1);
        assertThat(fields).hasSize(4);
        assertThat(Long.parseLong(fields[0]))
                .isBetween(serverMillisBefore + LEASE.toMillis(), serverMillisAfter + LEASE.toMillis());
        assertThat(fields[1]).isEqualTo("I");
        assertThat(fields[2]).isEqualTo(token.value());
        assertThat(fields[3]).isEqualTo("hash-1");
    }

    @Test
    void recordWithoutPayloadHashEndsAfterTheToken() {
        String key = newKey();

        FencingToken token = acquired(key, null);
        AcquireResult again = store.acquire(List.of(new AcquireRequest(key, LEASE, "other"))).join().get(0);

        assertThat(redis.get(store.redisKey(key))).endsWith("|I|" + token.value());
        assertThat(again).isInstanceOfSatisfying(AcquireResult.InProgress.class,
                inProgress -> assertThat(inProgress.payloadHash()).isNull());
    }

    @Test
    void anEmptyPayloadHashStaysDistinctFromNone() {
        String key = newKey();
        acquired(key, "");

        AcquireResult again = store.acquire(List.of(new AcquireRequest(key, LEASE, "other"))).join().get(0);

        assertThat(again).isInstanceOfSatisfying(AcquireResult.InProgress.class,
                inProgress -> assertThat(inProgress.payloadHash()).isEmpty());
    }

    @Test
    void aPayloadHashMayHoldTheSeparator() {
        String key = newKey();
        FencingToken token = acquired(key, "a|I|b|");

        assertThat(store.renew(key, token, LEASE).join()).isTrue();
        assertThat(store.complete(key, token, Duration.ofHours(1)).join()).isTrue();

        assertThat(store.acquire(List.of(new AcquireRequest(key, LEASE, "x"))).join().get(0))
                .isEqualTo(new AcquireResult.Completed("a|I|b|"));
    }

    @Test
    void completedRecordDropsTheTokenKeepsThePayloadHashAndExpiresAfterTheTtl() {
        String key = newKey();
        FencingToken token = acquired(key, "hash-1");
        Duration ttl = Duration.ofHours(24);
        long serverMillisBefore = serverMillis();

        assertThat(store.complete(key, token, ttl).join()).isTrue();

        String[] fields = redis.get(store.redisKey(key)).split("\\|", -1);
        assertThat(fields).containsExactly(fields[0], "C", "", "hash-1");
        assertThat(Long.parseLong(fields[0])).isBetween(serverMillisBefore + ttl.toMillis(),
                serverMillis() + ttl.toMillis());
        assertThat(store.acquire(List.of(new AcquireRequest(key, LEASE, "hash-2"))).join().get(0))
                .as("a later acquire with another body sees the recorded hash: a payload conflict")
                .isEqualTo(new AcquireResult.Completed("hash-1"));
    }

    @Test
    void completeAllAndRenewKeepThePayloadHash() {
        String completed = newKey();
        String renewed = newKey();
        FencingToken completedToken = acquired(completed, "hash-c");
        FencingToken renewedToken = acquired(renewed, "hash-r");

        store.completeAll(List.of(new CompleteRequest(completed, completedToken)), Duration.ofHours(1)).join();
        store.renew(renewed, renewedToken, Duration.ofMinutes(10)).join();

        assertThat(redis.get(store.redisKey(completed))).endsWith("|C||hash-c");
        assertThat(redis.get(store.redisKey(renewed))).endsWith("|I|" + renewedToken.value() + "|hash-r");
        assertThat(redis.pttl(store.redisKey(renewed))).isGreaterThan(Duration.ofMinutes(10).toMillis());
    }

    @Test
    void aPrefixOfTheTokenDoesNotHoldTheKey() {
        String key = newKey();
        FencingToken token = acquired(key, "hash-1");
        FencingToken prefix = new FencingToken(token.value().substring(0, 8));

        assertThat(store.complete(key, prefix, LEASE).join()).isFalse();
        assertThat(store.renew(key, prefix, LEASE).join()).isFalse();
        assertThat(store.release(key, prefix).join()).isFalse();
        assertThat(store.completeAll(List.of(new CompleteRequest(key, prefix)), LEASE).join()).containsExactly(false);
        assertThat(store.complete(key, token, LEASE).join()).isTrue();
    }

    @Test
    void redisExpiresTheKeyOnlyAGraceAfterTheRecord() {
        String key = newKey();
        FencingToken token = acquired(key, "hash-1");

        long leaseTtl = redis.pttl(store.redisKey(key));
        store.complete(key, token, Duration.ofHours(1)).join();
        long completedTtl = redis.pttl(store.redisKey(key));

        long grace = RedisIdempotencyStore.GARBAGE_COLLECTION_GRACE.toMillis();
        assertThat(leaseTtl).isBetween(LEASE.toMillis() + grace - 5_000, LEASE.toMillis() + grace);
        assertThat(completedTtl).isBetween(Duration.ofHours(1).toMillis() + grace - 5_000,
                Duration.ofHours(1).toMillis() + grace);
    }

    @Test
    void expiryIsDecidedByTheRecordWhileTheKeyStillExists() {
        String key = newKey();
        String redisKey = store.redisKey(key);
        redis.set(redisKey, (serverMillis() - 1) + "|C||old");
        redis.persist(redisKey);

        AcquireResult result = store.acquire(List.of(new AcquireRequest(key, LEASE, "new"))).join().get(0);

        assertThat(result).isInstanceOf(AcquireResult.Acquired.class);
        assertThat(redis.get(redisKey)).endsWith("|I|" + ((AcquireResult.Acquired) result).token().value() + "|new");
        assertThat(redis.pttl(redisKey)).as("the new record's garbage collection")
                .isGreaterThan(LEASE.toMillis());
    }

    @Test
    void aLeaseExpiredByItsRecordWithinTheGraceIsTakenOverAndFencesItsHolderOut() {
        String key = newKey();
        String redisKey = store.redisKey(key);
        FencingToken stale = acquired(key, "hash-1");
        // The record says the lease ended; the key itself still has most of its lease plus the grace to live.
        redis.setrange(redisKey, 0, Long.toString(serverMillis() - 1));

        FencingToken owner = acquired(key, "hash-1");

        assertThat(owner).isNotEqualTo(stale);
        assertThat(store.complete(key, stale, LEASE).join()).isFalse();
        assertThat(store.renew(key, stale, LEASE).join()).isFalse();
        assertThat(store.release(key, stale).join()).isFalse();
        assertThat(store.complete(key, owner, LEASE).join()).isTrue();
    }

    @Test
    void leaseIsCountedOnTheServerClock() {
        String key = newKey();
        String redisKey = store.redisKey(key);
        // A lease that the server's clock says ends in 60 s, whatever this JVM's clock says.
        redis.set(redisKey, (serverMillis() + 60_000) + "|I|someone");

        AcquireResult result = store.acquire(List.of(new AcquireRequest(key, LEASE, null))).join().get(0);

        assertThat(result).isInstanceOfSatisfying(AcquireResult.InProgress.class, inProgress ->
                assertThat(inProgress.leaseRemaining()).isBetween(Duration.ofSeconds(55), Duration.ofSeconds(60)));
    }

    @Test
    void aStringThatIsNoRecordFailsEveryOperationNamingTheKeyAndIsLeftAlone() {
        String key = newKey();
        String redisKey = store.redisKey(key);
        redis.set(redisKey, "written by something else");
        FencingToken token = FencingToken.random();

        assertFailsNaming(store.acquire(List.of(new AcquireRequest(key, LEASE, "h"))), redisKey);
        assertFailsNaming(store.complete(key, token, LEASE), redisKey);
        assertFailsNaming(store.completeAll(List.of(new CompleteRequest(key, token)), LEASE), redisKey);
        assertFailsNaming(store.release(key, token), redisKey);
        assertFailsNaming(store.renew(key, token, LEASE), redisKey);

        assertThat(redis.get(redisKey)).isEqualTo("written by something else");
    }

    @Test
    void aKeyOfAnotherTypeFailsEveryOperationNamingTheKey() {
        String key = newKey();
        String redisKey = store.redisKey(key);
        redis.hset(redisKey, Map.of("s", "C", "e", Long.toString(serverMillis() + 60_000)));
        FencingToken token = FencingToken.random();

        assertFailsNaming(store.acquire(List.of(new AcquireRequest(key, LEASE, "h"))), redisKey, "WRONGTYPE");
        assertFailsNaming(store.complete(key, token, LEASE), redisKey, "WRONGTYPE");
        assertFailsNaming(store.completeAll(List.of(new CompleteRequest(key, token)), LEASE), redisKey,
                "WRONGTYPE");
        assertFailsNaming(store.release(key, token), redisKey, "WRONGTYPE");
        assertFailsNaming(store.renew(key, token, LEASE), redisKey, "WRONGTYPE");

        assertThat(redis.type(redisKey)).isEqualTo("hash");
    }

    @Test
    void anAcquireThatFailsOnAForeignKeyLeavesNoneOfItsKeysHeld() {
        String before = newKey();
        String foreign = newKey();
        String after = newKey();
        redis.set(store.redisKey(foreign), "not a record");

        assertFailsNaming(store.acquire(List.of(new AcquireRequest(before, LEASE, "h"),
                new AcquireRequest(foreign, LEASE, "h"), new AcquireRequest(after, LEASE, "h"))),
                store.redisKey(foreign));

        assertThat(redis.exists(store.redisKey(before), store.redisKey(after))).isZero();
        assertThat(store.acquire(List.of(new AcquireRequest(before, LEASE, "h"))).join().get(0))
                .isInstanceOf(AcquireResult.Acquired.class);
    }

    @Test
    void aCompleteAllThatFailsOnAForeignKeyCompletesNoneOfItsKeys() {
        String held = newKey();
        String foreign = newKey();
        FencingToken token = acquired(held, "h");
        String record = redis.get(store.redisKey(held));
        redis.set(store.redisKey(foreign), "not a record");

        assertFailsNaming(store.completeAll(List.of(new CompleteRequest(held, token),
                new CompleteRequest(foreign, FencingToken.random())), LEASE), store.redisKey(foreign));

        assertThat(redis.get(store.redisKey(held))).isEqualTo(record);
    }

    private static FencingToken acquired(String key, String payloadHash) {
        AcquireResult result = store.acquire(List.of(new AcquireRequest(key, LEASE, payloadHash))).join().get(0);
        assertThat(result).isInstanceOf(AcquireResult.Acquired.class);
        return ((AcquireResult.Acquired) result).token();
    }

    @Test
    void aBatchLongerThanLuaCanUnpackAtOnceIsCompletedWhole() {
        List<AcquireRequest> requests = new ArrayList<>();
        for (int i = 0; i < 9_000; i++) {
            requests.add(new AcquireRequest(newKey(), LEASE, "h"));
        }
        List<AcquireResult> results = store.acquire(requests).join();
        List<CompleteRequest> completions = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            completions.add(new CompleteRequest(requests.get(i).key(),
                    ((AcquireResult.Acquired) results.get(i)).token()));
        }

        List<Boolean> answers = store.completeAll(completions, LEASE).join();

        assertThat(answers).hasSize(9_000).containsOnly(true);
        assertThat(redis.get(store.redisKey(requests.get(8_999).key()))).endsWith("|C||h");
    }

    private static void assertFailsNaming(CompletableFuture<?> call, String redisKey, String... also) {
        assertThat(call).failsWithin(Duration.ofSeconds(5)).withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(SqsReliableException.class)
                .withMessageContaining("the key " + redisKey + " is not an idempotency record of this store")
                .withMessageContaining(also.length == 0 ? "expiresAt|state|token" : also[0]);
    }

    private static long serverMillis() {
        List<String> time = redis.time();
        return Long.parseLong(time.get(0)) * 1_000 + Long.parseLong(time.get(1)) / 1_000;
    }

    private static String newKey() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}

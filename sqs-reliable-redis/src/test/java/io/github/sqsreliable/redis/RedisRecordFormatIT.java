package io.github.sqsreliable.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqsreliable.idempotency.AcquireRequest;
import io.github.sqsreliable.idempotency.AcquireResult;
import io.github.sqsreliable.idempotency.FencingToken;
import io.github.sqsreliable.testing.RedisServerFixture;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the store writes to Redis: key names, the record, the server clock and garbage collection. */
class RedisRecordFormatIT {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration LEASE = Duration.ofMinutes(5);

    private static RedisClient client;
    private static StatefulRedisConnection<String, String> connection;
    private static RedisCommands<String, String> redis;
    private static RedisIdempotencyStore store;

    @BeforeAll
    static void connect() {
        client = RedisClient.create(RedisServerFixture.shared().uri());
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
    void inProgressRecordHoldsStateTokenServerTimeExpiryAndPayloadHash() {
        String key = newKey();
        long serverMillisBefore = serverMillis();

        FencingToken token = acquired(key, "hash-1");

        long serverMillisAfter = serverMillis();
        Map<String, String> record = redis.hgetall(store.redisKey(key));
        assertThat(record).containsOnlyKeys("s", "t", "e", "p")
                .containsEntry("s", "I")
                .containsEntry("t", token.value())
                .containsEntry("p", "hash-1");
        assertThat(Long.parseLong(record.get("e")))
                .isBetween(serverMillisBefore + LEASE.toMillis(), serverMillisAfter + LEASE.toMillis());
    }

    @Test
    void recordWithoutPayloadHashHasNoHashField() {
        String key = newKey();

        store.acquire(List.of(new AcquireRequest(key, LEASE, null))).join();
        AcquireResult again = store.acquire(List.of(new AcquireRequest(key, LEASE, "other"))).join().get(0);

        assertThat(redis.hgetall(store.redisKey(key))).doesNotContainKey("p");
        assertThat(again).isInstanceOfSatisfying(AcquireResult.InProgress.class,
                inProgress -> assertThat(inProgress.payloadHash()).isNull());
    }

    @Test
    void completedRecordDropsTheTokenAndExpiresAfterTheTtl() {
        String key = newKey();
        FencingToken token = acquired(key, "hash-1");
        Duration ttl = Duration.ofHours(24);
        long serverMillisBefore = serverMillis();

        assertThat(store.complete(key, token, ttl).join()).isTrue();

        Map<String, String> record = redis.hgetall(store.redisKey(key));
        assertThat(record).containsOnlyKeys("s", "e", "p").containsEntry("s", "C");
        assertThat(Long.parseLong(record.get("e"))).isBetween(serverMillisBefore + ttl.toMillis(),
                serverMillis() + ttl.toMillis());
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
        redis.hset(redisKey, Map.of("s", "C", "e", Long.toString(serverMillis() - 1), "p", "old"));
        redis.persist(redisKey);

        AcquireResult result = store.acquire(List.of(new AcquireRequest(key, LEASE, "new"))).join().get(0);

        assertThat(result).isInstanceOf(AcquireResult.Acquired.class);
        assertThat(redis.hget(redisKey, "p")).isEqualTo("new");
    }

    @Test
    void leaseIsCountedOnTheServerClock() {
        String key = newKey();
        String redisKey = store.redisKey(key);
        // A lease that the server's clock says ends in 60 s, whatever this JVM's clock says.
        redis.hset(redisKey, Map.of("s", "I", "t", "someone", "e", Long.toString(serverMillis() + 60_000)));

        AcquireResult result = store.acquire(List.of(new AcquireRequest(key, LEASE, null))).join().get(0);

        assertThat(result).isInstanceOfSatisfying(AcquireResult.InProgress.class, inProgress ->
                assertThat(inProgress.leaseRemaining()).isBetween(Duration.ofSeconds(55), Duration.ofSeconds(60)));
    }

    private static FencingToken acquired(String key, String payloadHash) {
        AcquireResult result = store.acquire(List.of(new AcquireRequest(key, LEASE, payloadHash))).join().get(0);
        assertThat(result).isInstanceOf(AcquireResult.Acquired.class);
        return ((AcquireResult.Acquired) result).token();
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

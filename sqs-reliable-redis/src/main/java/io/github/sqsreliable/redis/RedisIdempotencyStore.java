package io.github.sqsreliable.redis;

import io.github.sqsreliable.InvalidConfigurationException;
import io.github.sqsreliable.idempotency.AcquireRequest;
import io.github.sqsreliable.idempotency.AcquireResult;
import io.github.sqsreliable.idempotency.CompleteRequest;
import io.github.sqsreliable.idempotency.FencingToken;
import io.github.sqsreliable.idempotency.IdempotencyStore;
import io.github.sqsreliable.redis.internal.AcquireReplies;
import io.github.sqsreliable.redis.internal.CompleteAllReplies;
import io.github.sqsreliable.redis.internal.LuaScripts;
import io.github.sqsreliable.redis.internal.Records;
import io.github.sqsreliable.redis.internal.RedisScript;
import io.github.sqsreliable.redis.internal.ScriptExecutor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisScriptingAsyncCommands;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * An {@link IdempotencyStore} in Redis (standalone, Sentinel-managed or Cluster), through a Lettuce connection you
 * supply.
 *
 * <pre>{@code
 * RedisClient client = RedisClient.create("redis://redis.internal:6379");
 * StatefulRedisConnection<String, String> redis = client.connect();
 *
 * IdempotencyStore store = RedisIdempotencyStore.builder()
 *         .connection(redis)            // or .clusterConnection(...) for Redis Cluster
 *         .keyPrefix("orders:")
 *         .build();
 * }</pre>
 *
 * <p><b>Round trips.</b> Every operation is one Lua script, run with {@code EVALSHA} ({@code EVAL} once after a
 * {@code NOSCRIPT}, e.g. after a server restart): {@link #acquire(List)} answers a whole receive batch in one
 * command, and {@link #completeAll} marks a whole batch of handled keys done in one command (the consumer batches
 * its completions, so a message costs about two tenths of a command or less); {@link #complete}, {@link #release}
 * and {@link #renew} are compare-and-set on the fencing token, one key per command.
 *
 * <p><b>Keys.</b> A key's record lives at {@code keyPrefix + "{" + hashTag + "}:" + key}, e.g.
 * {@code sqsr:{sqsr}:3f2a…}. Every key of a store shares the one hash tag, so on Redis Cluster they all live in one
 * slot, and a batch of keys can be acquired or completed by one script. The price: one store's keys are served
 * by one shard. To spread load over shards, give each consumer (or queue) its own store with its own
 * {@link Builder#hashTag}.
 *
 * <p><b>Time.</b> Leases and TTLs are measured on the Redis server's clock ({@code TIME}, inside the scripts),
 * never on this JVM's. Expiry is decided by the timestamp in the record; Redis's own key expiry is set a minute
 * later ({@link #GARBAGE_COLLECTION_GRACE}) and only collects garbage.
 *
 * <p><b>Failures.</b> A call that fails, or has no answer within {@link Builder#commandTimeout}, completes its
 * future exceptionally with an {@link io.github.sqsreliable.SqsReliableException}; the consumer then treats the
 * store as unavailable. Nothing is thrown to the caller, and the calling thread never blocks; only arguments that
 * break the SPI's rules (null, or a lease or TTL that is not positive or exceeds 36,500 days) throw at once.
 *
 * <p><b>Ownership.</b> The store never closes the connection it was given: close it (and its client) yourself,
 * after the consumers using the store are closed. It may be shared with other code, but its codec must be
 * {@code String}/{@code String} (as {@code client.connect()} gives), and it must not be in a transaction
 * ({@code MULTI}) or subscribed.
 *
 * <p>Thread-safe. Futures complete on Lettuce's I/O threads: stages chained on them must not block.
 */
public final class RedisIdempotencyStore implements IdempotencyStore {

    /** Default {@link Builder#keyPrefix(String)}: {@value}. */
    public static final String DEFAULT_KEY_PREFIX = "sqsr:";
    /** Default {@link Builder#hashTag(String)}: {@value}. */
    public static final String DEFAULT_HASH_TAG = "sqsr";
    /** Default {@link Builder#commandTimeout(Duration)}: 2 seconds. */
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(2);
    /** How long after a record expires Redis deletes its key: 1 minute. Garbage collection only. */
    public static final Duration GARBAGE_COLLECTION_GRACE = Duration.ofMinutes(1);

    private static final int MAX_NAME_LENGTH = 64;
    private static final Duration MIN_COMMAND_TIMEOUT = Duration.ofMillis(10);
    private static final Duration MAX_COMMAND_TIMEOUT = Duration.ofMinutes(1);
    /** Longer leases and TTLs are refused: Lua's numbers must stay exact integers. */
    private static final Duration MAX_DURATION = Duration.ofDays(36_500);
    private static final long GRACE_MILLIS = GARBAGE_COLLECTION_GRACE.toMillis();

    private final String keyStart;
    private final ScriptExecutor scripts;

    private RedisIdempotencyStore(Builder builder, RedisScriptingAsyncCommands<String, String> commands) {
        this.keyStart = builder.keyPrefix + "{" + builder.hashTag + "}:";
        this.scripts = new ScriptExecutor(commands, builder.commandTimeout);
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The Redis key holding a key's record, e.g. {@code sqsr:{sqsr}:3f2a…}: for operators and tests.
     *
     * @param key a store key, as the consumer passes it
     * @return the Redis key
     */
    public String redisKey(String key) {
        return keyStart + Objects.requireNonNull(key, "key");
    }

    @Override
    public CompletableFuture<List<AcquireResult>> acquire(List<AcquireRequest> requests) {
        Objects.requireNonNull(requests, "requests");
        if (requests.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        String[] keys = new String[requests.size()];
        String[] args = new String[1 + 2 * requests.size()];
        List<FencingToken> tokens = new ArrayList<>(requests.size());
        args[0] = Long.toString(GRACE_MILLIS);
        for (int i = 0; i < requests.size(); i++) {
            AcquireRequest request = requests.get(i);
            FencingToken token = FencingToken.random();
            tokens.add(token);
            keys[i] = redisKey(request.key());
            args[1 + 2 * i] = Long.toString(millis("lease", request.lease()));
            args[2 + 2 * i] = Records.inProgressTail(token, request.payloadHash());
        }
        return scripts.execute(LuaScripts.ACQUIRE, keys, args, "acquire (" + requests.size() + " keys)")
                .thenApply(reply -> AcquireReplies.decode(reply, tokens));
    }

    @Override
    public CompletableFuture<Boolean> complete(String key, FencingToken token, Duration ttl) {
        Objects.requireNonNull(token, "token");
        long ttlMillis = millis("ttl", ttl);
        return compareAndSet(LuaScripts.COMPLETE, key, Records.lease(token), Long.toString(ttlMillis),
                Long.toString(ttlMillis + GRACE_MILLIS));
    }

    @Override
    public CompletableFuture<List<Boolean>> completeAll(List<CompleteRequest> requests, Duration ttl) {
        Objects.requireNonNull(requests, "requests");
        long ttlMillis = millis("ttl", ttl);
        if (requests.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        String[] keys = new String[requests.size()];
        String[] args = new String[2 + requests.size()];
        args[0] = Long.toString(ttlMillis);
        args[1] = Long.toString(ttlMillis + GRACE_MILLIS);
        for (int i = 0; i < requests.size(); i++) {
            CompleteRequest request = Objects.requireNonNull(requests.get(i), "request");
            keys[i] = redisKey(request.key());
            args[2 + i] = Records.lease(request.token());
        }
        return scripts.execute(LuaScripts.COMPLETE_ALL, keys, args, "completeAll (" + requests.size() + " keys)")
                .thenApply(reply -> CompleteAllReplies.decode(reply, requests.size()));
    }

    @Override
    public CompletableFuture<Boolean> release(String key, FencingToken token) {
        Objects.requireNonNull(token, "token");
        return compareAndSet(LuaScripts.RELEASE, key, Records.lease(token));
    }

    @Override
    public CompletableFuture<Boolean> renew(String key, FencingToken token, Duration lease) {
        Objects.requireNonNull(token, "token");
        long leaseMillis = millis("lease", lease);
        return compareAndSet(LuaScripts.RENEW, key, Records.lease(token), Long.toString(leaseMillis),
                Long.toString(leaseMillis + GRACE_MILLIS));
    }

    @Override
    public String toString() {
        return "RedisIdempotencyStore[keys=" + keyStart + "*]";
    }

    private CompletableFuture<Boolean> compareAndSet(RedisScript script, String key, String... args) {
        return scripts.execute(script, new String[] {redisKey(key)}, args, script.name()).thenApply(reply -> {
            if (reply instanceof Long changed) {
                return changed == 1L;
            }
            throw new IllegalStateException("unexpected reply to the " + script.name() + " script: " + reply);
        });
    }

    private static long millis(String name, Duration duration) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative() || duration.isZero() || duration.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException(name + " (" + duration + ") must be positive and at most "
                    + MAX_DURATION);
        }
        // A sub-millisecond lease still lasts a millisecond: never a record that is born expired.
        return Math.max(1, duration.toMillis());
    }

    /**
     * Builds a {@link RedisIdempotencyStore}; {@link #build()} validates. Set exactly one of
     * {@link #connection} and {@link #clusterConnection}. Not thread-safe.
     */
    public static final class Builder {
        private StatefulRedisConnection<String, String> connection;
        private StatefulRedisClusterConnection<String, String> clusterConnection;
        private String keyPrefix = DEFAULT_KEY_PREFIX;
        private String hashTag = DEFAULT_HASH_TAG;
        private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;

        private Builder() {
        }

        /**
         * @param connection a connection to a standalone (or Sentinel-managed) Redis, with a {@code String}
         *     codec; never closed by the store
         * @return this builder
         */
        public Builder connection(StatefulRedisConnection<String, String> connection) {
            this.connection = connection;
            return this;
        }

        /**
         * @param clusterConnection a connection to a Redis Cluster, with a {@code String} codec; never closed by
         *     the store
         * @return this builder
         */
        public Builder clusterConnection(StatefulRedisClusterConnection<String, String> clusterConnection) {
            this.clusterConnection = clusterConnection;
            return this;
        }

        /**
         * @param keyPrefix starts every Redis key of this store; 1 to 64 characters, without {@code {} or
         *     {@code }} (the store adds the hash tag); default {@value #DEFAULT_KEY_PREFIX}
         * @return this builder
         */
        public Builder keyPrefix(String keyPrefix) {
            this.keyPrefix = keyPrefix;
            return this;
        }

        /**
         * @param hashTag the Redis Cluster hash tag every key of this store carries, written without braces; 1 to
         *     64 characters, without {@code {} or {@code }}; default {@value #DEFAULT_HASH_TAG}. All keys of a store
         *     share one slot (one shard); stores with different tags may land on different shards
         * @return this builder
         */
        public Builder hashTag(String hashTag) {
            this.hashTag = hashTag;
            return this;
        }

        /**
         * @param commandTimeout how long one call may wait for Redis before its future fails; 10 ms to 1 min;
         *     default 2 s. Keep it below the consumer's {@code Idempotency.storeTimeout}
         * @return this builder
         */
        public Builder commandTimeout(Duration commandTimeout) {
            this.commandTimeout = commandTimeout;
            return this;
        }

        /**
         * @return the store
         * @throws InvalidConfigurationException naming the rejected field
         */
        public RedisIdempotencyStore build() {
            if (connection == null && clusterConnection == null) {
                throw InvalidConfigurationException.of("connection", "must be set (or clusterConnection)");
            }
            if (connection != null && clusterConnection != null) {
                throw InvalidConfigurationException.of("clusterConnection",
                        "must not be set together with connection: choose one");
            }
            validateName("keyPrefix", keyPrefix);
            validateName("hashTag", hashTag);
            if (commandTimeout == null || commandTimeout.compareTo(MIN_COMMAND_TIMEOUT) < 0
                    || commandTimeout.compareTo(MAX_COMMAND_TIMEOUT) > 0) {
                throw InvalidConfigurationException.of("commandTimeout", "(" + commandTimeout
                        + ") must be between " + MIN_COMMAND_TIMEOUT + " and " + MAX_COMMAND_TIMEOUT);
            }
            RedisScriptingAsyncCommands<String, String> commands =
                    connection != null ? connection.async() : clusterConnection.async();
            return new RedisIdempotencyStore(this, commands);
        }

        private static void validateName(String field, String value) {
            if (value == null) {
                throw InvalidConfigurationException.of(field, "must not be null");
            }
            if (value.isEmpty() || value.length() > MAX_NAME_LENGTH) {
                throw InvalidConfigurationException.of(field, "(" + value + ") must be 1 to " + MAX_NAME_LENGTH
                        + " characters");
            }
            if (value.indexOf('{') >= 0 || value.indexOf('}') >= 0) {
                throw InvalidConfigurationException.of(field, "(" + value
                        + ") must not contain { or }: the store adds the hash tag's braces itself");
            }
        }
    }
}

package io.github.sqsreliable.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.sqsreliable.InvalidConfigurationException;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import java.lang.reflect.Proxy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** One test per rule of {@link RedisIdempotencyStore.Builder#build()}. */
class RedisIdempotencyStoreBuilderTest {

    @Test
    void buildsWithTheDefaults() {
        RedisIdempotencyStore store = RedisIdempotencyStore.builder().connection(connection()).build();

        assertThat(store.redisKey("k")).isEqualTo("sqsr:{sqsr}:k");
    }

    @Test
    void buildsOnAClusterConnection() {
        RedisIdempotencyStore store = RedisIdempotencyStore.builder().clusterConnection(clusterConnection())
                .keyPrefix("app:").hashTag("orders").build();

        assertThat(store.redisKey("k")).isEqualTo("app:{orders}:k");
    }

    @Test
    void rejectsAMissingConnection() {
        assertRejected(RedisIdempotencyStore.builder(), "connection", "connection must be set (or clusterConnection)");
    }

    @Test
    void rejectsBothConnections() {
        assertRejected(RedisIdempotencyStore.builder().connection(connection()).clusterConnection(clusterConnection()),
                "clusterConnection", "clusterConnection must not be set together with connection: choose one");
    }

    @Test
    void rejectsANullKeyPrefix() {
        assertRejected(valid().keyPrefix(null), "keyPrefix", "keyPrefix must not be null");
    }

    @Test
    void rejectsAnEmptyKeyPrefix() {
        assertRejected(valid().keyPrefix(""), "keyPrefix", "keyPrefix () must be 1 to 64 characters");
    }

    @Test
    void rejectsAKeyPrefixLongerThan64Characters() {
        String prefix = "p".repeat(65);
        assertRejected(valid().keyPrefix(prefix), "keyPrefix", "keyPrefix (" + prefix + ") must be 1 to 64 characters");
    }

    @Test
    void acceptsAKeyPrefixOf64Characters() {
        assertThat(valid().keyPrefix("p".repeat(64)).build().redisKey("k")).startsWith("p".repeat(64) + "{");
    }

    @Test
    void rejectsAKeyPrefixWithABrace() {
        assertRejected(valid().keyPrefix("a{b"), "keyPrefix",
                "keyPrefix (a{b) must not contain { or }: the store adds the hash tag's braces itself");
        assertRejected(valid().keyPrefix("a}b"), "keyPrefix",
                "keyPrefix (a}b) must not contain { or }: the store adds the hash tag's braces itself");
    }

    @Test
    void rejectsANullHashTag() {
        assertRejected(valid().hashTag(null), "hashTag", "hashTag must not be null");
    }

    @Test
    void rejectsAnEmptyHashTag() {
        assertRejected(valid().hashTag(""), "hashTag", "hashTag () must be 1 to 64 characters");
    }

    @Test
    void rejectsAHashTagLongerThan64Characters() {
        String tag = "t".repeat(65);
        assertRejected(valid().hashTag(tag), "hashTag", "hashTag (" + tag + ") must be 1 to 64 characters");
    }

    @Test
    void rejectsAHashTagWithBraces() {
        assertRejected(valid().hashTag("{orders}"), "hashTag",
                "hashTag ({orders}) must not contain { or }: the store adds the hash tag's braces itself");
    }

    @Test
    void rejectsANullCommandTimeout() {
        assertRejected(valid().commandTimeout(null), "commandTimeout",
                "commandTimeout (null) must be between PT0.01S and PT1M");
    }

    @Test
    void rejectsACommandTimeoutBelow10Milliseconds() {
        assertRejected(valid().commandTimeout(Duration.ofMillis(9)), "commandTimeout",
                "commandTimeout (PT0.009S) must be between PT0.01S and PT1M");
    }

    @Test
    void rejectsACommandTimeoutAboveOneMinute() {
        assertRejected(valid().commandTimeout(Duration.ofSeconds(61)), "commandTimeout",
                "commandTimeout (PT1M1S) must be between PT0.01S and PT1M");
    }

    private static RedisIdempotencyStore.Builder valid() {
        return RedisIdempotencyStore.builder().connection(connection());
    }

    private static void assertRejected(RedisIdempotencyStore.Builder builder, String field, String message) {
        assertThatThrownBy(builder::build)
                .isInstanceOfSatisfying(InvalidConfigurationException.class,
                        e -> assertThat(e.field()).isEqualTo(field))
                .hasMessage(message);
    }

    /** A connection that is never used: building a store only asks it for its async commands. */
    @SuppressWarnings("unchecked")
    private static StatefulRedisConnection<String, String> connection() {
        Object commands = inert(RedisAsyncCommands.class, null);
        return (StatefulRedisConnection<String, String>) inert(StatefulRedisConnection.class, commands);
    }

    @SuppressWarnings("unchecked")
    private static StatefulRedisClusterConnection<String, String> clusterConnection() {
        Object commands = inert(RedisAdvancedClusterAsyncCommands.class, null);
        return (StatefulRedisClusterConnection<String, String>) inert(StatefulRedisClusterConnection.class, commands);
    }

    private static Object inert(Class<?> type, Object async) {
        return Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            if (method.getName().equals("async")) {
                return async;
            }
            if (method.getName().equals("toString")) {
                return "inert " + type.getSimpleName();
            }
            throw new UnsupportedOperationException(method.getName());
        });
    }
}

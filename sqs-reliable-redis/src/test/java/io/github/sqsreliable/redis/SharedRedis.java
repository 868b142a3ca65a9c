package io.github.sqsreliable.redis;

import io.github.sqsreliable.test.EmbeddedRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;

/** One Lettuce connection to the shared test Redis for this module's tests, closed when the JVM exits. */
final class SharedRedis {

    private static final Object LOCK = new Object();
    private static StatefulRedisConnection<String, String> connection;

    private SharedRedis() {
    }

    /**
     * @param keyPrefix separates a test class's keys from the others'
     * @return a store on the shared connection
     */
    static RedisIdempotencyStore store(String keyPrefix) {
        return RedisIdempotencyStore.builder().connection(connection()).keyPrefix(keyPrefix).build();
    }

    private static StatefulRedisConnection<String, String> connection() {
        synchronized (LOCK) {
            if (connection == null) {
                RedisClient client = RedisClient.create(EmbeddedRedis.shared().uri());
                connection = client.connect();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    connection.close();
                    client.shutdown();
                }, "shared-redis-close"));
            }
            return connection;
        }
    }
}

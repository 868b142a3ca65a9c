package io.github.sqsreliable.redis;

import io.github.sqsreliable.idempotency.IdempotencyStore;
import io.github.sqsreliable.testing.IdempotentConsumingContract;
import io.github.sqsreliable.testing.RedisServerFixture;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Two consumers, one Redis store, producer duplicates: each key handled once. */
class RedisIdempotentConsumingIT extends IdempotentConsumingContract {

    private static RedisClient client;
    private static StatefulRedisConnection<String, String> connection;
    private static RedisIdempotencyStore store;

    @BeforeAll
    static void connect() {
        client = RedisClient.create(RedisServerFixture.shared().uri());
        connection = client.connect();
        store = RedisIdempotencyStore.builder().connection(connection).keyPrefix("sqsr-e2e:").build();
    }

    @AfterAll
    static void disconnect() {
        connection.close();
        client.shutdown();
    }

    @Override
    protected IdempotencyStore store() {
        return store;
    }
}

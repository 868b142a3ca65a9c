package io.github.sqsreliable.redis;

import io.github.sqsreliable.idempotency.IdempotencyStore;
import io.github.sqsreliable.testing.IdempotencyStoreContract;
import io.github.sqsreliable.testing.RedisServerFixture;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The idempotency store contract, against the shared Redis. */
class RedisIdempotencyStoreIT extends IdempotencyStoreContract {

    private static RedisClient client;
    private static StatefulRedisConnection<String, String> connection;
    private static RedisIdempotencyStore store;

    @BeforeAll
    static void connect() {
        client = RedisClient.create(RedisServerFixture.shared().uri());
        connection = client.connect();
        store = RedisIdempotencyStore.builder().connection(connection).keyPrefix("sqsr-contract:").build();
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

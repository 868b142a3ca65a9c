package io.github.sqsreliable.redis;

import io.github.sqsreliable.idempotency.IdempotencyStore;
import io.github.sqsreliable.testing.IdempotentConsumingContract;

/** Two consumers, one Redis store, producer duplicates: each key handled once. */
class RedisIdempotentConsumingIT extends IdempotentConsumingContract {

    private static final RedisIdempotencyStore STORE = SharedRedis.store("sqsr-e2e:");

    @Override
    protected IdempotencyStore store() {
        return STORE;
    }
}

package io.github.sqsreliable.redis;

import io.github.sqsreliable.idempotency.IdempotencyStore;
import io.github.sqsreliable.testing.IdempotencyStoreContract;

/** The idempotency store contract, against the shared Redis. */
class RedisIdempotencyStoreIT extends IdempotencyStoreContract {

    private static final RedisIdempotencyStore STORE = SharedRedis.store("sqsr-contract:");

    @Override
    protected IdempotencyStore store() {
        return STORE;
    }
}

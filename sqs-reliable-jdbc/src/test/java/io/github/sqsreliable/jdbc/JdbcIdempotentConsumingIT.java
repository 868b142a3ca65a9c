package io.github.sqsreliable.jdbc;

import io.github.sqsreliable.idempotency.IdempotencyStore;
import io.github.sqsreliable.testing.IdempotentConsumingContract;

/** Two consumers, one PostgreSQL store, producer duplicates: each key handled once. */
class JdbcIdempotentConsumingIT extends IdempotentConsumingContract {

    private static final JdbcIdempotencyStore STORE = SharedPostgres.newStore();

    @Override
    protected IdempotencyStore store() {
        return STORE;
    }
}

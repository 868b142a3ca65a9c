package io.github.sqsreliable.jdbc;

import io.github.sqsreliable.idempotency.IdempotencyStore;
import io.github.sqsreliable.testing.IdempotencyStoreContract;

/** The idempotency store contract, against the shared PostgreSQL. */
class JdbcIdempotencyStoreIT extends IdempotencyStoreContract {

    private static final JdbcIdempotencyStore STORE = SharedPostgres.newStore();

    @Override
    protected IdempotencyStore store() {
        return STORE;
    }
}

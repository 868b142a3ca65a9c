package io.github.sqsreliable.it;

import io.github.sqsreliable.idempotency.IdempotencyStore;
import io.github.sqsreliable.idempotency.InMemoryIdempotencyStore;
import io.github.sqsreliable.testing.IdempotentConsumingContract;

class InMemoryIdempotencyIT extends IdempotentConsumingContract {

    private final InMemoryIdempotencyStore store = InMemoryIdempotencyStore.create();

    @Override
    protected IdempotencyStore store() {
        return store;
    }
}

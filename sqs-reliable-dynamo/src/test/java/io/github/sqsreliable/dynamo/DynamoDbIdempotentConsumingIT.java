package io.github.sqsreliable.dynamo;

import io.github.sqsreliable.idempotency.IdempotencyStore;
import io.github.sqsreliable.testing.IdempotentConsumingContract;
import org.junit.jupiter.api.BeforeAll;

/** Two consumers, one DynamoDB store, producer duplicates: each key handled once. */
class DynamoDbIdempotentConsumingIT extends IdempotentConsumingContract {

    private static DynamoDbIdempotencyStore store;

    @BeforeAll
    static void createTable() {
        store = Tables.storeOnNewTable();
    }

    @Override
    protected IdempotencyStore store() {
        return store;
    }
}

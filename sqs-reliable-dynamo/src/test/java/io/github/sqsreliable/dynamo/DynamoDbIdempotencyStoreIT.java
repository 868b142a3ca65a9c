package io.github.sqsreliable.dynamo;

import io.github.sqsreliable.idempotency.IdempotencyStore;
import io.github.sqsreliable.testing.IdempotencyStoreContract;
import org.junit.jupiter.api.BeforeAll;

/** The idempotency store contract, against DynamoDB Local over HTTP. */
class DynamoDbIdempotencyStoreIT extends IdempotencyStoreContract {

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

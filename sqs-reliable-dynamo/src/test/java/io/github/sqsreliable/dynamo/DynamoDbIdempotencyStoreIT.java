package io.github.sqsreliable.dynamo;

import io.github.sqsreliable.idempotency.IdempotencyStore;
import io.github.sqsreliable.testing.DynamoDbLocalFixture;
import io.github.sqsreliable.testing.IdempotencyStoreContract;
import org.junit.jupiter.api.BeforeAll;

/** The idempotency store contract, against DynamoDB Local over HTTP. */
class DynamoDbIdempotencyStoreIT extends IdempotencyStoreContract {

    private static DynamoDbIdempotencyStore store;

    @BeforeAll
    static void createTable() {
        DynamoDbLocalFixture dynamo = DynamoDbLocalFixture.shared();
        String table = dynamo.newTableName();
        DynamoDbIdempotencyStore.createTable(dynamo.client(), table).join();
        store = DynamoDbIdempotencyStore.builder().client(dynamo.client()).tableName(table).build();
    }

    @Override
    protected IdempotencyStore store() {
        return store;
    }
}

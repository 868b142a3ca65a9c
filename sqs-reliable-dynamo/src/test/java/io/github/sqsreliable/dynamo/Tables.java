package io.github.sqsreliable.dynamo;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqsreliable.idempotency.AcquireRequest;
import io.github.sqsreliable.idempotency.AcquireResult;
import io.github.sqsreliable.idempotency.FencingToken;
import io.github.sqsreliable.idempotency.IdempotencyStore;
import io.github.sqsreliable.test.EmbeddedDynamoDb;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;

/** Helpers shared by this module's integration tests. */
final class Tables {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Tables() {
    }

    /** @return the name of a new table, created with the default layout */
    static String newTable() {
        EmbeddedDynamoDb dynamo = EmbeddedDynamoDb.shared();
        String table = dynamo.newTableName();
        DynamoDbIdempotencyStore.createTable(dynamo.client(), table).join();
        return table;
    }

    /** @return a store with the default layout on a new table */
    static DynamoDbIdempotencyStore storeOnNewTable() {
        return DynamoDbIdempotencyStore.builder().client(EmbeddedDynamoDb.shared().client()).tableName(newTable())
                .build();
    }

    /** @return a key shaped like the consumer's: 64 hex characters */
    static String newKey() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    static AcquireResult acquire(IdempotencyStore store, String key, Duration lease, String payloadHash) {
        return store.acquire(List.of(new AcquireRequest(key, lease, payloadHash))).join().get(0);
    }

    static FencingToken acquired(IdempotencyStore store, String key, Duration lease, String payloadHash) {
        AcquireResult result = acquire(store, key, lease, payloadHash);
        assertThat(result).isInstanceOf(AcquireResult.Acquired.class);
        return ((AcquireResult.Acquired) result).token();
    }

    /** @return the item as a strongly consistent read sees it; empty if there is none */
    static Map<String, AttributeValue> item(String table, String keyAttribute, String key) {
        return EmbeddedDynamoDb.shared().client().getItem(GetItemRequest.builder().tableName(table)
                .key(Map.of(keyAttribute, AttributeValue.fromS(key))).consistentRead(true).build()).join().item();
    }
}

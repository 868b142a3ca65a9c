package io.github.sqsreliable.dynamo.internal;

import static io.github.sqsreliable.dynamo.internal.ItemLayout.EXPIRES_AT;
import static io.github.sqsreliable.dynamo.internal.ItemLayout.KEY;
import static io.github.sqsreliable.dynamo.internal.ItemLayout.PAYLOAD_HASH;
import static io.github.sqsreliable.dynamo.internal.ItemLayout.STATUS;
import static io.github.sqsreliable.dynamo.internal.ItemLayout.TOKEN;
import static io.github.sqsreliable.dynamo.internal.ItemLayout.TTL;

import io.github.sqsreliable.idempotency.AcquireRequest;
import io.github.sqsreliable.idempotency.FencingToken;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * Builds every request the store sends, and reads items back. Pure: the time is always passed in, so that the
 * condition a request carries and the answer derived from its failure use the same instant.
 *
 * <p>DynamoDB has no server-side clock in condition expressions: {@code :now} is this process's clock.
 */
final class StoreRequests {

    /** Holds the key: absent, or its lease or completed record expired (by the caller's clock). */
    static final String FREE = "attribute_not_exists(" + KEY + ") OR " + EXPIRES_AT + " <= :now";
    /** The token still holds the key: same acquisition, still in progress, lease not expired. */
    static final String HELD = TOKEN + " = :token AND " + STATUS + " = :inProgress AND " + EXPIRES_AT + " > :now";
    /**
     * The token is still the record's: same acquisition, still in progress. No expiry test: a lease that ran out
     * while nobody took the key over still belongs to its holder, and a takeover would have changed the token.
     */
    static final String OURS = TOKEN + " = :token AND " + STATUS + " = :inProgress";
    private static final String SET_COMPLETED = "SET " + STATUS + " = :completed, " + EXPIRES_AT + " = :expiresAt, "
            + TTL + " = :ttl";

    private final ItemLayout layout;
    private final boolean consistentReads;
    private final long ttlMarginSeconds;

    /**
     * @param layout the table and attribute names
     * @param consistentReads whether the batch read is strongly consistent
     * @param ttlMargin how long after a record expires DynamoDB's TTL may delete it
     */
    StoreRequests(ItemLayout layout, boolean consistentReads, Duration ttlMargin) {
        this.layout = layout;
        this.consistentReads = consistentReads;
        this.ttlMarginSeconds = ttlMargin.toSeconds() + (ttlMargin.getNano() > 0 ? 1 : 0);
    }

    /**
     * One conditional put that takes the key if it is free, replacing an expired record; when it is not, the
     * failure carries the current item, so no second read is needed.
     */
    PutItemRequest acquire(AcquireRequest request, FencingToken token, long nowMillis) {
        long expiresAt = plus(nowMillis, request.lease());
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(layout.key(), AttributeValue.fromS(request.key()));
        item.put(layout.status(), AttributeValue.fromS(StoredRecord.IN_PROGRESS));
        item.put(layout.token(), AttributeValue.fromS(token.value()));
        item.put(layout.expiresAt(), number(expiresAt));
        item.put(layout.ttl(), number(ttlSeconds(expiresAt)));
        if (request.payloadHash() != null) {
            item.put(layout.payloadHash(), AttributeValue.fromS(request.payloadHash()));
        }
        return PutItemRequest.builder()
                .tableName(layout.tableName())
                .item(item)
                .conditionExpression(FREE)
                .expressionAttributeNames(layout.names(KEY, EXPIRES_AT))
                .expressionAttributeValues(Map.of(":now", number(nowMillis)))
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build();
    }

    UpdateItemRequest complete(String key, FencingToken token, Duration ttl, long nowMillis) {
        Map<String, AttributeValue> values = heldValues(token, nowMillis);
        putCompletion(values, ttl, nowMillis);
        return UpdateItemRequest.builder()
                .tableName(layout.tableName())
                .key(layout.primaryKey(key))
                .updateExpression(SET_COMPLETED)
                .conditionExpression(HELD)
                .expressionAttributeNames(layout.names(STATUS, EXPIRES_AT, TTL, TOKEN))
                .expressionAttributeValues(values)
                .build();
    }

    /**
     * The completion as one item of a transaction: the same attributes as {@link #complete}, on condition that the
     * token is still the record's ({@link #OURS}). On a refused condition the transaction's cancellation reason
     * carries the record as it is, like an acquisition's refused put.
     */
    Update completeInTransaction(String key, FencingToken token, Duration ttl, long nowMillis) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":token", AttributeValue.fromS(token.value()));
        values.put(":inProgress", AttributeValue.fromS(StoredRecord.IN_PROGRESS));
        putCompletion(values, ttl, nowMillis);
        return Update.builder()
                .tableName(layout.tableName())
                .key(layout.primaryKey(key))
                .updateExpression(SET_COMPLETED)
                .conditionExpression(OURS)
                .expressionAttributeNames(layout.names(STATUS, EXPIRES_AT, TTL, TOKEN))
                .expressionAttributeValues(values)
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build();
    }

    /** @return whose the record is now, if it exists: a strongly consistent read of its token and status */
    GetItemRequest readHolder(String key) {
        return GetItemRequest.builder()
                .tableName(layout.tableName())
                .key(layout.primaryKey(key))
                .consistentRead(true)
                .projectionExpression(String.join(", ", TOKEN, STATUS))
                .expressionAttributeNames(layout.names(TOKEN, STATUS))
                .build();
    }

    /**
     * @param item an item of the table, or null
     * @return what it says about its holder, for messages: status and token, or "no record"
     */
    String describeHolder(Map<String, AttributeValue> item) {
        if (item == null || item.isEmpty()) {
            return "no record";
        }
        AttributeValue status = item.get(layout.status());
        AttributeValue token = item.get(layout.token());
        return (status == null ? "no status" : status.s()) + " with token " + (token == null ? null : token.s());
    }

    /** @return the token an item carries, or null */
    String tokenOf(Map<String, AttributeValue> item) {
        AttributeValue token = item == null ? null : item.get(layout.token());
        return token == null ? null : token.s();
    }

    private void putCompletion(Map<String, AttributeValue> values, Duration ttl, long nowMillis) {
        long expiresAt = plus(nowMillis, ttl);
        values.put(":completed", AttributeValue.fromS(StoredRecord.COMPLETED));
        values.put(":expiresAt", number(expiresAt));
        values.put(":ttl", number(ttlSeconds(expiresAt)));
    }

    UpdateItemRequest renew(String key, FencingToken token, Duration lease, long nowMillis) {
        long expiresAt = plus(nowMillis, lease);
        Map<String, AttributeValue> values = heldValues(token, nowMillis);
        values.put(":expiresAt", number(expiresAt));
        values.put(":ttl", number(ttlSeconds(expiresAt)));
        return UpdateItemRequest.builder()
                .tableName(layout.tableName())
                .key(layout.primaryKey(key))
                .updateExpression("SET " + EXPIRES_AT + " = :expiresAt, " + TTL + " = :ttl")
                .conditionExpression(HELD)
                .expressionAttributeNames(layout.names(STATUS, EXPIRES_AT, TTL, TOKEN))
                .expressionAttributeValues(values)
                .build();
    }

    DeleteItemRequest release(String key, FencingToken token, long nowMillis) {
        return DeleteItemRequest.builder()
                .tableName(layout.tableName())
                .key(layout.primaryKey(key))
                .conditionExpression(HELD)
                .expressionAttributeNames(layout.names(STATUS, EXPIRES_AT, TOKEN))
                .expressionAttributeValues(heldValues(token, nowMillis))
                .build();
    }

    /** Reads the keys' records without the token, which only the holder needs. */
    BatchGetItemRequest batchRead(Collection<String> keys) {
        List<Map<String, AttributeValue>> primaryKeys = keys.stream().map(layout::primaryKey).toList();
        return BatchGetItemRequest.builder()
                .requestItems(Map.of(layout.tableName(), KeysAndAttributes.builder()
                        .keys(primaryKeys)
                        .consistentRead(consistentReads)
                        .projectionExpression(String.join(", ", KEY, STATUS, EXPIRES_AT, PAYLOAD_HASH))
                        .expressionAttributeNames(layout.names(KEY, STATUS, EXPIRES_AT, PAYLOAD_HASH))
                        .build()))
                .build();
    }

    /**
     * @param item an item of the table
     * @return its store key, or null if it has none
     */
    String keyOf(Map<String, AttributeValue> item) {
        AttributeValue key = item.get(layout.key());
        return key == null ? null : key.s();
    }

    /**
     * @param item an item of the table
     * @param key its key, for the error message
     * @return what it records
     * @throws IllegalStateException if it is not an item this store wrote
     */
    StoredRecord parse(Map<String, AttributeValue> item, String key) {
        if (item == null || item.isEmpty()) {
            throw new IllegalStateException("DynamoDB refused the write of key " + key + " in table "
                    + layout.tableName() + " but returned no item: does this endpoint support "
                    + "ReturnValuesOnConditionCheckFailure?");
        }
        AttributeValue status = item.get(layout.status());
        AttributeValue expiresAt = item.get(layout.expiresAt());
        AttributeValue payloadHash = item.get(layout.payloadHash());
        String statusValue = status == null ? null : status.s();
        boolean completed = StoredRecord.COMPLETED.equals(statusValue);
        if (!completed && !StoredRecord.IN_PROGRESS.equals(statusValue)) {
            throw unreadable(key, layout.status() + " is " + status + ", not S " + StoredRecord.IN_PROGRESS
                    + " or " + StoredRecord.COMPLETED);
        }
        long expiresAtMillis;
        try {
            expiresAtMillis = Long.parseLong(expiresAt == null ? null : expiresAt.n());
        } catch (NumberFormatException e) {
            throw unreadable(key, layout.expiresAt() + " is " + expiresAt + ", not N epoch milliseconds");
        }
        return new StoredRecord(completed, expiresAtMillis, payloadHash == null ? null : payloadHash.s());
    }

    /**
     * @param expiresAtMillis when a record expires
     * @return the TTL attribute's value: the expiry rounded up to a second, plus the margin
     */
    long ttlSeconds(long expiresAtMillis) {
        return saturatedAdd(-Math.floorDiv(-expiresAtMillis, 1000L), ttlMarginSeconds);
    }

    private IllegalStateException unreadable(String key, String problem) {
        return new IllegalStateException("the item of key " + key + " in table " + layout.tableName()
                + " was not written by this store (or by one with other attribute names): " + problem);
    }

    private Map<String, AttributeValue> heldValues(FencingToken token, long nowMillis) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":token", AttributeValue.fromS(token.value()));
        values.put(":inProgress", AttributeValue.fromS(StoredRecord.IN_PROGRESS));
        values.put(":now", number(nowMillis));
        return values;
    }

    private static AttributeValue number(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    private static long plus(long nowMillis, Duration duration) {
        long millis;
        try {
            millis = duration.toMillis();
        } catch (ArithmeticException e) {
            millis = Long.MAX_VALUE;
        }
        return saturatedAdd(nowMillis, millis);
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }
}

package io.github.sqsreliable.dynamo;

import io.github.sqsreliable.retry.PermanentFailureException;
import java.util.Objects;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * The writes a {@link DynamoDbTransactionalHandler} contributes to its message's transaction: puts, updates,
 * deletes and condition checks, on any tables of the store's account and region. After the handler returned,
 * they are sent in one {@code TransactWriteItems} together with the completion of the message's idempotency
 * record, so all of them are written or none.
 *
 * <p>DynamoDB's limits apply to the whole transaction, the record included:
 * <ul>
 *   <li>at most 100 items, so the handler may add at most {@value #MAX_ITEMS}: adding one more throws a
 *       {@link PermanentFailureException} at once;</li>
 *   <li>at most 4 MB in total, and at most one operation per item (the record's item included): DynamoDB refuses
 *       such a transaction, and the message fails with a {@link PermanentFailureException} naming the limit.</li>
 * </ul>
 *
 * <p>Given to one handler call and valid only during it; not thread-safe.
 */
public interface DynamoDbTransaction {

    /** How many items a handler may add: DynamoDB's 100 per transaction, less the idempotency record. */
    int MAX_ITEMS = 99;

    /**
     * Adds a write of any kind.
     *
     * @param item a put, update, delete or condition check
     * @return this transaction
     * @throws PermanentFailureException if the transaction already holds {@value #MAX_ITEMS} items of the handler
     * @throws IllegalStateException if the handler call that was given this transaction has returned
     */
    DynamoDbTransaction add(TransactWriteItem item);

    /** @return how many items the handler added so far */
    int size();

    /**
     * Adds a put; see {@link #add}.
     *
     * @param put the put, with its table name and, if any, its condition
     * @return this transaction
     */
    default DynamoDbTransaction put(Put put) {
        Objects.requireNonNull(put, "put");
        return add(TransactWriteItem.builder().put(put).build());
    }

    /**
     * Adds an update; see {@link #add}.
     *
     * @param update the update, with its table name and, if any, its condition
     * @return this transaction
     */
    default DynamoDbTransaction update(Update update) {
        Objects.requireNonNull(update, "update");
        return add(TransactWriteItem.builder().update(update).build());
    }

    /**
     * Adds a delete; see {@link #add}.
     *
     * @param delete the delete, with its table name and, if any, its condition
     * @return this transaction
     */
    default DynamoDbTransaction delete(Delete delete) {
        Objects.requireNonNull(delete, "delete");
        return add(TransactWriteItem.builder().delete(delete).build());
    }

    /**
     * Adds a condition on an item that the transaction does not write: if it fails, nothing is written; see
     * {@link #add}.
     *
     * @param conditionCheck the item and its condition
     * @return this transaction
     */
    default DynamoDbTransaction conditionCheck(ConditionCheck conditionCheck) {
        Objects.requireNonNull(conditionCheck, "conditionCheck");
        return add(TransactWriteItem.builder().conditionCheck(conditionCheck).build());
    }
}

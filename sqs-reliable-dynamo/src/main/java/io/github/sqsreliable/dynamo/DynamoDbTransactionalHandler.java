package io.github.sqsreliable.dynamo;

import io.github.sqsreliable.SqsMessage;

/**
 * A handler whose DynamoDB writes commit in one {@code TransactWriteItems} with its message's idempotency record:
 * made into a consumer's handler by {@link DynamoDbIdempotencyStore#transactional(DynamoDbTransactionalHandler)}.
 *
 * <p>The handler does not write: it adds its writes to the given {@link DynamoDbTransaction}, which the library
 * sends once the handler returned, together with the record's completion. Throwing sends nothing, and the message
 * is classified and retried like any failed message. Reads, and work outside DynamoDB (HTTP calls, messages sent),
 * happen when the handler does them, at least once per delivery.
 */
@FunctionalInterface
public interface DynamoDbTransactionalHandler {

    /**
     * Does the message's work and adds its writes to the transaction.
     *
     * @param message the message
     * @param transaction collects the writes; valid only until this call returns
     * @throws Exception to send nothing; the consumer's error classifier decides what happens to the message
     */
    void handle(SqsMessage message, DynamoDbTransaction transaction) throws Exception;
}

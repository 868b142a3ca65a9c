package io.github.sqsreliable.jdbc;

import io.github.sqsreliable.SqsMessage;
import java.sql.Connection;

/**
 * A {@link JdbcTransactionalHandler} that receives the message body read as a {@code T}: made into a consumer's
 * handler by {@link JdbcIdempotencyStore#transactional(Class, JdbcPayloadTransactionalHandler)}. The same rules
 * hold for the connection: write through it, never end the transaction or close it.
 *
 * @param <T> the payload type
 */
@FunctionalInterface
public interface JdbcPayloadTransactionalHandler<T> {

    /**
     * Does the message's work in the open transaction.
     *
     * @param payload the body, read
     * @param message the message
     * @param connection the transaction's connection, borrowed from the store's data source
     * @throws Exception to roll back; the consumer's error classifier decides what happens to the message
     */
    void handle(T payload, SqsMessage message, Connection connection) throws Exception;
}

package io.github.sqsreliable.jdbc;

import io.github.sqsreliable.SqsMessage;
import java.sql.Connection;

/**
 * A handler whose database writes commit in one transaction with its message's idempotency record: made into a
 * consumer's handler by {@link JdbcIdempotencyStore#transactional(JdbcTransactionalHandler)}.
 *
 * <p>Write through the given connection only. It is in a transaction the library opened and will commit once the
 * handler returned and the record is written: the handler must not commit, roll back, close it or change its
 * auto-commit (those calls throw). Throwing rolls everything back and the message is classified and retried like
 * any failed message. Work outside this database (HTTP calls, messages sent) is still done at least once.
 */
@FunctionalInterface
public interface JdbcTransactionalHandler {

    /**
     * Does the message's work in the open transaction.
     *
     * @param message the message
     * @param connection the transaction's connection, borrowed from the store's data source
     * @throws Exception to roll back; the consumer's error classifier decides what happens to the message
     */
    void handle(SqsMessage message, Connection connection) throws Exception;
}

package io.github.sqsreliable.jdbc.internal;

import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.idempotency.HeldKey;
import io.github.sqsreliable.idempotency.IdempotencyStore;
import io.github.sqsreliable.idempotency.KeyCompletingHandler;
import io.github.sqsreliable.idempotency.KeyTakenOverException;
import io.github.sqsreliable.jdbc.JdbcTransactionalHandler;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Set;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link JdbcTransactionalHandler} in one transaction with its message's completion record: borrow a
 * connection, turn auto-commit off, let the handler write, mark the key done on condition that it still carries
 * this delivery's token, commit. On the worker thread, which a handler may block. Not API.
 *
 * <p>What each ending leaves: a commit leaves the effects and the completed record (the consumer then deletes the
 * message without completing the key again); a handler failure, a key taken over, or a crash before the commit
 * leaves neither; a commit whose answer is lost leaves one or the other state, both of which the next delivery
 * reads correctly (done: deleted as a duplicate; held: released or expired, then handled).
 */
public final class TransactionalHandler implements KeyCompletingHandler {

    private static final Logger log = LoggerFactory.getLogger(TransactionalHandler.class);
    /** What a handler may not call on the transaction's connection: the library owns its ending. */
    private static final Set<String> OWNED = Set.of("commit", "rollback", "setAutoCommit", "close", "abort");

    private final IdempotencyStore store;
    private final DataSource dataSource;
    private final Sql sql;
    private final int queryTimeoutSeconds;
    private final String tableName;
    private final JdbcTransactionalHandler handler;

    /**
     * @param store the store whose keys the consumer acquires
     * @param dataSource the store's data source
     * @param sql the store's statements
     * @param queryTimeoutSeconds the timeout of the completion statement
     * @param tableName for messages
     * @param handler the user's handler
     */
    public TransactionalHandler(IdempotencyStore store, DataSource dataSource, Sql sql, int queryTimeoutSeconds,
                                String tableName, JdbcTransactionalHandler handler) {
        this.store = store;
        this.dataSource = dataSource;
        this.sql = sql;
        this.queryTimeoutSeconds = queryTimeoutSeconds;
        this.tableName = tableName;
        this.handler = Objects.requireNonNull(handler, "handler");
    }

    @Override
    public IdempotencyStore store() {
        return store;
    }

    @Override
    public void handle(SqsMessage message) throws Exception {
        HeldKey held = HeldKey.require(message, store);
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            if (autoCommit) {
                connection.setAutoCommit(false);
            }
            boolean committed = false;
            try {
                handler.handle(message, guarded(connection));
                completeInTransaction(connection, message, held);
                connection.commit();
                committed = true;
                held.markCompletedByHandler();
            } finally {
                if (!committed) {
                    rollbackQuietly(connection, message);
                }
                if (autoCommit) {
                    restoreAutoCommit(connection);
                }
            }
        }
    }

    private void completeInTransaction(Connection connection, SqsMessage message, HeldKey held) throws SQLException {
        int updated;
        try (PreparedStatement statement = connection.prepareStatement(sql.completeInTransaction())) {
            statement.setQueryTimeout(queryTimeoutSeconds);
            statement.setLong(1, Durations.millis("ttl", held.ttl()));
            statement.setString(2, held.key());
            statement.setString(3, held.token().value());
            updated = statement.executeUpdate();
        }
        if (updated == 1) {
            return;
        }
        String status;
        try (PreparedStatement statement = connection.prepareStatement(sql.describe())) {
            statement.setQueryTimeout(queryTimeoutSeconds);
            statement.setString(1, held.key());
            try (ResultSet row = statement.executeQuery()) {
                status = row.next() ? row.getString(1) : null;
            }
        }
        if (status == null) {
            // Never acquired here, or removed: not a race, a misconfiguration (another table or database).
            throw new IllegalStateException("message " + message.messageId() + ": its idempotency key has no row in "
                    + tableName + " as the transaction sees it; the handler's writes were rolled back. Are the "
                    + "consumer's store and this handler's data source the same database?");
        }
        throw new KeyTakenOverException("message " + message.messageId() + ": its idempotency lease expired and "
                + "another consumer took the key over (now " + status + "); the handler's writes were rolled back");
    }

    private static void rollbackQuietly(Connection connection, SqsMessage message) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            // The connection is broken; closing it discards the transaction anyway.
            log.debug("rollback for message {} failed: {}", message.messageId(), e.toString());
        }
    }

    private static void restoreAutoCommit(Connection connection) {
        try {
            connection.setAutoCommit(true);
        } catch (SQLException e) {
            log.debug("could not restore auto-commit on a pooled connection: {}", e.toString());
        }
    }

    /** The connection as the handler sees it: everything but ending the transaction or the connection. */
    private static Connection guarded(Connection connection) {
        InvocationHandler invocation = (proxy, method, args) -> {
            if (OWNED.contains(method.getName()) && (args == null || args.length == 0
                    || method.getName().equals("setAutoCommit") || method.getName().equals("abort"))) {
                throw new IllegalStateException("a transactional handler must not call Connection." + method.getName()
                        + "(): the library commits the handler's writes together with the message's idempotency "
                        + "record, or rolls both back");
            }
            return invoke(connection, method, args);
        };
        return (Connection) Proxy.newProxyInstance(TransactionalHandler.class.getClassLoader(),
                new Class<?>[] {Connection.class}, invocation);
    }

    private static Object invoke(Connection connection, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(connection, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @Override
    public String toString() {
        return "transactional handler on " + tableName;
    }
}

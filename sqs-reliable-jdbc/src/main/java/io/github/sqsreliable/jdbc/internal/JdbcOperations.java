package io.github.sqsreliable.jdbc.internal;

import io.github.sqsreliable.SqsReliableException;
import io.github.sqsreliable.idempotency.AcquireRequest;
import io.github.sqsreliable.idempotency.AcquireResult;
import io.github.sqsreliable.idempotency.CompleteRequest;
import io.github.sqsreliable.idempotency.FencingToken;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The store's operations as blocking JDBC calls, each one statement on a connection borrowed from the
 * {@link DataSource} for that call and in auto-commit mode. Run them on the store's own threads, never on a
 * caller's. Not API.
 */
public final class JdbcOperations {

    /** PostgreSQL's SQLSTATE for a deadlock; the statement is then simply run again. */
    private static final String DEADLOCK = "40P01";
    private static final int ATTEMPTS = 3;

    private final DataSource dataSource;
    private final Sql sql;
    private final int queryTimeoutSeconds;

    /**
     * @param dataSource where connections come from; never closed here
     * @param sql the statements for the store's table
     * @param queryTimeout how long one statement may run; rounded up to whole seconds (JDBC's unit)
     */
    public JdbcOperations(DataSource dataSource, Sql sql, Duration queryTimeout) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.sql = Objects.requireNonNull(sql, "sql");
        this.queryTimeoutSeconds = timeoutSeconds(queryTimeout);
    }

    /**
     * @param queryTimeout a statement timeout
     * @return it in whole seconds, rounded up (JDBC's unit), at least 1
     */
    public static int timeoutSeconds(Duration queryTimeout) {
        return (int) Math.max(1, (queryTimeout.toMillis() + 999) / 1_000);
    }

    /** Runs the DDL: creates the table and its index unless they exist. */
    public void createTable() {
        run("createTable", connection -> {
            try (Statement statement = connection.createStatement()) {
                statement.setQueryTimeout(queryTimeoutSeconds);
                for (String ddl : sql.createTable()) {
                    statement.execute(ddl);
                }
            }
            return null;
        });
    }

    /**
     * @param requests the keys, each at most once
     * @param tokens the token proposed for each key, in the same order
     * @return one result per request, in the same order
     */
    public List<AcquireResult> acquire(List<AcquireRequest> requests, List<FencingToken> tokens) {
        int n = requests.size();
        String[] keys = new String[n];
        Long[] leases = new Long[n];
        String[] proposed = new String[n];
        String[] hashes = new String[n];
        for (int i = 0; i < n; i++) {
            AcquireRequest request = requests.get(i);
            keys[i] = request.key();
            leases[i] = Durations.millis("lease", request.lease());
            proposed[i] = tokens.get(i).value();
            hashes[i] = request.payloadHash();
        }
        Map<String, Row> byKey = run("acquire (" + n + " keys)", connection -> {
            Map<String, Row> results = new HashMap<>();
            try (PreparedStatement statement = connection.prepareStatement(sql.acquire())) {
                statement.setQueryTimeout(queryTimeoutSeconds);
                statement.setArray(1, array(connection, "varchar", keys));
                statement.setArray(2, array(connection, "bigint", leases));
                statement.setArray(3, array(connection, "varchar", proposed));
                statement.setArray(4, array(connection, "text", hashes));
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        results.put(rows.getString(1), new Row(rows.getString(2), rows.getString(3),
                                rows.getString(4), rows.getLong(5)));
                    }
                }
            }
            return results;
        });
        List<AcquireResult> results = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Row row = byKey.get(keys[i]);
            if (row == null) {
                throw new IllegalStateException("acquire returned no row for key " + keys[i]);
            }
            results.add(row.result(tokens.get(i)));
        }
        return results;
    }

    /**
     * @param requests the keys and their tokens, each key at most once
     * @param ttl how long the completed records keep duplicates out
     * @return one answer per request, in the same order: true if completed
     */
    public List<Boolean> completeAll(List<CompleteRequest> requests, Duration ttl) {
        long ttlMillis = Durations.millis("ttl", ttl);
        int n = requests.size();
        String[] keys = new String[n];
        String[] tokens = new String[n];
        for (int i = 0; i < n; i++) {
            CompleteRequest request = Objects.requireNonNull(requests.get(i), "request");
            keys[i] = request.key();
            tokens[i] = request.token().value();
        }
        Set<String> completed = run("completeAll (" + n + " keys)", connection -> {
            Set<String> done = new HashSet<>();
            try (PreparedStatement statement = connection.prepareStatement(sql.complete())) {
                statement.setQueryTimeout(queryTimeoutSeconds);
                statement.setLong(1, ttlMillis);
                statement.setArray(2, array(connection, "varchar", keys));
                statement.setArray(3, array(connection, "varchar", tokens));
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        done.add(rows.getString(1));
                    }
                }
            }
            return done;
        });
        List<Boolean> answers = new ArrayList<>(n);
        for (String key : keys) {
            answers.add(completed.contains(key));
        }
        return answers;
    }

    /**
     * @param key the key
     * @param token the token that must hold it
     * @return true if released
     */
    public boolean release(String key, FencingToken token) {
        return update("release", sql.release(), null, key, token);
    }

    /**
     * @param key the key
     * @param token the token that must hold it
     * @param lease the new lease, from now
     * @return true if renewed
     */
    public boolean renew(String key, FencingToken token, Duration lease) {
        return update("renew", sql.renew(), Durations.millis("lease", lease), key, token);
    }

    private boolean update(String operation, String statementSql, Long millis, String key, FencingToken token) {
        return run(operation, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(statementSql)) {
                statement.setQueryTimeout(queryTimeoutSeconds);
                int parameter = 1;
                if (millis != null) {
                    statement.setLong(parameter++, millis);
                    statement.setLong(parameter++, millis);
                }
                statement.setString(parameter++, key);
                statement.setString(parameter, token.value());
                return statement.executeUpdate() == 1;
            }
        });
    }

    /** A key's row as the acquire statement left it. */
    private record Row(String status, String token, String payloadHash, long remainingMillis) {

        AcquireResult result(FencingToken proposed) {
            if (proposed.value().equals(token)) {
                return new AcquireResult.Acquired(proposed);
            }
            if (Sql.COMPLETED.equals(status)) {
                return new AcquireResult.Completed(payloadHash);
            }
            // Not expired, or the row would now hold the proposed token: at least a millisecond remains.
            return new AcquireResult.InProgress(Duration.ofMillis(Math.max(1, remainingMillis)), payloadHash);
        }
    }

    private static Array array(Connection connection, String type, Object[] values) throws SQLException {
        return connection.createArrayOf(type, values);
    }

    private <T> T run(String operation, SqlWork<T> work) {
        SQLException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try (Connection connection = dataSource.getConnection()) {
                boolean autoCommit = connection.getAutoCommit();
                if (!autoCommit) {
                    connection.setAutoCommit(true);
                }
                try {
                    return work.run(connection);
                } finally {
                    if (!autoCommit) {
                        connection.setAutoCommit(false);
                    }
                }
            } catch (SQLException e) {
                last = e;
                if (!DEADLOCK.equals(e.getSQLState())) {
                    break;
                }
            }
        }
        throw new SqsReliableException("JDBC idempotency store: " + operation + " failed: " + last.getMessage()
                + " (SQLSTATE " + last.getSQLState() + ")", last);
    }

    @FunctionalInterface
    private interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }
}

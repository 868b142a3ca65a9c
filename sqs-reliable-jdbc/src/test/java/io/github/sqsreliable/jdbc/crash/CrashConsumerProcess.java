package io.github.sqsreliable.jdbc.crash;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.sqsreliable.MessageHandler;
import io.github.sqsreliable.SqsConsumer;
import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.idempotency.AcquireRequest;
import io.github.sqsreliable.idempotency.AcquireResult;
import io.github.sqsreliable.idempotency.CompleteRequest;
import io.github.sqsreliable.idempotency.FencingToken;
import io.github.sqsreliable.idempotency.Idempotency;
import io.github.sqsreliable.idempotency.IdempotencyStore;
import io.github.sqsreliable.idempotency.KeyCompletingHandler;
import io.github.sqsreliable.jdbc.JdbcIdempotencyStore;
import io.github.sqsreliable.jdbc.crash.ChildSettings.StoreKind;
import io.github.sqsreliable.redis.RedisIdempotencyStore;
import io.github.sqsreliable.test.internal.LocalClients;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageRequest;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The child JVM of {@link JdbcCrashIT}: one consumer of the test's queue whose handler inserts one row per message
 * into the effects table, with the idempotency store under test. If given a {@link KillPoint}, it sends itself
 * SIGKILL ({@code kill -KILL <own pid>}) on the given pass of that point, after printing {@value #KILL_MARKER}
 * and the point's name. It builds everything first, then starts consuming when the line {@value #GO} arrives on
 * its standard input (so that a standby JVM can be ready before it is needed). SIGTERM stops it normally: its
 * shutdown hook closes the consumer, which deletes what it handled. If the test JVM ends without stopping it (its
 * standard input closes), it halts.
 *
 * <p>Arguments: {@link ChildSettings#arguments()}.
 */
public final class CrashConsumerProcess {

    /** The start of the line a child prints just before it kills itself. */
    static final String KILL_MARKER = "KILL ";
    /** The start of the line a child prints once its consumer has started, with its JVM's age then. */
    static final String CONSUMING_MARKER = "CONSUMING ";
    /** The line on its standard input that starts a child's consumer. */
    static final String GO = "go";
    /** The exit status of a child whose SIGKILL did not arrive. */
    static final int KILL_FAILED = 3;
    /** The exit status of a child whose test JVM ended without stopping it. */
    static final int SUPERVISOR_GONE = 4;

    private static final int MAX_CONCURRENCY = 8;
    private static final int PREFETCH = 40;
    private static final Duration KILL_GRACE = Duration.ofSeconds(10);
    private static final long PID = ProcessHandle.current().pid();

    private CrashConsumerProcess() {
    }

    public static void main(String[] args) throws Exception {
        ChildSettings settings = ChildSettings.parse(args);
        Killer killer = new Killer(settings.killPoint(), settings.killOnPass());
        // closed last first: consumer, store, connections, clients
        Deque<AutoCloseable> owned = new ArrayDeque<>();

        SqsAsyncClient sqs = LocalClients.configure(SqsAsyncClient.builder(), settings.sqsEndpoint(), null,
                new DeleteInterceptor(killer)).build();
        owned.push(sqs);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(settings.jdbcUrl());
        config.setUsername(settings.jdbcUser());
        config.setMaximumPoolSize(MAX_CONCURRENCY + JdbcIdempotencyStore.DEFAULT_MAX_CONCURRENCY + 2);
        config.setPoolName("crash-child");
        HikariDataSource pool = new HikariDataSource(config);
        owned.push(pool);

        IdempotencyStore store;
        MessageHandler handler;
        String effectSql = "INSERT INTO " + settings.effectsTable() + " (body, pid) VALUES (?, ?)";
        if (settings.store() == StoreKind.JDBC_TRANSACTIONAL) {
            JdbcIdempotencyStore jdbc = JdbcIdempotencyStore.builder()
                    .dataSource(killingAfterCommit(pool, killer))
                    .tableName(settings.keys())
                    .build();
            owned.push(jdbc);
            store = new KillingStore(jdbc, killer);
            handler = new StoreNamingHandler(store, jdbc.transactional((message, connection) -> {
                insertEffect(connection, effectSql, message);
                killer.pass(KillPoint.AFTER_EFFECT);
            }));
        } else {
            RedisClient client = RedisClient.create(settings.redisUri());
            owned.push(client::shutdown);
            StatefulRedisConnection<String, String> connection = client.connect();
            owned.push(connection);
            store = new KillingStore(RedisIdempotencyStore.builder()
                    .connection(connection)
                    .keyPrefix(settings.keys())
                    .build(), killer);
            handler = message -> {
                try (Connection autocommit = pool.getConnection()) {
                    insertEffect(autocommit, effectSql, message);
                }
                killer.pass(KillPoint.AFTER_EFFECT);
                // the handler returns now: the consumer has not completed the key yet
                killer.pass(KillPoint.AFTER_COMMIT);
            };
        }

        SqsConsumer consumer = SqsConsumer.builder()
                .sqsClient(sqs)
                .queueUrl(settings.queueUrl())
                .name("crash")
                .maxConcurrency(MAX_CONCURRENCY)
                .prefetch(PREFETCH)
                .waitTime(Duration.ofSeconds(1))
                .shutdownTimeout(Duration.ofSeconds(10))
                .queueSampling(Duration.ZERO)
                .idempotency(Idempotency.builder().store(store).namespace("crash").build())
                .handler(handler)
                .build();
        owned.push(consumer);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> closeAll(owned), "crash-child-stop"));
        warmUp(sqs, settings.queueUrl(), pool);
        long readyMillis = ManagementFactory.getRuntimeMXBean().getUptime();
        // a standby: started while others consume, it begins when the supervisor says so
        BufferedReader supervisor = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String go = supervisor.readLine();
        if (!GO.equals(go)) {
            System.out.println("no " + GO + " on the standard input (" + go + "): stopping");
            System.exit(0);
        }
        consumer.start();
        System.out.println(CONSUMING_MARKER + ManagementFactory.getRuntimeMXBean().getUptime() + " ms after its start"
                + " (ready after " + readyMillis + " ms)");
        System.out.flush();
        // until SIGTERM (the hook stops the consumer), SIGKILL, or the test JVM's end, which closes our input
        while (supervisor.readLine() != null) {
            // the supervisor says nothing more
        }
        System.out.println("the test JVM is gone: halting");
        System.out.flush();
        Runtime.getRuntime().halt(SUPERVISOR_GONE);
    }

    /**
     * The JDBC store's data source, with {@link KillPoint#AFTER_COMMIT} as soon as a {@code commit()} returned. Only
     * the transactional handler commits (the store's own statements autocommit): this is the moment after the effect
     * and its completion record committed, before the handler has even returned.
     */
    private static DataSource killingAfterCommit(DataSource pool, Killer killer) {
        return proxy(DataSource.class, (proxy, method, args) -> {
            Object result = invoke(pool, method, args);
            return method.getName().equals("getConnection") ? killingAfterCommit((Connection) result, killer) : result;
        });
    }

    private static Connection killingAfterCommit(Connection connection, Killer killer) {
        return proxy(Connection.class, (proxy, method, args) -> {
            Object result = invoke(connection, method, args);
            if (method.getName().equals("commit")) {
                killer.pass(KillPoint.AFTER_COMMIT);
            }
            return result;
        });
    }

    private static <T> T proxy(Class<T> type, InvocationHandler handler) {
        return type.cast(Proxy.newProxyInstance(CrashConsumerProcess.class.getClassLoader(), new Class<?>[] {type},
                handler));
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** Loads what the first receive and the first statement would, while this JVM may still be a standby. */
    private static void warmUp(SqsAsyncClient sqs, String queueUrl, HikariDataSource pool) throws SQLException {
        sqs.getQueueAttributes(request -> request.queueUrl(queueUrl).attributeNames(QueueAttributeName.ALL)).join();
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("SELECT 1");
        }
    }

    private static void insertEffect(Connection connection, String sql, SqsMessage message) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(sql)) {
            insert.setString(1, message.body());
            insert.setLong(2, PID);
            insert.executeUpdate();
        }
    }

    private static void closeAll(Deque<AutoCloseable> owned) {
        while (!owned.isEmpty()) {
            try {
                owned.pop().close();
            } catch (Exception e) {
                System.err.println("closing failed: " + e);
            }
        }
    }

    /** Kills this JVM on the given pass of its kill point; every other pass goes on. */
    private static final class Killer {
        private final KillPoint point;
        private final int onPass;
        private final AtomicInteger passes = new AtomicInteger();

        Killer(KillPoint point, int onPass) {
            this.point = point;
            this.onPass = onPass;
        }

        void pass(KillPoint reached) {
            if (reached == point && passes.incrementAndGet() == onPass) {
                die();
            }
        }

        /** Never returns: the thread that reached the point must not go on while the signal is on its way. */
        private void die() {
            System.out.println(KILL_MARKER + point.name() + " on pass " + onPass + ", pid " + PID + ", "
                    + ManagementFactory.getRuntimeMXBean().getUptime() + " ms after its start");
            System.out.flush();
            try {
                new ProcessBuilder("kill", "-KILL", Long.toString(PID)).inheritIO().start()
                        .waitFor(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                System.out.println("kill -KILL " + PID + " failed: " + e);
            }
            long deadline = System.nanoTime() + KILL_GRACE.toNanos();
            while (System.nanoTime() - deadline < 0) {
                LockSupport.parkNanos(deadline - System.nanoTime());
            }
            System.out.println("SIGKILL did not arrive within " + KILL_GRACE);
            System.out.flush();
            Runtime.getRuntime().halt(KILL_FAILED);
        }
    }

    /** The store under test, with {@link KillPoint#DURING_ACQUIRE} once its acquire has answered. */
    private static final class KillingStore implements IdempotencyStore {
        private final IdempotencyStore delegate;
        private final Killer killer;

        KillingStore(IdempotencyStore delegate, Killer killer) {
            this.delegate = delegate;
            this.killer = killer;
        }

        @Override
        public CompletableFuture<List<AcquireResult>> acquire(List<AcquireRequest> requests) {
            return delegate.acquire(requests).thenApply(results -> {
                killer.pass(KillPoint.DURING_ACQUIRE);
                return results;
            });
        }

        @Override
        public CompletableFuture<Boolean> complete(String key, FencingToken token, Duration ttl) {
            return delegate.complete(key, token, ttl);
        }

        @Override
        public CompletableFuture<List<Boolean>> completeAll(List<CompleteRequest> requests, Duration ttl) {
            return delegate.completeAll(requests, ttl);
        }

        @Override
        public CompletableFuture<Boolean> release(String key, FencingToken token) {
            return delegate.release(key, token);
        }

        @Override
        public CompletableFuture<Boolean> renew(String key, FencingToken token, Duration lease) {
            return delegate.renew(key, token, lease);
        }

        @Override
        public String toString() {
            return delegate.toString();
        }
    }

    /**
     * The JDBC store's transactional handler, naming the killing store as the one it records keys in, so that the
     * consumer's {@code build()} accepts it with that store.
     */
    private static final class StoreNamingHandler implements KeyCompletingHandler {
        private final IdempotencyStore store;
        private final KeyCompletingHandler transactional;

        StoreNamingHandler(IdempotencyStore store, KeyCompletingHandler transactional) {
            this.store = store;
            this.transactional = transactional;
        }

        @Override
        public IdempotencyStore store() {
            return store;
        }

        @Override
        public void handle(SqsMessage message) throws Exception {
            transactional.handle(message);
        }
    }

    /** {@link KillPoint#DURING_DELETE}: SQS has the delete, its answer is not read yet. */
    private static final class DeleteInterceptor implements ExecutionInterceptor {
        private final Killer killer;

        DeleteInterceptor(Killer killer) {
            this.killer = killer;
        }

        @Override
        public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes executionAttributes) {
            if (context.request() instanceof DeleteMessageBatchRequest
                    || context.request() instanceof DeleteMessageRequest) {
                killer.pass(KillPoint.DURING_DELETE);
            }
        }
    }
}

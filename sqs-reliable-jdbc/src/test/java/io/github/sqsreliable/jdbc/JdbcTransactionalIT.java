package io.github.sqsreliable.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.sqsreliable.MessageHandler;
import io.github.sqsreliable.SqsConsumer;
import io.github.sqsreliable.idempotency.HeldKey;
import io.github.sqsreliable.idempotency.Idempotency;
import io.github.sqsreliable.idempotency.KeyTakenOverException;
import io.github.sqsreliable.observe.ConsumerEvent;
import io.github.sqsreliable.observe.ConsumerListener;
import io.github.sqsreliable.payload.MalformedPayloadException;
import io.github.sqsreliable.retry.Backoff;
import io.github.sqsreliable.retry.FailureRecord;
import io.github.sqsreliable.test.EmbeddedPostgres;
import io.github.sqsreliable.test.EmbeddedSqs;
import io.github.sqsreliable.test.QueueSpec;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The transactional mode on a real PostgreSQL and a real (embedded) SQS: the handler's writes and the completion
 * record commit together or not at all, and a stale holder cannot commit.
 */
@Timeout(120)
class JdbcTransactionalIT {

    private final EmbeddedSqs sqs = EmbeddedSqs.shared();
    private final List<String> statementsRun = new CopyOnWriteArrayList<>();
    private final List<ConsumerEvent.MessageFailed> failures = new CopyOnWriteArrayList<>();
    private JdbcIdempotencyStore store;
    private String effects;

    @BeforeEach
    void createStoreAndEffectsTable() throws SQLException {
        store = JdbcIdempotencyStore.builder()
                .dataSource(recording(SharedPostgres.pool()))
                .tableName(EmbeddedPostgres.shared().newTableName())
                .build();
        store.createTable().join();
        effects = EmbeddedPostgres.shared().newTableName();
        try (Connection connection = SharedPostgres.pool().getConnection();
             Statement statement = connection.createStatement()) {
            // No unique constraint: a duplicate effect must show, not be refused by the database.
            statement.execute("CREATE TABLE " + effects + " (id bigserial PRIMARY KEY, body text NOT NULL)");
        }
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Test
    void theEffectAndTheRecordCommitOnceAndTheMessageIsDeletedWithoutASecondCompletion() throws Exception {
        // given 20 messages, each key its body
        String queueUrl = sqs.createQueue(QueueSpec.standard().visibilityTimeout(Duration.ofSeconds(10)));
        List<String> bodies = sendNumbered(queueUrl, "order-", 20);

        // when a consumer handles them in the transactional mode
        try (SqsConsumer consumer = consumer(queueUrl, store.transactional((message, connection) ->
                insertEffect(connection, message.body())))) {
            consumer.start();
            sqs.awaitDrained(queueUrl, Duration.ofSeconds(30));

            // then each effect exists once and each key is completed, by the handler's transaction alone
            assertThat(effectCounts()).hasSize(20).allSatisfy((body, count) -> assertThat(count).isEqualTo(1));
            assertThat(keysWithStatus("COMPLETED")).isEqualTo(20);
            assertThat(consumer.metrics().succeeded()).isEqualTo(20);
            assertThat(consumer.metrics().deleted()).isEqualTo(20);
            assertThat(statementsRun).filteredOn(sql -> sql.contains("unnest(?::varchar[], ?::varchar[])"))
                    .as("the store's own completion statement").isEmpty();

            // and the same bodies sent again are deleted as duplicates without running
            sqs.sendAll(queueUrl, bodies);
            await().atMost(Duration.ofSeconds(30)).until(() -> consumer.metrics().duplicatesSkipped() == 20);
            sqs.awaitDrained(queueUrl, Duration.ofSeconds(30));
            assertThat(effectCounts()).hasSize(20).allSatisfy((body, count) -> assertThat(count).isEqualTo(1));
        }
    }

    @Test
    void aFailedHandlerLeavesNeitherItsEffectNorARecordAndItsRetryCommitsOnce() throws Exception {
        // given 10 messages whose first attempt writes its effect and then fails
        String queueUrl = sqs.createQueue(QueueSpec.standard().visibilityTimeout(Duration.ofSeconds(10)));
        sendNumbered(queueUrl, "payment-", 10);

        // when they are handled in the transactional mode
        try (SqsConsumer consumer = consumer(queueUrl, store.transactional((message, connection) -> {
            insertEffect(connection, message.body());
            if (message.receiveCount() == 1) {
                throw new IllegalStateException("the first attempt fails after writing");
            }
        }))) {
            consumer.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> consumer.metrics().succeeded() == 10);
            sqs.awaitDrained(queueUrl, Duration.ofSeconds(30));

            // then every first attempt failed and left nothing, and every second attempt committed once
            assertThat(failures).hasSize(10);
            assertThat(effectCounts()).hasSize(10).allSatisfy((body, count) -> assertThat(count).isEqualTo(1));
            assertThat(keysWithStatus("COMPLETED")).isEqualTo(10);
        }
    }

    @Test
    void aStaleHolderRollsBackItsEffectWhenAnotherConsumerTookTheKeyOver() throws Exception {
        // given one message, whose first handler run finds its key taken over by another consumer before it commits
        String queueUrl = sqs.createQueue(QueueSpec.standard().visibilityTimeout(Duration.ofSeconds(2)));
        sqs.sendAll(queueUrl, List.of("refund-1"));
        AtomicInteger runs = new AtomicInteger();

        // when it is handled in the transactional mode
        try (SqsConsumer consumer = consumer(queueUrl, store.transactional((message, connection) -> {
            insertEffect(connection, message.body());
            if (runs.incrementAndGet() == 1) {
                takeOver(HeldKey.current().orElseThrow().key(), Duration.ofSeconds(2));
            }
        }))) {
            consumer.start();
            await().atMost(Duration.ofSeconds(40)).until(() -> consumer.metrics().succeeded() == 1);
            sqs.awaitDrained(queueUrl, Duration.ofSeconds(30));

            // then the stale run failed with the takeover and its effect is gone; the later run committed once
            assertThat(failures).first().satisfies(failure -> {
                assertThat(failure.error()).isInstanceOf(KeyTakenOverException.class)
                        .hasMessageContaining("rolled back");
            });
            assertThat(runs).hasValueGreaterThanOrEqualTo(2);
            assertThat(effectCounts()).containsExactlyEntriesOf(Map.of("refund-1", 1));
        }
    }

    @Test
    void underSerializableAStaleHoldersCommitFailsAndItsEffectIsRolledBack() throws Exception {
        // given one message, handled at SERIALIZABLE, whose first run sees its key taken over after it wrote
        String queueUrl = sqs.createQueue(QueueSpec.standard().visibilityTimeout(Duration.ofSeconds(2)));
        sqs.sendAll(queueUrl, List.of("serializable-1"));
        AtomicInteger runs = new AtomicInteger();

        // when it is handled in the transactional mode
        try (SqsConsumer consumer = consumer(queueUrl, store.transactional((message, connection) -> {
            connection.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
            insertEffect(connection, message.body());
            if (runs.incrementAndGet() == 1) {
                takeOver(HeldKey.current().orElseThrow().key(), Duration.ofSeconds(2));
            }
        }))) {
            consumer.start();
            await().atMost(Duration.ofSeconds(40)).until(() -> consumer.metrics().succeeded() == 1);
            sqs.awaitDrained(queueUrl, Duration.ofSeconds(30));

            // then the stale run's completion failed on the concurrent update (SQLSTATE 40001), nothing of it remains
            assertThat(failures).first().satisfies(failure -> assertThat(failure.error())
                    .isInstanceOf(SQLException.class)
                    .satisfies(error -> assertThat(((SQLException) error).getSQLState()).isEqualTo("40001")));
            assertThat(effectCounts()).containsExactlyEntriesOf(Map.of("serializable-1", 1));
        }
    }

    /** A typed payload. */
    record Order(String id, int amount) {
    }

    @Test
    void aTypedHandlerWritesItsPayloadAndAMalformedBodyIsDeadLetteredWritingNothing() throws Exception {
        // given a readable order and a body that is not JSON
        String queueUrl = sqs.createQueue(QueueSpec.standard().visibilityTimeout(Duration.ofSeconds(10)));
        String dlq = sqs.createQueue(QueueSpec.standard());
        sqs.sendAll(queueUrl, List.of("{\"id\":\"o-1\",\"amount\":5}", "not json"));

        // when a typed transactional handler consumes them
        try (SqsConsumer consumer = SqsConsumer.builder()
                .sqsClient(sqs.client())
                .queueUrl(queueUrl)
                .waitTime(Duration.ofSeconds(1))
                .idempotency(Idempotency.builder().store(store).build())
                .retry(retry -> retry.onSameQueue(3, Backoff.fixed(Duration.ofSeconds(1))).thenDeadLetter(dlq))
                .handler(store.transactional(Order.class, (order, message, connection) ->
                        insertEffect(connection, order.id() + ":" + order.amount())))
                .build()) {
            consumer.start();
            sqs.awaitDrained(queueUrl, Duration.ofSeconds(30));

            // then the order is written once, and the malformed body went to the DLQ at once, with its reason
            assertThat(effectCounts()).containsExactlyEntriesOf(Map.of("o-1:5", 1));
            List<Message> deadLettered = sqs.takeAll(dlq);
            assertThat(deadLettered).singleElement().satisfies(message -> {
                assertThat(message.body()).isEqualTo("not json");
                FailureRecord record = FailureRecord.of(message.messageAttributes()).orElseThrow();
                assertThat(record.attempts()).isEqualTo(1);
                assertThat(record.errorClass()).isEqualTo(MalformedPayloadException.class.getName());
            });
        }
    }

    @Test
    void aHandlerThatEndsTheTransactionItselfFailsAndLeavesNothing() throws Exception {
        // given a handler that writes, then commits on its own
        String queueUrl = sqs.createQueue(QueueSpec.standard().visibilityTimeout(Duration.ofSeconds(10)));
        sqs.sendAll(queueUrl, List.of("commits-itself"));

        // when it runs in the transactional mode
        try (SqsConsumer consumer = consumer(queueUrl, store.transactional((message, connection) -> {
            insertEffect(connection, message.body());
            connection.commit();
        }))) {
            consumer.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> !failures.isEmpty());

            // then the call is refused, the write rolled back, and the key given back
            assertThat(failures.get(0).error()).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("must not call Connection.commit()");
            assertThat(effectCounts()).isEmpty();
            await().atMost(Duration.ofSeconds(10)).until(() -> keysWithStatus("IN_PROGRESS") == 0);
        }
    }

    @Test
    void aKeyWhoseRowVanishedIsAClearErrorAndNothingIsCommitted() throws Exception {
        // given a handler during which the key's row is deleted (a cleanup job run with the wrong bound)
        String queueUrl = sqs.createQueue(QueueSpec.standard().visibilityTimeout(Duration.ofSeconds(10)));
        sqs.sendAll(queueUrl, List.of("vanishing"));

        // when it runs in the transactional mode
        try (SqsConsumer consumer = consumer(queueUrl, store.transactional((message, connection) -> {
            insertEffect(connection, message.body());
            deleteRow(HeldKey.current().orElseThrow().key());
        }))) {
            consumer.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> !failures.isEmpty());

            // then the commit is refused with the reason, and the write rolled back
            assertThat(failures.get(0).error()).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("has no row in " + store.tableName());
            assertThat(effectCounts()).isEmpty();
        }
    }

    private SqsConsumer consumer(String queueUrl, MessageHandler handler) {
        return SqsConsumer.builder()
                .sqsClient(sqs.client())
                .queueUrl(queueUrl)
                .waitTime(Duration.ofSeconds(1))
                .maxConcurrency(4)
                .idempotency(Idempotency.builder()
                        .store(store)
                        .key(message -> message.body())
                        .namespace("tx-" + queueUrl.hashCode())
                        .build())
                .retry(retry -> retry.onSameQueue(5, Backoff.fixed(Duration.ofSeconds(1))))
                .handler(handler)
                .listener(new ConsumerListener() {
                    @Override
                    public void onFailed(ConsumerEvent.MessageFailed event) {
                        failures.add(event);
                    }
                })
                .build();
    }

    private List<String> sendNumbered(String queueUrl, String prefix, int count) {
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            bodies.add(prefix + i);
        }
        sqs.sendAll(queueUrl, bodies);
        return bodies;
    }

    private void insertEffect(Connection connection, String body) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + effects + " (body) VALUES (?)")) {
            insert.setString(1, body);
            insert.executeUpdate();
        }
    }

    /** What another consumer's acquire does once the lease expired: a new token, a new lease. */
    private void takeOver(String key, Duration lease) throws SQLException {
        try (Connection connection = SharedPostgres.pool().getConnection();
             PreparedStatement update = connection.prepareStatement("UPDATE " + store.tableName()
                     + " SET fencing_token = 'another-consumer', lease_expires_at = now() + ?::bigint * INTERVAL "
                     + "'1 millisecond', expires_at = now() + ?::bigint * INTERVAL '1 millisecond' "
                     + "WHERE idempotency_key = ?")) {
            update.setLong(1, lease.toMillis());
            update.setLong(2, lease.toMillis());
            update.setString(3, key);
            assertThat(update.executeUpdate()).isEqualTo(1);
        }
    }

    private void deleteRow(String key) throws SQLException {
        try (Connection connection = SharedPostgres.pool().getConnection();
             PreparedStatement delete = connection.prepareStatement("DELETE FROM " + store.tableName()
                     + " WHERE idempotency_key = ?")) {
            delete.setString(1, key);
            assertThat(delete.executeUpdate()).isEqualTo(1);
        }
    }

    private Map<String, Integer> effectCounts() throws SQLException {
        Map<String, Integer> counts = new HashMap<>();
        try (Connection connection = SharedPostgres.pool().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT body, count(*) FROM " + effects + " GROUP BY body")) {
            while (rows.next()) {
                counts.put(rows.getString(1), rows.getInt(2));
            }
        }
        return counts;
    }

    private int keysWithStatus(String status) throws SQLException {
        try (Connection connection = SharedPostgres.pool().getConnection();
             PreparedStatement query = connection.prepareStatement("SELECT count(*) FROM " + store.tableName()
                     + " WHERE status = ?")) {
            query.setString(1, status);
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return row.getInt(1);
            }
        }
    }

    /** The pool, noting the SQL of every statement prepared through it. */
    private DataSource recording(DataSource pool) {
        return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    Object result = invoke(pool, method, args);
                    if (result instanceof Connection connection) {
                        return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                                (p, m, a) -> {
                                    if (m.getName().equals("prepareStatement")) {
                                        statementsRun.add((String) a[0]);
                                    }
                                    return invoke(connection, m, a);
                                });
                    }
                    return result;
                });
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}

package com.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.sqsreliable.SqsConsumer;
import io.github.sqsreliable.idempotency.Idempotency;
import io.github.sqsreliable.jdbc.JdbcIdempotencyStore;
import io.github.sqsreliable.test.EmbeddedPostgres;
import io.github.sqsreliable.test.EmbeddedSqs;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/** Core and the JDBC store: the transactional mode writes each message's row once, with its key's record. */
class ConsumerTest {

    private static final int MESSAGES = 20;

    @Test
    void eachMessagesRowIsCommittedOnceWithItsKey() throws Exception {
        EmbeddedSqs sqs = EmbeddedSqs.shared();
        String queueUrl = sqs.createQueue();
        List<String> bodies = IntStream.range(0, MESSAGES).mapToObj(i -> "order-" + i).toList();
        sqs.sendAll(queueUrl, bodies);

        EmbeddedPostgres postgres = EmbeddedPostgres.shared();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(postgres.jdbcUrl());
        config.setUsername(postgres.user());
        Set<String> handled = ConcurrentHashMap.newKeySet();
        CountDownLatch allHandled = new CountDownLatch(MESSAGES);
        try (HikariDataSource pool = new HikariDataSource(config);
             JdbcIdempotencyStore store = JdbcIdempotencyStore.builder().dataSource(pool).build()) {
            store.createTable().join();
            try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE orders (id bigserial PRIMARY KEY, body text NOT NULL)");
            }
            try (SqsAsyncClient client = SqsAsyncClient.builder()
                    .endpointOverride(sqs.endpoint())
                    .region(Region.US_EAST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                    .build();
                 SqsConsumer consumer = SqsConsumer.builder()
                         .sqsClient(client)
                         .queueUrl(queueUrl)
                         .idempotency(Idempotency.builder().store(store).build())
                         .handler(store.transactional((message, connection) -> {
                             try (PreparedStatement insert = connection.prepareStatement(
                                     "INSERT INTO orders (body) VALUES (?)")) {
                                 insert.setString(1, message.body());
                                 insert.executeUpdate();
                             }
                             if (handled.add(message.body())) {
                                 allHandled.countDown();
                             }
                         }))
                         .waitTime(Duration.ofSeconds(1))
                         .build()) {
                consumer.start();

                assertTrue(allHandled.await(30, TimeUnit.SECONDS),
                        "handled " + handled.size() + " of " + MESSAGES + " messages; metrics: " + consumer.metrics());
                sqs.awaitDrained(queueUrl, Duration.ofSeconds(10));
            }
            Map<String, Integer> rows = new HashMap<>();
            try (Connection connection = pool.getConnection();
                 Statement statement = connection.createStatement();
                 ResultSet result = statement.executeQuery("SELECT body, count(*) FROM orders GROUP BY body")) {
                while (result.next()) {
                    rows.put(result.getString(1), result.getInt(2));
                }
            }
            assertEquals(bodies.stream().collect(Collectors.toMap(body -> body, body -> 1)), rows);
        }
    }
}

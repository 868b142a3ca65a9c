package io.github.sqsreliable.example.image.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MainTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream originalOut;
    private PrintStream originalErr;

    @BeforeEach
    void capture() {
        originalOut = System.out;
        originalErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(originalOut);
        System.setErr(originalErr);
    }

    @Test
    void helpListsTheThreeCommandsAndTheFaultFlags() {
        assertThat(Main.run("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("demo", "serve", "worker");
        out.reset();
        assertThat(Main.run("demo", "--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("--images", "--users", "--transient-failure-rate", "--crash-after", "--duplicate-rate");
    }

    @Test
    void anUnknownStoreIsAClearErrorNamingTheFlag() {
        assertThat(Main.run("serve", "--idempotency", "cassandra")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("--idempotency must be one of [memory, redis, dynamodb, postgres] (was cassandra)");
    }

    @Test
    void thePostgresCatalogKeepsItsIdempotencyRecordsInItsOwnDatabase() {
        assertThat(Main.run("serve", "--catalog", "postgres", "--idempotency", "redis", "--redis-url",
                "redis://localhost:6379", "--postgres-url", "jdbc:postgresql://localhost/images")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("idempotency (REDIS) must be POSTGRES exactly when catalog (POSTGRES) is POSTGRES");
    }

    @Test
    void thePostgresCatalogWithoutAUrlFailsBeforeStartingAnything() {
        assertThat(Main.run("serve", "--catalog", "postgres")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("postgresUrl must be a JDBC URL, jdbc:postgresql://..., when catalog is POSTGRES (was null)");
    }

    @Test
    void anOutOfRangeRateIsAClearErrorNamingTheField() {
        assertThat(Main.run("demo", "--transient-failure-rate", "0.9")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("transientFailureRate must be 0 to 0.5");
    }

    @Test
    void aWorkerNeedsQueuesThatSomeoneElseFills() {
        assertThat(Main.run("worker")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("worker needs --sqs-endpoint URL");
    }

    @Test
    void redisIdempotencyWithoutAUrlFailsBeforeStartingAnything() {
        assertThat(Main.run("serve", "--idempotency", "redis")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("redisUri must be set when idempotency is REDIS");
    }
}

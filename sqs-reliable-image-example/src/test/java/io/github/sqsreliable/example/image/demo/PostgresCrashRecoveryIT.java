package io.github.sqsreliable.example.image.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqsreliable.example.image.catalog.PostgresCatalog;
import io.github.sqsreliable.example.image.pipeline.ImagePipeline;
import io.github.sqsreliable.example.image.pipeline.ImageStatus;
import io.github.sqsreliable.example.image.pipeline.PipelineConfig;
import io.github.sqsreliable.example.image.report.DemoSummary;
import io.github.sqsreliable.test.EmbeddedPostgres;
import io.github.sqsreliable.test.EmbeddedSqs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash demo on the PostgreSQL catalog ({@code --catalog postgres}): the worker JVM halts inside a catalog
 * transaction, after the catalog write and before the commit, and the catalog stage has no pre-check for a row left
 * by a dead worker. The halted write must be rolled back with its (never written) idempotency record, so that the
 * redelivered message records the image once.
 */
class PostgresCrashRecoveryIT {

    private static final int IMAGES = 16;
    private static final int CRASH_AFTER = 5;
    private static final Pattern HALTED_IMAGE = Pattern.compile(
            "--crash-after " + CRASH_AFTER + ": halting the JVM now, as if killed, inside the catalog transaction of"
                    + " image (\\S+), after its catalog write and before the commit");

    @TempDir
    Path dataDirectory;

    @Test
    void aWorkerKilledInsideACatalogTransactionLeavesNoRowAndTheRedeliveryRecordsItOnce() throws Exception {
        String database = "crash_" + UUID.randomUUID().toString().substring(0, 8);
        EmbeddedPostgres postgres = EmbeddedPostgres.shared();
        try (Connection admin = DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), "");
             Statement create = admin.createStatement()) {
            create.execute("CREATE DATABASE " + database);
        }
        String url = "jdbc:postgresql://127.0.0.1:" + postgres.port() + "/" + database + "?user=" + postgres.user();
        PipelineConfig config = PipelineConfig.builder()
                .dataDirectory(dataDirectory)
                .sqsEndpoint(EmbeddedSqs.shared().endpoint())
                .queuePrefix("pgcrash-" + UUID.randomUUID().toString().substring(0, 8))
                .apiPort(0)
                .catalog(PipelineConfig.CatalogKind.POSTGRES)
                .idempotency(PipelineConfig.IdempotencyKind.POSTGRES)
                .postgresUrl(url)
                .duplicateRate(0.1)
                .retryBackoff(Duration.ofMillis(200))
                .crashAfter(CRASH_AFTER)
                .build();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        DemoRun.DemoResult result = DemoRun.run(new DemoOptions(IMAGES, 4, 0, config, Duration.ofMinutes(3),
                new PrintStream(printed, true, StandardCharsets.UTF_8), false, null));

        String output = printed.toString(StandardCharsets.UTF_8);
        DemoSummary summary = result.summary();
        assertThat(summary.crashes()).as(output).isEqualTo(1);
        assertThat(output).contains("worker JVM exited with status 137")
                .contains("  PostgreSQL      " + url + " (catalog rows and idempotency records, committed together)")
                .contains("halts inside catalog transaction " + CRASH_AFTER
                        + ", after the catalog write and before the commit (--crash-after)");
        Matcher halted = HALTED_IMAGE.matcher(Files.readString(dataDirectory.resolve("worker-1.log")));
        assertThat(halted.find()).as("worker-1.log names the image whose transaction it halted in").isTrue();
        String haltedImage = halted.group(1);

        assertThat(result.drained()).as(output).isTrue();
        assertThat(summary.done()).as(output).isEqualTo(IMAGES);
        assertThat(summary.images()).allSatisfy(image -> assertThat(image.status()).isEqualTo(ImageStatus.DONE));
        assertThat(summary.recordedTwice()).as(output).isZero();
        assertThat(output).containsPattern("\\| Recorded twice +\\| +0 \\|");

        // The halted write had run when the JVM died: had it committed, the redelivery would have counted a second.
        Map<String, Long> timesRecorded = timesRecorded(url);
        assertThat(timesRecorded).hasSize(IMAGES).containsEntry(haltedImage, 1L);
        assertThat(timesRecorded).allSatisfy((image, times) -> assertThat(times).as(image).isEqualTo(1L));
        assertThat(completedKeys(url)).isEqualTo(IMAGES);
        // No worker ran the other catalogs' stage, whose pre-check logs when it finds a row without a completed key.
        try (Stream<Path> logs = Files.list(dataDirectory)) {
            assertThat(logs.filter(file -> file.getFileName().toString().startsWith("worker-")).toList())
                    .hasSize(2)
                    .allSatisfy(log -> assertThat(read(log)).doesNotContain("already in the catalog"));
        }
    }

    private static Map<String, Long> timesRecorded(String url) throws SQLException {
        Map<String, Long> rows = new HashMap<>();
        try (Connection connection = DriverManager.getConnection(url);
             Statement select = connection.createStatement();
             ResultSet result = select.executeQuery("SELECT image_id, times_recorded FROM "
                     + PostgresCatalog.DEFAULT_TABLE_NAME)) {
            while (result.next()) {
                rows.put(result.getString(1), result.getLong(2));
            }
        }
        return rows;
    }

    private static long completedKeys(String url) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url);
             Statement select = connection.createStatement();
             ResultSet result = select.executeQuery("SELECT count(*) FROM " + ImagePipeline.POSTGRES_IDEMPOTENCY_TABLE
                     + " WHERE status = 'COMPLETED'")) {
            result.next();
            return result.getLong(1);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

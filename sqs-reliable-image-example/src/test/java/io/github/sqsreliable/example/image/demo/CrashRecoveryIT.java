package io.github.sqsreliable.example.image.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqsreliable.example.image.catalog.Catalog;
import io.github.sqsreliable.example.image.catalog.LocalCatalog;
import io.github.sqsreliable.example.image.pipeline.ImageStatus;
import io.github.sqsreliable.example.image.pipeline.PipelineConfig;
import io.github.sqsreliable.example.image.report.DemoSummary;
import io.github.sqsreliable.test.EmbeddedSqs;
import io.github.sqsreliable.test.EmbeddedRedis;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The workers run in a child JVM that halts mid-run ({@code --crash-after}, no shutdown hooks, like SIGKILL);
 * the demo starts a new one, and every image must still end up done exactly once.
 */
class CrashRecoveryIT {

    @TempDir
    Path dataDirectory;

    @Test
    void aWorkerKilledMidRunAndRestartedLosesNothingAndRecordsNothingTwice() throws Exception {
        PipelineConfig config = PipelineConfig.builder()
                .dataDirectory(dataDirectory)
                .sqsEndpoint(EmbeddedSqs.shared().endpoint())
                .queuePrefix("crash-" + UUID.randomUUID().toString().substring(0, 8))
                .apiPort(0)
                .idempotency(PipelineConfig.IdempotencyKind.REDIS)
                .redisUri(URI.create(EmbeddedRedis.shared().uri()))
                .duplicateRate(0.1)
                .retryBackoff(Duration.ofMillis(200))
                .crashAfter(12)
                .build();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        DemoRun.DemoResult result = DemoRun.run(new DemoOptions(40, 4, 0, config, Duration.ofMinutes(3),
                new PrintStream(printed, true, StandardCharsets.UTF_8), false, null));

        String output = printed.toString(StandardCharsets.UTF_8);
        DemoSummary summary = result.summary();
        assertThat(summary.crashes()).as(output).isEqualTo(1);
        assertThat(output).contains("worker JVM exited with status 137");
        assertThat(Files.readString(dataDirectory.resolve("worker-1.log"))).contains("--crash-after 12: halting");
        assertThat(result.drained()).as(output).isTrue();
        assertThat(summary.done()).as(output).isEqualTo(40);
        assertThat(summary.images()).allSatisfy(image -> assertThat(image.status()).isEqualTo(ImageStatus.DONE));
        assertThat(summary.orderHeld()).as(summary.orderViolations().toString()).isTrue();

        List<Catalog.CatalogRow> rows = LocalCatalog.open(dataDirectory.resolve("catalog.jsonl")).rows();
        assertThat(rows).hasSize(40);
        assertThat(rows).allSatisfy(row -> assertThat(row.timesRecorded()).as(row.entry().imageId()).isEqualTo(1));
    }
}

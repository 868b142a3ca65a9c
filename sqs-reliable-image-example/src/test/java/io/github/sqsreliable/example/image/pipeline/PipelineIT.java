package io.github.sqsreliable.example.image.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.sqsreliable.example.image.catalog.Catalog;
import io.github.sqsreliable.example.image.samples.SyntheticImages;
import io.github.sqsreliable.test.EmbeddedDynamoDb;
import io.github.sqsreliable.test.EmbeddedSqs;
import io.github.sqsreliable.test.EmbeddedRedis;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineIT {

    @TempDir
    Path dataDirectory;

    @Test
    void resizesAndCatalogsEveryValidImageOnceAndDeadLettersCorruptOnes() {
        runAndCheck(baseConfig().build());
    }

    @Test
    void withTheCatalogAndTheIdempotencyStoreInDynamoDb() {
        EmbeddedDynamoDb dynamo = EmbeddedDynamoDb.shared();
        PipelineConfig config = baseConfig()
                .dynamoDbEndpoint(dynamo.endpoint())
                .catalog(PipelineConfig.CatalogKind.DYNAMODB)
                .catalogTable(dynamo.newTableName())
                .idempotency(PipelineConfig.IdempotencyKind.DYNAMODB)
                .idempotencyTable(dynamo.newTableName())
                .build();
        runAndCheck(config);
    }

    @Test
    void withTheIdempotencyStoreInRedis() {
        runAndCheck(baseConfig()
                .idempotency(PipelineConfig.IdempotencyKind.REDIS)
                .redisUri(URI.create(EmbeddedRedis.shared().uri()))
                .build());
    }

    private PipelineConfig.Builder baseConfig() {
        return PipelineConfig.builder()
                .dataDirectory(dataDirectory)
                .sqsEndpoint(EmbeddedSqs.shared().endpoint())
                .queuePrefix("pipe-" + UUID.randomUUID().toString().substring(0, 8))
                .runApi(true)
                .apiPort(0)
                .transientFailureRate(0.2)
                .duplicateRate(0.9)
                .retryBackoff(Duration.ofMillis(200));
    }

    private static void runAndCheck(PipelineConfig config) {
        SyntheticImages images = SyntheticImages.create();
        try (ImagePipeline pipeline = ImagePipeline.start(config)) {
            Ingress ingress = pipeline.ingress().orElseThrow();
            List<SyntheticImages.Sample> valid = images.valid();
            for (int i = 0; i < valid.size(); i++) {
                ingress.accept("user" + (i % 3), valid.get(i).bytes());
            }
            byte[] truncated = images.corrupt().get(0).bytes();
            ImageRecord corrupt = ingress.accept("user0", truncated);

            // Drained, not just finished: a duplicate that found its key in progress waits in the queue for the
            // holder's lease, and is skipped (and counted) only after that.
            await().atMost(Duration.ofSeconds(120)).until(() -> pipeline.board().all().stream()
                    .allMatch(record -> record.status().finished())
                    && pipeline.queues().workQueuesEmpty(pipeline.sqs()));

            Map<String, Catalog.CatalogRow> rows = pipeline.catalog().rowsById();
            assertThat(rows).hasSize(valid.size());
            assertThat(rows.values()).allSatisfy(row -> assertThat(row.timesRecorded()).isEqualTo(1));
            ImageRecord failed = pipeline.board().get(corrupt.id()).orElseThrow();
            assertThat(failed.status()).isEqualTo(ImageStatus.FAILED);
            assertThat(failed.failureReason()).isNotBlank();
            assertThat(pipeline.board().all().stream().mapToInt(ImageRecord::duplicatesSkipped).sum())
                    .as("duplicate sends skipped by the idempotency store").isPositive();
            assertThat(pipeline.board().all()).filteredOn(r -> r.status() == ImageStatus.DONE)
                    .allSatisfy(r -> assertThat(r.variants()).containsKeys("small", "medium", "large", "grayscale"));
        }
    }
}

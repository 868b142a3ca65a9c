package io.github.sqsreliable.example.image.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.sqsreliable.example.image.catalog.Catalog;
import io.github.sqsreliable.example.image.samples.SyntheticImages;
import io.github.sqsreliable.test.EmbeddedDynamoDb;
import io.github.sqsreliable.test.EmbeddedSqs;
import io.github.sqsreliable.test.EmbeddedRedis;
import io.github.sqsreliable.example.image.tracing.SpanTree;
import io.github.sqsreliable.tracing.OpenTelemetryTracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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

    @Test
    void tracesEachImageFromItsUploadThroughItsRetriesToItsCatalogEntry() {
        SyntheticImages images = SyntheticImages.create();
        PipelineConfig config = baseConfig().tracing(true).transientFailureRate(0.3).duplicateRate(0).build();
        try (ImagePipeline pipeline = ImagePipeline.start(config)) {
            Ingress ingress = pipeline.ingress().orElseThrow();
            List<ImageRecord> uploaded = new ArrayList<>();
            for (SyntheticImages.Sample sample : images.valid()) {
                uploaded.add(ingress.accept("user1", sample.bytes()));
            }
            ImageRecord corrupt = ingress.accept("user2", images.corrupt().get(0).bytes());
            await().atMost(Duration.ofSeconds(120)).until(() -> pipeline.board().all().stream()
                    .allMatch(record -> record.status().finished())
                    && pipeline.queues().workQueuesEmpty(pipeline.sqs()));
            String resize = name(pipeline.queues().resize());
            String catalog = name(pipeline.queues().catalog());
            String catalogRetry = name(pipeline.queues().catalogRetry());

            // upload → resize (once per delivery) → catalog request sent by the successful resize → catalog
            for (ImageRecord image : uploaded) {
                List<SpanData> trace = pipeline.tracing().traceOf(image.id());
                assertThat(trace).extracting(SpanData::getTraceId).containsOnly(trace.get(0).getTraceId());
                SpanData upload = only(trace, resize + " send");
                assertThat(upload.getKind()).isEqualTo(SpanKind.PRODUCER);
                assertThat(upload.getParentSpanContext().isValid()).isFalse();
                List<SpanData> resizes = named(trace, resize + " process");
                assertThat(resizes).isNotEmpty().allSatisfy(span -> {
                    assertThat(span.getKind()).isEqualTo(SpanKind.CONSUMER);
                    assertThat(span.getParentSpanId()).isEqualTo(upload.getSpanId());
                });
                assertThat(resizes).filteredOn(span -> "acknowledged".equals(outcome(span))).hasSize(1);
                SpanData resized = resizes.stream().filter(span -> "acknowledged".equals(outcome(span)))
                        .findFirst().orElseThrow();
                SpanData catalogRequest = only(trace, catalog + " send");
                assertThat(catalogRequest.getParentSpanId()).isEqualTo(resized.getSpanId());
                List<SpanData> catalogs = named(trace, catalog + " process");
                assertThat(catalogs).isNotEmpty().allSatisfy(span ->
                        assertThat(span.getParentSpanId()).isEqualTo(catalogRequest.getSpanId()));
                // a catalog request moved to the retry queue is handled there, as a child of the span that moved it
                List<SpanData> retried = named(trace, catalogRetry + " process");
                assertThat(retried).allSatisfy(span -> assertThat(catalogs).anySatisfy(mover -> {
                    assertThat(span.getParentSpanId()).isEqualTo(mover.getSpanId());
                    assertThat(outcome(mover)).isEqualTo("moved_to_retry_queue");
                }));
                List<SpanData> cataloged = new ArrayList<>(catalogs);
                cataloged.addAll(retried);
                assertThat(cataloged).as("%s", SpanTree.render(trace))
                        .filteredOn(span -> "acknowledged".equals(outcome(span))).hasSize(1);
                assertThat(SpanTree.render(trace)).hasSize(trace.size()).first().asString()
                        .startsWith(resize + " send");
            }
            // a corrupt image ends in the dead-letter queue (after any throttled reads), and its trace says so
            List<SpanData> deadLettered = pipeline.tracing().traceOf(corrupt.id());
            List<String> outcomes = named(deadLettered, resize + " process").stream()
                    .sorted(java.util.Comparator.comparingLong(SpanData::getStartEpochNanos))
                    .map(PipelineIT::outcome).toList();
            assertThat(outcomes).last().isEqualTo("dead_lettered");
            assertThat(outcomes.subList(0, outcomes.size() - 1)).allSatisfy(earlier ->
                    assertThat(earlier).isEqualTo("retry_scheduled"));
            assertThat(named(deadLettered, catalog + " send")).isEmpty();
        }
    }

    private static String name(String queueUrl) {
        return queueUrl.substring(queueUrl.lastIndexOf('/') + 1);
    }

    private static List<SpanData> named(List<SpanData> trace, String name) {
        return trace.stream().filter(span -> span.getName().equals(name)).toList();
    }

    private static SpanData only(List<SpanData> trace, String name) {
        List<SpanData> spans = named(trace, name);
        assertThat(spans).as("spans named %s in %s", name, trace).hasSize(1);
        return spans.get(0);
    }

    private static String outcome(SpanData span) {
        return span.getAttributes().get(AttributeKey.stringKey(OpenTelemetryTracing.OUTCOME_ATTRIBUTE));
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

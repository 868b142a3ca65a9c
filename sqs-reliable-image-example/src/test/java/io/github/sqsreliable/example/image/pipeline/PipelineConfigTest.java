package io.github.sqsreliable.example.image.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PipelineConfigTest {

    @Test
    void defaultsRunEverythingEmbedded() {
        PipelineConfig config = PipelineConfig.builder().build();
        assertThat(config.sqsEndpoint()).isEmpty();
        assertThat(config.embeddedSqs()).isTrue();
        assertThat(config.catalog()).isEqualTo(PipelineConfig.CatalogKind.LOCAL);
        assertThat(config.idempotency()).isEqualTo(PipelineConfig.IdempotencyKind.MEMORY);
        assertThat(config.runApi()).isTrue();
        assertThat(config.runWorkers()).isTrue();
        assertThat(config.resizeConcurrency()).isGreaterThanOrEqualTo(2);
        assertThat(config.transientFailureRate()).isZero();
        assertThat(config.crashAfter()).isZero();
    }

    @Test
    void toBuilderKeepsEveryValue() {
        PipelineConfig config = PipelineConfig.builder().sqsEndpoint(URI.create("http://localhost:9324"))
                .queuePrefix("p").idempotency(PipelineConfig.IdempotencyKind.REDIS)
                .redisUri(URI.create("redis://localhost:6379")).crashAfter(5).transientFailureRate(0.3)
                .duplicateRate(0.1).retryBackoff(Duration.ofMillis(50)).apiPort(0).runWorkers(false).build();
        PipelineConfig copy = config.toBuilder().build();
        assertThat(copy).usingRecursiveComparison().isEqualTo(config);
    }

    @Test
    void redisIdempotencyNeedsAUrl() {
        assertThatThrownBy(() -> PipelineConfig.builder().idempotency(PipelineConfig.IdempotencyKind.REDIS).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("redisUri");
    }

    @Test
    void postgresCatalogNeedsAJdbcUrl() {
        assertInvalid(PipelineConfig.builder().catalog(PipelineConfig.CatalogKind.POSTGRES)
                .idempotency(PipelineConfig.IdempotencyKind.POSTGRES), "postgresUrl");
        assertInvalid(PipelineConfig.builder().catalog(PipelineConfig.CatalogKind.POSTGRES)
                .idempotency(PipelineConfig.IdempotencyKind.POSTGRES).postgresUrl("postgresql://localhost/images"),
                "postgresUrl");
    }

    @Test
    void postgresCatalogAndPostgresIdempotencyGoTogether() {
        String url = "jdbc:postgresql://localhost:5432/images";
        assertInvalid(PipelineConfig.builder().catalog(PipelineConfig.CatalogKind.POSTGRES).postgresUrl(url),
                "idempotency");
        assertInvalid(PipelineConfig.builder().idempotency(PipelineConfig.IdempotencyKind.POSTGRES).postgresUrl(url),
                "idempotency");
        PipelineConfig config = PipelineConfig.builder().catalog(PipelineConfig.CatalogKind.POSTGRES)
                .idempotency(PipelineConfig.IdempotencyKind.POSTGRES).postgresUrl(url).build();
        assertThat(config.postgresUrl()).contains(url);
        assertThat(config.toBuilder().build()).usingRecursiveComparison().isEqualTo(config);
    }

    @Test
    void eachFieldIsNamedWhenInvalid() {
        assertInvalid(PipelineConfig.builder().queuePrefix("no spaces"), "queuePrefix");
        assertInvalid(PipelineConfig.builder().dataDirectory(null), "dataDirectory");
        assertInvalid(PipelineConfig.builder().region(" "), "region");
        assertInvalid(PipelineConfig.builder().apiPort(70_000), "apiPort");
        assertInvalid(PipelineConfig.builder().resizeConcurrency(0), "resizeConcurrency");
        assertInvalid(PipelineConfig.builder().catalogConcurrency(0), "catalogConcurrency");
        assertInvalid(PipelineConfig.builder().retryBackoff(Duration.ZERO), "retryBackoff");
        assertInvalid(PipelineConfig.builder().maxUploadBytes(0), "maxUploadBytes");
        assertInvalid(PipelineConfig.builder().transientFailureRate(0.9), "transientFailureRate");
        assertInvalid(PipelineConfig.builder().duplicateRate(1.0), "duplicateRate");
        assertInvalid(PipelineConfig.builder().crashAfter(-1), "crashAfter");
        assertInvalid(PipelineConfig.builder().runApi(false).runWorkers(false), "runApi/runWorkers");
        assertInvalid(PipelineConfig.builder().catalogTable(""), "catalogTable");
    }

    private static void assertInvalid(PipelineConfig.Builder builder, String field) {
        assertThatThrownBy(builder::build).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(field + " ");
    }
}

package io.github.sqsreliable.example.image.cli;

import io.github.sqsreliable.example.image.pipeline.PipelineConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The options every command shares: where things are, and which faults to inject. */
final class PipelineOptions {

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Directory of originals, variants, statuses, the local catalog and the report.")
    Path dataDirectory;

    @Option(names = "--sqs-endpoint", paramLabel = "URL",
            description = "SQS endpoint (e.g. http://localhost:9324); default: an embedded ElasticMQ. "
                    + "For AWS, leave it out and pass --region with --no-embedded-sqs.")
    URI sqsEndpoint;

    @Option(names = "--no-embedded-sqs", description = "Use AWS SQS in --region (credentials from the usual chain).")
    boolean awsSqs;

    @Option(names = "--region", defaultValue = "us-east-1", description = "AWS region (default: ${DEFAULT-VALUE}).")
    String region;

    @Option(names = "--queue-prefix", defaultValue = "images",
            description = "Queue names start with this (default: ${DEFAULT-VALUE}).")
    String queuePrefix;

    @Option(names = "--no-create-queues",
            description = "Only look the queues (and tables) up; fail if they do not exist.")
    boolean noCreateQueues;

    @Option(names = "--catalog", defaultValue = "local", paramLabel = "local|dynamodb|postgres",
            description = "Where stage 2 records images (default: ${DEFAULT-VALUE}). postgres: in one transaction with"
                    + " its idempotency record (the JDBC store's transactional mode, in the same database).")
    String catalog;

    @Option(names = "--postgres-url", paramLabel = "URL", description = "PostgreSQL for --catalog postgres, a JDBC URL,"
            + " e.g. jdbc:postgresql://localhost:5432/images?user=app&password=secret; demo: started when left out.")
    String postgresUrl;

    @Option(names = "--catalog-table", defaultValue = "image-catalog",
            description = "DynamoDB catalog table (default: ${DEFAULT-VALUE}).")
    String catalogTable;

    @Option(names = "--dynamodb-endpoint", paramLabel = "URL",
            description = "DynamoDB endpoint (e.g. DynamoDB Local); default: AWS's.")
    URI dynamoDbEndpoint;

    @Option(names = "--idempotency", paramLabel = "memory|redis|dynamodb|postgres",
            description = "Stage 2's idempotency store (default: memory; with --catalog postgres, postgres, the only"
                    + " choice there).")
    String idempotency;

    @Option(names = "--redis-url", paramLabel = "URL", description = "Redis for --idempotency redis, "
            + "e.g. redis://localhost:6379.")
    URI redisUrl;

    @Option(names = "--idempotency-table", defaultValue = "image-idempotency",
            description = "DynamoDB table for --idempotency dynamodb (default: ${DEFAULT-VALUE}).")
    String idempotencyTable;

    @Option(names = "--transient-failure-rate", paramLabel = "P",
            description = "Probability that a storage read or catalog write is throttled (retried with backoff).")
    Double transientFailureRate;

    @Option(names = "--duplicate-rate", paramLabel = "P",
            description = "Probability that stage 1 sends its catalog message twice (skipped by idempotency).")
    Double duplicateRate;

    @Option(names = "--crash-after", paramLabel = "N", defaultValue = "0",
            description = "Halt the worker JVM after N resized images, as if killed (0: never); with --catalog postgres,"
                    + " inside the Nth catalog transaction, after its write and before its commit.")
    long crashAfter;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of images and faults (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--resize-concurrency", paramLabel = "N",
            description = "Resize handlers at once (default: the number of cores, at least 2).")
    Integer resizeConcurrency;

    @Option(names = "--catalog-concurrency", defaultValue = "16",
            description = "Catalog handlers at once (default: ${DEFAULT-VALUE}).")
    int catalogConcurrency;

    @Option(names = "--retry-backoff-ms", defaultValue = "500",
            description = "First retry delay in ms; later ones double, with jitter, up to 8 s"
                    + " (default: ${DEFAULT-VALUE}).")
    long retryBackoffMillis;

    @Option(names = "--max-upload-bytes", defaultValue = "20971520",
            description = "Largest upload accepted (default: ${DEFAULT-VALUE}).")
    long maxUploadBytes;

    PipelineConfig.Builder toBuilder(Path defaultDataDirectory, double defaultFailureRate, double defaultDuplicates) {
        PipelineConfig.Builder builder = PipelineConfig.builder()
                .dataDirectory(dataDirectory != null ? dataDirectory : defaultDataDirectory)
                .sqsEndpoint(sqsEndpoint)
                .embeddedSqs(!awsSqs)
                .region(region)
                .queuePrefix(queuePrefix)
                .createQueues(!noCreateQueues)
                .catalog(parse(PipelineConfig.CatalogKind.class, "--catalog", catalog))
                .catalogTable(catalogTable)
                .dynamoDbEndpoint(dynamoDbEndpoint)
                .idempotency(idempotency != null
                        ? parse(PipelineConfig.IdempotencyKind.class, "--idempotency", idempotency)
                        : defaultIdempotency())
                .redisUri(redisUrl)
                .postgresUrl(postgresUrl)
                .idempotencyTable(idempotencyTable)
                .transientFailureRate(transientFailureRate != null ? transientFailureRate : defaultFailureRate)
                .duplicateRate(duplicateRate != null ? duplicateRate : defaultDuplicates)
                .crashAfter(crashAfter)
                .seed(seed)
                .catalogConcurrency(catalogConcurrency)
                .retryBackoff(Duration.ofMillis(retryBackoffMillis))
                .maxUploadBytes(maxUploadBytes);
        if (resizeConcurrency != null) {
            builder.resizeConcurrency(resizeConcurrency);
        }
        return builder;
    }

    /** The PostgreSQL catalog's store is the one in its database; any other catalog's, memory. */
    private PipelineConfig.IdempotencyKind defaultIdempotency() {
        return parse(PipelineConfig.CatalogKind.class, "--catalog", catalog) == PipelineConfig.CatalogKind.POSTGRES
                ? PipelineConfig.IdempotencyKind.POSTGRES : PipelineConfig.IdempotencyKind.MEMORY;
    }

    /** Whether the catalog is PostgreSQL and no {@code --postgres-url} names one. */
    boolean postgresCatalogWithoutUrl() {
        return postgresUrl == null
                && parse(PipelineConfig.CatalogKind.class, "--catalog", catalog) == PipelineConfig.CatalogKind.POSTGRES;
    }

    /** Whether SQS is AWS's or a configured endpoint rather than the embedded server. */
    boolean externalSqs() {
        return sqsEndpoint != null || awsSqs;
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String option, String value) {
        try {
            return Enum.valueOf(type, value.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + " must be one of "
                    + java.util.Arrays.toString(type.getEnumConstants()).toLowerCase(java.util.Locale.ROOT)
                    + " (was " + value + ")", e);
        }
    }
}

package io.github.sqsreliable.example.image.pipeline;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How to run the pipeline: where its queues, storage, catalog and idempotency store are, which parts run in
 * this process, and which faults to inject. Immutable; built by {@link #builder()}, which validates in
 * {@link Builder#build()}. The defaults run everything embedded, with no AWS account.
 */
public final class PipelineConfig {

    /** Where the catalog is. */
    public enum CatalogKind {
        /** A JSON-lines file in the data directory. */
        LOCAL,
        /** A DynamoDB table. */
        DYNAMODB,
        /**
         * A PostgreSQL table, written in one transaction with the catalog stage's idempotency record: the idempotency
         * store must then be {@link IdempotencyKind#POSTGRES}.
         */
        POSTGRES
    }

    /** Where the catalog stage's idempotency store is. */
    public enum IdempotencyKind {
        /** In this process's memory: lost when the process dies. */
        MEMORY,
        /** A Redis server. */
        REDIS,
        /** A DynamoDB table. */
        DYNAMODB,
        /**
         * The JDBC store in the PostgreSQL database of the catalog, in its transactional mode; only with
         * {@link CatalogKind#POSTGRES}.
         */
        POSTGRES
    }

    private final Path dataDirectory;
    private final URI sqsEndpoint;
    private final boolean embeddedSqs;
    private final String region;
    private final String queuePrefix;
    private final boolean createQueues;
    private final CatalogKind catalog;
    private final IdempotencyKind idempotency;
    private final URI dynamoDbEndpoint;
    private final String catalogTable;
    private final String idempotencyTable;
    private final URI redisUri;
    private final String postgresUrl;
    private final boolean runApi;
    private final boolean runWorkers;
    private final int apiPort;
    private final int resizeConcurrency;
    private final int catalogConcurrency;
    private final Duration retryBackoff;
    private final long maxUploadBytes;
    private final double transientFailureRate;
    private final double duplicateRate;
    private final long crashAfter;
    private final long seed;
    private final boolean tracing;

    private PipelineConfig(Builder b) {
        this.dataDirectory = b.dataDirectory;
        this.sqsEndpoint = b.sqsEndpoint;
        this.embeddedSqs = b.embeddedSqs;
        this.region = b.region;
        this.queuePrefix = b.queuePrefix;
        this.createQueues = b.createQueues;
        this.catalog = b.catalog;
        this.idempotency = b.idempotency;
        this.dynamoDbEndpoint = b.dynamoDbEndpoint;
        this.catalogTable = b.catalogTable;
        this.idempotencyTable = b.idempotencyTable;
        this.redisUri = b.redisUri;
        this.postgresUrl = b.postgresUrl;
        this.runApi = b.runApi;
        this.runWorkers = b.runWorkers;
        this.apiPort = b.apiPort;
        this.resizeConcurrency = b.resizeConcurrency;
        this.catalogConcurrency = b.catalogConcurrency;
        this.retryBackoff = b.retryBackoff;
        this.maxUploadBytes = b.maxUploadBytes;
        this.transientFailureRate = b.transientFailureRate;
        this.duplicateRate = b.duplicateRate;
        this.crashAfter = b.crashAfter;
        this.seed = b.seed;
        this.tracing = b.tracing;
    }

    /** A builder with the embedded defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.dataDirectory = dataDirectory;
        b.sqsEndpoint = sqsEndpoint;
        b.embeddedSqs = embeddedSqs;
        b.region = region;
        b.queuePrefix = queuePrefix;
        b.createQueues = createQueues;
        b.catalog = catalog;
        b.idempotency = idempotency;
        b.dynamoDbEndpoint = dynamoDbEndpoint;
        b.catalogTable = catalogTable;
        b.idempotencyTable = idempotencyTable;
        b.redisUri = redisUri;
        b.postgresUrl = postgresUrl;
        b.runApi = runApi;
        b.runWorkers = runWorkers;
        b.apiPort = apiPort;
        b.resizeConcurrency = resizeConcurrency;
        b.catalogConcurrency = catalogConcurrency;
        b.retryBackoff = retryBackoff;
        b.maxUploadBytes = maxUploadBytes;
        b.transientFailureRate = transientFailureRate;
        b.duplicateRate = duplicateRate;
        b.crashAfter = crashAfter;
        b.seed = seed;
        b.tracing = tracing;
        return b;
    }

    /** Originals, variants, statuses and the local catalog live under this directory. */
    public Path dataDirectory() {
        return dataDirectory;
    }

    /** The SQS endpoint, or empty for an embedded ElasticMQ (or AWS's, see {@link #embeddedSqs()}). */
    public Optional<URI> sqsEndpoint() {
        return Optional.ofNullable(sqsEndpoint);
    }

    /** Whether to start an embedded ElasticMQ when no endpoint is set; if not, AWS's endpoint is used. */
    public boolean embeddedSqs() {
        return embeddedSqs;
    }

    /** The AWS region of the clients. */
    public String region() {
        return region;
    }

    /** The queue name prefix (see {@link PipelineQueues}). */
    public String queuePrefix() {
        return queuePrefix;
    }

    /** Whether to create missing queues, or only look them up. */
    public boolean createQueues() {
        return createQueues;
    }

    /** Where the catalog is. */
    public CatalogKind catalog() {
        return catalog;
    }

    /** Where the idempotency store is. */
    public IdempotencyKind idempotency() {
        return idempotency;
    }

    /** The DynamoDB endpoint, or empty for AWS's. */
    public Optional<URI> dynamoDbEndpoint() {
        return Optional.ofNullable(dynamoDbEndpoint);
    }

    /** The catalog's DynamoDB table. */
    public String catalogTable() {
        return catalogTable;
    }

    /** The idempotency store's DynamoDB table. */
    public String idempotencyTable() {
        return idempotencyTable;
    }

    /** The Redis server, e.g. {@code redis://localhost:6379}, when the idempotency store is Redis. */
    public Optional<URI> redisUri() {
        return Optional.ofNullable(redisUri);
    }

    /**
     * The PostgreSQL database of the catalog and its idempotency records, as a JDBC URL (e.g.
     * {@code jdbc:postgresql://localhost:5432/images?user=app&password=secret}), when the catalog is
     * {@link CatalogKind#POSTGRES}.
     */
    public Optional<String> postgresUrl() {
        return Optional.ofNullable(postgresUrl);
    }

    /** Whether this process runs the HTTP API. */
    public boolean runApi() {
        return runApi;
    }

    /** Whether this process runs the two stages' consumers. */
    public boolean runWorkers() {
        return runWorkers;
    }

    /** The HTTP port; 0 picks a free one. */
    public int apiPort() {
        return apiPort;
    }

    /** Resize handlers running at once. */
    public int resizeConcurrency() {
        return resizeConcurrency;
    }

    /** Catalog handlers running at once. */
    public int catalogConcurrency() {
        return catalogConcurrency;
    }

    /** The first retry delay; later ones double (with jitter). */
    public Duration retryBackoff() {
        return retryBackoff;
    }

    /** The largest upload the API accepts. */
    public long maxUploadBytes() {
        return maxUploadBytes;
    }

    /** Probability that a storage read or catalog write is throttled. */
    public double transientFailureRate() {
        return transientFailureRate;
    }

    /** Probability that a catalog message is sent twice. */
    public double duplicateRate() {
        return duplicateRate;
    }

    /** Halt the process after this many resized images; 0 never. */
    public long crashAfter() {
        return crashAfter;
    }

    /** The seed of the fault injector. */
    public long seed() {
        return seed;
    }

    /** Whether the consumers and the pipeline's sends are traced with OpenTelemetry, kept in memory. */
    public boolean tracing() {
        return tracing;
    }

    /** Builds a {@link PipelineConfig}; not thread-safe. */
    public static final class Builder {
        private Path dataDirectory = Path.of("target", "image-pipeline");
        private URI sqsEndpoint;
        private boolean embeddedSqs = true;
        private String region = "us-east-1";
        private String queuePrefix = "images";
        private boolean createQueues = true;
        private CatalogKind catalog = CatalogKind.LOCAL;
        private IdempotencyKind idempotency = IdempotencyKind.MEMORY;
        private URI dynamoDbEndpoint;
        private String catalogTable = "image-catalog";
        private String idempotencyTable = "image-idempotency";
        private URI redisUri;
        private String postgresUrl;
        private boolean runApi = true;
        private boolean runWorkers = true;
        private int apiPort = 8080;
        private int resizeConcurrency = Math.max(2, Runtime.getRuntime().availableProcessors());
        private int catalogConcurrency = 16;
        private Duration retryBackoff = StagePolicies.DEFAULT_RETRY_BACKOFF;
        private long maxUploadBytes = Ingress.DEFAULT_MAX_UPLOAD_BYTES;
        private double transientFailureRate;
        private double duplicateRate;
        private long crashAfter;
        private long seed = 42;
        private boolean tracing;

        private Builder() {
        }

        /** @see PipelineConfig#dataDirectory() */
        public Builder dataDirectory(Path value) {
            this.dataDirectory = value;
            return this;
        }

        /** @see PipelineConfig#sqsEndpoint() */
        public Builder sqsEndpoint(URI value) {
            this.sqsEndpoint = value;
            return this;
        }

        /** @see PipelineConfig#embeddedSqs() */
        public Builder embeddedSqs(boolean value) {
            this.embeddedSqs = value;
            return this;
        }

        /** @see PipelineConfig#region() */
        public Builder region(String value) {
            this.region = value;
            return this;
        }

        /** @see PipelineConfig#queuePrefix() */
        public Builder queuePrefix(String value) {
            this.queuePrefix = value;
            return this;
        }

        /** @see PipelineConfig#createQueues() */
        public Builder createQueues(boolean value) {
            this.createQueues = value;
            return this;
        }

        /** @see PipelineConfig#catalog() */
        public Builder catalog(CatalogKind value) {
            this.catalog = value;
            return this;
        }

        /** @see PipelineConfig#idempotency() */
        public Builder idempotency(IdempotencyKind value) {
            this.idempotency = value;
            return this;
        }

        /** @see PipelineConfig#dynamoDbEndpoint() */
        public Builder dynamoDbEndpoint(URI value) {
            this.dynamoDbEndpoint = value;
            return this;
        }

        /** @see PipelineConfig#catalogTable() */
        public Builder catalogTable(String value) {
            this.catalogTable = value;
            return this;
        }

        /** @see PipelineConfig#idempotencyTable() */
        public Builder idempotencyTable(String value) {
            this.idempotencyTable = value;
            return this;
        }

        /** @see PipelineConfig#redisUri() */
        public Builder redisUri(URI value) {
            this.redisUri = value;
            return this;
        }

        /** @see PipelineConfig#postgresUrl() */
        public Builder postgresUrl(String value) {
            this.postgresUrl = value;
            return this;
        }

        /** @see PipelineConfig#runApi() */
        public Builder runApi(boolean value) {
            this.runApi = value;
            return this;
        }

        /** @see PipelineConfig#runWorkers() */
        public Builder runWorkers(boolean value) {
            this.runWorkers = value;
            return this;
        }

        /** @see PipelineConfig#apiPort() */
        public Builder apiPort(int value) {
            this.apiPort = value;
            return this;
        }

        /** @see PipelineConfig#resizeConcurrency() */
        public Builder resizeConcurrency(int value) {
            this.resizeConcurrency = value;
            return this;
        }

        /** @see PipelineConfig#catalogConcurrency() */
        public Builder catalogConcurrency(int value) {
            this.catalogConcurrency = value;
            return this;
        }

        /** @see PipelineConfig#retryBackoff() */
        public Builder retryBackoff(Duration value) {
            this.retryBackoff = value;
            return this;
        }

        /** @see PipelineConfig#maxUploadBytes() */
        public Builder maxUploadBytes(long value) {
            this.maxUploadBytes = value;
            return this;
        }

        /** @see PipelineConfig#transientFailureRate() */
        public Builder transientFailureRate(double value) {
            this.transientFailureRate = value;
            return this;
        }

        /** @see PipelineConfig#duplicateRate() */
        public Builder duplicateRate(double value) {
            this.duplicateRate = value;
            return this;
        }

        /** @see PipelineConfig#crashAfter() */
        public Builder crashAfter(long value) {
            this.crashAfter = value;
            return this;
        }

        /** @see PipelineConfig#seed() */
        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        /** @see PipelineConfig#tracing() */
        public Builder tracing(boolean value) {
            this.tracing = value;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @throws IllegalArgumentException naming the first field that is wrong
         */
        public PipelineConfig build() {
            require(dataDirectory != null, "dataDirectory", "must be set");
            require(region != null && !region.isBlank(), "region", "must be set");
            require(queuePrefix != null && queuePrefix.matches("[A-Za-z0-9_-]{1,60}"), "queuePrefix",
                    "must be 1 to 60 letters, digits, '_' or '-' (was " + queuePrefix + ")");
            require(catalog != null, "catalog", "must be set");
            require(idempotency != null, "idempotency", "must be set");
            require(idempotency != IdempotencyKind.REDIS || redisUri != null, "redisUri",
                    "must be set when idempotency is REDIS");
            require(catalog != CatalogKind.POSTGRES || postgresUrl != null && postgresUrl.startsWith("jdbc:postgresql:"),
                    "postgresUrl", "must be a JDBC URL, jdbc:postgresql://..., when catalog is POSTGRES (was "
                            + postgresUrl + ")");
            require((catalog == CatalogKind.POSTGRES) == (idempotency == IdempotencyKind.POSTGRES), "idempotency",
                    "(" + idempotency + ") must be POSTGRES exactly when catalog (" + catalog + ") is POSTGRES: the "
                            + "catalog write and its idempotency record commit in one transaction");
            require(catalogTable != null && !catalogTable.isBlank(), "catalogTable", "must be set");
            require(idempotencyTable != null && !idempotencyTable.isBlank(), "idempotencyTable", "must be set");
            require(runApi || runWorkers, "runApi/runWorkers", "at least one part must run");
            require(apiPort >= 0 && apiPort <= 65_535, "apiPort", "must be 0 to 65535 (was " + apiPort + ")");
            require(resizeConcurrency >= 1, "resizeConcurrency", "must be at least 1 (was " + resizeConcurrency + ")");
            require(catalogConcurrency >= 1, "catalogConcurrency",
                    "must be at least 1 (was " + catalogConcurrency + ")");
            require(retryBackoff != null && !retryBackoff.isNegative() && retryBackoff.toMillis() >= 1,
                    "retryBackoff", "must be at least 1 ms (was " + retryBackoff + ")");
            require(maxUploadBytes > 0, "maxUploadBytes", "must be positive (was " + maxUploadBytes + ")");
            require(transientFailureRate >= 0 && transientFailureRate <= 0.5, "transientFailureRate",
                    "must be 0 to 0.5 (was " + transientFailureRate + ")");
            require(duplicateRate >= 0 && duplicateRate < 1, "duplicateRate",
                    "must be at least 0 and below 1 (was " + duplicateRate + ")");
            require(crashAfter >= 0, "crashAfter", "must be 0 (never) or positive (was " + crashAfter + ")");
            return new PipelineConfig(this);
        }

        private static void require(boolean condition, String field, String problem) {
            if (!condition) {
                throw new IllegalArgumentException(field + " " + problem);
            }
        }
    }
}

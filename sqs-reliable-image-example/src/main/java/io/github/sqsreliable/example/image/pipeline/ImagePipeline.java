package io.github.sqsreliable.example.image.pipeline;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.sqsreliable.MessageHandler;
import io.github.sqsreliable.dynamo.DynamoDbIdempotencyStore;
import io.github.sqsreliable.example.image.catalog.Catalog;
import io.github.sqsreliable.example.image.catalog.DynamoDbCatalog;
import io.github.sqsreliable.example.image.catalog.LocalCatalog;
import io.github.sqsreliable.example.image.catalog.PostgresCatalog;
import io.github.sqsreliable.example.image.faults.FaultInjector;
import io.github.sqsreliable.example.image.faults.FlakyBlobStore;
import io.github.sqsreliable.example.image.faults.FlakyCatalog;
import io.github.sqsreliable.example.image.imaging.ImageProcessor;
import io.github.sqsreliable.example.image.monitoring.QueueDepthHistory;
import io.github.sqsreliable.example.image.tracing.PipelineTracing;
import io.github.sqsreliable.example.image.storage.LocalDirectoryBlobStore;
import io.github.sqsreliable.idempotency.IdempotencyStore;
import io.github.sqsreliable.idempotency.InMemoryIdempotencyStore;
import io.github.sqsreliable.jdbc.JdbcIdempotencyStore;
import io.github.sqsreliable.observe.ConsumerMetrics;
import io.github.sqsreliable.publish.SqsPublisher;
import io.github.sqsreliable.redis.RedisIdempotencyStore;
import io.github.sqsreliable.test.EmbeddedSqs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * The whole image pipeline in one object: starts what {@link PipelineConfig} asks for (embedded SQS when no
 * endpoint is given, queues, storage, catalog, idempotency store, the two stages' consumers) and closes it all,
 * in reverse order, in {@link #close()}.
 *
 * <pre>
 *   POST /images ─► Ingress ─► resize.fifo ─► ResizeStage ─► catalog ─► CatalogStage ─► Catalog
 *                     │          (group = user)   │ variants      (retry tier,     (idempotent by
 *                     ▼                           ▼ metadata       DLQs)            image id)
 *                 originals                   blob store
 * </pre>
 *
 * <p>With the PostgreSQL catalog, stage 2's idempotency store is a {@link JdbcIdempotencyStore} in the same database,
 * and its handler a {@link TransactionalCatalogStage}: the catalog row and the idempotency record commit together.
 */
public final class ImagePipeline implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ImagePipeline.class);

    /**
     * Short, because the consumers extend visibility while a handler runs anyway; what it bounds is how long the
     * messages of a crashed worker stay invisible before another worker gets them.
     */
    static final int QUEUE_VISIBILITY_TIMEOUT_SECONDS = 10;
    /** The JDBC idempotency store's table, next to the PostgreSQL catalog's: {@value}. */
    public static final String POSTGRES_IDEMPOTENCY_TABLE = "image_idempotency";
    /** The connections the pool has besides one per catalog handler: the store's threads and the catalog's reads. */
    private static final int POSTGRES_SPARE_CONNECTIONS = JdbcIdempotencyStore.DEFAULT_MAX_CONCURRENCY + 2;
    /** The most spans kept in memory with tracing on: a demo's worth (each image makes 4 to 10). */
    private static final int MAX_RECORDED_SPANS = 50_000;

    private final PipelineConfig config;
    private final Deque<AutoCloseable> closeables = new ArrayDeque<>();
    private final URI sqsEndpoint;
    private final SqsAsyncClient sqs;
    private final PipelineQueues queues;
    private final LocalDirectoryBlobStore blobs;
    private final StatusBoard board;
    private final Catalog catalog;
    private final PostgresCatalog postgresCatalog;
    private final FaultInjector faults;
    private final QueueDepthHistory queueDepths = QueueDepthHistory.create();
    private final PrometheusMeterRegistry meters;
    private final PipelineTracing tracing;
    private final Ingress ingress;
    private final Workers workers;

    private ImagePipeline(PipelineConfig config) {
        this.config = config;
        Clock clock = Clock.systemUTC();
        try {
            this.meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            push(meters::close);
            this.tracing = config.tracing() ? push(PipelineTracing.recording(MAX_RECORDED_SPANS)) : PipelineTracing.off();
            URI endpoint = config.sqsEndpoint().orElse(null);
            if (endpoint == null && config.embeddedSqs()) {
                EmbeddedSqs embedded = push(EmbeddedSqs.start(0));
                endpoint = embedded.endpoint();
                LOG.info("embedded ElasticMQ listening on {}", endpoint);
            }
            this.sqsEndpoint = endpoint;
            this.sqs = push(AwsClients.sqs(endpoint, config.region()));
            this.queues = config.createQueues()
                    ? PipelineQueues.create(sqs, config.queuePrefix(), QUEUE_VISIBILITY_TIMEOUT_SECONDS)
                    : PipelineQueues.lookUp(sqs, config.queuePrefix());
            this.blobs = LocalDirectoryBlobStore.create(config.dataDirectory().resolve("blobs"));
            this.board = BlobStatusBoard.open(config.dataDirectory().resolve("status"));
            // On PostgreSQL the crash demo halts where a catalog without the transactional mode would be hurt.
            this.faults = FaultInjector.of(config.transientFailureRate(), config.duplicateRate(), config.crashAfter(),
                    config.catalog() == PipelineConfig.CatalogKind.POSTGRES
                            ? FaultInjector.CrashPoint.IN_CATALOG_TRANSACTION : FaultInjector.CrashPoint.AFTER_RESIZE,
                    config.seed());
            DynamoDbAsyncClient dynamo = needsDynamoDb(config)
                    ? push(AwsClients.dynamoDb(config.dynamoDbEndpoint().orElse(null), config.region())) : null;
            HikariDataSource postgres = config.catalog() == PipelineConfig.CatalogKind.POSTGRES
                    ? push(openPostgres(config)) : null;
            this.postgresCatalog = postgres == null ? null : openPostgresCatalog(config, postgres);
            this.catalog = push(postgresCatalog != null ? postgresCatalog : openCatalog(config, dynamo));
            this.ingress = config.runApi()
                    ? new Ingress(push(SqsPublisher.builder().sqsClient(sqs).name("ingress").build()), queues.resize(),
                    blobs, board, config.maxUploadBytes(), clock, tracing) : null;
            if (config.runWorkers()) {
                IdempotencyStore store = openIdempotencyStore(config, dynamo, postgres);
                ResizeStage resize = new ResizeStage(ImageProcessor.create(), new FlakyBlobStore(blobs, faults), board,
                        queues.catalog(), faults, clock, tracing);
                MessageHandler catalogStage = store instanceof JdbcIdempotencyStore jdbc
                        ? TransactionalCatalogStage.handler(jdbc, postgresCatalog, board, faults, clock)
                        : new CatalogStage(new FlakyCatalog(catalog, faults), board, clock);
                this.workers = push(Workers.start(config, sqs, queues, resize, catalogStage, store, board, clock,
                        meters, queueDepths, tracing.messageTracing()));
            } else {
                this.workers = null;
            }
        } catch (RuntimeException e) {
            closeAll();
            throw e;
        }
    }

    /** Starts the pipeline described by {@code config}. */
    public static ImagePipeline start(PipelineConfig config) {
        return new ImagePipeline(config);
    }

    /** The tracing of its consumers and sends: off unless {@link PipelineConfig#tracing()}. */
    public PipelineTracing tracing() {
        return tracing;
    }

    /** The configuration it runs with. */
    public PipelineConfig config() {
        return config;
    }

    /** The SQS endpoint in use: the configured one, the embedded server's, or {@code null} for AWS's. */
    public URI sqsEndpoint() {
        return sqsEndpoint;
    }

    /** The SQS client; owned by the pipeline. */
    public SqsAsyncClient sqs() {
        return sqs;
    }

    /** The queues. */
    public PipelineQueues queues() {
        return queues;
    }

    /** The blob store of originals and variants. */
    public LocalDirectoryBlobStore blobs() {
        return blobs;
    }

    /** The status records. */
    public StatusBoard board() {
        return board;
    }

    /** The catalog, without fault injection. */
    public Catalog catalog() {
        return catalog;
    }

    /** The fault injector. */
    public FaultInjector faults() {
        return faults;
    }

    /** The upload entry point, when this process runs the API. */
    public Optional<Ingress> ingress() {
        return Optional.ofNullable(ingress);
    }

    /** The consumers' metrics by name; empty when this process runs no workers. */
    public Map<String, ConsumerMetrics> metrics() {
        return workers == null ? Map.of() : workers.metrics();
    }

    /**
     * The consumers' meters ({@code sqs.reliable.*}, bound with {@code SqsReliableMeters.bindTo}), for
     * {@code GET /metrics} in the Prometheus format; owned by the pipeline. Empty when it runs no workers.
     */
    public PrometheusMeterRegistry meters() {
        return meters;
    }

    /**
     * The last minutes of each queue's depth as this process's consumers sampled it; empty when it runs no
     * workers.
     */
    public QueueDepthHistory queueDepths() {
        return queueDepths;
    }

    /** Stops the consumers (draining their work), then closes clients and the embedded server. */
    @Override
    public void close() {
        closeAll();
    }

    private <T extends AutoCloseable> T push(T closeable) {
        closeables.push(closeable);
        return closeable;
    }

    private void closeAll() {
        while (!closeables.isEmpty()) {
            AutoCloseable next = closeables.pop();
            try {
                next.close();
            } catch (Exception e) {
                LOG.warn("closing {} failed", next, e);
            }
        }
    }

    private static boolean needsDynamoDb(PipelineConfig config) {
        return config.catalog() == PipelineConfig.CatalogKind.DYNAMODB
                || config.runWorkers() && config.idempotency() == PipelineConfig.IdempotencyKind.DYNAMODB;
    }

    private static Catalog openCatalog(PipelineConfig config, DynamoDbAsyncClient dynamo) {
        return switch (config.catalog()) {
            case LOCAL -> LocalCatalog.open(config.dataDirectory().resolve("catalog.jsonl"));
            case DYNAMODB -> config.createQueues()
                    ? DynamoDbCatalog.createIfMissing(dynamo, config.catalogTable())
                    : DynamoDbCatalog.of(dynamo, config.catalogTable());
            case POSTGRES -> throw new IllegalStateException("the PostgreSQL catalog is opened with its pool");
        };
    }

    /** A pool with a connection per catalog handler, each holding one transaction, and a few to spare. */
    private static HikariDataSource openPostgres(PipelineConfig config) {
        HikariConfig pool = new HikariConfig();
        pool.setJdbcUrl(config.postgresUrl().orElseThrow());
        pool.setPoolName("image-pipeline-postgres");
        pool.setMaximumPoolSize((config.runWorkers() ? config.catalogConcurrency() : 0) + POSTGRES_SPARE_CONNECTIONS);
        return new HikariDataSource(pool);
    }

    private static PostgresCatalog openPostgresCatalog(PipelineConfig config, HikariDataSource postgres) {
        PostgresCatalog catalog = PostgresCatalog.open(postgres);
        return config.createQueues() ? catalog.createTableIfMissing() : catalog;
    }

    private IdempotencyStore openIdempotencyStore(PipelineConfig config, DynamoDbAsyncClient dynamo,
            HikariDataSource postgres) {
        return switch (config.idempotency()) {
            case MEMORY -> InMemoryIdempotencyStore.create();
            case REDIS -> {
                RedisClient client = RedisClient.create(config.redisUri().orElseThrow().toString());
                push(client::shutdown);
                StatefulRedisConnection<String, String> connection = client.connect();
                push(connection);
                yield RedisIdempotencyStore.builder().connection(connection).build();
            }
            case DYNAMODB -> {
                DynamoDbIdempotencyStore store = DynamoDbIdempotencyStore.builder().client(dynamo)
                        .tableName(config.idempotencyTable()).build();
                if (config.createQueues()) {
                    store.createTable().join();
                }
                yield store;
            }
            case POSTGRES -> {
                JdbcIdempotencyStore store = push(JdbcIdempotencyStore.builder().dataSource(postgres)
                        .tableName(POSTGRES_IDEMPOTENCY_TABLE).build());
                if (config.createQueues()) {
                    store.createTable().join();
                }
                yield store;
            }
        };
    }
}

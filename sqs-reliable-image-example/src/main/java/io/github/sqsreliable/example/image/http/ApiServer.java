package io.github.sqsreliable.example.image.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.sqsreliable.example.image.monitoring.QueueDepthHistory;
import io.github.sqsreliable.example.image.pipeline.ImagePipeline;
import io.github.sqsreliable.example.image.pipeline.Ingress;
import io.github.sqsreliable.example.image.pipeline.PipelineConfig;
import io.github.sqsreliable.example.image.pipeline.StatusBoard;
import io.github.sqsreliable.example.image.storage.BlobStore;
import io.github.sqsreliable.observe.ConsumerMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The image example's HTTP API on the JDK's {@link HttpServer}:
 *
 * <ul>
 *   <li>{@code POST /images?user=<id>} (or header {@code X-User-Id}), body the image bytes: 202 with
 *       {@code {"id", "status": "QUEUED", "statusUrl"}} and a {@code Location}; 400, 413 or 415 with the reason;
 *       503 if it could not be queued</li>
 *   <li>{@code GET /images}, {@code GET /images/{id}}: the records as JSON</li>
 *   <li>{@code GET /images/{id}/{variant}}: a variant's PNG ({@code small}, {@code medium}, {@code large},
 *       {@code grayscale}) or the {@code original}</li>
 *   <li>{@code GET /metrics}: consumer metrics, pipeline counters and images per status as JSON; with
 *       {@code ?format=prometheus} or {@code Accept: text/plain} the consumers' meters in the Prometheus text format,
 *       with {@code ?format=openmetrics} or {@code Accept: application/openmetrics-text} in OpenMetrics</li>
 *   <li>{@code GET /metrics/history}: each queue's depth (visible, in flight) over the last minutes as JSON</li>
 *   <li>{@code GET /}: the {@link GalleryPage}</li>
 * </ul>
 *
 * Every error is {@code {"error": "..."}} with its status; every answer is {@code Cache-Control: no-store}.
 *
 * <pre>{@code
 * try (ApiServer api = ApiServer.start(ApiServer.Config.builder()
 *         .address(new InetSocketAddress("127.0.0.1", 8080))
 *         .ingress(ingress).board(board).blobs(blobs)
 *         .consumerMetrics(() -> Map.of("resize", resizeConsumer.metrics()))
 *         .build())) {
 *     System.out.println("Gallery at " + api.baseUri());
 *     ...
 * }
 * }</pre>
 *
 * <p>Requests run on a bounded pool of daemon threads named {@code image-api-N}. The server owns that pool and
 * its socket, and {@link #close()} releases both; it never closes the ingress, board or blob store it was given.
 * Thread-safe.
 */
public final class ApiServer implements AutoCloseable {

    /** The default number of request threads: {@value}. */
    public static final int DEFAULT_THREADS = 8;
    /** The default time {@link #close()} waits for requests in flight: 2 seconds. */
    public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(2);

    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    private static final int MAX_THREADS = 256;
    private static final int QUEUED_EXCHANGES_PER_THREAD = 16;
    private static final Duration MAX_SHUTDOWN_GRACE = Duration.ofMinutes(1);

    private enum State { RUNNING, STOPPING, STOPPED }

    private final HttpServer server;
    private final ThreadPoolExecutor executor;
    private final InFlightExchanges inFlight = new InFlightExchanges();
    private final Duration shutdownGrace;
    private final URI baseUri;
    private final AtomicReference<State> state = new AtomicReference<>(State.RUNNING);

    private ApiServer(Config config, HttpServer server, ThreadPoolExecutor executor) {
        this.server = server;
        this.executor = executor;
        this.shutdownGrace = config.shutdownGrace();
        this.baseUri = baseUri(server.getAddress());
    }

    /**
     * Serves a running pipeline's uploads, statuses, variants, gallery and metrics on the loopback interface.
     *
     * @param pipeline a pipeline that runs the API part ({@link PipelineConfig#runApi()})
     * @param port the port, or 0 for a free one
     * @throws IllegalArgumentException if the pipeline runs no API
     * @throws UncheckedIOException if the port cannot be bound
     */
    public static ApiServer start(ImagePipeline pipeline, int port) {
        Ingress ingress = pipeline.ingress().orElseThrow(() -> new IllegalArgumentException(
                "the pipeline runs no API (runApi is false): nothing to serve"));
        return start(Config.builder()
                .address(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
                .ingress(ingress)
                .board(pipeline.board())
                .blobs(pipeline.blobs())
                .consumerMetrics(pipeline::metrics)
                .pipelineCounters(() -> Map.of(
                        "storageCallsThrottled", pipeline.faults().throttled(),
                        "catalogMessagesSentTwice", pipeline.faults().duplicated()))
                .queueDepths(pipeline.queueDepths()::snapshot)
                .meters(pipeline.meters())
                .build());
    }

    /**
     * Binds and starts a server.
     *
     * @throws UncheckedIOException if the address cannot be bound
     */
    public static ApiServer start(Config config) {
        Objects.requireNonNull(config, "config");
        HttpServer server;
        try {
            server = HttpServer.create(config.address(), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind the image API to " + config.address(), e);
        }
        ThreadPoolExecutor executor = newExecutor(config.threads());
        ApiServer api = new ApiServer(config, server, executor);
        ApiRoutes routes = new ApiRoutes(
                new UploadEndpoint(config.ingress()),
                new ImageEndpoints(config.board(), config.blobs()),
                new MetricsEndpoint(config.consumerMetrics(), config.pipelineCounters(), config.board(),
                        config.queueDepths(), config.meters()),
                config.board());
        server.createContext("/", exchange -> api.handle(exchange, routes));
        server.setExecutor(executor);
        server.start();
        LOG.info("Image API listening on {}", api.baseUri());
        return api;
    }

    /** The port the server listens on (the one picked when the address asked for port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Where the server answers, e.g. {@code http://127.0.0.1:8080/}; a wildcard address is given as loopback. */
    public URI baseUri() {
        return baseUri;
    }

    /**
     * Stops: answers new requests 503, waits up to the {@linkplain Config#shutdownGrace() shutdown grace} for
     * requests in flight, closes the socket and stops the request threads. Idempotent; throws nothing.
     */
    @Override
    public void close() {
        if (!state.compareAndSet(State.RUNNING, State.STOPPING)) {
            return;
        }
        try {
            if (!inFlight.closeAndAwait(shutdownGrace)) {
                LOG.warn("Image API closing with requests still in flight after {}", shutdownGrace);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.stop(0);
        executor.shutdown();
        try {
            if (!executor.awaitTermination(1, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
        state.set(State.STOPPED);
        LOG.info("Image API on {} stopped", baseUri);
    }

    private void handle(HttpExchange exchange, ApiRoutes routes) throws IOException {
        if (!inFlight.enter()) {
            try {
                exchange.getResponseHeaders().set("Connection", "close");
                Exchanges.sendError(exchange, 503, "the server is shutting down");
            } finally {
                exchange.close();
            }
            return;
        }
        try {
            routes.handle(exchange);
        } finally {
            inFlight.exit();
        }
    }

    private static ThreadPoolExecutor newExecutor(int threads) {
        AtomicInteger number = new AtomicInteger();
        ThreadPoolExecutor executor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(threads * QUEUED_EXCHANGES_PER_THREAD),
                runnable -> {
                    Thread thread = new Thread(runnable, "image-api-" + number.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                },
                // The JDK server leaves a rejected connection open and unanswered; running the exchange on the
                // accepting thread instead answers it, and slows accepting while the pool is saturated.
                new ThreadPoolExecutor.CallerRunsPolicy());
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }

    private static URI baseUri(InetSocketAddress bound) {
        InetAddress address = bound.getAddress();
        String host = address.isAnyLocalAddress() ? InetAddress.getLoopbackAddress().getHostAddress()
                : address.getHostAddress();
        try {
            return new URI("http", null, host, bound.getPort(), "/", null, null);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("no URI for " + bound, e);
        }
    }

    /**
     * What an {@link ApiServer} serves and how. Immutable; build with {@link #builder()}.
     */
    public static final class Config {

        private final InetSocketAddress address;
        private final Ingress ingress;
        private final StatusBoard board;
        private final BlobStore blobs;
        private final Supplier<Map<String, ConsumerMetrics>> consumerMetrics;
        private final Supplier<Map<String, Object>> pipelineCounters;
        private final Supplier<List<QueueDepthHistory.Series>> queueDepths;
        private final PrometheusMeterRegistry meters;
        private final int threads;
        private final Duration shutdownGrace;

        private Config(Builder builder) {
            this.address = builder.address;
            this.ingress = builder.ingress;
            this.board = builder.board;
            this.blobs = builder.blobs;
            this.consumerMetrics = builder.consumerMetrics;
            this.pipelineCounters = builder.pipelineCounters;
            this.queueDepths = builder.queueDepths;
            this.meters = builder.meters != null ? builder.meters
                    : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            this.threads = builder.threads;
            this.shutdownGrace = builder.shutdownGrace;
        }

        /** A new builder; {@code address}, {@code ingress}, {@code board} and {@code blobs} are required. */
        public static Builder builder() {
            return new Builder();
        }

        /** The address to bind; port 0 picks a free port. */
        public InetSocketAddress address() {
            return address;
        }

        /** Where uploads go. */
        public Ingress ingress() {
            return ingress;
        }

        /** Where image records are read from. */
        public StatusBoard board() {
            return board;
        }

        /** Where variants and originals are read from. */
        public BlobStore blobs() {
            return blobs;
        }

        /** Each consumer's metrics by name, asked on every {@code GET /metrics}. */
        public Supplier<Map<String, ConsumerMetrics>> consumerMetrics() {
            return consumerMetrics;
        }

        /** Further pipeline counters by name, asked on every {@code GET /metrics}. */
        public Supplier<Map<String, Object>> pipelineCounters() {
            return pipelineCounters;
        }

        /** Each queue's depth over the last minutes, asked on every {@code GET /metrics/history}. */
        public Supplier<List<QueueDepthHistory.Series>> queueDepths() {
            return queueDepths;
        }

        /** The meters {@code GET /metrics} scrapes for the Prometheus and OpenMetrics formats. */
        public PrometheusMeterRegistry meters() {
            return meters;
        }

        /** The number of request threads. */
        public int threads() {
            return threads;
        }

        /** How long {@link ApiServer#close()} waits for requests in flight. */
        public Duration shutdownGrace() {
            return shutdownGrace;
        }

        /** Builds a {@link Config}. Not thread-safe; {@link #build()} validates. */
        public static final class Builder {

            private InetSocketAddress address;
            private Ingress ingress;
            private StatusBoard board;
            private BlobStore blobs;
            private Supplier<Map<String, ConsumerMetrics>> consumerMetrics = Map::of;
            private Supplier<Map<String, Object>> pipelineCounters = Map::of;
            private Supplier<List<QueueDepthHistory.Series>> queueDepths = List::of;
            private PrometheusMeterRegistry meters;
            private int threads = DEFAULT_THREADS;
            private Duration shutdownGrace = DEFAULT_SHUTDOWN_GRACE;

            private Builder() {
            }

            /** The address to bind, e.g. {@code new InetSocketAddress("127.0.0.1", 0)} for a free loopback port. */
            public Builder address(InetSocketAddress address) {
                this.address = address;
                return this;
            }

            /** Where uploads go. */
            public Builder ingress(Ingress ingress) {
                this.ingress = ingress;
                return this;
            }

            /** Where image records are read from. */
            public Builder board(StatusBoard board) {
                this.board = board;
                return this;
            }

            /** Where variants and originals are read from. */
            public Builder blobs(BlobStore blobs) {
                this.blobs = blobs;
                return this;
            }

            /** Each consumer's metrics by name; called on every {@code GET /metrics}. Default: none. */
            public Builder consumerMetrics(Supplier<Map<String, ConsumerMetrics>> consumerMetrics) {
                this.consumerMetrics = consumerMetrics;
                return this;
            }

            /** Further pipeline counters by name; called on every {@code GET /metrics}. Default: none. */
            public Builder pipelineCounters(Supplier<Map<String, Object>> pipelineCounters) {
                this.pipelineCounters = pipelineCounters;
                return this;
            }

            /**
             * Each queue's depth over the last minutes, e.g. {@code history::snapshot}; called on every
             * {@code GET /metrics/history}. Default: none.
             */
            public Builder queueDepths(Supplier<List<QueueDepthHistory.Series>> queueDepths) {
                this.queueDepths = queueDepths;
                return this;
            }

            /**
             * The meters {@code GET /metrics} scrapes for the Prometheus and OpenMetrics formats, e.g. the
             * consumers' bound with {@code SqsReliableMeters.bindTo(registry)}. The server never closes it.
             * Default: an empty registry.
             */
            public Builder meters(PrometheusMeterRegistry meters) {
                this.meters = meters;
                return this;
            }

            /** The number of request threads, 1 to 256. Default {@value ApiServer#DEFAULT_THREADS}. */
            public Builder threads(int threads) {
                this.threads = threads;
                return this;
            }

            /** How long {@link ApiServer#close()} waits for requests in flight, 0 to 1 minute. Default 2 s. */
            public Builder shutdownGrace(Duration shutdownGrace) {
                this.shutdownGrace = shutdownGrace;
                return this;
            }

            /**
             * The configuration.
             *
             * @throws NullPointerException if a required value is missing
             * @throws IllegalArgumentException if {@code threads} or {@code shutdownGrace} is out of range
             */
            public Config build() {
                Objects.requireNonNull(address, "address is required");
                Objects.requireNonNull(ingress, "ingress is required");
                Objects.requireNonNull(board, "board is required");
                Objects.requireNonNull(blobs, "blobs is required");
                Objects.requireNonNull(consumerMetrics, "consumerMetrics must not be null");
                Objects.requireNonNull(pipelineCounters, "pipelineCounters must not be null");
                Objects.requireNonNull(queueDepths, "queueDepths must not be null");
                Objects.requireNonNull(shutdownGrace, "shutdownGrace must not be null");
                if (threads < 1 || threads > MAX_THREADS) {
                    throw new IllegalArgumentException(
                            "threads (" + threads + ") must be between 1 and " + MAX_THREADS);
                }
                if (shutdownGrace.isNegative() || shutdownGrace.compareTo(MAX_SHUTDOWN_GRACE) > 0) {
                    throw new IllegalArgumentException("shutdownGrace (" + shutdownGrace
                            + ") must be between PT0S and " + MAX_SHUTDOWN_GRACE);
                }
                return new Config(this);
            }
        }
    }
}

package io.github.sqsreliable.benchmarks.scenario;

import io.github.sqsreliable.SqsConsumer;
import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.benchmarks.measure.DeleteWatch;
import io.github.sqsreliable.benchmarks.measure.HandlerStartLatency;
import io.github.sqsreliable.benchmarks.measure.RedisCommandCounter;
import io.github.sqsreliable.benchmarks.peer.SpringCloudAwsConsumer;
import io.github.sqsreliable.benchmarks.raw.RawLoops;
import io.github.sqsreliable.benchmarks.report.ScenarioResult;
import io.github.sqsreliable.benchmarks.sqs.Clients;
import io.github.sqsreliable.benchmarks.sqs.RequestCounter;
import io.github.sqsreliable.benchmarks.sqs.Workloads;
import io.github.sqsreliable.idempotency.Idempotency;
import io.github.sqsreliable.micrometer.SqsReliableMeters;
import io.github.sqsreliable.redis.RedisIdempotencyStore;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/** Runs the baselines and the scenarios against one SQS endpoint and turns them into result rows. */
public final class Bench implements AutoCloseable {

    /** The client the README recommends for the library. */
    public static final Clients.AsyncKind RECOMMENDED = Clients.AsyncKind.CRT;

    private static final int RAW_SYNC_THREADS = 8;
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(10);
    /**
     * The saturated scenarios (A, C, D) time one message in this many from receive to handler: a map entry per
     * message would cost the consumer CPU that the raw loops do not spend. Still thousands of samples per row.
     */
    static final int LATENCY_SAMPLE = 8;
    /** The JIT counts as quiet once it compiled for less than this fraction of a warm-up pass's wall time. */
    static final double JIT_QUIET = 0.02;
    private static final int RAW_ASYNC_CHAINS = 16;
    /**
     * The CRT loop is also measured with this many receives in flight: more receives in flight cost both client and
     * server less CPU per message on 2 shared cores (fewer threads wake per message), so 16 is not always the best.
     */
    public static final int RAW_ASYNC_CHAINS_DEEP = 32;
    private static final int FIFO_GROUPS = 100;
    private static final int SLOW_CONCURRENCY = 200;
    private static final Duration SLOW_HANDLER = Duration.ofMillis(50);
    private static final int EXTENSION_VISIBILITY_SECONDS = 2;
    private static final Duration EXTENSION_HANDLER = Duration.ofSeconds(6);
    /** Extension periods per handler in scenario E: handler time over the visibility timeout. */
    public static final double EXTENSION_PERIODS = EXTENSION_HANDLER.toSeconds() / (double) EXTENSION_VISIBILITY_SECONDS;
    /** The body of each message in the large-message scenario F: 200 KiB of ASCII. */
    public static final int LARGE_BODY_BYTES = 200 * 1024;
    /** The body of each message in F-64: 64 KiB of ASCII. */
    public static final int MEDIUM_BODY_BYTES = 64 * 1024;

    private final URI endpoint;
    private final Sizes sizes;
    private final PrintStream log;
    private final LongSupplier serverCpuNanos;
    private final RequestCounter counter = new RequestCounter();
    private final SqsClient prepare;
    private final Workloads workloads;
    private final ExecutorService closer = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "bench-consumer-close");
        thread.setDaemon(true);
        return thread;
    });
    private final List<CompletableFuture<Void>> closing = new ArrayList<>();
    private final List<AutoCloseable> redisResources = new ArrayList<>();
    private final SqsClient apache;
    private final Map<Clients.AsyncKind, SqsAsyncClient> asyncClients = new java.util.EnumMap<>(Clients.AsyncKind.class);
    private final List<ConsumerJvm> consumerJvms = new ArrayList<>();
    private final Map<String, ConsumerJvm> largeMessageJvms = new java.util.HashMap<>();
    private final Map<String, Double> heapAfterCollection = new java.util.HashMap<>();
    private final AtomicInteger containers = new AtomicInteger();
    private final ScheduledExecutorService lateDeletions = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "bench-late-queue-deletion");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * @param endpoint the SQS server
     * @param sizes how big each run is
     * @param serverCpuNanos the servers' CPU time so far (ElasticMQ, and Redis when started here), or -1 if unknown
     * @param log where progress goes
     */
    public Bench(URI endpoint, Sizes sizes, LongSupplier serverCpuNanos, PrintStream log) {
        this.endpoint = endpoint;
        this.serverCpuNanos = serverCpuNanos;
        this.sizes = sizes;
        this.log = log;
        this.prepare = Clients.apacheSync(endpoint, new RequestCounter());
        this.workloads = new Workloads(prepare);
        this.apache = Clients.apacheSync(endpoint, counter);
    }

    /** Waits for the consumers still closing, then closes the clients. */
    @Override
    public void close() {
        awaitClosed();
        for (AutoCloseable resource : redisResources) {
            try {
                resource.close();
            } catch (Exception e) {
                log.println("closing a Redis resource failed: " + e);
            }
        }
        consumerJvms.forEach(ConsumerJvm::close);
        lateDeletions.shutdownNow();
        asyncClients.values().forEach(SqsAsyncClient::close);
        apache.close();
        prepare.close();
        closer.shutdown();
    }

    /** One client of each kind for the whole run, so closing consumers can finish in the background. */
    private SqsAsyncClient async(Clients.AsyncKind kind) {
        return asyncClients.computeIfAbsent(kind, k -> Clients.async(k, endpoint, counter));
    }

    /**
     * Measures rows that are compared with each other in turns: every row's warm-up first, then one repetition of
     * each row per round, so that the run's drift (the server JVM still warming up, the machine's other load) falls
     * on all of them alike rather than on whichever ran last. Warm-up passes over all rows go on until the JIT
     * spent less than {@link #JIT_QUIET} of a pass compiling, at most {@link Sizes#maxWarmUpPasses()}: on 2 cores
     * C2 kept compiling SDK code for minutes, taking 20 µs of CPU per message from the measured rows.
     */
    public List<ScenarioResult> inTurns(List<Row> rows) {
        for (int pass = 1; pass <= sizes.maxWarmUpPasses(); pass++) {
            log.printf("warming up, pass %d (not measured):%n", pass);
            long wallStart = System.nanoTime();
            long compileStart = Jit.compileMillis();
            rows.forEach(Row::warmUp);
            double busy = Jit.busyFraction(compileStart, wallStart);
            log.printf("  the JIT compiled for %.1f%% of the pass%n", 100 * busy);
            if (busy < JIT_QUIET) {
                break;
            }
        }
        for (int round = 1; round <= sizes.repetitions(); round++) {
            log.printf("round %d of %d:%n", round, sizes.repetitions());
            for (Row row : rows) {
                // A consumer closing in the background keeps its long polls open on an empty queue, and ElasticMQ
                // spends about 10 ms of CPU per second on each waiting long poll: up to 0.3 cores for 20 s with 32
                // pollers, which fell on the next row's measured run. So a measured run starts alone (full mode).
                if (sizes.runsAlone()) {
                    awaitClosed();
                }
                row.repeat();
            }
        }
        List<Row> timingLatency = rows.stream().filter(Row::hasLatencyRun).toList();
        if (!timingLatency.isEmpty()) {
            log.println("latency runs (receive-to-handler latency only):");
            for (Row row : timingLatency) {
                if (sizes.runsAlone()) {
                    awaitClosed();
                }
                row.latencyRun();
            }
        }
        rows.forEach(row -> heapAfterCollection.put(row.id(), row.heapAfterCollectionMegabytes()));
        return rows.stream().map(Row::result).toList();
    }

    /**
     * For a row that ran in a consumer JVM of its own: the most its heap held right after a collection, which
     * is what the byte budget bounds; NaN for other rows.
     */
    public double heapAfterCollectionMegabytes(String rowId) {
        return heapAfterCollection.getOrDefault(rowId, Double.NaN);
    }

    /** A raw loop on one client: sync Apache with K threads, or an async client with K chains. */
    public Row raw(String id, String client) {
        return raw(id, client, RAW_ASYNC_CHAINS);
    }

    /**
     * A raw loop on one client, with {@code chains} receives in flight for an async client (the sync Apache loop
     * always runs {@value #RAW_SYNC_THREADS} threads).
     */
    public Row raw(String id, String client, int chains) {
        int n = sizes.noOpMessages();
        Function<String, RawLoops.LoopResult> loop = switch (client) {
            case "apache" -> queue -> RawLoops.sync(apache, queue, n, RAW_SYNC_THREADS);
            case "netty" -> queue -> RawLoops.async(async(Clients.AsyncKind.NETTY), queue, n, chains);
            case "crt" -> queue -> RawLoops.async(async(Clients.AsyncKind.CRT), queue, n, chains);
            case "crt-workers" -> queue -> RawLoops.asyncWithWorkers(async(Clients.AsyncKind.CRT), queue, n, chains,
                    SqsConsumer.Builder.DEFAULT_MAX_CONCURRENCY);
            default -> throw new IllegalArgumentException(client);
        };
        String title = switch (client) {
            case "apache" -> "raw loop, Apache sync client, " + RAW_SYNC_THREADS + " threads";
            case "netty" -> "raw loop, Netty async client, " + chains + " receives in flight";
            case "crt-workers" -> "raw loop, CRT async client, " + chains + " receives in flight, handler and delete on "
                    + SqsConsumer.Builder.DEFAULT_MAX_CONCURRENCY + " worker threads";
            default -> "raw loop, CRT async client, " + chains + " receives in flight";
        };
        return row(id, title, n, null, Double.NaN, () -> fillStandard("raw-" + client, n, 30),
                queue -> new Row.Run(loop.apply(queue).messagesPerSecond(), -1), null, null);
    }

    /**
     * A: a no-op handler with the library's defaults: only the client, the queue and the handler are set (so no
     * listener either; latency is timed in a run of its own).
     */
    public Row noOp(String id, Clients.AsyncKind kind, String baselineId) {
        int n = sizes.noOpMessages();
        HandlerStartLatency latency = new HandlerStartLatency(LATENCY_SAMPLE);
        SqsAsyncClient sqs = async(kind);
        return row(id, "A: no-op handler, default settings (" + name(kind) + " client)", n, baselineId,
                Double.NaN, () -> fillStandard("a", n, 30),
                queue -> new Row.Run(unwatched(n, SqsConsumer.builder().sqsClient(sqs).queueUrl(queue),
                        message -> { }), -1),
                queue -> library(n, SqsConsumer.builder().sqsClient(sqs).queueUrl(queue).listener(latency)
                        .handler(latency::handlerStarted)).asRun(),
                latency, null);
    }

    /**
     * A-meters: A with the Micrometer binder on a {@link SimpleMeterRegistry} (what the user's one line adds), to
     * compare the consumer's CPU per message with A's, measured in turns with it.
     */
    public Row noOpWithMeters(String id, String baselineId) {
        int n = sizes.noOpMessages();
        HandlerStartLatency latency = new HandlerStartLatency(LATENCY_SAMPLE);
        SqsAsyncClient sqs = async(RECOMMENDED);
        return row(id, "A with SqsReliableMeters.bindTo(SimpleMeterRegistry) (" + name(RECOMMENDED) + " client)", n,
                baselineId, Double.NaN, () -> fillStandard("am", n, 30),
                queue -> new Row.Run(unwatched(n, SqsConsumer.builder().sqsClient(sqs).queueUrl(queue)
                        .listener(SqsReliableMeters.bindTo(new SimpleMeterRegistry())), message -> { }), -1),
                queue -> library(n, SqsConsumer.builder().sqsClient(sqs).queueUrl(queue).listener(latency)
                        .listener(SqsReliableMeters.bindTo(new SimpleMeterRegistry()))
                        .handler(latency::handlerStarted)).asRun(),
                latency, null);
    }

    /**
     * B: a 50 ms handler at concurrency 200, against the Little's-law ideal of concurrency / latency. Little's law
     * describes the steady state, so the rate is taken between the 10th and the 90th percentile of deletes; the
     * end-to-end rate (start() to the last delete, which also counts the ramp-up, the last wave's 50 ms and the
     * last delete batch) goes into a note.
     */
    public ScenarioResult slowHandler(String id) {
        int n = sizes.slowHandlerMessages();
        double ideal = SLOW_CONCURRENCY / (SLOW_HANDLER.toNanos() / 1e9);
        HandlerStartLatency latency = new HandlerStartLatency();
        List<Double> endToEnd = new ArrayList<>();
        SqsAsyncClient sqs = async(RECOMMENDED);
        ScenarioResult result = measure(row(id, "B: 50 ms handler, maxConcurrency 200 (ideal " + Math.round(ideal)
                        + " msg/s)", n, null, ideal, () -> fillStandard("b", n, 30),
                queue -> {
                    LibraryRun run = library(n, SqsConsumer.builder().sqsClient(sqs).queueUrl(queue)
                            .maxConcurrency(SLOW_CONCURRENCY).listener(latency)
                            .handler(message -> {
                                latency.handlerStarted(message);
                                sleep(SLOW_HANDLER);
                            }));
                    endToEnd.add(run.endToEndMessagesPerSecond());
                    return new Row.Run(run.steadyMessagesPerSecond(), -1);
                },
                latency, null));
        // The first entry is the unmeasured warm-up run.
        List<Double> measured = new ArrayList<>(endToEnd.subList(1, endToEnd.size()));
        measured.sort(null);
        double median = measured.get(measured.size() / 2);
        return result.withNotes(List.of(String.format("B: steady-state rate, between the 10th and the 90th "
                + "percentile of deletes; end to end, from start() to the last delete, the median is %,.0f msg/s "
                + "(%.2f of the ideal)", median, median / ideal)));
    }

    /** The raw FIFO loop: Apache sync, 8 threads, batched deletes, order checked. */
    public Row rawFifo(String id) {
        int n = sizes.noOpMessages();
        return row(id, "raw FIFO loop, Apache sync client, " + RAW_SYNC_THREADS + " threads, " + FIFO_GROUPS
                + " groups", n, null, Double.NaN, () -> fillFifo("raw-fifo", n), queue -> {
                    RawLoops.LoopResult result = RawLoops.syncFifo(apache, queue, n, RAW_SYNC_THREADS);
                    return new Row.Run(result.messagesPerSecond(), result.orderViolations());
                }, null, null);
    }

    /** C: FIFO, 100 groups, no-op handler that checks each group's order; default settings. */
    public Row fifo(String id, String baselineId) {
        int n = sizes.noOpMessages();
        HandlerStartLatency latency = new HandlerStartLatency(LATENCY_SAMPLE);
        SqsAsyncClient sqs = async(RECOMMENDED);
        return row(id, "C: FIFO, " + FIFO_GROUPS + " groups, default settings", n, baselineId, Double.NaN,
                () -> fillFifo("c", n), queue -> {
                    Map<String, Integer> next = new ConcurrentHashMap<>();
                    AtomicLong violations = new AtomicLong();
                    double rate = unwatched(n, SqsConsumer.builder().sqsClient(sqs).queueUrl(queue), message -> {
                        if (RawLoops.outOfOrder(message.body(), next)) {
                            violations.incrementAndGet();
                        }
                    });
                    return new Row.Run(rate, violations.get());
                }, queue -> {
                    Map<String, Integer> next = new ConcurrentHashMap<>();
                    return library(n, SqsConsumer.builder().sqsClient(sqs).queueUrl(queue).listener(latency)
                            .handler(message -> {
                                latency.handlerStarted(message);
                                RawLoops.outOfOrder(message.body(), next);
                            })).asRun();
                }, latency, null);
    }

    /**
     * Spring Cloud AWS on scenario A's workload: a no-op listener on a standard queue, on the same CRT client as the
     * library's rows, compared with the same baseline as A (the best raw loop).
     */
    public Row scaNoOp(String id, SpringCloudAwsConsumer.Settings settings) {
        int n = sizes.noOpMessages();
        return scaRow(id, "A with Spring Cloud AWS, " + settings.describe() + " (" + name(RECOMMENDED) + " client)",
                async(RECOMMENDED), n, null, () -> fillStandard("asca", n, 30), settings);
    }

    /**
     * A Spring Cloud AWS row with a no-op listener on any client and workload, e.g. a slower endpoint.
     *
     * @param client the client the container polls with
     * @param n messages per run: each run ends when n deletes are confirmed
     * @param baselineId the row it is compared with, or {@code null} for the best raw loop
     * @param setup creates and fills a run's queue, returning its URL
     * @param settings the container's defaults or tuned
     */
    public Row scaRow(String id, String title, SqsAsyncClient client, int n, String baselineId,
            Supplier<String> setup, SpringCloudAwsConsumer.Settings settings) {
        return row(id, title, n, baselineId, Double.NaN, setup,
                queue -> springCloudAws(n, client, queue, settings, id, message -> { }).asRun(), null, null);
    }

    /** C with Spring Cloud AWS: FIFO, 100 groups, the listener checks each group's order as C's handler does. */
    public Row scaFifo(String id, String baselineId, SpringCloudAwsConsumer.Settings settings) {
        int n = sizes.noOpMessages();
        SqsAsyncClient sqs = async(RECOMMENDED);
        return row(id, "C with Spring Cloud AWS: FIFO, " + FIFO_GROUPS + " groups, " + settings.describe(), n,
                baselineId, Double.NaN, () -> fillFifo("csca", n), queue -> {
                    Map<String, Integer> next = new ConcurrentHashMap<>();
                    AtomicLong violations = new AtomicLong();
                    LibraryRun run = springCloudAws(n, sqs, queue, settings, id, message -> {
                        if (RawLoops.outOfOrder(message.getPayload(), next)) {
                            violations.incrementAndGet();
                        }
                    });
                    return new Row.Run(run.endToEndMessagesPerSecond(), violations.get());
                }, null, null);
    }

    /**
     * B with Spring Cloud AWS: a 50 ms listener, against the same Little's-law ideal as B (4,000 msg/s at
     * concurrency 200), whatever concurrency the settings give it; the steady-state rate as in B. Runs scale with
     * the settings' concurrency, so that its defaults (10 messages in flight, about 200 msg/s) take seconds too.
     */
    public ScenarioResult scaSlowHandler(String id, SpringCloudAwsConsumer.Settings settings) {
        int n = Math.max(500, sizes.slowHandlerMessages() * settings.maxConcurrentMessages() / SLOW_CONCURRENCY);
        double ideal = SLOW_CONCURRENCY / (SLOW_HANDLER.toNanos() / 1e9);
        SqsAsyncClient sqs = async(RECOMMENDED);
        return measure(row(id, "B with Spring Cloud AWS: 50 ms listener, " + settings.describe() + " (ideal "
                        + Math.round(ideal) + " msg/s at concurrency " + SLOW_CONCURRENCY + ")", n, null, ideal,
                () -> fillStandard("bsca", n, 30), queue -> new Row.Run(springCloudAws(n, sqs, queue, settings, id,
                        message -> sleep(SLOW_HANDLER)).steadyMessagesPerSecond(), -1), null, null));
    }

    /** One Spring Cloud AWS run until {@code n} deletes are confirmed, timed as {@link #library} times one. */
    /**
     * One Spring Cloud AWS run with a no-op listener on any client (e.g. through the latency proxy).
     *
     * @return messages per second, from start to the last confirmed delete
     */
    public double springCloudAwsRate(int n, SqsAsyncClient sqs, String queue, SpringCloudAwsConsumer.Settings settings,
            String id) {
        return springCloudAws(n, sqs, queue, settings, id, message -> { }).endToEndMessagesPerSecond();
    }

    private LibraryRun springCloudAws(int n, SqsAsyncClient sqs, String queue, SpringCloudAwsConsumer.Settings settings,
            String id, Consumer<org.springframework.messaging.Message<String>> handler) {
        DeleteWatch deletes = new DeleteWatch(n);
        long start = System.nanoTime();
        SpringCloudAwsConsumer consumer = SpringCloudAwsConsumer.start(sqs, queue, settings,
                "sca-" + id + "-" + containers.incrementAndGet(), handler, deletes::onDeletes);
        try {
            return awaitDeletes(deletes, n, start);
        } finally {
            // As the library's: stop() waits for the polls in flight, off the clock.
            closing.add(CompletableFuture.runAsync(consumer::close, closer));
        }
    }

    /** D: scenario A with idempotency in Redis. */
    public Row idempotentRedis(String id, String baselineId, URI redisUri) {
        int n = sizes.noOpMessages();
        HandlerStartLatency latency = new HandlerStartLatency(LATENCY_SAMPLE);
        RedisCommandCounter redisCommands = new RedisCommandCounter();
        RedisClient redis = RedisClient.create(redisUri.toString());
        redis.addListener(redisCommands);
        redisResources.add(redis::shutdown);
        SqsAsyncClient sqs = async(RECOMMENDED);
        StatefulRedisConnection<String, String> connection = redis.connect();
        redisResources.add(0, connection::close);
        RedisIdempotencyStore store = RedisIdempotencyStore.builder().connection(connection).build();
        return row(id, "D: as A, idempotency in Redis (" + name(RECOMMENDED) + " client)", n, baselineId,
                Double.NaN, () -> fillStandard("d", n, 30),
                queue -> new Row.Run(unwatched(n, SqsConsumer.builder().sqsClient(sqs).queueUrl(queue)
                        .idempotency(Idempotency.builder().store(store).build()), message -> { }), -1),
                queue -> library(n, SqsConsumer.builder().sqsClient(sqs).queueUrl(queue)
                        .idempotency(Idempotency.builder().store(store).build()).listener(latency)
                        .handler(latency::handlerStarted)).asRun(),
                latency, redisCommands);
    }

    /** E: handlers running three visibility timeouts, to count the extension calls. */
    public ScenarioResult extensions(String id) {
        int n = sizes.extensionMessages();
        double periods = EXTENSION_PERIODS;
        SqsAsyncClient sqs = async(RECOMMENDED);
        ScenarioResult result = measure(row(id, "E: handlers run 3x the visibility timeout (" + n + " messages, "
                        + EXTENSION_VISIBILITY_SECONDS + " s visibility, " + EXTENSION_HANDLER.toSeconds()
                        + " s handler)", n, null, Double.NaN,
                () -> fillStandard("e", n, EXTENSION_VISIBILITY_SECONDS),
                queue -> library(n, SqsConsumer.builder().sqsClient(sqs).queueUrl(queue)
                        .maxConcurrency(n)
                        .handler(message -> sleep(EXTENSION_HANDLER))).asRun(),
                null, null));
        double perPeriod = (result.sqsRequestsPerMessage().getOrDefault("ChangeMessageVisibilityBatch", 0.0)
                + result.sqsRequestsPerMessage().getOrDefault("ChangeMessageVisibility", 0.0)) / periods;
        return result.withNotes(List.of(String.format("E: %.3f ChangeMessageVisibility* requests per message "
                + "per extension period (%.0f periods of %d s per handler)", perPeriod, periods,
                EXTENSION_VISIBILITY_SECONDS)));
    }

    /** L: receive-to-handler latency when the consumer is not saturated: 500 messages/s sent to a running one. */
    public ScenarioResult unsaturatedLatency(String id) {
        int n = sizes.latencyMessages();
        HandlerStartLatency latency = new HandlerStartLatency();
        // Latency is what background work disturbs most: let the earlier scenarios' consumers (E's 400 handlers of
        // 6 s among them) finish closing first.
        log.println("  (waiting for the earlier consumers to close)");
        awaitClosed();
        SqsAsyncClient sqs = async(RECOMMENDED);
        return measure(row(id, "L: latency at 500 msg/s (not saturated), default settings", n, null, Double.NaN,
                () -> workloads.standardQueue("l", 30), queue -> {
                    Thread sender = new Thread(() -> pacedSend(queue, n), "bench-paced-sender");
                    sender.start();
                    return library(n, SqsConsumer.builder().sqsClient(sqs).queueUrl(queue).listener(latency)
                            .handler(latency::handlerStarted)).asRun();
                }, latency, null));
    }

    /**
     * A large-message baseline: the async raw loop on the CRT client with {@value #RAW_ASYNC_CHAINS} receives in
     * flight, on messages of {@code bodyBytes}, in a consumer JVM of its own with the same small heap as the
     * scenario's.
     */
    public Row rawLarge(String id, int bodyBytes) {
        int n = sizes.largeMessages(bodyBytes);
        ConsumerJvm jvm = consumerJvm(id);
        return row(id, "raw loop, CRT async client, " + RAW_ASYNC_CHAINS + " receives in flight, "
                        + bodyBytes / 1024 + " KiB messages, in a JVM of its own (" + heap(jvm) + ")", n, null,
                Double.NaN, () -> fillLarge("raw-large", n, bodyBytes), queue -> jvm.raw(queue, n, RAW_ASYNC_CHAINS),
                null, null);
    }

    /**
     * F: large messages of {@code bodyBytes} (64 or 200 KiB), several times the byte budget per run, with the
     * library's defaults (client, queue and a handler that checks each body's length), in a consumer JVM of its own
     * whose small heap sets the default budget.
     */
    public Row largeMessages(String id, String baselineId, int bodyBytes) {
        int n = sizes.largeMessages(bodyBytes);
        ConsumerJvm jvm = consumerJvm(id);
        return new Row(id, "F: " + bodyBytes / 1024 + " KiB messages, default settings ("
                + name(RECOMMENDED) + " client), in a JVM of its own (" + heap(jvm) + ", default byte budget "
                + mebibytes(jvm.budgetBytes()) + ")", n, baselineId, Double.NaN, () -> fillLarge("f", n, bodyBytes),
                this::deleteAfterLongPolls, queue -> jvm.library(queue, n, bodyBytes), null, null, null,
                counter, serverCpuNanos, log);
    }

    /**
     * A large-message row's throughput in MiB/s of bodies, its peak heap against the consumer JVM's heap, and (for
     * the scenario) the byte budget in effect, as a note.
     */
    public ScenarioResult withLargeMessageNotes(ScenarioResult row, int bodyBytes) {
        ConsumerJvm jvm = largeMessageJvms.get(row.id());
        double mebibytesPerMessage = bodyBytes / (1024.0 * 1024.0);
        String note = String.format("%s: %.1f MiB/s of message bodies (%.1f–%.1f); peak heap %.0f MB of the "
                        + "consumer JVM's %s", row.id(), row.median() * mebibytesPerMessage,
                row.min() * mebibytesPerMessage, row.max() * mebibytesPerMessage, row.peakHeapMegabytes(),
                mebibytes(jvm.maxHeapBytes()));
        if (!row.id().startsWith("raw-")) {
            note += String.format("; byte budget %s (the default, a quarter of the heap): a receive reserves 1 MiB "
                    + "per message asked for, since ElasticMQ reports no MaximumMessageSize, so at most %d receives "
                    + "of 10 are in flight; %,d messages per run are %.1f times the budget", mebibytes(
                    jvm.budgetBytes()), jvm.budgetBytes() / (10L << 20), row.messagesPerRun(),
                    (double) row.messagesPerRun() * bodyBytes / jvm.budgetBytes());
        }
        return row.withNotes(List.of(note));
    }

    /** A consumer JVM for one large-message row: each row has its own, so that its heap and JIT are its own. */
    private ConsumerJvm consumerJvm(String rowId) {
        ConsumerJvm jvm = ConsumerJvm.start(endpoint);
        consumerJvms.add(jvm);
        largeMessageJvms.put(rowId, jvm);
        return jvm;
    }

    private static String heap(ConsumerJvm jvm) {
        return String.join(" ", ConsumerJvm.JVM_OPTIONS.stream().filter(option -> option.startsWith("-Xm")).toList());
    }

    private static String mebibytes(long bytes) {
        return String.format("%.0f MiB", bytes / (1024.0 * 1024.0));
    }

    /** A queue of {@code n} large messages; each run empties its queue, so ElasticMQ holds one full queue at a time. */
    private String fillLarge(String prefix, int n, int bodyBytes) {
        String queue = workloads.standardQueue(prefix, 30);
        workloads.fillLarge(queue, n, bodyBytes);
        return queue;
    }

    /** One library run: end to end from start() to the last delete, and at steady state. */
    private record LibraryRun(double endToEndMessagesPerSecond, double steadyMessagesPerSecond) {

        Row.Run asRun() {
            return new Row.Run(endToEndMessagesPerSecond, -1);
        }
    }

    private Row row(String id, String title, int n, String baselineId, double ideal, Supplier<String> setup,
            Function<String, Row.Run> body, HandlerStartLatency latency, RedisCommandCounter redis) {
        return row(id, title, n, baselineId, ideal, setup, body, null, latency, redis);
    }

    /**
     * @param body a measured repetition
     * @param watchedBody if not null, the same with the latency listener: the repetitions then run without it,
     *     and this runs once more after them, to time receive-to-handler latency
     */
    private Row row(String id, String title, int n, String baselineId, double ideal, Supplier<String> setup,
            Function<String, Row.Run> body, Function<String, Row.Run> watchedBody, HandlerStartLatency latency,
            RedisCommandCounter redis) {
        return new Row(id, title, n, baselineId, ideal, setup, this::deleteWhenClosed, body, watchedBody, latency,
                redis, counter, serverCpuNanos, log);
    }

    /**
     * Deletes a run's queue once the consumers closing now have closed (a raw loop's at once), off the clock: a
     * consumer that still polls a deleted queue would log errors.
     */
    void deleteWhenClosed(String queue) {
        closing.add(CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new))
                .thenRunAsync(() -> {
                    try {
                        workloads.deleteQueue(queue);
                    } catch (RuntimeException e) {
                        log.println("deleting the queue " + queue + " failed: " + e);
                    }
                }, closer));
    }

    /** A row measured on its own: its warm-up, then its repetitions. */
    private ScenarioResult measure(Row row) {
        return inTurns(List.of(row)).get(0);
    }

    /**
     * Runs a consumer until {@code n} messages are deleted; the rate counts from start() to the last delete. The
     * steady-state rate counts between the 10th and the 90th percentile of deletes. The wait is on a listener,
     * not a loop polling the metrics, so that the library pays no more for being watched than the raw loops do.
     */
    /**
     * Waits until {@code deletes} counted {@code n}: the rate from {@code start} to the last delete, and at steady
     * state, between the 10th and the 90th percentile of deletes.
     */
    private static LibraryRun awaitDeletes(DeleteWatch deletes, int n, long start) {
        try {
            if (!deletes.await(RUN_TIMEOUT.toMillis())) {
                throw new IllegalStateException("a run stalled: " + deletes.deleted() + " of " + n
                        + " messages deleted after " + RUN_TIMEOUT.toMinutes() + " minutes");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        long tenth = deletes.tenthNanos();
        long ninetieth = deletes.ninetiethNanos();
        double steady = ninetieth <= tenth ? Double.NaN : (n * 8 / 10) / ((ninetieth - tenth) / 1e9);
        return new LibraryRun(n / ((deletes.lastNanos() - start) / 1e9), steady);
    }

    private LibraryRun library(int n, SqsConsumer.Builder builder) {
        DeleteWatch deletes = new DeleteWatch(n);
        SqsConsumer consumer = builder.listener(deletes).build();
        long start = System.nanoTime();
        consumer.start();
        try {
            return awaitDeletes(deletes, n, start);
        } finally {
            // close() waits out the pollers' 20 s long polls on the now empty queue: off the clock, in the
            // background, and before the next measured run starts (see inTurns) and the clients are closed.
            closing.add(CompletableFuture.runAsync(consumer::close, closer));
        }
    }

    /**
     * Runs a consumer as a user who sets no listener has it, until {@code n} messages are deleted; the rate counts
     * from start() to the last delete. The handler's n-th call wakes this thread; the deletes then trail by a
     * batch or so, and the consumer's metrics are read every 0.2 ms until they are all confirmed. (A listener
     * would cost the consumer CPU per message, and a hop to its {@code -acks} thread per delete batch, that a
     * consumer without listeners does not pay.)
     *
     * @return messages per second
     */
    double unwatched(int n, SqsConsumer.Builder builder, Consumer<SqsMessage> handler) {
        AtomicInteger handled = new AtomicInteger();
        CountDownLatch allHandled = new CountDownLatch(1);
        SqsConsumer consumer = builder.handler(message -> {
            handler.accept(message);
            if (handled.incrementAndGet() == n) {
                allHandled.countDown();
            }
        }).build();
        long start = System.nanoTime();
        consumer.start();
        try {
            if (!allHandled.await(RUN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("a run stalled: " + handled.get() + " of " + n
                        + " messages handled after " + RUN_TIMEOUT.toMinutes() + " minutes");
            }
            long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();
            while (consumer.metrics().deleted() < n) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("a run stalled: " + consumer.metrics().deleted() + " of " + n
                            + " messages deleted after " + RUN_TIMEOUT.toMinutes() + " minutes");
                }
                LockSupport.parkNanos(200_000);
            }
            return n / ((System.nanoTime() - start) / 1e9);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            closing.add(CompletableFuture.runAsync(consumer::close, closer));
        }
    }

    /**
     * Deletes the queue of a consumer that closed in another JVM once the long polls it left on the server have
     * ended (the queue is empty by then): ElasticMQ logs an error for each long poll on a deleted queue. Not
     * awaited: the server goes when the benchmark ends.
     */
    private void deleteAfterLongPolls(String queue) {
        lateDeletions.schedule(() -> {
            try {
                workloads.deleteQueue(queue);
            } catch (RuntimeException e) {
                log.println("deleting the queue " + queue + " failed: " + e);
            }
        }, SqsConsumer.Builder.DEFAULT_WAIT_TIME.toSeconds() + 2, TimeUnit.SECONDS);
    }

    /** Waits for the consumers still closing; call before closing the clients they use. */
    void awaitClosed() {
        CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).join();
        closing.clear();
    }

    private String fillStandard(String prefix, int n, int visibilitySeconds) {
        String queue = workloads.standardQueue(prefix, visibilitySeconds);
        workloads.fill(queue, n);
        return queue;
    }

    private String fillFifo(String prefix, int n) {
        String queue = workloads.fifoQueue(prefix);
        workloads.fillFifo(queue, n, FIFO_GROUPS);
        return queue;
    }

    private void pacedSend(String queue, int n) {
        long next = System.nanoTime();
        for (int sent = 0; sent < n; sent += 5) {
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
            for (int i = sent; i < Math.min(sent + 5, n); i++) {
                entries.add(SendMessageBatchRequestEntry.builder().id("m" + (i - sent))
                        .messageBody(Integer.toString(i)).build());
            }
            prepare.sendMessageBatch(r -> r.queueUrl(queue).entries(entries));
            next += 10_000_000L;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                sleep(Duration.ofNanos(wait));
            }
        }
    }

    private static String name(Clients.AsyncKind kind) {
        return kind == Clients.AsyncKind.NETTY ? "Netty" : "CRT";
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis(), (int) (duration.toNanos() % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}

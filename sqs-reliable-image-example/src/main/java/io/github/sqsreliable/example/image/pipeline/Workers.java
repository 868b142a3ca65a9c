package io.github.sqsreliable.example.image.pipeline;

import io.github.sqsreliable.MessageHandler;
import io.github.sqsreliable.SqsConsumer;
import io.github.sqsreliable.example.image.monitoring.QueueDepthHistory;
import io.github.sqsreliable.idempotency.IdempotencyStore;
import io.github.sqsreliable.micrometer.SqsReliableMeters;
import io.github.sqsreliable.observe.MessageTracing;
import io.github.sqsreliable.observe.ConsumerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * The two stages' consumers, wired with everything sqs-reliable offers (the policies are {@link StagePolicies},
 * shared with the Lambda form):
 * <ul>
 *   <li>resize: FIFO queue (one user's images in order, users in parallel), retried on the same queue with
 *       exponential backoff, then its FIFO dead-letter queue;</li>
 *   <li>catalog: standard queue, two tries on the same queue, then a delayed retry queue, then its dead-letter
 *       queue; idempotent by image id.</li>
 * </ul>
 * Throttled storage is transient; an image that cannot be decoded is permanent (straight to the DLQ). Both
 * publish their meters to a Micrometer registry ({@code SqsReliableMeters.bindTo}) and sample their queues' depths
 * every {@link #QUEUE_SAMPLING} into a {@link QueueDepthHistory}.
 */
public final class Workers implements AutoCloseable {

    /** The resize consumer's name, in metrics and logs. */
    public static final String RESIZE = "resize";
    /** The catalog consumer's name, in metrics and logs. */
    public static final String CATALOG = "catalog";

    /**
     * How often each consumer samples its queues' depths on the embedded ElasticMQ: 2 seconds, so that the gallery's
     * chart and the demo's curve move. There a GetQueueAttributes call costs nothing; on AWS, where each is a billed
     * request, the consumers keep the library's default of a minute.
     */
    public static final Duration QUEUE_SAMPLING = Duration.ofSeconds(2);

    static final int RESIZE_PREFETCH = 20;
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(20);

    private final SqsConsumer resize;
    private final SqsConsumer catalog;
    private final StatusListener resizeListener;
    private final StatusListener catalogListener;

    private Workers(SqsConsumer resize, SqsConsumer catalog, StatusListener resizeListener,
            StatusListener catalogListener) {
        this.resize = resize;
        this.catalog = catalog;
        this.resizeListener = resizeListener;
        this.catalogListener = catalogListener;
    }

    /**
     * Builds and starts both consumers.
     *
     * @param config concurrency and backoff
     * @param sqs the client
     * @param queues the queues
     * @param resizeStage stage 1's handler
     * @param catalogStage stage 2's handler: a {@link CatalogStage}, or a {@link TransactionalCatalogStage} in
     *     {@code idempotencyStore}'s transactional mode
     * @param idempotencyStore stage 2's idempotency store
     * @param board where retries and dead letters are recorded
     * @param clock the time source
     * @param meters where both consumers' {@code sqs.reliable.*} meters go
     * @param queueDepths where both consumers' queue depth samples go
     * @param tracing traces both consumers' handler calls ({@link MessageTracing#none()} for none)
     */
    public static Workers start(PipelineConfig config, SqsAsyncClient sqs, PipelineQueues queues,
            ResizeStage resizeStage, MessageHandler catalogStage, IdempotencyStore idempotencyStore,
            StatusBoard board, Clock clock, MeterRegistry meters, QueueDepthHistory queueDepths,
            MessageTracing tracing) {
        Objects.requireNonNull(idempotencyStore, "idempotencyStore");
        Objects.requireNonNull(meters, "meters");
        Objects.requireNonNull(queueDepths, "queueDepths");
        StagePolicies policies = StagePolicies.withRetryBackoff(config.retryBackoff());
        StatusListener resizeListener = StatusListener.resize(board, clock, StatusListener.Writes.QUEUED);
        StatusListener catalogListener = StatusListener.catalog(board, clock, StatusListener.Writes.QUEUED);

        SqsConsumer resize = SqsConsumer.builder()
                .name(RESIZE)
                .sqsClient(sqs)
                .queueUrl(queues.resize())
                .chainHandler(resizeStage)
                .maxConcurrency(config.resizeConcurrency())
                // A FIFO receive brings several messages of one group, and only one of them can run at a time:
                // room for more messages lets the pollers bring other users' images to the idle workers.
                .prefetch(RESIZE_PREFETCH)
                .errorClassifier(policies.errorClassifier())
                .retryPolicy(policies.resize(queues.resizeDeadLetter()))
                .listener(resizeListener)
                // Metrics in one line; each consumer gets a listener of its own.
                .listener(SqsReliableMeters.bindTo(meters))
                .queueSampling(queueSampling(config))
                .listener(queueDepths.listener())
                .tracing(tracing)
                .shutdownTimeout(SHUTDOWN_TIMEOUT)
                .build();
        SqsConsumer catalog = SqsConsumer.builder()
                .name(CATALOG)
                .sqsClient(sqs)
                .queueUrl(queues.catalog())
                .handler(catalogStage)
                .maxConcurrency(config.catalogConcurrency())
                .errorClassifier(policies.errorClassifier())
                .retryPolicy(policies.catalog(queues.catalogRetry(), queues.catalogDeadLetter()))
                .idempotency(policies.catalogIdempotency(idempotencyStore))
                .listener(catalogListener)
                .listener(SqsReliableMeters.bindTo(meters))
                .queueSampling(queueSampling(config))
                .listener(queueDepths.listener())
                .tracing(tracing)
                .shutdownTimeout(SHUTDOWN_TIMEOUT)
                .build();
        catalog.start();
        resize.start();
        return new Workers(resize, catalog, resizeListener, catalogListener);
    }

    /**
     * Every 2 s on the embedded ElasticMQ or another local endpoint; on AWS, where each call is billed, the library's
     * default minute.
     */
    static Duration queueSampling(PipelineConfig config) {
        return config.embeddedSqs() || config.sqsEndpoint().isPresent() ? QUEUE_SAMPLING
                : SqsConsumer.Builder.DEFAULT_QUEUE_SAMPLING;
    }

    /** Each consumer's metrics, by name. */
    public Map<String, ConsumerMetrics> metrics() {
        Map<String, ConsumerMetrics> metrics = new LinkedHashMap<>();
        metrics.put(RESIZE, resize.metrics());
        metrics.put(CATALOG, catalog.metrics());
        return metrics;
    }

    /**
     * Stops stage 1 first, so that it sends nothing more to stage 2, then stage 2, then finishes the status
     * writes of both.
     */
    @Override
    public void close() {
        resize.close();
        catalog.close();
        resizeListener.close();
        catalogListener.close();
    }

}

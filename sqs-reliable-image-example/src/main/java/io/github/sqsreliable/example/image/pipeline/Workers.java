package io.github.sqsreliable.example.image.pipeline;

import io.github.sqsreliable.SqsConsumer;
import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.example.image.faults.StorageThrottledException;
import io.github.sqsreliable.idempotency.Idempotency;
import io.github.sqsreliable.idempotency.IdempotencyStore;
import io.github.sqsreliable.observe.ConsumerMetrics;
import io.github.sqsreliable.retry.Backoff;
import io.github.sqsreliable.retry.ErrorClassifier;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * The two stages' consumers, wired with everything sqs-reliable offers:
 * <ul>
 *   <li>resize: FIFO queue (one user's images in order, users in parallel), retried on the same queue with
 *       exponential backoff, then its FIFO dead-letter queue;</li>
 *   <li>catalog: standard queue, two tries on the same queue, then a delayed retry queue, then its dead-letter
 *       queue; idempotent by image id.</li>
 * </ul>
 * Throttled storage is transient; an image that cannot be decoded is permanent (straight to the DLQ).
 */
public final class Workers implements AutoCloseable {

    /** The resize consumer's name, in metrics and logs. */
    public static final String RESIZE = "resize";
    /** The catalog consumer's name, in metrics and logs. */
    public static final String CATALOG = "catalog";

    /**
     * Attempts on the FIFO queue. Generous on purpose: on a FIFO queue, the later messages of a group that
     * arrived in the same receive are released when an earlier one fails, and each release counts as a receive.
     */
    static final int RESIZE_ATTEMPTS = 30;
    static final int RESIZE_PREFETCH = 20;
    static final int CATALOG_SAME_QUEUE_ATTEMPTS = 2;
    static final int CATALOG_RETRY_QUEUE_ATTEMPTS = 6;
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(8);
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
     * @param catalogStage stage 2's handler
     * @param idempotencyStore stage 2's idempotency store
     * @param board where retries and dead letters are recorded
     * @param clock the time source
     */
    public static Workers start(PipelineConfig config, SqsAsyncClient sqs, PipelineQueues queues,
            ResizeStage resizeStage, CatalogStage catalogStage, IdempotencyStore idempotencyStore,
            StatusBoard board, Clock clock) {
        Objects.requireNonNull(idempotencyStore, "idempotencyStore");
        ErrorClassifier classifier = ErrorClassifier.builder()
                .transientOn(StorageThrottledException.class)
                .build();
        Backoff backoff = Backoff.exponential(config.retryBackoff(), 2.0,
                MAX_BACKOFF.compareTo(config.retryBackoff()) < 0 ? config.retryBackoff() : MAX_BACKOFF, 0.5);

        StatusListener resizeListener = new StatusListener(RESIZE, board,
                message -> imageId(message, ResizeRequest.class, ResizeRequest::imageId), clock);
        StatusListener catalogListener = new StatusListener(CATALOG, board,
                message -> imageId(message, CatalogRequest.class, CatalogRequest::imageId), clock);

        SqsConsumer resize = SqsConsumer.builder()
                .name(RESIZE)
                .sqsClient(sqs)
                .queueUrl(queues.resize())
                .handler(resizeStage)
                .maxConcurrency(config.resizeConcurrency())
                // A FIFO receive brings several messages of one group, and only one of them can run at a time:
                // room for more messages lets the pollers bring other users' images to the idle workers.
                .prefetch(RESIZE_PREFETCH)
                .errorClassifier(classifier)
                .retry(retry -> retry.onSameQueue(RESIZE_ATTEMPTS, backoff)
                        .thenDeadLetter(queues.resizeDeadLetter()))
                .listener(resizeListener)
                .shutdownTimeout(SHUTDOWN_TIMEOUT)
                .build();
        SqsConsumer catalog = SqsConsumer.builder()
                .name(CATALOG)
                .sqsClient(sqs)
                .queueUrl(queues.catalog())
                .handler(catalogStage)
                .maxConcurrency(config.catalogConcurrency())
                .errorClassifier(classifier)
                .retry(retry -> retry.onSameQueue(CATALOG_SAME_QUEUE_ATTEMPTS, backoff)
                        .thenQueue(queues.catalogRetry(), CATALOG_RETRY_QUEUE_ATTEMPTS, backoff)
                        .thenDeadLetter(queues.catalogDeadLetter()))
                .idempotency(Idempotency.builder()
                        .store(idempotencyStore)
                        .namespace("image-catalog")
                        .key(CatalogStage::imageIdOf)
                        .build())
                .listener(catalogListener)
                .shutdownTimeout(SHUTDOWN_TIMEOUT)
                .build();
        catalog.start();
        resize.start();
        return new Workers(resize, catalog, resizeListener, catalogListener);
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

    private static <T> Optional<String> imageId(SqsMessage message, Class<T> type, Function<T, String> id) {
        try {
            return Optional.ofNullable(id.apply(Json.read(message.body(), type)));
        } catch (Json.MalformedJsonException e) {
            return Optional.empty();
        }
    }
}

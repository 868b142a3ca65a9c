package io.github.sqsreliable.example.image.pipeline;

import io.github.sqsreliable.example.image.faults.StorageThrottledException;
import io.github.sqsreliable.idempotency.Idempotency;
import io.github.sqsreliable.idempotency.IdempotencyStore;
import io.github.sqsreliable.retry.Backoff;
import io.github.sqsreliable.retry.ErrorClassifier;
import io.github.sqsreliable.retry.RetryPolicy;
import java.time.Duration;
import java.util.Objects;

/**
 * What the two stages do when a message fails, in one place for both of the example's forms: the polling
 * consumers of {@link Workers} and the Lambda functions of {@code io.github.sqsreliable.example.image.lambda}.
 * <ul>
 *   <li>classification: throttled storage is transient; an image that cannot be decoded is a
 *       {@link io.github.sqsreliable.retry.PermanentFailureException} thrown by the stage (straight to the DLQ);</li>
 *   <li>resize: {@value #RESIZE_ATTEMPTS} attempts on its FIFO queue with exponential backoff, then its FIFO
 *       dead-letter queue;</li>
 *   <li>catalog: {@value #CATALOG_SAME_QUEUE_ATTEMPTS} attempts on its queue, {@value #CATALOG_RETRY_QUEUE_ATTEMPTS}
 *       on a delayed retry queue, then its dead-letter queue; idempotent by image id in the namespace
 *       {@value #CATALOG_IDEMPOTENCY_NAMESPACE}, so both forms recognise each other's work in a shared store.</li>
 * </ul>
 * Immutable and thread-safe.
 */
public final class StagePolicies {

    /** The default first retry delay: 1 s; later ones double, with jitter, up to {@link #MAX_BACKOFF}. */
    public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofSeconds(1);
    /** The longest retry delay, 8 s, unless the first delay is longer. */
    public static final Duration MAX_BACKOFF = Duration.ofSeconds(8);
    /**
     * Attempts on the FIFO resize queue. Generous on purpose: on a FIFO queue, the later messages of a group that
     * arrived in the same receive are released when an earlier one fails, and each release counts as a receive.
     */
    public static final int RESIZE_ATTEMPTS = 30;
    /** Catalog attempts on the catalog queue itself. */
    public static final int CATALOG_SAME_QUEUE_ATTEMPTS = 2;
    /** Catalog attempts on the catalog retry queue, after those on the catalog queue. */
    public static final int CATALOG_RETRY_QUEUE_ATTEMPTS = 6;
    /** The catalog stage's idempotency namespace. */
    public static final String CATALOG_IDEMPOTENCY_NAMESPACE = "image-catalog";

    private static final ErrorClassifier CLASSIFIER = ErrorClassifier.builder()
            .transientOn(StorageThrottledException.class)
            .build();

    private final Backoff backoff;

    private StagePolicies(Duration retryBackoff) {
        Objects.requireNonNull(retryBackoff, "retryBackoff");
        if (retryBackoff.isNegative() || retryBackoff.isZero()) {
            throw new IllegalArgumentException("retryBackoff (" + retryBackoff + ") must be positive");
        }
        this.backoff = Backoff.exponential(retryBackoff, 2.0,
                MAX_BACKOFF.compareTo(retryBackoff) < 0 ? retryBackoff : MAX_BACKOFF, 0.5);
    }

    /** The policies with {@link #DEFAULT_RETRY_BACKOFF}. */
    public static StagePolicies defaults() {
        return withRetryBackoff(DEFAULT_RETRY_BACKOFF);
    }

    /**
     * The policies with another first retry delay (the demo and the tests shorten it).
     *
     * @param retryBackoff the first retry delay, positive
     */
    public static StagePolicies withRetryBackoff(Duration retryBackoff) {
        return new StagePolicies(retryBackoff);
    }

    /** Which failures are transient: throttled storage, besides the library's defaults. */
    public ErrorClassifier errorClassifier() {
        return CLASSIFIER;
    }

    /** The delay before each retry of either stage. */
    public Backoff backoff() {
        return backoff;
    }

    /**
     * The resize stage's retries.
     *
     * @param resizeDeadLetterQueueUrl the resize queue's FIFO dead-letter queue
     */
    public RetryPolicy resize(String resizeDeadLetterQueueUrl) {
        return RetryPolicy.builder()
                .onSameQueue(RESIZE_ATTEMPTS, backoff)
                .thenDeadLetter(resizeDeadLetterQueueUrl)
                .build();
    }

    /**
     * The catalog stage's retries.
     *
     * @param catalogRetryQueueUrl the delayed retry tier (consumed by the catalog stage too)
     * @param catalogDeadLetterQueueUrl the catalog queue's dead-letter queue
     */
    public RetryPolicy catalog(String catalogRetryQueueUrl, String catalogDeadLetterQueueUrl) {
        return RetryPolicy.builder()
                .onSameQueue(CATALOG_SAME_QUEUE_ATTEMPTS, backoff)
                .thenQueue(catalogRetryQueueUrl, CATALOG_RETRY_QUEUE_ATTEMPTS, backoff)
                .thenDeadLetter(catalogDeadLetterQueueUrl)
                .build();
    }

    /**
     * The catalog stage's idempotency: keyed by the image id of {@link CatalogStage#imageIdOf}.
     *
     * @param store where the keys are kept
     */
    public Idempotency catalogIdempotency(IdempotencyStore store) {
        return Idempotency.builder()
                .store(Objects.requireNonNull(store, "store"))
                .namespace(CATALOG_IDEMPOTENCY_NAMESPACE)
                .key(CatalogStage::imageIdOf)
                .build();
    }

    @Override
    public String toString() {
        return "StagePolicies[backoff=" + backoff + "]";
    }
}

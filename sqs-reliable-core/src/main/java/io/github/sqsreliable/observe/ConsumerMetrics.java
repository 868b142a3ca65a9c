package io.github.sqsreliable.observe;

import java.time.Duration;

/**
 * A point-in-time snapshot of a consumer's counters, from {@code SqsConsumer.metrics()}. Counters are
 * totals since the consumer was built; latencies cover every handler call since then, with about 3 %
 * precision.
 *
 * @param received messages received
 * @param succeeded handler calls that returned normally
 * @param failed handler calls that threw
 * @param visibilityExtensions visibility extensions SQS confirmed (one per message per extension)
 * @param leasesLost leases lost (see {@link ConsumerEvent.LeaseLost})
 * @param visibilityExtensionsRefused extensions SQS refused because of the consumer's configuration (one per
 *     message per attempt; see {@link ConsumerEvent.VisibilityExtensionRefused}): alarm on any
 * @param redeliveredWhileHeld messages received again while an earlier copy's handler still ran here (see
 *     {@link ConsumerEvent.RedeliveredWhileHeld}); without idempotency, each is a concurrent duplicate run
 * @param deleted deletes SQS confirmed
 * @param deleteFailures deletes that failed for good
 * @param released messages released unprocessed
 * @param pollFailures failed ReceiveMessage calls
 * @param retriesScheduled failed messages set to be retried on the same queue after a backoff
 * @param movedToRetryQueue failed messages moved to a retry queue
 * @param deadLettered messages sent to the dead-letter queue
 * @param moveFailures failed moves to a retry or dead-letter queue, one per try (the original stays, and the move
 *     is tried again after a backoff without running the handler)
 * @param duplicatesSkipped messages not handled because their idempotency key was done (deleted as duplicates)
 * @param duplicatesInProgress messages not handled yet because another consumer held their key
 * @param idempotencyStoreFailures idempotency store calls that failed or timed out
 * @param inFlight messages held now: received and not yet deleted, released or given up
 * @param handlerLatencyP50 median handler duration, zero before the first call
 * @param handlerLatencyP99 99th percentile handler duration, zero before the first call
 * @param handlerLatencyMax longest handler duration, zero before the first call
 */
public record ConsumerMetrics(
        long received,
        long succeeded,
        long failed,
        long visibilityExtensions,
        long leasesLost,
        long visibilityExtensionsRefused,
        long redeliveredWhileHeld,
        long deleted,
        long deleteFailures,
        long released,
        long pollFailures,
        long retriesScheduled,
        long movedToRetryQueue,
        long deadLettered,
        long moveFailures,
        long duplicatesSkipped,
        long duplicatesInProgress,
        long idempotencyStoreFailures,
        int inFlight,
        Duration handlerLatencyP50,
        Duration handlerLatencyP99,
        Duration handlerLatencyMax) {

    /**
     * The snapshot without the counters added later ({@code visibilityExtensionsRefused},
     * {@code redeliveredWhileHeld}), which read zero: keeps code that builds snapshots itself (test fakes)
     * compiling.
     *
     * @param received see the record's received
     * @param succeeded see the record's succeeded
     * @param failed see the record's failed
     * @param visibilityExtensions see the record's visibilityExtensions
     * @param leasesLost see the record's leasesLost
     * @param deleted see the record's deleted
     * @param deleteFailures see the record's deleteFailures
     * @param released see the record's released
     * @param pollFailures see the record's pollFailures
     * @param retriesScheduled see the record's retriesScheduled
     * @param movedToRetryQueue see the record's movedToRetryQueue
     * @param deadLettered see the record's deadLettered
     * @param moveFailures see the record's moveFailures
     * @param duplicatesSkipped see the record's duplicatesSkipped
     * @param duplicatesInProgress see the record's duplicatesInProgress
     * @param idempotencyStoreFailures see the record's idempotencyStoreFailures
     * @param inFlight see the record's inFlight
     * @param handlerLatencyP50 see the record's handlerLatencyP50
     * @param handlerLatencyP99 see the record's handlerLatencyP99
     * @param handlerLatencyMax see the record's handlerLatencyMax
     */
    public ConsumerMetrics(long received, long succeeded, long failed, long visibilityExtensions, long leasesLost,
                           long deleted, long deleteFailures, long released, long pollFailures, long retriesScheduled,
                           long movedToRetryQueue, long deadLettered, long moveFailures, long duplicatesSkipped,
                           long duplicatesInProgress, long idempotencyStoreFailures, int inFlight,
                           Duration handlerLatencyP50, Duration handlerLatencyP99, Duration handlerLatencyMax) {
        this(received, succeeded, failed, visibilityExtensions, leasesLost, 0, 0, deleted, deleteFailures, released,
                pollFailures, retriesScheduled, movedToRetryQueue, deadLettered, moveFailures, duplicatesSkipped,
                duplicatesInProgress, idempotencyStoreFailures, inFlight, handlerLatencyP50, handlerLatencyP99,
                handlerLatencyMax);
    }
}

package io.github.sqsreliable.observe;

import java.time.Instant;
import java.util.Objects;

/**
 * One queue's message counts as SQS reported them in a {@code GetQueueAttributes} call: the approximate numbers of
 * messages visible ({@code ApproximateNumberOfMessages}), in flight ({@code ApproximateNumberOfMessagesNotVisible})
 * and delayed ({@code ApproximateNumberOfMessagesDelayed}). SQS says these are approximate: on a busy queue they may
 * lag by about a minute.
 *
 * @param queueUrl the queue
 * @param role what the queue is to the consumer
 * @param visible messages available to receive
 * @param inFlight messages received by someone and not yet deleted or visible again
 * @param delayed messages not yet available because of a delay
 * @param sampledAt when the answer arrived
 */
public record QueueDepth(String queueUrl, QueueRole role, long visible, long inFlight, long delayed,
                         Instant sampledAt) {

    /**
     * Checks that no reference is null and no count negative.
     *
     * @param queueUrl the queue
     * @param role what the queue is to the consumer
     * @param visible messages available to receive
     * @param inFlight messages in flight
     * @param delayed messages delayed
     * @param sampledAt when the answer arrived
     */
    public QueueDepth {
        Objects.requireNonNull(queueUrl, "queueUrl");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(sampledAt, "sampledAt");
        if (visible < 0 || inFlight < 0 || delayed < 0) {
            throw new IllegalArgumentException("counts must not be negative: " + visible + ", " + inFlight + ", "
                    + delayed);
        }
    }

    /** What a sampled queue is to the consumer. */
    public enum QueueRole {
        /** The queue the consumer was built for. */
        MAIN,
        /** A retry queue of the consumer's retry policy. */
        RETRY,
        /** Where the consumer's failures end: the retry policy's dead-letter queue, else the RedrivePolicy's. */
        DEAD_LETTER
    }
}

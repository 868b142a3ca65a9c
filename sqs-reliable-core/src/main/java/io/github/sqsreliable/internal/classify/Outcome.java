package io.github.sqsreliable.internal.classify;

import io.github.sqsreliable.retry.FailureRecord;
import java.time.Duration;

/**
 * What must happen to a handled message, as data: the router decides it, the settle stage applies it, and
 * nothing else changes the message's state on the queue.
 */
public sealed interface Outcome {

    /** The handler succeeded: delete the message. */
    record Acknowledge() implements Outcome {
    }

    /**
     * Try again on the same queue: the message becomes visible after {@code delay} (ChangeMessageVisibility).
     *
     * @param delay the backoff, already capped to what SQS allows from the message's receipt
     * @param attempt the attempt that failed, counted across tiers
     * @param cause what the handler threw, or {@code null} when no handler ran (a delayed arrival)
     */
    record RetryAfter(Duration delay, int attempt, Throwable cause) implements Outcome {
    }

    /**
     * Move the message: send a copy (body, message attributes, {@code record}) to {@code queueUrl}, then delete
     * the original only once the send succeeded.
     *
     * @param queueUrl the retry queue or dead-letter queue
     * @param delay the DelaySeconds of the copy, at most 15 minutes
     * @param record the failure history the copy carries, or null when the message has no room for it
     * @param deadLetterReason why the message is dead-lettered, or null for a move to a retry queue
     * @param attempt the attempt that failed, counted across tiers
     * @param cause what the handler threw
     */
    record Move(String queueUrl, Duration delay, FailureRecord record, FailureRecord.DeadLetterReason deadLetterReason,
                int attempt, Throwable cause) implements Outcome {

        /** @return whether the target is the dead-letter queue */
        public boolean deadLetter() {
            return deadLetterReason != null;
        }
    }

    /**
     * Make the message visible again at once, so the queue's RedrivePolicy can count its receives and
     * dead-letter it.
     *
     * @param cause what the handler threw
     */
    record Release(Throwable cause) implements Outcome {
    }

    /**
     * Leave the message as it is: it reappears when its visibility lapses. For failures the consumer cannot
     * route (a {@link VirtualMachineError} other than a handler's {@link StackOverflowError}, which is routed).
     *
     * @param cause what went wrong
     */
    record Redeliver(Throwable cause) implements Outcome {
    }

    /**
     * @return whether later messages of the same FIFO group may go on: true when this message is gone from the
     *     queue (deleted or moved), false when it will be delivered again and must stay ahead of them
     */
    default boolean letsGroupContinue() {
        return this instanceof Acknowledge || this instanceof Move;
    }
}

package io.github.sqsreliable.observe;

import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.retry.FailureRecord;
import java.time.Duration;
import java.util.Objects;

/**
 * What happened to a message or a poll, delivered to a {@link ConsumerListener}. Events are built only
 * when a listener is registered. None carries a receipt handle.
 */
public sealed interface ConsumerEvent {

    /** A message was received and is now held by the consumer. */
    record MessageReceived(SqsMessage message) implements ConsumerEvent {
        public MessageReceived {
            Objects.requireNonNull(message, "message");
        }
    }

    /** The handler returned normally; the message will be deleted. */
    record MessageSucceeded(SqsMessage message, Duration handlerDuration) implements ConsumerEvent {
        public MessageSucceeded {
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(handlerDuration, "handlerDuration");
        }
    }

    /** The handler threw; the message stays on the queue and is delivered again. */
    record MessageFailed(SqsMessage message, Throwable error, Duration handlerDuration) implements ConsumerEvent {
        public MessageFailed {
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(error, "error");
            Objects.requireNonNull(handlerDuration, "handlerDuration");
        }
    }

    /** The message's visibility was extended to {@code visibilityTimeout} from now. */
    record VisibilityExtended(SqsMessage message, Duration visibilityTimeout) implements ConsumerEvent {
        public VisibilityExtended {
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(visibilityTimeout, "visibilityTimeout");
        }
    }

    /**
     * The consumer no longer holds the message's lease: SQS may deliver it to someone else while its
     * handler still runs. {@code cause} is {@code null} when the reason is a limit, not an error.
     */
    record LeaseLost(SqsMessage message, LeaseLostReason reason, Throwable cause) implements ConsumerEvent {
        public LeaseLost {
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** SQS confirmed the message's deletion. */
    record MessageDeleted(SqsMessage message) implements ConsumerEvent {
        public MessageDeleted {
            Objects.requireNonNull(message, "message");
        }
    }

    /**
     * The delete failed after its retries, or was refused; the message will be delivered again once
     * its visibility lapses.
     */
    record DeleteFailed(SqsMessage message, Throwable cause) implements ConsumerEvent {
        public DeleteFailed {
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(cause, "cause");
        }
    }

    /** The message was handed back to the queue unprocessed (visibility set to zero). */
    record MessageReleased(SqsMessage message, ReleaseReason reason) implements ConsumerEvent {
        public MessageReleased {
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * A failed message will be tried again on the same queue after {@code delay} (its visibility was set to it).
     * {@code error} is {@code null} when no handler ran: a message moved with a delay longer than 15 minutes
     * waiting out the rest.
     */
    record RetryScheduled(SqsMessage message, int attempt, Duration delay, Throwable error) implements ConsumerEvent {
        public RetryScheduled {
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(delay, "delay");
        }
    }

    /** A failed message was sent to a retry queue, and the original deleted. */
    record MovedToRetryQueue(SqsMessage message, String retryQueueUrl, Duration delay, int attempt, Throwable error)
            implements ConsumerEvent {
        public MovedToRetryQueue {
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(retryQueueUrl, "retryQueueUrl");
            Objects.requireNonNull(delay, "delay");
            Objects.requireNonNull(error, "error");
        }
    }

    /** A message was sent to the dead-letter queue with its failure record, and the original deleted. */
    record DeadLettered(SqsMessage message, String deadLetterQueueUrl, FailureRecord.DeadLetterReason reason,
                        Throwable error) implements ConsumerEvent {
        public DeadLettered {
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(deadLetterQueueUrl, "deadLetterQueueUrl");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(error, "error");
        }
    }

    /**
     * Sending a message to a retry or dead-letter queue failed; the original, not deleted, reappears when its
     * visibility lapses and is routed again. (A delete that fails after a successful send is a
     * {@link DeleteFailed}: the copy then exists twice.)
     */
    record MoveFailed(SqsMessage message, String targetQueueUrl, Throwable cause) implements ConsumerEvent {
        public MoveFailed {
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(targetQueueUrl, "targetQueueUrl");
            Objects.requireNonNull(cause, "cause");
        }
    }

    /**
     * The handler did not run because the message's idempotency key is done ({@code inProgress} false: the message
     * was deleted as a duplicate) or held by another consumer right now ({@code inProgress} true: it is retried
     * once that holder's lease would have expired).
     */
    record DuplicateSkipped(SqsMessage message, boolean inProgress) implements ConsumerEvent {
        public DuplicateSkipped {
            Objects.requireNonNull(message, "message");
        }
    }

    /** A ReceiveMessage call failed; its poller slot waits {@code backoff} before the next one. */
    record PollFailed(String queueUrl, Throwable error, int consecutiveFailures, Duration backoff)
            implements ConsumerEvent {
        public PollFailed {
            Objects.requireNonNull(queueUrl, "queueUrl");
            Objects.requireNonNull(error, "error");
            Objects.requireNonNull(backoff, "backoff");
        }
    }

    /** Why a lease was lost. */
    enum LeaseLostReason {
        /** SQS refused the receipt handle: the message was deleted or received again elsewhere. */
        RECEIPT_HANDLE_INVALID,
        /** The handler ran past {@code maxProcessingTime} (or SQS's 12-hour limit); extension stopped. */
        MAX_PROCESSING_TIME_REACHED,
        /** Extending failed for longer than the remaining visibility. */
        EXTENSION_FAILED
    }

    /** Why a message was released unprocessed. */
    enum ReleaseReason {
        /** The consumer was closing and the message's handler had not started. */
        SHUTDOWN,
        /** An earlier message of the same FIFO message group failed; releasing keeps the group's order. */
        FIFO_GROUP_FAILED,
        /** The executor refused the handler task. */
        EXECUTOR_REJECTED,
        /** An earlier message of the same FIFO group could not take its idempotency key; order comes first. */
        FIFO_GROUP_BLOCKED,
        /**
         * The handler failed permanently and the consumer has no dead-letter queue: the message is made visible at
         * once so that the queue's RedrivePolicy dead-letters it after maxReceiveCount receives.
         */
        PERMANENT_FAILURE_TO_REDRIVE_POLICY
    }
}

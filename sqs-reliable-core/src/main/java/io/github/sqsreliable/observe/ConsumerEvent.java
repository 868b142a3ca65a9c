package io.github.sqsreliable.observe;

import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.retry.FailureKind;
import io.github.sqsreliable.retry.FailureRecord;
import java.time.Duration;
import java.util.Objects;

/**
 * What happened to a message or a poll, delivered to a {@link ConsumerListener}. Events are built only
 * when a listener is registered. None carries a receipt handle.
 */
public sealed interface ConsumerEvent {

    /**
     * A message was received and is now held by the consumer.
     *
     * @param message the received message
     */
    record MessageReceived(SqsMessage message) implements ConsumerEvent {
        /**
         * Checks that {@code message} is not null.
         *
         * @param message the received message
         */
        public MessageReceived {
            Objects.requireNonNull(message, "message");
        }
    }

    /**
     * The handler returned normally; the message will be deleted.
     *
     * @param message the message
     * @param handlerDuration how long the handler ran
     */
    record MessageSucceeded(SqsMessage message, Duration handlerDuration) implements ConsumerEvent {
        /**
         * Checks that neither value is null.
         *
         * @param message the message
         * @param handlerDuration how long the handler ran
         */
        public MessageSucceeded {
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(handlerDuration, "handlerDuration");
        }
    }

    /**
     * A handler call is about to start for the message (for a batch handler, one event per message of the batch).
     *
     * @param message the message
     * @param waited how long the message waited in the consumer between its receipt and this start: prefetched,
     *     queued for a worker, or held behind earlier messages of its FIFO group
     */
    record HandlerStarted(SqsMessage message, Duration waited) implements ConsumerEvent {
        /**
         * Checks that neither value is null.
         *
         * @param message the message
         * @param waited how long the message waited in the consumer
         */
        public HandlerStarted {
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(waited, "waited");
        }
    }

    /**
     * The handler threw; what happens next (retry, move, dead-letter, release) is told by the event that follows.
     *
     * @param message the message
     * @param error what the handler threw
     * @param handlerDuration how long the handler ran
     * @param kind how the {@code ErrorClassifier} classified the failure
     */
    record MessageFailed(SqsMessage message, Throwable error, Duration handlerDuration, FailureKind kind)
            implements ConsumerEvent {
        /**
         * Checks that no value is null.
         *
         * @param message the message
         * @param error what the handler threw
         * @param handlerDuration how long the handler ran
         * @param kind the failure's classification
         */
        public MessageFailed {
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(error, "error");
            Objects.requireNonNull(handlerDuration, "handlerDuration");
            Objects.requireNonNull(kind, "kind");
        }

        /**
         * A transient failure: keeps code that builds events itself (test fakes) compiling.
         *
         * @param message the message
         * @param error what the handler threw
         * @param handlerDuration how long the handler ran
         */
        public MessageFailed(SqsMessage message, Throwable error, Duration handlerDuration) {
            this(message, error, handlerDuration, FailureKind.TRANSIENT);
        }
    }

    /**
     * The message's visibility was extended to {@code visibilityTimeout} from now.
     *
     * @param message the message
     * @param visibilityTimeout the new visibility timeout, counted from the extension
     */
    record VisibilityExtended(SqsMessage message, Duration visibilityTimeout) implements ConsumerEvent {
        /**
         * Checks that neither value is null.
         *
         * @param message the message
         * @param visibilityTimeout the new visibility timeout
         */
        public VisibilityExtended {
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(visibilityTimeout, "visibilityTimeout");
        }
    }

    /**
     * The consumer no longer holds the message's lease: SQS may deliver it to someone else while its
     * handler still runs. {@code cause} is {@code null} when the reason is a limit, not an error.
     *
     * @param message the message
     * @param reason why the lease was lost
     * @param cause SQS's refusal of the receipt handle, or {@code null}
     */
    record LeaseLost(SqsMessage message, LeaseLostReason reason, Throwable cause) implements ConsumerEvent {
        /**
         * Checks that {@code message} and {@code reason} are not null.
         *
         * @param message the message
         * @param reason why the lease was lost
         * @param cause the error, or {@code null}
         */
        public LeaseLost {
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * SQS refused to extend visibility for a reason that lies in the consumer's configuration, not in a message:
     * the credentials lack {@code sqs:ChangeMessageVisibility} ({@code AccessDenied}), the queue does not exist,
     * or its URL is not a queue address. Reported once when the refusals begin (again only after an extension
     * succeeded in between); {@link ConsumerMetrics#visibilityExtensionsRefused()} counts every refused extension.
     * While it lasts, a handler that runs longer than the visibility timeout loses its message's visibility,
     * and SQS delivers the message again while the handler runs (see {@link RedeliveredWhileHeld}); no
     * {@link LeaseLost} is reported for each such message.
     *
     * @param queueUrl the queue
     * @param errorCode SQS's error code, e.g. {@code AccessDenied}
     * @param meaning what the refusal means, naming the permission or the queue
     * @param cause the refusal
     */
    record VisibilityExtensionRefused(String queueUrl, String errorCode, String meaning, Throwable cause)
            implements ConsumerEvent {
        /**
         * Checks that no value is null.
         *
         * @param queueUrl the queue
         * @param errorCode SQS's error code
         * @param meaning what the refusal means
         * @param cause the refusal
         */
        public VisibilityExtensionRefused {
            Objects.requireNonNull(queueUrl, "queueUrl");
            Objects.requireNonNull(errorCode, "errorCode");
            Objects.requireNonNull(meaning, "meaning");
            Objects.requireNonNull(cause, "cause");
        }
    }

    /**
     * A message was received again while this consumer still held an earlier copy of it, whose handler had not
     * finished: its visibility lapsed (extensions refused or failing, or {@code maxProcessingTime} reached).
     * Without idempotency the handler now runs for both copies at once; with it, the new copy waits for the key.
     * Each such receive counts toward the queue's {@code maxReceiveCount}.
     *
     * @param message the new copy
     */
    record RedeliveredWhileHeld(SqsMessage message) implements ConsumerEvent {
        /**
         * Checks that {@code message} is not null.
         *
         * @param message the new copy
         */
        public RedeliveredWhileHeld {
            Objects.requireNonNull(message, "message");
        }
    }

    /**
     * SQS confirmed the message's deletion.
     *
     * @param message the deleted message
     */
    record MessageDeleted(SqsMessage message) implements ConsumerEvent {
        /**
         * Checks that {@code message} is not null.
         *
         * @param message the deleted message
         */
        public MessageDeleted {
            Objects.requireNonNull(message, "message");
        }
    }

    /**
     * The delete failed after its retries, or was refused; the message will be delivered again once
     * its visibility lapses.
     *
     * @param message the message
     * @param cause why the delete failed
     */
    record DeleteFailed(SqsMessage message, Throwable cause) implements ConsumerEvent {
        /**
         * Checks that neither value is null.
         *
         * @param message the message
         * @param cause why the delete failed
         */
        public DeleteFailed {
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(cause, "cause");
        }
    }

    /**
     * The message was handed back to the queue unprocessed (visibility set to zero).
     *
     * @param message the message
     * @param reason why it was released
     */
    record MessageReleased(SqsMessage message, ReleaseReason reason) implements ConsumerEvent {
        /**
         * Checks that neither value is null.
         *
         * @param message the message
         * @param reason why it was released
         */
        public MessageReleased {
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * A failed message will be tried again on the same queue after {@code delay} (its visibility was set to it).
     * {@code error} is {@code null} when no handler ran: a message moved with a delay longer than 15 minutes
     * waiting out the rest.
     *
     * @param message the message
     * @param attempt the attempt that failed, counted across tiers
     * @param delay how long until the message is visible again
     * @param error what the handler threw, or {@code null}
     */
    record RetryScheduled(SqsMessage message, int attempt, Duration delay, Throwable error) implements ConsumerEvent {
        /**
         * Checks that {@code message} and {@code delay} are not null.
         *
         * @param message the message
         * @param attempt the attempt that failed
         * @param delay how long until the message is visible again
         * @param error what the handler threw, or {@code null}
         */
        public RetryScheduled {
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(delay, "delay");
        }
    }

    /**
     * A failed message was sent to a retry queue, and the original deleted.
     *
     * @param message the original message
     * @param retryQueueUrl the retry queue it was sent to
     * @param delay the DelaySeconds of the copy
     * @param attempt the attempt that failed, counted across tiers
     * @param error what the handler threw
     * @param recordForm how much of the failure record the copy carries: less than all of it only when the whole
     *     record would have made the copy too large for the retry queue, or the message had no room for it
     */
    record MovedToRetryQueue(SqsMessage message, String retryQueueUrl, Duration delay, int attempt, Throwable error,
                             FailureRecordForm recordForm) implements ConsumerEvent {
        /**
         * Checks that no value is null.
         *
         * @param message the original message
         * @param retryQueueUrl the retry queue
         * @param delay the DelaySeconds of the copy
         * @param attempt the attempt that failed
         * @param error what the handler threw
         * @param recordForm how much of the failure record the copy carries
         */
        public MovedToRetryQueue {
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(retryQueueUrl, "retryQueueUrl");
            Objects.requireNonNull(delay, "delay");
            Objects.requireNonNull(error, "error");
            Objects.requireNonNull(recordForm, "recordForm");
        }

        /**
         * An event for a copy that carries its whole failure record.
         *
         * @param message the original message
         * @param retryQueueUrl the retry queue
         * @param delay the DelaySeconds of the copy
         * @param attempt the attempt that failed
         * @param error what the handler threw
         */
        public MovedToRetryQueue(SqsMessage message, String retryQueueUrl, Duration delay, int attempt,
                                 Throwable error) {
            this(message, retryQueueUrl, delay, attempt, error, FailureRecordForm.FULL);
        }
    }

    /**
     * A message was sent to the dead-letter queue, and the original deleted.
     *
     * @param message the original message
     * @param deadLetterQueueUrl the dead-letter queue it was sent to
     * @param reason why it was dead-lettered
     * @param error what the handler threw
     * @param recordForm how much of the failure record the copy carries: less than all of it only when the whole
     *     record would have made the copy too large for the dead-letter queue, or the message had no room for it
     */
    record DeadLettered(SqsMessage message, String deadLetterQueueUrl, FailureRecord.DeadLetterReason reason,
                        Throwable error, FailureRecordForm recordForm) implements ConsumerEvent {
        /**
         * Checks that no value is null.
         *
         * @param message the original message
         * @param deadLetterQueueUrl the dead-letter queue
         * @param reason why it was dead-lettered
         * @param error what the handler threw
         * @param recordForm how much of the failure record the copy carries
         */
        public DeadLettered {
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(deadLetterQueueUrl, "deadLetterQueueUrl");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(error, "error");
            Objects.requireNonNull(recordForm, "recordForm");
        }

        /**
         * An event for a copy that carries its whole failure record.
         *
         * @param message the original message
         * @param deadLetterQueueUrl the dead-letter queue
         * @param reason why it was dead-lettered
         * @param error what the handler threw
         */
        public DeadLettered(SqsMessage message, String deadLetterQueueUrl, FailureRecord.DeadLetterReason reason,
                            Throwable error) {
            this(message, deadLetterQueueUrl, reason, error, FailureRecordForm.FULL);
        }
    }

    /**
     * Sending a message to a retry or dead-letter queue failed (the target refused it: missing, access denied, the
     * copy too large even without its failure record, ...). The original is not deleted: its visibility is set to
     * {@code retryIn}, and when it comes back the consumer tries the move again <em>without running the handler
     * again</em>. (A delete that fails after a successful send is a {@link DeleteFailed}: the copy then exists
     * twice.)
     *
     * @param message the original message
     * @param targetQueueUrl the retry or dead-letter queue the send was for
     * @param cause why the send failed
     * @param retryIn how long until the move is tried again
     */
    record MoveFailed(SqsMessage message, String targetQueueUrl, Throwable cause, Duration retryIn)
            implements ConsumerEvent {
        /**
         * Checks that no value is null.
         *
         * @param message the original message
         * @param targetQueueUrl the retry or dead-letter queue
         * @param cause why the send failed
         * @param retryIn how long until the move is tried again
         */
        public MoveFailed {
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(targetQueueUrl, "targetQueueUrl");
            Objects.requireNonNull(cause, "cause");
            Objects.requireNonNull(retryIn, "retryIn");
        }

        /**
         * An event without a known retry delay ({@link Duration#ZERO}).
         *
         * @param message the original message
         * @param targetQueueUrl the retry or dead-letter queue
         * @param cause why the send failed
         */
        public MoveFailed(SqsMessage message, String targetQueueUrl, Throwable cause) {
            this(message, targetQueueUrl, cause, Duration.ZERO);
        }
    }

    /**
     * The handler did not run because the message's idempotency key is done ({@code inProgress} false: the message
     * was deleted as a duplicate) or held by another consumer right now ({@code inProgress} true: it is retried
     * once that holder's lease would have expired).
     *
     * @param message the message
     * @param inProgress whether another consumer holds the key, rather than having completed it
     */
    record DuplicateSkipped(SqsMessage message, boolean inProgress) implements ConsumerEvent {
        /**
         * Checks that {@code message} is not null.
         *
         * @param message the message
         * @param inProgress whether another consumer holds the key
         */
        public DuplicateSkipped {
            Objects.requireNonNull(message, "message");
        }
    }

    /**
     * A ReceiveMessage call failed; its poller slot waits {@code backoff} before the next one.
     *
     * @param queueUrl the queue polled
     * @param error why the call failed
     * @param consecutiveFailures how many receives in a row have failed, this one included
     * @param backoff how long the slot waits before its next receive
     */
    record PollFailed(String queueUrl, Throwable error, int consecutiveFailures, Duration backoff)
            implements ConsumerEvent {
        /**
         * Checks that {@code queueUrl}, {@code error} and {@code backoff} are not null.
         *
         * @param queueUrl the queue polled
         * @param error why the call failed
         * @param consecutiveFailures failed receives in a row
         * @param backoff how long the slot waits
         */
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

    /**
     * How much of its {@link FailureRecord} a moved copy carries. SQS counts the record toward the message size
     * limit, so a message near its target's MaximumMessageSize carries a smaller record, or none, rather than not
     * moving at all.
     */
    enum FailureRecordForm {
        /** The whole record. */
        FULL,
        /** The record with its error message cut to fit, ending with {@code …} ({@code …} alone if cut entirely). */
        SHORTENED_ERROR_MESSAGE,
        /** The record without the error class and error message (both empty); every other field is kept. */
        ESSENTIAL_FIELDS,
        /** No record: even its essential fields would have made the copy larger than the target allows. */
        DROPPED_FOR_SIZE,
        /** No record: the message already had SQS's maximum of 10 message attributes. */
        DROPPED_FOR_ATTRIBUTE_COUNT
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

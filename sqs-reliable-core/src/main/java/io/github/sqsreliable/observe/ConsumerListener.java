package io.github.sqsreliable.observe;

/**
 * Receives the consumer's events. Every method has a no-op default, so implement only what you need.
 *
 * <p>Methods are called on the consumer's threads (pollers, workers or the threads of the executor you
 * supplied, the acknowledgement and visibility threads) and, for what {@code close()} gives up, on the thread
 * calling {@code close()}; never on the SDK's response threads. Calls may be concurrent: keep them fast,
 * non-blocking and thread-safe. An exception thrown by a listener is logged and otherwise ignored.
 */
public interface ConsumerListener {

    /**
     * The consumer started (for a consumer of several queues, once all of them did): register gauges here.
     *
     * @param consumer what the consumer tells about itself from now until it is closed
     */
    default void onConsumerStarted(ObservedConsumer consumer) {
    }

    /**
     * The consumer's queues were sampled: {@link ObservedConsumer#queueDepths()} has new values. Called once per
     * sampling interval, on the consumer's timer thread.
     *
     * @param consumer the consumer
     */
    default void onQueuesSampled(ObservedConsumer consumer) {
    }

    /**
     * The consumer closed: remove its gauges here.
     *
     * @param consumer the consumer, whose values no longer change
     */
    default void onConsumerClosed(ObservedConsumer consumer) {
    }

    /** @param event a message was received */
    default void onReceived(ConsumerEvent.MessageReceived event) {
    }

    /** @param event a handler call is about to start for a message */
    default void onHandlerStarted(ConsumerEvent.HandlerStarted event) {
    }

    /** @param event a handler returned normally */
    default void onSucceeded(ConsumerEvent.MessageSucceeded event) {
    }

    /** @param event a handler threw */
    default void onFailed(ConsumerEvent.MessageFailed event) {
    }

    /** @param event a message's visibility was extended */
    default void onVisibilityExtended(ConsumerEvent.VisibilityExtended event) {
    }

    /** @param event the consumer lost a message's lease */
    default void onLeaseLost(ConsumerEvent.LeaseLost event) {
    }

    /** @param event SQS refused visibility extensions because of the consumer's configuration (once per episode) */
    default void onVisibilityExtensionRefused(ConsumerEvent.VisibilityExtensionRefused event) {
    }

    /** @param event a message was received again while its earlier copy's handler still ran here */
    default void onRedeliveredWhileHeld(ConsumerEvent.RedeliveredWhileHeld event) {
    }

    /** @param event SQS confirmed a delete */
    default void onDeleted(ConsumerEvent.MessageDeleted event) {
    }

    /** @param event a delete failed for good */
    default void onDeleteFailed(ConsumerEvent.DeleteFailed event) {
    }

    /** @param event a message was released unprocessed */
    default void onReleased(ConsumerEvent.MessageReleased event) {
    }

    /** @param event a failed message will be retried on its queue after a delay */
    default void onRetryScheduled(ConsumerEvent.RetryScheduled event) {
    }

    /** @param event a failed message moved to a retry queue */
    default void onMovedToRetryQueue(ConsumerEvent.MovedToRetryQueue event) {
    }

    /** @param event a message was dead-lettered */
    default void onDeadLettered(ConsumerEvent.DeadLettered event) {
    }

    /**
     * @param event moving a message to a retry or dead-letter queue failed; the move is tried again after the
     *     event's {@code retryIn}, without running the handler again
     */
    default void onMoveFailed(ConsumerEvent.MoveFailed event) {
    }

    /** @param event a handler was not run because of the message's idempotency key */
    default void onDuplicateSkipped(ConsumerEvent.DuplicateSkipped event) {
    }

    /** @param event a receive call failed */
    default void onPollFailed(ConsumerEvent.PollFailed event) {
    }
}

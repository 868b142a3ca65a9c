package io.github.sqsreliable.internal.observe;

import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.observe.ConsumerEvent;
import io.github.sqsreliable.observe.ConsumerEvent.FailureRecordForm;
import io.github.sqsreliable.observe.ConsumerEvent.LeaseLostReason;
import io.github.sqsreliable.observe.ConsumerEvent.ReleaseReason;
import io.github.sqsreliable.observe.ConsumerListener;
import io.github.sqsreliable.observe.ConsumerMetrics;
import io.github.sqsreliable.observe.ObservedConsumer;
import io.github.sqsreliable.retry.FailureKind;
import io.github.sqsreliable.retry.FailureRecord;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where every stage reports what happened: counts it for {@link ConsumerMetrics} and, only when listeners are
 * registered, builds the event and hands it to each of them. A listener's exception is logged, never rethrown.
 */
public final class ConsumerEvents {

    private static final Logger log = LoggerFactory.getLogger(ConsumerEvents.class);

    private final List<ConsumerListener> listeners;
    private final LongAdder received = new LongAdder();
    private final LongAdder succeeded = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder extended = new LongAdder();
    private final LongAdder leasesLost = new LongAdder();
    private final LongAdder extensionsRefused = new LongAdder();
    private final LongAdder redeliveredWhileHeld = new LongAdder();
    private final LongAdder deleted = new LongAdder();
    private final LongAdder deleteFailures = new LongAdder();
    private final LongAdder released = new LongAdder();
    private final LongAdder pollFailures = new LongAdder();
    private final LongAdder retriesScheduled = new LongAdder();
    private final LongAdder movedToRetryQueue = new LongAdder();
    private final LongAdder deadLettered = new LongAdder();
    private final LongAdder moveFailures = new LongAdder();
    private final LongAdder duplicatesSkipped = new LongAdder();
    private final LongAdder duplicatesInProgress = new LongAdder();
    private final LongAdder idempotencyStoreFailures = new LongAdder();
    // Held messages are received minus left: two uncontended adders rather than one counter every thread hits.
    private final LongAdder left = new LongAdder();
    private final LatencyHistogram handlerLatency = new LatencyHistogram();

    /** @param listeners the listeners to notify, possibly none */
    public ConsumerEvents(List<ConsumerListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    /** @return whether any listener is registered: only then do events run user code */
    public boolean hasListeners() {
        return !listeners.isEmpty();
    }

    public void received(SqsMessage message) {
        received.increment();
        // On every message's path: with no listener, not even the lambda is made.
        if (!listeners.isEmpty()) {
            publish(l -> l.onReceived(new ConsumerEvent.MessageReceived(message)));
        }
    }

    /**
     * A handler call is about to start; builds an event only when listeners are registered.
     *
     * @param message the message
     * @param arrivedNanos {@link System#nanoTime()} when the message arrived in the consumer
     */
    public void handlerStarted(SqsMessage message, long arrivedNanos) {
        if (listeners.isEmpty()) {
            return;
        }
        Duration waited = Duration.ofNanos(Math.max(0, System.nanoTime() - arrivedNanos));
        publish(l -> l.onHandlerStarted(new ConsumerEvent.HandlerStarted(message, waited)));
    }

    public void succeeded(SqsMessage message, Duration handlerDuration) {
        succeeded.increment();
        handlerLatency.record(handlerDuration);
        if (!listeners.isEmpty()) {
            publish(l -> l.onSucceeded(new ConsumerEvent.MessageSucceeded(message, handlerDuration)));
        }
    }

    public void failed(SqsMessage message, Throwable error, Duration handlerDuration, FailureKind kind) {
        failed.increment();
        handlerLatency.record(handlerDuration);
        publish(l -> l.onFailed(new ConsumerEvent.MessageFailed(message, error, handlerDuration, kind)));
    }

    public void visibilityExtended(SqsMessage message, Duration visibilityTimeout) {
        extended.increment();
        publish(l -> l.onVisibilityExtended(new ConsumerEvent.VisibilityExtended(message, visibilityTimeout)));
    }

    public void leaseLost(SqsMessage message, LeaseLostReason reason, Throwable cause) {
        leasesLost.increment();
        publish(l -> l.onLeaseLost(new ConsumerEvent.LeaseLost(message, reason, cause)));
    }

    /** One extension refused because of the consumer's configuration; see {@link #visibilityExtensionRefused}. */
    public void extensionRefused() {
        extensionsRefused.increment();
    }

    /** Refusals for a configuration reason began: reported once per episode. */
    public void visibilityExtensionRefused(String queueUrl, String errorCode, String meaning, Throwable cause) {
        publish(l -> l.onVisibilityExtensionRefused(new ConsumerEvent.VisibilityExtensionRefused(queueUrl, errorCode,
                meaning, cause)));
    }

    public void redeliveredWhileHeld(SqsMessage message) {
        redeliveredWhileHeld.increment();
        publish(l -> l.onRedeliveredWhileHeld(new ConsumerEvent.RedeliveredWhileHeld(message)));
    }

    public void deleted(SqsMessage message) {
        deleted.increment();
        if (!listeners.isEmpty()) {
            publish(l -> l.onDeleted(new ConsumerEvent.MessageDeleted(message)));
        }
    }

    public void deleteFailed(SqsMessage message, Throwable cause) {
        deleteFailures.increment();
        publish(l -> l.onDeleteFailed(new ConsumerEvent.DeleteFailed(message, cause)));
    }

    public void released(SqsMessage message, ReleaseReason reason) {
        released.increment();
        publish(l -> l.onReleased(new ConsumerEvent.MessageReleased(message, reason)));
    }

    public void pollFailed(String queueUrl, Throwable error, int consecutiveFailures, Duration backoff) {
        pollFailures.increment();
        publish(l -> l.onPollFailed(new ConsumerEvent.PollFailed(queueUrl, error, consecutiveFailures, backoff)));
    }

    public void retryScheduled(SqsMessage message, int attempt, Duration delay, Throwable error) {
        retriesScheduled.increment();
        publish(l -> l.onRetryScheduled(new ConsumerEvent.RetryScheduled(message, attempt, delay, error)));
    }

    public void movedToRetryQueue(SqsMessage message, String queueUrl, Duration delay, int attempt, Throwable error,
                                  FailureRecordForm recordForm) {
        movedToRetryQueue.increment();
        publish(l -> l.onMovedToRetryQueue(new ConsumerEvent.MovedToRetryQueue(message, queueUrl, delay, attempt,
                error, recordForm)));
    }

    public void deadLettered(SqsMessage message, String queueUrl, FailureRecord.DeadLetterReason reason,
                             Throwable error, FailureRecordForm recordForm) {
        deadLettered.increment();
        publish(l -> l.onDeadLettered(new ConsumerEvent.DeadLettered(message, queueUrl, reason, error, recordForm)));
    }

    public void moveFailed(SqsMessage message, String queueUrl, Throwable cause, Duration retryIn) {
        moveFailures.increment();
        publish(l -> l.onMoveFailed(new ConsumerEvent.MoveFailed(message, queueUrl, cause, retryIn)));
    }

    public void duplicateSkipped(SqsMessage message, boolean inProgress) {
        (inProgress ? duplicatesInProgress : duplicatesSkipped).increment();
        publish(l -> l.onDuplicateSkipped(new ConsumerEvent.DuplicateSkipped(message, inProgress)));
    }

    /** The consumer started: tells the listeners what they may read from it. */
    public void consumerStarted(ObservedConsumer consumer) {
        publish(l -> l.onConsumerStarted(consumer));
    }

    /** The consumer's queues were sampled. */
    public void queuesSampled(ObservedConsumer consumer) {
        publish(l -> l.onQueuesSampled(consumer));
    }

    /** The consumer closed. */
    public void consumerClosed(ObservedConsumer consumer) {
        publish(l -> l.onConsumerClosed(consumer));
    }

    /** An idempotency store call failed or timed out. */
    public void idempotencyStoreFailed() {
        idempotencyStoreFailures.increment();
    }

    /** A held message left the consumer: deleted, released, left to lapse, or given up at shutdown. */
    public void messageLeft() {
        left.increment();
    }

    /** @return a snapshot of the counters */
    public ConsumerMetrics snapshot() {
        // Read before received: a message received and gone meanwhile is then counted as held, never as less.
        long leftSoFar = left.sum();
        long receivedSoFar = received.sum();
        return new ConsumerMetrics(receivedSoFar, succeeded.sum(), failed.sum(), extended.sum(), leasesLost.sum(),
                extensionsRefused.sum(), redeliveredWhileHeld.sum(), deleted.sum(), deleteFailures.sum(), released.sum(), pollFailures.sum(), retriesScheduled.sum(),
                movedToRetryQueue.sum(), deadLettered.sum(), moveFailures.sum(), duplicatesSkipped.sum(),
                duplicatesInProgress.sum(), idempotencyStoreFailures.sum(), (int) (receivedSoFar - leftSoFar),
                handlerLatency.percentile(0.50), handlerLatency.percentile(0.99), handlerLatency.max());
    }

    private void publish(Consumer<ConsumerListener> call) {
        for (ConsumerListener listener : listeners) {
            try {
                call.accept(listener);
            } catch (RuntimeException e) {
                log.warn("ConsumerListener {} threw; the consumer carries on", listener.getClass().getName(), e);
            }
        }
    }
}

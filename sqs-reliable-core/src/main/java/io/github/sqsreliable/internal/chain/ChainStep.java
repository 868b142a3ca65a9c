package io.github.sqsreliable.internal.chain;

import io.github.sqsreliable.MessageHandler;
import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.chain.ChainHandler;
import io.github.sqsreliable.observe.ConsumerEvent;
import io.github.sqsreliable.observe.ConsumerListener;
import io.github.sqsreliable.observe.ObservedConsumer;
import io.github.sqsreliable.publish.PublishException;
import io.github.sqsreliable.publish.PublishResult;
import io.github.sqsreliable.publish.SqsPublisher;
import io.github.sqsreliable.retry.TransientFailureException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/**
 * A chain handler as a plain {@link MessageHandler}: runs it, sends what it named, and returns only once SQS confirmed
 * every output, so that the consumer deletes the input only then. Waiting here is on the consumer's worker thread,
 * which holds the input's lease (its visibility is extended meanwhile), never on an SDK thread.
 *
 * <p>It is a {@link ConsumerListener} so that the consumer's close, which comes after every handler finished, also
 * closes a publisher the step created itself; events are passed on to a chain handler that is a listener too.
 */
final class ChainStep implements MessageHandler, ConsumerListener {

    private final ChainHandler handler;
    private final ConsumerListener handlerListener;
    private final Supplier<SqsPublisher> publisher;
    private final boolean ownsPublisher;
    private volatile SqsPublisher created;

    /**
     * @param publisher gives the publisher to send with; called on the first output only
     * @param ownsPublisher whether the step closes it when the consumer closes
     */
    ChainStep(ChainHandler handler, Supplier<SqsPublisher> publisher, boolean ownsPublisher) {
        this.handler = handler;
        this.handlerListener = handler instanceof ConsumerListener listener ? listener : null;
        this.publisher = publisher;
        this.ownsPublisher = ownsPublisher;
    }

    @Override
    public void handle(SqsMessage message) throws Exception {
        ChainOutputs next = new ChainOutputs(message);
        List<ChainOutputs.Output> outputs;
        try {
            handler.handle(message, next);
        } finally {
            // a handler that kept next cannot add to a call that has ended
            outputs = next.close();
        }
        if (outputs.isEmpty()) {
            return;
        }
        SqsPublisher sender = publisher();
        List<CompletableFuture<PublishResult>> sent = new ArrayList<>(outputs.size());
        for (ChainOutputs.Output output : outputs) {
            sent.add(sender.publish(output.queueUrl(), output.message()));
        }
        // Every answer is awaited, not just the first failure: an output still in flight when the input is retried
        // would race its own resend.
        Throwable firstFailure = null;
        int failed = 0;
        for (CompletableFuture<PublishResult> result : sent) {
            try {
                result.get();
            } catch (ExecutionException e) {
                failed++;
                if (firstFailure == null) {
                    firstFailure = e.getCause();
                }
            }
        }
        if (firstFailure != null) {
            String why = firstFailure instanceof PublishException refusal ? refusal.getMessage()
                    : firstFailure.getClass().getName();
            throw new TransientFailureException(failed + " of " + outputs.size() + " output(s) of message "
                    + message.messageId() + " not confirmed by SQS, so it is not deleted: " + why, firstFailure);
        }
    }

    private SqsPublisher publisher() {
        SqsPublisher current = created;
        if (current == null) {
            synchronized (this) {
                if (created == null) {
                    created = publisher.get();
                }
                current = created;
            }
        }
        return current;
    }

    /** Closes the publisher the step created, once no handler runs any more. */
    void closeOwnedPublisher() {
        SqsPublisher current;
        synchronized (this) {
            current = created;
        }
        if (ownsPublisher && current != null) {
            current.close();
        }
    }

    @Override
    public void onConsumerClosed(ObservedConsumer consumer) {
        try {
            if (handlerListener != null) {
                handlerListener.onConsumerClosed(consumer);
            }
        } finally {
            closeOwnedPublisher();
        }
    }

    @Override
    public String toString() {
        return "ChainStep[" + handler + "]";
    }

    // The chain handler hears the consumer's events as any handler that is a listener does.

    @Override
    public void onConsumerStarted(ObservedConsumer consumer) {
        if (handlerListener != null) {
            handlerListener.onConsumerStarted(consumer);
        }
    }

    @Override
    public void onQueuesSampled(ObservedConsumer consumer) {
        if (handlerListener != null) {
            handlerListener.onQueuesSampled(consumer);
        }
    }

    @Override
    public void onReceived(ConsumerEvent.MessageReceived event) {
        if (handlerListener != null) {
            handlerListener.onReceived(event);
        }
    }

    @Override
    public void onHandlerStarted(ConsumerEvent.HandlerStarted event) {
        if (handlerListener != null) {
            handlerListener.onHandlerStarted(event);
        }
    }

    @Override
    public void onSucceeded(ConsumerEvent.MessageSucceeded event) {
        if (handlerListener != null) {
            handlerListener.onSucceeded(event);
        }
    }

    @Override
    public void onFailed(ConsumerEvent.MessageFailed event) {
        if (handlerListener != null) {
            handlerListener.onFailed(event);
        }
    }

    @Override
    public void onVisibilityExtended(ConsumerEvent.VisibilityExtended event) {
        if (handlerListener != null) {
            handlerListener.onVisibilityExtended(event);
        }
    }

    @Override
    public void onLeaseLost(ConsumerEvent.LeaseLost event) {
        if (handlerListener != null) {
            handlerListener.onLeaseLost(event);
        }
    }

    @Override
    public void onVisibilityExtensionRefused(ConsumerEvent.VisibilityExtensionRefused event) {
        if (handlerListener != null) {
            handlerListener.onVisibilityExtensionRefused(event);
        }
    }

    @Override
    public void onRedeliveredWhileHeld(ConsumerEvent.RedeliveredWhileHeld event) {
        if (handlerListener != null) {
            handlerListener.onRedeliveredWhileHeld(event);
        }
    }

    @Override
    public void onDeleted(ConsumerEvent.MessageDeleted event) {
        if (handlerListener != null) {
            handlerListener.onDeleted(event);
        }
    }

    @Override
    public void onDeleteFailed(ConsumerEvent.DeleteFailed event) {
        if (handlerListener != null) {
            handlerListener.onDeleteFailed(event);
        }
    }

    @Override
    public void onReleased(ConsumerEvent.MessageReleased event) {
        if (handlerListener != null) {
            handlerListener.onReleased(event);
        }
    }

    @Override
    public void onRetryScheduled(ConsumerEvent.RetryScheduled event) {
        if (handlerListener != null) {
            handlerListener.onRetryScheduled(event);
        }
    }

    @Override
    public void onMovedToRetryQueue(ConsumerEvent.MovedToRetryQueue event) {
        if (handlerListener != null) {
            handlerListener.onMovedToRetryQueue(event);
        }
    }

    @Override
    public void onPollFailed(ConsumerEvent.PollFailed event) {
        if (handlerListener != null) {
            handlerListener.onPollFailed(event);
        }
    }

    @Override
    public void onDeadLettered(ConsumerEvent.DeadLettered event) {
        if (handlerListener != null) {
            handlerListener.onDeadLettered(event);
        }
    }

    @Override
    public void onMoveFailed(ConsumerEvent.MoveFailed event) {
        if (handlerListener != null) {
            handlerListener.onMoveFailed(event);
        }
    }

    @Override
    public void onDuplicateSkipped(ConsumerEvent.DuplicateSkipped event) {
        if (handlerListener != null) {
            handlerListener.onDuplicateSkipped(event);
        }
    }
}

package io.github.sqsreliable.internal.chain;

import io.github.sqsreliable.MessageHandler;
import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.chain.ChainHandler;
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
 * closes a publisher the step created itself. A chain handler that is a listener is registered by the builder on its
 * own, as any handler that is one.
 */
final class ChainStep implements MessageHandler, ConsumerListener {

    private final ChainHandler handler;
    private final Supplier<SqsPublisher> publisher;
    private final boolean ownsPublisher;
    private volatile SqsPublisher created;

    /**
     * @param publisher gives the publisher to send with; called on the first output only
     * @param ownsPublisher whether the step closes it when the consumer closes
     */
    ChainStep(ChainHandler handler, Supplier<SqsPublisher> publisher, boolean ownsPublisher) {
        this.handler = handler;
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
        closeOwnedPublisher();
    }

    @Override
    public String toString() {
        return "ChainStep[" + handler + "]";
    }
}

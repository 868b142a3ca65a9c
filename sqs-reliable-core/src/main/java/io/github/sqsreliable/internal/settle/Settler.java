package io.github.sqsreliable.internal.settle;

import io.github.sqsreliable.internal.InFlightMessage;
import io.github.sqsreliable.internal.classify.Outcome;
import io.github.sqsreliable.internal.lease.VisibilityExtender;
import io.github.sqsreliable.internal.observe.ConsumerEvents;
import io.github.sqsreliable.internal.receive.ReceivePermits;
import io.github.sqsreliable.observe.ConsumerEvent.ReleaseReason;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only stage that changes a message's state on the queue: applies each {@link Outcome} (delete, or leave
 * it to reappear), releases messages unprocessed, and gives up messages at shutdown. Every path first settles
 * the message, so its visibility is never extended after the delete or release was queued, and returns the
 * message's receive permit.
 */
public final class Settler {

    private static final Logger log = LoggerFactory.getLogger(Settler.class);
    private static final long EXTENSION_WAIT_SECONDS = 10;

    private final SqsBatcher deletes;
    private final SqsBatcher visibilityChanges;
    private final VisibilityExtender extender;
    private final ReceivePermits permits;
    private final ConsumerEvents events;

    public Settler(SqsBatcher deletes, SqsBatcher visibilityChanges, VisibilityExtender extender,
                   ReceivePermits permits, ConsumerEvents events) {
        this.deletes = deletes;
        this.visibilityChanges = visibilityChanges;
        this.extender = extender;
        this.permits = permits;
        this.events = events;
    }

    /**
     * Applies a handled message's outcome. Called on the worker thread, which may block briefly: for an
     * extension already in flight, and for room in the delete queue.
     *
     * @param message the message
     * @param outcome what to do
     */
    public void apply(InFlightMessage message, Outcome outcome) {
        CompletableFuture<Void> noExtensionInFlight = message.settle();
        permits.release(1);
        if (noExtensionInFlight == null) {
            return; // given up at shutdown: the consumer no longer owns it
        }
        extender.untrack(message);
        if (outcome instanceof Outcome.Acknowledge) {
            awaitQuietly(noExtensionInFlight);
            deletes.submit(message.receiptHandle(), 0).whenComplete((ok, error) -> {
                if (error == null) {
                    events.deleted(message.view());
                } else {
                    events.deleteFailed(message.view(), error);
                    log.warn("could not delete message {}; it will be delivered again: {}",
                            message.view().messageId(), error.toString());
                }
                events.messageLeft();
            });
        } else if (outcome instanceof Outcome.Redeliver) {
            events.messageLeft();
        }
    }

    /**
     * Hands messages back unprocessed (visibility 0), each after any extension of it in flight has answered.
     *
     * @param messages the messages
     * @param reason why
     */
    public void release(List<InFlightMessage> messages, ReleaseReason reason) {
        for (InFlightMessage message : messages) {
            CompletableFuture<Void> noExtensionInFlight = message.settle();
            permits.release(1);
            if (noExtensionInFlight == null) {
                continue;
            }
            extender.untrack(message);
            noExtensionInFlight.thenRun(() -> visibilityChanges.submit(message.receiptHandle(), 0)
                    .whenComplete((ok, error) -> {
                        if (error == null) {
                            events.released(message.view(), reason);
                        } else {
                            log.warn("could not release message {}; it reappears when its visibility lapses: {}",
                                    message.view().messageId(), error.toString());
                        }
                        events.messageLeft();
                    }));
        }
    }

    /**
     * Gives up a message whose handler outlived the shutdown timeout: no more extension, no delete; it reappears
     * when its visibility lapses. The permit comes back when its handler finally returns.
     *
     * @param message the message
     */
    public void abandon(InFlightMessage message) {
        if (message.settle() != null) {
            extender.untrack(message);
            events.messageLeft();
        }
    }

    private static void awaitQuietly(CompletableFuture<Void> future) {
        try {
            future.get(EXTENSION_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.debug("visibility extension still unanswered; deleting anyway", e);
        }
    }
}

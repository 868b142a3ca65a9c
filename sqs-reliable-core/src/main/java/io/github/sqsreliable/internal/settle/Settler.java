package io.github.sqsreliable.internal.settle;

import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.internal.message.InFlightMessage;
import io.github.sqsreliable.internal.sqs.SqsBatcher;
import io.github.sqsreliable.internal.sqs.SqsLimits;
import io.github.sqsreliable.internal.classify.Outcome;
import io.github.sqsreliable.internal.dedupe.HeldKeys;
import io.github.sqsreliable.internal.lease.VisibilityExtender;
import io.github.sqsreliable.internal.observe.ConsumerEvents;
import io.github.sqsreliable.internal.receive.ByteBudget;
import io.github.sqsreliable.internal.receive.ReceivePermits;
import io.github.sqsreliable.observe.ConsumerEvent.FailureRecordForm;
import io.github.sqsreliable.observe.ConsumerEvent.ReleaseReason;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only stage that changes a message's state on the queue: applies each {@link Outcome} (delete; retry later
 * by visibility; send to a retry or dead-letter queue, then delete; release), releases messages unprocessed, and
 * gives up messages at shutdown. Every path first settles the message, so its visibility is never extended after
 * the change was queued, and returns the message's receive permit.
 *
 * <p>A move that fails leaves the original on the queue, hidden for a backoff, and is remembered: when the message
 * comes back, {@link #pendingMove} hands the same move back to be tried again, so a failed move never runs the
 * handler again (in this process; the memory is not persisted).
 */
public final class Settler implements SettleStage {

    private static final Logger log = LoggerFactory.getLogger(Settler.class);
    private static final long EXTENSION_WAIT_SECONDS = 10;

    private final SqsBatcher deletes;
    private final SqsBatcher visibilityChanges;
    private final MessageMover mover;
    private final VisibilityExtender extender;
    private final ReceivePermits permits;
    private final ByteBudget bytes;
    private final ConsumerEvents events;
    private final Executor callbacks;
    private final HeldKeys heldKeys;
    private final PendingMoves pendingMoves = new PendingMoves(System::nanoTime);

    /**
     * @param callbacks where follow-up work after an SQS answer runs (never an SDK response thread)
     * @param bytes given back each message's bytes once it has left, a moved copy once it is sent
     * @param heldKeys completes or releases a message's idempotency key as it is settled
     */
    public Settler(SqsBatcher deletes, SqsBatcher visibilityChanges, MessageMover mover, VisibilityExtender extender,
                   ReceivePermits permits, ByteBudget bytes, ConsumerEvents events, Executor callbacks,
                   HeldKeys heldKeys) {
        this.deletes = deletes;
        this.visibilityChanges = visibilityChanges;
        this.mover = mover;
        this.extender = extender;
        this.permits = permits;
        this.bytes = bytes;
        this.events = events;
        this.callbacks = callbacks;
        this.heldKeys = heldKeys;
    }

    /**
     * Applies a handled message's outcome. Called on the worker thread, which may block briefly: for an
     * extension already in flight, and for room in the delete queue (or, for a message holding an idempotency
     * key, in the queue of keys to complete). It never waits for the idempotency store.
     *
     * @param message the message
     * @param outcome what to do
     */
    @Override
    public void apply(InFlightMessage message, Outcome outcome) {
        CompletableFuture<Void> noExtensionInFlight = message.settle();
        permits.release(1);
        if (noExtensionInFlight == null) {
            return; // given up at shutdown: the consumer no longer owns it
        }
        extender.untrack(message);
        SqsMessage view = message.view();
        if (outcome instanceof Outcome.Acknowledge) {
            awaitQuietly(noExtensionInFlight);
            if (heldKeys.holdsKeyToComplete(message)) {
                // The delete waits until the key is recorded as done: a crash in between leaves the message on
                // the queue, where its redelivery finds the key done (or leased), never gone with its key not done.
                // Queued from the callback thread, so without waiting for room: the completion batcher bounds it.
                heldKeys.complete(message, () -> delete(message,
                        deletes.submitWithoutWaiting(message.receiptHandle(), 0), () -> { }));
            } else {
                delete(message, deletes.submit(message.receiptHandle(), 0), () -> { });
            }
            return;
        }
        // Every other outcome means the work was not done: the key goes back so the next delivery can take it.
        heldKeys.release(message);
        if (outcome instanceof Outcome.RetryAfter retry) {
            int seconds = SqsLimits.toSecondsRoundingUp(retry.delay());
            noExtensionInFlight.thenRun(() -> visibilityChanges.submit(message.receiptHandle(), seconds)
                    .whenComplete((ok, error) -> {
                        if (error == null) {
                            events.retryScheduled(view, retry.attempt(), retry.delay(), retry.cause());
                        } else {
                            log.warn("could not set the retry delay of message {}; it reappears when its visibility "
                                    + "lapses: {}", view.messageId(), error.toString());
                        }
                        left(message);
                    }));
        } else if (outcome instanceof Outcome.Move move) {
            move(message, move, noExtensionInFlight);
        } else if (outcome instanceof Outcome.Release) {
            noExtensionInFlight.thenRun(() -> releaseNow(message, ReleaseReason.PERMANENT_FAILURE_TO_REDRIVE_POLICY));
        } else if (outcome instanceof Outcome.Redeliver) {
            left(message);
        }
    }

    /**
     * Checks a received message before its handler runs: if moving it failed before, the move is what must
     * happen, not another handler run.
     *
     * @param message a received message
     * @return the move to apply instead of running the handler, or empty to run it
     */
    @Override
    public Optional<Outcome> pendingMove(InFlightMessage message) {
        return pendingMoves.pending(message.view().messageId()).map(move -> move);
    }

    /**
     * Hands messages back unprocessed (visibility 0), each after any extension of it in flight has answered.
     *
     * @param messages the messages
     * @param reason why
     */
    @Override
    public void release(List<InFlightMessage> messages, ReleaseReason reason) {
        for (InFlightMessage message : messages) {
            CompletableFuture<Void> noExtensionInFlight = message.settle();
            permits.release(1);
            if (noExtensionInFlight == null) {
                continue;
            }
            extender.untrack(message);
            heldKeys.release(message);
            noExtensionInFlight.thenRun(() -> releaseNow(message, reason));
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
            left(message);
        }
    }

    private void releaseNow(InFlightMessage message, ReleaseReason reason) {
        visibilityChanges.submit(message.receiptHandle(), 0).whenComplete((ok, error) -> {
            if (error == null) {
                events.released(message.view(), reason);
            } else {
                log.warn("could not release message {}; it reappears when its visibility lapses: {}",
                        message.view().messageId(), error.toString());
            }
            left(message);
        });
    }

    /**
     * Send first; delete the original only after the send succeeded, so a failure loses nothing. A failed send
     * hides the original for a backoff and remembers the move, so the handler does not run again for it.
     */
    private void move(InFlightMessage message, Outcome.Move move, CompletableFuture<Void> noExtensionInFlight) {
        SqsMessage view = message.view();
        noExtensionInFlight
                .thenCompose(ignored -> mover.send(view, move.queueUrl(), move.delay(), move.record(),
                        message.span() == null ? null : message.span().copyContext()))
                .whenCompleteAsync((sent, sendError) -> {
                    if (sendError != null) {
                        moveFailed(message, move, sendError);
                        return;
                    }
                    int earlierFailures = pendingMoves.failures(view.messageId());
                    pendingMoves.moved(view.messageId());
                    logMoved(view, move, sent, earlierFailures);
                    delete(message, deletes.submitWithoutWaiting(message.receiptHandle(), 0), () -> {
                        if (move.deadLetter()) {
                            events.deadLettered(view, move.queueUrl(), move.deadLetterReason(), move.cause(),
                                    sent.form());
                        } else {
                            events.movedToRetryQueue(view, move.queueUrl(), move.delay(), move.attempt(), move.cause(),
                                    sent.form());
                        }
                    });
                }, callbacks);
    }

    private void moveFailed(InFlightMessage message, Outcome.Move move, Throwable sendError) {
        SqsMessage view = message.view();
        Throwable cause = sendError instanceof CompletionException && sendError.getCause() != null
                ? sendError.getCause() : sendError;
        Duration backoff = pendingMoves.failed(view.messageId(), move);
        int failures = pendingMoves.failures(view.messageId());
        events.moveFailed(view, move.queueUrl(), cause, backoff);
        // One line per message per try; the backoff doubles, so a target that stays broken does not flood the log.
        log.warn("could not move message {} to {} (try {}): {}; it stays on its queue, hidden for {}, and then the "
                        + "move is tried again without running the handler", view.messageId(), move.queueUrl(), failures,
                cause.toString(), backoff);
        visibilityChanges.submitWithoutWaiting(message.receiptHandle(), SqsLimits.toSecondsRoundingUp(backoff))
                .whenComplete((ok, error) -> {
                    if (error != null) {
                        log.warn("could not hide message {} for {} after its failed move; it reappears when its "
                                + "visibility lapses, and the move is tried again then: {}", view.messageId(),
                                backoff, error.toString());
                    }
                    left(message);
                });
    }

    private static void logMoved(SqsMessage view, Outcome.Move move, MessageMover.Sent sent, int earlierFailures) {
        String target = move.deadLetter() ? "the dead-letter queue " : "the retry queue ";
        if (sent.form() == FailureRecordForm.DROPPED_FOR_SIZE) {
            log.warn("message {} is moved to {}{} without its failure record: with even the record's essential fields "
                            + "the copy would exceed that queue's MaximumMessageSize ({} bytes; the copy is {} bytes "
                            + "without it)", view.messageId(), target, move.queueUrl(), sent.limit(), sent.size());
        } else if (sent.form() == FailureRecordForm.SHORTENED_ERROR_MESSAGE
                || sent.form() == FailureRecordForm.ESSENTIAL_FIELDS) {
            log.warn("message {} is moved to {}{} with a {} failure record: the whole record would exceed that "
                            + "queue's MaximumMessageSize ({} bytes; the copy is {} bytes)", view.messageId(), target,
                    move.queueUrl(), sent.form() == FailureRecordForm.ESSENTIAL_FIELDS ? "reduced (essential fields "
                            + "only)" : "shortened (error message cut)", sent.limit(), sent.size());
        }
        if (earlierFailures > 0) {
            log.info("message {} reached {}{} after {} failed tries of the move", view.messageId(), target,
                    move.queueUrl(), earlierFailures);
        }
    }

    /**
     * Reports the delete's answer; {@code onDeleted} runs first on success, for the event that explains it.
     *
     * @return completes once the answer is reported
     */
    private CompletableFuture<Void> delete(InFlightMessage message, CompletableFuture<Void> deleted,
                                           Runnable onDeleted) {
        return deleted.whenComplete((ok, error) -> {
            if (error == null) {
                onDeleted.run();
                events.deleted(message.view());
            } else {
                events.deleteFailed(message.view(), error);
                log.warn("could not delete message {}; it will be delivered again: {}",
                        message.view().messageId(), error.toString());
            }
            left(message);
        });
    }

    /**
     * The one place where a held message is counted as gone from the consumer: deleted, moved, released, left to
     * lapse or given up. Called exactly once per settled message; its bytes go back to the budget.
     */
    private void left(InFlightMessage message) {
        events.messageLeft();
        bytes.release(message.takeBytesToRelease());
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

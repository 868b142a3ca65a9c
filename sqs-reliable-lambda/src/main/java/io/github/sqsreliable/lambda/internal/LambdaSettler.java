package io.github.sqsreliable.lambda.internal;

import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.idempotency.Idempotency;
import io.github.sqsreliable.internal.classify.Outcome;
import io.github.sqsreliable.internal.message.InFlightMessage;
import io.github.sqsreliable.internal.observe.ConsumerEvents;
import io.github.sqsreliable.internal.settle.MessageMover;
import io.github.sqsreliable.internal.settle.PendingMoves;
import io.github.sqsreliable.internal.settle.SettleStage;
import io.github.sqsreliable.internal.sqs.SqsLimits;
import io.github.sqsreliable.observe.ConsumerEvent.ReleaseReason;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityRequest;

/**
 * The settle stage of a Lambda invocation: applies each decision before the function answers, and remembers which
 * messages the event source mapping may delete. Everything else is reported in {@code batchItemFailures}.
 *
 * <ul>
 *   <li>Acknowledge: the idempotency key, if any, is recorded done first; then the message may be deleted.</li>
 *   <li>RetryAfter: the message's visibility is set to the backoff; reported failed.</li>
 *   <li>Move: the copy is sent; only once SQS confirmed it may the original be deleted. A failed send hides the
 *       original for a backoff and is remembered, so the message's next delivery retries the move, not the
 *       handler.</li>
 *   <li>Release, and messages handed back unprocessed: made visible at once; reported failed.</li>
 *   <li>Redeliver: reported failed, visibility untouched.</li>
 * </ul>
 *
 * <p>Called on the threads that run handlers, which wait for SQS and the store here: an invocation's answer must not
 * be sent before its effects are confirmed.
 */
final class LambdaSettler implements SettleStage {

    private static final Logger log = LoggerFactory.getLogger(LambdaSettler.class);
    private static final Duration SQS_CALL_TIMEOUT = Duration.ofSeconds(10);
    private static final int COMPLETE_ATTEMPTS = 2;

    private final SqsAsyncClient client;
    private final String queueUrl;
    private final MessageMover mover;
    private final PendingMoves pendingMoves;
    private final Idempotency idempotency;
    private final ConsumerEvents events;
    private final Set<String> deletable = ConcurrentHashMap.newKeySet();

    LambdaSettler(SqsAsyncClient client, String queueUrl, MessageMover mover, PendingMoves pendingMoves,
                  Idempotency idempotency, ConsumerEvents events) {
        this.client = client;
        this.queueUrl = queueUrl;
        this.mover = mover;
        this.pendingMoves = pendingMoves;
        this.idempotency = idempotency;
        this.events = events;
    }

    /**
     * @param messageId a message of the batch
     * @return whether the event source mapping may delete it: handled, a duplicate of finished work, or moved
     */
    boolean deletable(String messageId) {
        return deletable.contains(messageId);
    }

    @Override
    public Optional<Outcome> pendingMove(InFlightMessage message) {
        return pendingMoves.pending(message.view().messageId()).map(move -> move);
    }

    @Override
    public void apply(InFlightMessage message, Outcome outcome) {
        if (message.settle() == null) {
            return;
        }
        SqsMessage view = message.view();
        try {
            if (outcome instanceof Outcome.Acknowledge) {
                completeKey(message);
                deletable.add(view.messageId());
                return;
            }
            // Every other outcome means the work was not done: the key goes back so the next delivery can take it.
            releaseKey(message);
            if (outcome instanceof Outcome.RetryAfter retry) {
                if (changeVisibility(message, SqsLimits.toSecondsRoundingUp(retry.delay()), "set the retry delay of")) {
                    events.retryScheduled(view, retry.attempt(), retry.delay(), retry.cause());
                }
            } else if (outcome instanceof Outcome.Move move) {
                move(message, move);
            } else if (outcome instanceof Outcome.Release) {
                if (changeVisibility(message, 0, "release")) {
                    events.released(view, ReleaseReason.PERMANENT_FAILURE_TO_REDRIVE_POLICY);
                }
            }
        } finally {
            events.messageLeft();
        }
    }

    @Override
    public void release(List<InFlightMessage> messages, ReleaseReason reason) {
        for (InFlightMessage message : messages) {
            if (message.settle() == null) {
                continue;
            }
            try {
                releaseKey(message);
                if (changeVisibility(message, 0, "release")) {
                    events.released(message.view(), reason);
                }
            } finally {
                events.messageLeft();
            }
        }
    }

    private void move(InFlightMessage message, Outcome.Move move) {
        SqsMessage view = message.view();
        MessageMover.Sent sent;
        try {
            sent = await(mover.send(view, move.queueUrl(), move.delay(), move.record(),
                    message.span() == null ? null : message.span().copyContext()));
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            Duration backoff = pendingMoves.failed(view.messageId(), move);
            events.moveFailed(view, move.queueUrl(), cause, backoff);
            log.warn("could not move message {} to {} (try {}): {}; it stays on {}, hidden for {}, and then the move "
                            + "is tried again without running the handler", view.messageId(), move.queueUrl(),
                    pendingMoves.failures(view.messageId()), cause.toString(), queueUrl, backoff);
            changeVisibility(message, SqsLimits.toSecondsRoundingUp(backoff), "hide after its failed move");
            return;
        }
        pendingMoves.moved(view.messageId());
        deletable.add(view.messageId());
        if (move.deadLetter()) {
            events.deadLettered(view, move.queueUrl(), move.deadLetterReason(), move.cause(), sent.form());
        } else {
            events.movedToRetryQueue(view, move.queueUrl(), move.delay(), move.attempt(), move.cause(), sent.form());
        }
    }

    /**
     * Records the key done before the message may be deleted: a timeout in between leaves the message on the
     * queue, where its redelivery finds the key done. After failed attempts the message is deleted anyway, as the
     * polling consumer does: the work is done, and keeping the message would only run it again.
     */
    private void completeKey(InFlightMessage message) {
        String key = message.idempotencyKey();
        if (idempotency == null || key == null || message.keyCompletedByHandler()) {
            return; // nothing held, or the handler's own transaction recorded it as done
        }
        for (int attempt = 1; attempt <= COMPLETE_ATTEMPTS; attempt++) {
            try {
                Boolean held = await(idempotency.store().complete(key, message.fencingToken(), idempotency.ttl()),
                        idempotency.storeTimeout());
                if (!Boolean.TRUE.equals(held)) {
                    log.warn("the idempotency lease of message {} expired and was taken over while its handler ran; "
                            + "its work may be applied twice", message.view().messageId());
                }
                return;
            } catch (ExecutionException | TimeoutException e) {
                events.idempotencyStoreFailed();
                if (attempt == COMPLETE_ATTEMPTS) {
                    log.error("could not record message {} as done in the idempotency store ({} attempts, last: {}); "
                            + "a duplicate of it arriving after its lease expires will be handled again",
                            message.view().messageId(), attempt, e.getCause() != null ? e.getCause() : e);
                }
            }
        }
    }

    /** Gives the key back so that the message's next delivery can take it; waits, as the invocation may freeze. */
    private void releaseKey(InFlightMessage message) {
        String key = message.idempotencyKey();
        if (idempotency == null || key == null) {
            return;
        }
        try {
            await(idempotency.store().release(key, message.fencingToken()), idempotency.storeTimeout());
        } catch (ExecutionException | TimeoutException e) {
            events.idempotencyStoreFailed();
            log.warn("could not release the idempotency key of message {}; its next delivery waits until the lease "
                    + "expires: {}", message.view().messageId(), String.valueOf(e.getCause() != null ? e.getCause() : e));
        }
    }

    /** @return whether SQS confirmed the change */
    private boolean changeVisibility(InFlightMessage message, int seconds, String what) {
        try {
            await(client.changeMessageVisibility(ChangeMessageVisibilityRequest.builder()
                    .queueUrl(queueUrl).receiptHandle(message.receiptHandle()).visibilityTimeout(seconds).build()));
            return true;
        } catch (ExecutionException | TimeoutException e) {
            log.warn("could not {} message {}; it reappears when its visibility lapses: {}", what,
                    message.view().messageId(), String.valueOf(e.getCause() != null ? e.getCause() : e));
            return false;
        }
    }

    private static <T> T await(CompletableFuture<T> future) throws ExecutionException, TimeoutException {
        return await(future, SQS_CALL_TIMEOUT);
    }

    private static <T> T await(CompletableFuture<T> future, Duration timeout)
            throws ExecutionException, TimeoutException {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TimeoutException("interrupted while waiting");
        }
    }
}

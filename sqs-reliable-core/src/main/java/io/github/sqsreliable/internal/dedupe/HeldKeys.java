package io.github.sqsreliable.internal.dedupe;

import io.github.sqsreliable.idempotency.IdempotencyStore;
import io.github.sqsreliable.internal.message.InFlightMessage;
import io.github.sqsreliable.internal.observe.ConsumerEvents;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to a message's held idempotency key from its acquisition to its message's settlement: renewed on
 * a schedule of its own while the message is unsettled (see {@link KeyRenewals}: not tied to SQS accepting the
 * visibility extension, so that a copy SQS delivers while the handler still runs waits for the key), completed
 * after its handler succeeded (in batches, before the message's delete: see {@link CompletionBatcher}), released
 * after a failure or an unprocessed release. A message without a held key is left alone, so the stages call
 * these unconditionally, except {@link #complete}, which needs a key.
 */
public final class HeldKeys {

    private static final Logger log = LoggerFactory.getLogger(HeldKeys.class);
    /** The lease outlives the visibility a little, so that a redelivery never finds it still held by us. */
    private static final Duration LEASE_SLACK = Duration.ofSeconds(1);

    private final IdempotencyStore store;
    private final CompletionBatcher completions;
    private final ConsumerEvents events;
    private final KeyRenewals renewals;

    /** A stand-in for consumers without idempotency: holds no key, and every call does nothing. */
    public static final HeldKeys NONE = new HeldKeys(null, null, null);

    /**
     * Held keys that are never renewed: for tests of what settling does to a key.
     *
     * @param store the store
     * @param completions completes the keys of handled messages, in batches
     * @param events where store failures are counted
     */
    public HeldKeys(IdempotencyStore store, CompletionBatcher completions, ConsumerEvents events) {
        this(store, completions, events, null);
    }

    private HeldKeys(IdempotencyStore store, CompletionBatcher completions, ConsumerEvents events,
                     KeyRenewals renewals) {
        this.store = store;
        this.completions = completions;
        this.events = events;
        this.renewals = renewals;
    }

    /**
     * Held keys renewed on their own schedule ({@link #start}): each key is acquired with
     * {@link #leaseFor leaseFor(visibilityTimeout)} and, when at most {@code margin} of it is left, renewed to the
     * visibility timeout plus the margin plus 1 s (as a visibility extension, one renewal per visibility timeout),
     * until its message is settled or {@code maxProcessingTime} after its receipt.
     *
     * @param store the store
     * @param completions completes the keys of handled messages, in batches
     * @param events where store failures are counted
     * @param visibilityTimeout the consumer's visibility timeout
     * @param margin the visibility extension margin, less than the visibility timeout
     * @param maxProcessingTime how long after receipt keys are renewed
     * @param storeTimeout how long a renewal may stay unanswered before another is sent
     * @return the held keys
     */
    public static HeldKeys renewed(IdempotencyStore store, CompletionBatcher completions, ConsumerEvents events,
                                   Duration visibilityTimeout, Duration margin, Duration maxProcessingTime,
                                   Duration storeTimeout) {
        return new HeldKeys(store, completions, events, new KeyRenewals(store, events, System::nanoTime,
                leaseFor(visibilityTimeout), margin, renewedLeaseFor(visibilityTimeout, margin),
                maxProcessingTime, storeTimeout));
    }

    /**
     * Starts renewing held keys, ticking on the given scheduler until it is shut down.
     *
     * @param scheduler a single-threaded scheduler the caller owns
     * @param interval how often to look: the visibility extender's tick
     */
    public void start(ScheduledExecutorService scheduler, Duration interval) {
        if (renewals != null) {
            renewals.start(scheduler, interval);
        }
    }

    /**
     * Records that a message now holds its key, whose lease is renewed from now on until the message is settled.
     *
     * @param message a message whose key was just acquired ({@link InFlightMessage#holdIdempotencyKey})
     * @param acquireSentNanos {@link System#nanoTime()} when the acquire was sent
     */
    public void hold(InFlightMessage message, long acquireSentNanos) {
        if (renewals != null && message.idempotencyKey() != null) {
            renewals.hold(message, acquireSentNanos);
        }
    }

    /**
     * @param message a handled message
     * @return whether the message holds an idempotency key which {@link #complete} must mark done: not when the
     *     handler's own transaction recorded it as done (then its renewals stop here)
     */
    public boolean holdsKeyToComplete(InFlightMessage message) {
        if (store == null || message.idempotencyKey() == null) {
            return false;
        }
        if (message.keyCompletedByHandler()) {
            if (renewals != null) {
                renewals.forget(message);
            }
            return false;
        }
        return true;
    }

    /**
     * Marks a handled message's key done, then runs {@code thenDelete}: on the consumer's callback thread, once
     * the store answered (or after the last failed attempt: the work is done, and keeping the message would only
     * run it again). Does not wait for the store; blocks only while too many completions are outstanding.
     *
     * @param message a settled message whose handler succeeded and which {@link #holdsKeyToComplete holds a key to complete}
     * @param thenDelete queues the message's delete; must not block. Its future is the delete's answer
     */
    public void complete(InFlightMessage message, Supplier<? extends CompletableFuture<?>> thenDelete) {
        if (renewals != null) {
            renewals.forget(message);
        }
        completions.submit(message, thenDelete);
    }

    /**
     * Completes the keys still waiting, and waits for the answers: at shutdown, before the deletes are flushed.
     *
     * @param timeout how long to wait
     */
    public void flushAndClose(Duration timeout) {
        if (completions != null) {
            completions.flushAndClose(timeout);
        }
    }

    /**
     * Gives a message's key up so that its next delivery can take it. Does not wait.
     *
     * @param message a message that failed or is released unprocessed
     */
    public void release(InFlightMessage message) {
        String key = message.idempotencyKey();
        if (store == null || key == null) {
            return;
        }
        if (renewals != null) {
            renewals.forget(message);
        }
        store.release(key, message.fencingToken()).whenComplete((released, error) -> {
            if (error != null) {
                events.idempotencyStoreFailed();
                log.warn("could not release the idempotency key of message {}; its next delivery waits until the "
                        + "lease expires: {}", message.view().messageId(), error.toString());
            }
        });
    }

    /**
     * @param visibilityTimeout the consumer's visibility timeout
     * @param margin the visibility extension margin: renewals are sent when at most this much lease is left
     * @return the lease each renewal asks for: as a visibility extension (timeout plus margin), plus the slack
     */
    static Duration renewedLeaseFor(Duration visibilityTimeout, Duration margin) {
        return visibilityTimeout.plus(margin).plus(LEASE_SLACK);
    }

    /**
     * @param visibility the visibility a message was received with
     * @return the lease to acquire its key with
     */
    public static Duration leaseFor(Duration visibility) {
        return visibility.plus(LEASE_SLACK);
    }
}

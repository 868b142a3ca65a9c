package io.github.sqsreliable.internal.dedupe;

import io.github.sqsreliable.idempotency.IdempotencyStore;
import io.github.sqsreliable.internal.InFlightMessage;
import io.github.sqsreliable.internal.observe.ConsumerEvents;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to a message's held idempotency key as the message is settled: completed after its handler
 * succeeded (in batches, before the message's delete: see {@link CompletionBatcher}), released after a failure or
 * an unprocessed release, renewed whenever its visibility is extended. A message without a held key is left
 * alone, so the stages call these unconditionally, except {@link #complete}, which needs a key.
 */
public final class HeldKeys {

    private static final Logger log = LoggerFactory.getLogger(HeldKeys.class);
    /** The lease outlives the visibility a little, so that a redelivery never finds it still held by us. */
    private static final Duration LEASE_SLACK = Duration.ofSeconds(1);

    private final IdempotencyStore store;
    private final CompletionBatcher completions;
    private final ConsumerEvents events;

    /** A stand-in for consumers without idempotency: holds no key, and every call does nothing. */
    public static final HeldKeys NONE = new HeldKeys(null, null, null);

    /**
     * @param store the store
     * @param completions completes the keys of handled messages, in batches
     * @param events where store failures are counted
     */
    public HeldKeys(IdempotencyStore store, CompletionBatcher completions, ConsumerEvents events) {
        this.store = store;
        this.completions = completions;
        this.events = events;
    }

    /**
     * @param message a message
     * @return whether the message holds an idempotency key, which {@link #complete} must then mark done
     */
    public boolean holdsKey(InFlightMessage message) {
        return store != null && message.idempotencyKey() != null;
    }

    /**
     * Marks a handled message's key done, then runs {@code thenDelete}: on the consumer's callback thread, once
     * the store answered (or after the last failed attempt: the work is done, and keeping the message would only
     * run it again). Does not wait for the store; blocks only while too many completions are outstanding.
     *
     * @param message a settled message whose handler succeeded and which {@link #holdsKey holds a key}
     * @param thenDelete queues the message's delete; must not block. Its future is the delete's answer
     */
    public void complete(InFlightMessage message, Supplier<? extends CompletableFuture<?>> thenDelete) {
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
        store.release(key, message.fencingToken()).whenComplete((released, error) -> {
            if (error != null) {
                events.idempotencyStoreFailed();
                log.warn("could not release the idempotency key of message {}; its next delivery waits until the "
                        + "lease expires: {}", message.view().messageId(), error.toString());
            }
        });
    }

    /**
     * Extends a message's key together with its visibility. Does not wait.
     *
     * @param message a message whose visibility was just extended
     * @param visibility the new visibility, counted from now
     */
    public void renew(InFlightMessage message, Duration visibility) {
        String key = message.idempotencyKey();
        if (store == null || key == null || message.isSettled()) {
            return;
        }
        store.renew(key, message.fencingToken(), visibility.plus(LEASE_SLACK)).whenComplete((renewed, error) -> {
            if (error != null) {
                events.idempotencyStoreFailed();
                log.warn("could not renew the idempotency lease of message {}: {}", message.view().messageId(),
                        error.toString());
            } else if (!renewed && !message.isSettled()) {
                // (A renew that lands after the key was completed or released answers false too: that is no loss.)
                log.warn("the idempotency lease of message {} was lost while its handler runs; another consumer may "
                        + "handle it too", message.view().messageId());
            }
        });
    }

    /**
     * @param visibility the visibility a message was received with
     * @return the lease to acquire its key with
     */
    public static Duration leaseFor(Duration visibility) {
        return visibility.plus(LEASE_SLACK);
    }
}

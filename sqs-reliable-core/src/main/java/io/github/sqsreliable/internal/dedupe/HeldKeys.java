package io.github.sqsreliable.internal.dedupe;

import io.github.sqsreliable.idempotency.FencingToken;
import io.github.sqsreliable.idempotency.IdempotencyStore;
import io.github.sqsreliable.internal.InFlightMessage;
import io.github.sqsreliable.internal.observe.ConsumerEvents;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to a message's held idempotency key as the message is settled: completed after its handler
 * succeeded (retried, and reported if it still fails), released after a failure or an unprocessed release,
 * renewed whenever its visibility is extended. A message without a held key is left alone, so the stages call
 * these unconditionally.
 */
public final class HeldKeys {

    private static final Logger log = LoggerFactory.getLogger(HeldKeys.class);
    private static final int COMPLETE_ATTEMPTS = 3;
    /** The lease outlives the visibility a little, so that a redelivery never finds it still held by us. */
    private static final Duration LEASE_SLACK = Duration.ofSeconds(1);

    private final IdempotencyStore store;
    private final Duration ttl;
    private final Duration timeout;
    private final ConsumerEvents events;

    /** A stand-in for consumers without idempotency: every call does nothing. */
    public static final HeldKeys NONE = new HeldKeys(null, Duration.ZERO, Duration.ZERO, null);

    public HeldKeys(IdempotencyStore store, Duration ttl, Duration timeout, ConsumerEvents events) {
        this.store = store;
        this.ttl = ttl;
        this.timeout = timeout;
        this.events = events;
    }

    /**
     * Marks a handled message's key done, before its delete is queued. Blocks the worker for at most a few store
     * timeouts; a failure is reported, and the delete goes ahead (the work is done, and keeping the message would
     * only run it again).
     *
     * @param message a message whose handler succeeded
     */
    public void complete(InFlightMessage message) {
        String key = message.idempotencyKey();
        FencingToken token = message.fencingToken();
        if (store == null || key == null) {
            return;
        }
        for (int attempt = 1; attempt <= COMPLETE_ATTEMPTS; attempt++) {
            try {
                boolean completed = store.complete(key, token, ttl).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                if (!completed) {
                    log.warn("the idempotency lease of message {} expired and was taken over while its handler ran; "
                            + "its work may be applied twice", message.view().messageId());
                }
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (Exception e) {
                events.idempotencyStoreFailed();
                log.debug("completing the idempotency key of message {} failed (attempt {})",
                        message.view().messageId(), attempt, e);
                if (attempt < COMPLETE_ATTEMPTS) {
                    pause(100L << attempt);
                }
            }
        }
        log.error("could not record message {} as done in the idempotency store; a duplicate of it arriving after "
                + "its lease expires will be handled again", message.view().messageId());
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

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

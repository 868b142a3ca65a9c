package io.github.sqsreliable.internal.dedupe;

import io.github.sqsreliable.idempotency.IdempotencyStore;
import io.github.sqsreliable.internal.message.InFlightMessage;
import io.github.sqsreliable.internal.observe.ConsumerEvents;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the idempotency keys of unsettled messages held on the store, on a schedule of its own: whether SQS
 * accepted the message's visibility extension or not. That is the point. When SQS refuses extensions (a missing
 * permission) or the message's lease is lost, SQS delivers the message again while its handler runs; the copy
 * must then find the key in progress and wait, and find it done once the first run completed, instead of taking
 * over an expired key and running concurrently.
 *
 * <p>On each tick, a key with at most {@code renewAhead} of its lease left is renewed to {@code renewLease} from
 * now. A key is renewed until its message is settled, its renewal is refused (the key was taken over or given
 * up), or {@code maxProcessingTime} after the message's receipt, after which its lease is left to run out.
 *
 * <p>Thread-safe. Ticks run on one scheduler thread; store answers are handled on the store's threads, where
 * they only log, count and clear a flag.
 */
final class KeyRenewals {

    private static final Logger log = LoggerFactory.getLogger(KeyRenewals.class);
    private static final long ONE_SECOND_NANOS = 1_000_000_000L;

    /** One held key's lease, as this consumer knows it: a lower bound of when the store will let it expire. */
    private static final class Lease {
        volatile long expiresNanos;
        volatile boolean renewing;
        volatile long renewalSentNanos;

        Lease(long expiresNanos) {
            this.expiresNanos = expiresNanos;
        }
    }

    private final IdempotencyStore store;
    private final ConsumerEvents events;
    private final LongSupplier nanoClock;
    private final long acquireLeaseNanos;
    private final long renewAheadNanos;
    private final Duration renewLease;
    private final long maxProcessingNanos;
    private final long storeTimeoutNanos;
    private final ConcurrentHashMap<InFlightMessage, Lease> leases = new ConcurrentHashMap<>();

    /**
     * @param store the store
     * @param events where failed renewals are counted
     * @param nanoClock {@link System#nanoTime()} in production; a fake in tests
     * @param acquireLease the lease keys are acquired with
     * @param renewAhead renew when at most this much of a lease is left; more than a tick plus a store round trip
     * @param renewLease each renewal's lease, counted from when it is sent
     * @param maxProcessingTime stop renewing this long after the message's receipt
     * @param storeTimeout how long a renewal may stay unanswered before the next tick sends another
     */
    KeyRenewals(IdempotencyStore store, ConsumerEvents events, LongSupplier nanoClock, Duration acquireLease,
                Duration renewAhead, Duration renewLease, Duration maxProcessingTime, Duration storeTimeout) {
        this.store = store;
        this.events = events;
        this.nanoClock = nanoClock;
        this.acquireLeaseNanos = acquireLease.toNanos();
        this.renewAheadNanos = renewAhead.toNanos();
        this.renewLease = renewLease;
        this.maxProcessingNanos = maxProcessingTime.toNanos();
        this.storeTimeoutNanos = storeTimeout.toNanos();
    }

    /**
     * Ticks on the given scheduler until it is shut down.
     *
     * @param scheduler a single-threaded scheduler the caller owns
     * @param interval how often to look; well under {@code renewAhead}
     */
    void start(ScheduledExecutorService scheduler, Duration interval) {
        scheduler.scheduleWithFixedDelay(this::tickSafely, interval.toNanos(), interval.toNanos(),
                TimeUnit.NANOSECONDS);
    }

    /**
     * @param message a message whose key was just acquired
     * @param acquireSentNanos when the acquire was sent: the store counts the lease from later
     */
    void hold(InFlightMessage message, long acquireSentNanos) {
        leases.put(message, new Lease(acquireSentNanos + acquireLeaseNanos));
    }

    /** @param message a settled message: its key is no longer renewed */
    void forget(InFlightMessage message) {
        leases.remove(message);
    }

    /** @return how many keys are being kept */
    int heldCount() {
        return leases.size();
    }

    private void tickSafely() {
        try {
            tick();
        } catch (RuntimeException e) {
            log.error("idempotency lease renewal tick failed; retrying on the next tick", e);
        }
    }

    void tick() {
        long now = nanoClock.getAsLong();
        leases.forEach((message, lease) -> {
            if (message.isSettled()) {
                leases.remove(message); // given up at shutdown: its lease runs out on its own
                return;
            }
            if (lease.expiresNanos - now > renewAheadNanos
                    || lease.renewing && now - lease.renewalSentNanos < storeTimeoutNanos) {
                return;
            }
            long budget = message.leaseStartNanos() + maxProcessingNanos - now;
            if (budget < ONE_SECOND_NANOS) {
                leases.remove(message);
                log.warn("the handler of message {} has run for maxProcessingTime; its idempotency key is no longer "
                        + "renewed, so a copy delivered after the key's lease runs out is handled again",
                        message.view().messageId());
                return;
            }
            renew(message, lease, Duration.ofNanos(Math.min(renewLease.toNanos(), budget)), now);
        });
    }

    private void renew(InFlightMessage message, Lease lease, Duration duration, long now) {
        lease.renewing = true;
        lease.renewalSentNanos = now;
        CompletableFuture<Boolean> answer;
        try {
            answer = store.renew(message.idempotencyKey(), message.fencingToken(), duration);
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        answer.whenComplete((renewed, error) -> {
            if (error != null || renewed == null) {
                // Tried again on the next tick while the lease lasts; if it runs out, the store answers false.
                events.idempotencyStoreFailed();
                log.warn("could not renew the idempotency lease of message {}; retrying: {}",
                        message.view().messageId(), error != null ? error.toString() : "the store answered null");
            } else if (renewed) {
                lease.expiresNanos = Math.max(lease.expiresNanos, now + duration.toNanos());
            } else {
                leases.remove(message);
                if (!message.isSettled() && !message.keyCompletedByHandler()) {
                    // (A renewal that lands after the key was completed or released answers false too: no loss.)
                    log.warn("the idempotency lease of message {} was lost while its handler runs (expired and taken "
                            + "over, or removed from the store); another copy may be handled too",
                            message.view().messageId());
                }
            }
            lease.renewing = false;
        });
    }
}

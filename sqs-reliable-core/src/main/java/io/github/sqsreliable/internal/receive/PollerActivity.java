package io.github.sqsreliable.internal.receive;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;

/**
 * Decides how many receives may be in flight at once: at most one per active poller, where a poller is a slot
 * for one receive, not a thread. One poller starts active, so a consumer started on an idle queue has one long poll
 * in flight, not one per poller: a poll that outlives the consumer at {@code close()} may take messages that arrive
 * meanwhile, and each one that does counts a receive against those messages. A poller whose receive came back short (under half
 * full, or empty) goes dormant, unless it is the last active one: an idle queue costs one receive per wait time,
 * not one per poller, and a queue that one poller keeps up with is not polled by all of them, whose receives
 * would each return a message or two at the cost of a request on both ends. A receive that came back full while
 * permits for another full receive are free wakes one dormant poller: a backlog gets more receives in flight
 * within a few round trips.
 *
 * <p>A slot is claimed from before its receive is sent until its answer has been handed on (or its backoff after
 * a failure has passed), so the count also tells whether any receive could still feed idle handlers.
 *
 * <p>Thread-safe and lock-free, except {@link #awaitNoneInFlight}.
 */
public final class PollerActivity {

    private final int pollers;
    private final AtomicInteger active;
    private final AtomicInteger inFlight = new AtomicInteger();

    /** @param pollers how many pollers there are; one starts active, the others wake as receives come back full */
    public PollerActivity(int pollers) {
        this.pollers = pollers;
        this.active = new AtomicInteger(1);
    }

    /**
     * Claims a slot for one receive, if fewer receives are in flight than pollers are active.
     *
     * @return whether the caller may send a receive (and must call {@link #receiveAnswered()} after)
     */
    public boolean tryClaim() {
        return stepIf(inFlight, 1, now -> now < active.get());
    }

    /** @return whether a slot could be claimed now (a hint: read without claiming) */
    public boolean hasRoom() {
        return inFlight.get() < active.get();
    }

    /** Gives back a slot claimed by {@link #tryClaim()}: its receive has answered and been handed on. */
    public void receiveAnswered() {
        if (inFlight.decrementAndGet() == 0) {
            synchronized (inFlight) {
                inFlight.notifyAll();
            }
        }
    }

    /**
     * Called after a receive came back short: under half full, or empty.
     *
     * @return whether a poller went dormant; false when the caller's is the last active one
     */
    public boolean shouldSleepAfterShortReceive() {
        return stepIf(active, -1, now -> now > 1);
    }

    /**
     * Called after a receive came back full while permits for another full receive are free.
     *
     * @return whether a dormant poller became active (the caller should then send what it can)
     */
    public boolean wakeOne() {
        return stepIf(active, 1, now -> now < pollers);
    }

    /** @return whether no receive is in flight: the messages of one in flight would feed idle handlers soon */
    public boolean noReceiveInFlight() {
        return inFlight.get() == 0;
    }

    /**
     * Waits until no slot is claimed.
     *
     * @param timeoutNanos how long to wait
     * @return whether none was claimed in time
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean awaitNoneInFlight(long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        synchronized (inFlight) {
            while (inFlight.get() > 0) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(inFlight, Math.min(remaining, TimeUnit.MILLISECONDS.toNanos(50)));
            }
            return true;
        }
    }

    /** Adds {@code step} to {@code counter} if {@code allowed} holds for its value, atomically. */
    private static boolean stepIf(AtomicInteger counter, int step, IntPredicate allowed) {
        while (true) {
            int now = counter.get();
            if (!allowed.test(now)) {
                return false;
            }
            if (counter.compareAndSet(now, now + step)) {
                return true;
            }
        }
    }

    /** @return active pollers now (for tests and diagnostics) */
    public int active() {
        return active.get();
    }

    /** @return receives in flight now (for tests and diagnostics) */
    public int inFlight() {
        return inFlight.get();
    }
}

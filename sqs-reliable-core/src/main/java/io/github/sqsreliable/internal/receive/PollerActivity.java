package io.github.sqsreliable.internal.receive;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Decides how many of a consumer's pollers receive at once. All start active. A poller whose receive came back
 * short (under half full, or empty) goes dormant, unless it is the last active one: an idle queue costs one
 * receive per wait time, not one per poller, and a queue that one poller keeps up with is not polled by all of them,
 * whose receives would each return a message or two at the cost of a request on both ends. A poller whose receive
 * came back full while permits for another full receive are free wakes one dormant poller: a backlog gets more
 * receives in flight within a few round trips. It also counts the receives
 * in flight, so that a poller short of permits sends a small receive only when no other receive could feed the
 * idle handlers.
 *
 * <p>Thread-safe; pollers are interchangeable, so a wake-up is a ticket any dormant poller may take.
 */
public final class PollerActivity {

    private static final long STOP_CHECK_MILLIS = 100;

    private final Object lock = new Object();
    private final AtomicInteger receivesInFlight = new AtomicInteger();
    // Guarded by lock.
    private int active;
    private int dormant;
    private int wakeTickets;

    /** @param pollers how many pollers there are; all start active */
    public PollerActivity(int pollers) {
        this.active = pollers;
    }

    /**
     * Called after a receive came back short: under half full, or empty.
     *
     * @return whether the caller should go dormant ({@link #awaitWake}); false for the last active poller
     */
    public boolean shouldSleepAfterShortReceive() {
        synchronized (lock) {
            if (active <= 1) {
                return false;
            }
            active--;
            dormant++;
            return true;
        }
    }

    /** Called after a receive came back full while permits for another full receive are free. */
    public void wakeOne() {
        synchronized (lock) {
            if (dormant > wakeTickets) {
                wakeTickets++;
                lock.notify();
            }
        }
    }

    /**
     * Waits, dormant, until woken or the consumer stops.
     *
     * @param running whether the consumer still runs
     * @throws InterruptedException if interrupted while waiting
     */
    public void awaitWake(BooleanSupplier running) throws InterruptedException {
        synchronized (lock) {
            try {
                while (wakeTickets == 0 && running.getAsBoolean()) {
                    lock.wait(STOP_CHECK_MILLIS);
                }
                if (wakeTickets > 0) {
                    wakeTickets--;
                }
            } finally {
                dormant--;
                active++;
            }
        }
    }

    /** Called by a poller as it sends a receive. */
    public void receiveSent() {
        receivesInFlight.incrementAndGet();
    }

    /** Called by a poller when its receive has answered or failed. */
    public void receiveAnswered() {
        receivesInFlight.decrementAndGet();
    }

    /** @return whether no receive is in flight: the messages of one in flight would feed idle handlers soon */
    public boolean noReceiveInFlight() {
        return receivesInFlight.get() == 0;
    }

    /** @return pollers receiving now (for tests and diagnostics) */
    public int active() {
        synchronized (lock) {
            return active;
        }
    }
}

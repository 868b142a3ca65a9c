package io.github.sqsreliable.internal.receive;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * The consumer's capacity in messages: a poller takes one permit per message it may receive, and a permit comes
 * back when its message's handler finishes or the message is released. No receive ever asks for more messages
 * than there are free permits, so a slow handler slows receiving instead of piling up messages whose
 * visibility ticks away.
 *
 * <p>The capacity may change while the consumer runs ({@link PrefetchTuner}): growing frees permits at once;
 * shrinking takes permits out of circulation as they come back, so messages already held are never affected.
 *
 * <p>Not a {@link java.util.concurrent.Semaphore}: permits come back one at a time as handlers finish, and a
 * semaphore wakes a poller waiting for a batch of 10 on every one of them, only for it to find too few and park
 * again (and a {@code notifyAll} would wake every waiting poller for one batch). Here a release wakes a waiting
 * poller only once the free permits cover what it asked for, and only as many pollers as the free permits cover.
 */
public final class ReceivePermits {

    /** A poller waiting for permits. Guarded by the waiters' lock, except the thread, which never changes. */
    private static final class Waiter {
        final Thread thread = Thread.currentThread();
        final int wanted;
        volatile boolean woken;

        Waiter(int wanted) {
            this.wanted = wanted;
        }
    }

    private final AtomicInteger free;
    private final Object resizing = new Object();
    private final List<Waiter> waiting = new ArrayList<>();
    // The free permits at which the next waiter can be woken: what the woken waiters will take plus the smallest
    // want of the others. Read without the lock by wakeCovered().
    private volatile int wakeAt = Integer.MAX_VALUE;
    private volatile int capacity;
    private long wakeUps;

    public ReceivePermits(int capacity) {
        this.capacity = capacity;
        this.free = new AtomicInteger(capacity);
    }

    /**
     * Takes permits for one receive: a full batch as soon as one is free. Fewer only when {@code partialAllowed}
     * says so after waiting {@code batchWaitMillis} for the full batch: then whatever is free, at least one.
     * Waiting for full batches keeps requests per message low when handlers finish one at a time; taking fewer
     * keeps idle handlers from waiting for a batch to fill.
     *
     * @param batch the permits wanted, at most 10
     * @param batchWaitMillis how long to wait for the full batch before asking {@code partialAllowed}
     * @param stopWaitMillis how long to wait in all before giving up (so the caller can check for shutdown)
     * @param partialAllowed whether a receive of fewer than {@code batch} messages is worth it now
     * @return permits taken, 0 if none could be taken within {@code stopWaitMillis}
     * @throws InterruptedException if interrupted while waiting
     */
    public int acquireBatch(int batch, long batchWaitMillis, long stopWaitMillis, BooleanSupplier partialAllowed)
            throws InterruptedException {
        int wanted = Math.max(1, Math.min(batch, capacity));
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(stopWaitMillis);
        while (true) {
            if (take(wanted, TimeUnit.MILLISECONDS.toNanos(batchWaitMillis))) {
                return wanted;
            }
            long remaining = deadline - System.nanoTime();
            if (partialAllowed.getAsBoolean()) {
                if (!take(1, Math.max(0, remaining))) {
                    return 0;
                }
                int taken = 1;
                while (taken < wanted && tryTake(1)) {
                    taken++;
                }
                return taken;
            }
            if (remaining <= 0) {
                return 0;
            }
            wanted = Math.max(1, Math.min(batch, capacity)); // the capacity may have shrunk meanwhile
        }
    }

    /** @param count permits to give back */
    public void release(int count) {
        if (count > 0) {
            free.addAndGet(count);
            wakeCovered();
        }
    }

    /**
     * Changes the capacity. Growing frees the new permits now; shrinking takes them out of circulation as they
     * come back (the free count may be negative meanwhile).
     *
     * @param newCapacity at least 1
     */
    public void resize(int newCapacity) {
        synchronized (resizing) {
            int delta = newCapacity - capacity;
            capacity = newCapacity;
            if (delta > 0) {
                release(delta);
            } else if (delta < 0) {
                free.addAndGet(delta);
            }
        }
    }

    /** @return permits free now (negative while a shrink waits for permits to come back) */
    public int available() {
        return free.get();
    }

    /** @return the capacity now */
    public int capacity() {
        return capacity;
    }

    /** @return how many times a waiting poller was woken for permits (for tests) */
    long wakeUps() {
        synchronized (waiting) {
            return wakeUps;
        }
    }

    /** @return pollers waiting for permits now (for tests) */
    int waiters() {
        synchronized (waiting) {
            return waiting.size();
        }
    }

    private boolean tryTake(int count) {
        while (true) {
            int now = free.get();
            if (now < count) {
                return false;
            }
            if (free.compareAndSet(now, now - count)) {
                return true;
            }
        }
    }

    /** Takes {@code count} permits, waiting at most {@code timeoutNanos} for them to be free. */
    private boolean take(int count, long timeoutNanos) throws InterruptedException {
        if (tryTake(count)) {
            return true;
        }
        if (timeoutNanos <= 0) {
            return false;
        }
        long deadline = System.nanoTime() + timeoutNanos;
        Waiter me = new Waiter(count);
        synchronized (waiting) {
            waiting.add(me);
            updateWakeAt();
        }
        try {
            while (true) {
                // Checked after joining the waiters: a release from then on either left enough permits for this
                // check or saw this waiter and unparks it (an unpark before the park is not lost).
                if (tryTake(count)) {
                    return true;
                }
                if (me.woken) {
                    // Woken, but another poller took the permits first: wait to be woken again.
                    synchronized (waiting) {
                        me.woken = false;
                        updateWakeAt();
                    }
                    wakeCovered();
                }
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return false;
                }
                LockSupport.parkNanos(this, remaining);
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
        } finally {
            synchronized (waiting) {
                waiting.remove(me);
                updateWakeAt();
            }
            // Permits this waiter was woken for but did not take (it timed out) may cover another.
            wakeCovered();
        }
    }

    /**
     * Wakes waiters, oldest first, as long as the free permits cover what they want beyond those already woken.
     * Takes the lock only when the free permits reach {@code wakeAt}, so a release that can wake nobody costs none.
     */
    private void wakeCovered() {
        if (free.get() < wakeAt) {
            return;
        }
        synchronized (waiting) {
            int uncovered = free.get();
            for (Waiter waiter : waiting) {
                if (waiter.woken) {
                    uncovered -= waiter.wanted;
                } else if (waiter.wanted <= uncovered) {
                    waiter.woken = true;
                    uncovered -= waiter.wanted;
                    wakeUps++;
                    LockSupport.unpark(waiter.thread);
                }
            }
            updateWakeAt();
        }
    }

    /** Caller holds the waiters' lock. */
    private void updateWakeAt() {
        int reserved = 0;
        int smallest = Integer.MAX_VALUE;
        for (Waiter waiter : waiting) {
            if (waiter.woken) {
                reserved += waiter.wanted;
            } else {
                smallest = Math.min(smallest, waiter.wanted);
            }
        }
        wakeAt = smallest == Integer.MAX_VALUE ? Integer.MAX_VALUE : reserved + smallest;
    }
}

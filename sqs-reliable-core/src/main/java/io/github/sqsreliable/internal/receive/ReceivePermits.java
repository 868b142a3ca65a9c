package io.github.sqsreliable.internal.receive;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The consumer's capacity in messages: a poller takes one permit per message it may receive, and a permit comes
 * back when its message's handler finishes or the message is released. No receive ever asks for more messages
 * than there are free permits, so a slow handler slows receiving instead of piling up messages whose
 * visibility ticks away.
 *
 * <p>The capacity may change while the consumer runs ({@link PrefetchTuner}): growing frees permits at once;
 * shrinking takes permits out of circulation as they come back, so messages already held are never affected.
 */
public final class ReceivePermits {

    private final ShrinkableSemaphore permits;
    private final Object resizing = new Object();
    private volatile int capacity;

    public ReceivePermits(int capacity) {
        this.capacity = capacity;
        this.permits = new ShrinkableSemaphore(capacity);
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
            if (permits.tryAcquire(wanted, batchWaitMillis, TimeUnit.MILLISECONDS)) {
                return wanted;
            }
            long remaining = deadline - System.nanoTime();
            if (partialAllowed.getAsBoolean()) {
                if (!permits.tryAcquire(1, Math.max(0, remaining), TimeUnit.NANOSECONDS)) {
                    return 0;
                }
                int taken = 1;
                while (taken < wanted && permits.tryAcquire()) {
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
            permits.release(count);
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
            if (delta > 0) {
                permits.release(delta);
            } else if (delta < 0) {
                permits.shrink(-delta);
            }
            capacity = newCapacity;
        }
    }

    /** @return permits free now (negative while a shrink waits for permits to come back) */
    public int available() {
        return permits.availablePermits();
    }

    /** @return the capacity now */
    public int capacity() {
        return capacity;
    }

    /** A semaphore whose permits can be withdrawn without waiting for them. */
    private static final class ShrinkableSemaphore extends Semaphore {

        private static final long serialVersionUID = 1L;

        ShrinkableSemaphore(int permits) {
            super(permits);
        }

        void shrink(int reduction) {
            reducePermits(reduction);
        }
    }
}

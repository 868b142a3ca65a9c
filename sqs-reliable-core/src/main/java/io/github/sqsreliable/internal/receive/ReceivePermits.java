package io.github.sqsreliable.internal.receive;

import io.github.sqsreliable.internal.sqs.SqsLimits;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The consumer's capacity in messages: a receive takes one permit per message it may return, and a permit comes
 * back when its message's handler finishes or the message is released. No receive ever asks for more messages
 * than there are free permits, so a slow handler slows receiving instead of piling up messages whose
 * visibility ticks away.
 *
 * <p>The capacity may change while the consumer runs ({@link PrefetchTuner}): growing frees permits at once;
 * shrinking takes permits out of circulation as they come back, so messages already held are never affected.
 *
 * <p>Nothing here waits: the {@link Receiver} takes permits when it can and is told, through the release
 * callback, when permits come back. Permits come back one at a time as handlers finish, and the callback is
 * cheap when they cover no new receive (the receiver only reads two counters then).
 */
public final class ReceivePermits {

    private final AtomicInteger free;
    private final Object resizing = new Object();
    private volatile int capacity;
    private volatile Runnable onRelease = () -> { };

    public ReceivePermits(int capacity) {
        this.capacity = capacity;
        this.free = new AtomicInteger(capacity);
    }

    /**
     * @param onRelease runs on the releasing thread after every release; must not block
     */
    public void onRelease(Runnable onRelease) {
        this.onRelease = onRelease;
    }

    /**
     * @return the permits one receive wants: a full batch of 10, or the whole capacity when it is smaller
     */
    public int batch() {
        return Math.max(1, Math.min(SqsLimits.MAX_RECEIVE_BATCH, capacity));
    }

    /**
     * Takes {@code count} permits if that many are free.
     *
     * @param count the permits wanted
     * @return whether they were taken
     */
    public boolean tryTake(int count) {
        return take(count, count) == count;
    }

    /**
     * Takes as many permits as are free, up to {@code count}.
     *
     * @param count the most permits wanted
     * @return permits taken, 0 when none was free
     */
    public int takeUpTo(int count) {
        return take(1, count);
    }

    /** Takes as many free permits as there are, up to {@code most}, if at least {@code least}; else none. */
    private int take(int least, int most) {
        while (true) {
            int now = free.get();
            if (now < least) {
                return 0;
            }
            int taken = Math.min(now, most);
            if (free.compareAndSet(now, now - taken)) {
                return taken;
            }
        }
    }

    /** @param count permits to give back */
    public void release(int count) {
        if (count > 0) {
            free.addAndGet(count);
            onRelease.run();
        }
    }

    /**
     * Changes the capacity. Growing frees the new permits now; shrinking takes them out of circulation as they
     * come back (the free count may be negative meanwhile).
     *
     * @param newCapacity at least 1
     */
    public void resize(int newCapacity) {
        int delta;
        synchronized (resizing) {
            delta = newCapacity - capacity;
            capacity = newCapacity;
            free.addAndGet(delta);
        }
        if (delta > 0) {
            onRelease.run();
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
}

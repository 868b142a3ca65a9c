package io.github.sqsreliable.benchmarks.measure;

import io.github.sqsreliable.observe.ConsumerEvent;
import io.github.sqsreliable.observe.ConsumerListener;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Waits for a consumer's n-th delete and notes when the 10th and the 90th percentile of deletes happened. A
 * listener rather than a loop polling the consumer's metrics: a 1 ms poll wakes a thread a thousand times a
 * second, CPU that the raw loops, which wait on their futures, do not spend.
 */
public final class DeleteWatch implements ConsumerListener {

    private final int messages;
    private final AtomicInteger deleted = new AtomicInteger();
    private final CountDownLatch all = new CountDownLatch(1);
    private volatile long tenthNanos;
    private volatile long ninetiethNanos;
    private volatile long lastNanos;

    /** @param messages the deletes to wait for */
    public DeleteWatch(int messages) {
        this.messages = messages;
    }

    @Override
    public void onDeleted(ConsumerEvent.MessageDeleted event) {
        int count = deleted.incrementAndGet();
        if (count == Math.max(1, messages / 10)) {
            tenthNanos = System.nanoTime();
        }
        if (count == Math.max(1, messages * 9 / 10)) {
            ninetiethNanos = System.nanoTime();
        }
        if (count == messages) {
            lastNanos = System.nanoTime();
            all.countDown();
        }
    }

    /** Counts {@code count} deletes at once, for a consumer that reports them per batch (a peer's callback). */
    public void onDeletes(int count) {
        for (int i = 0; i < count; i++) {
            onDeleted(null);
        }
    }

    /**
     * Waits for the n-th delete.
     *
     * @param timeoutMillis how long at most
     * @return whether it happened in time
     * @throws InterruptedException if interrupted
     */
    public boolean await(long timeoutMillis) throws InterruptedException {
        return all.await(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    /** {@link System#nanoTime()} of the 10th percentile delete, 0 before it. */
    public long tenthNanos() {
        return tenthNanos;
    }

    /** {@link System#nanoTime()} of the 90th percentile delete, 0 before it. */
    public long ninetiethNanos() {
        return ninetiethNanos;
    }

    /** {@link System#nanoTime()} of the n-th delete, 0 before it. */
    public long lastNanos() {
        return lastNanos;
    }

    /** Deletes seen so far. */
    public int deleted() {
        return deleted.get();
    }
}

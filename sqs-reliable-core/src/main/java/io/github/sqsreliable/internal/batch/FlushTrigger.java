package io.github.sqsreliable.internal.batch;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * When a batcher flushes: a full batch at once, on the thread that added its last entry; a partial batch on the
 * batcher's scheduler thread, one flush interval after it began to wait, or at once while draining (or with a
 * zero flush interval). Sending a full batch from the adding thread (a worker that just settled a message) costs
 * no hand-off: waking the scheduler thread for each batch cost more CPU than building the request. At most one
 * timer is asked for at a time, so entries of a partial batch wake no thread. Flushes therefore run on several
 * threads at once and take their entries atomically ({@link PendingEntries}).
 */
final class FlushTrigger {

    private final ScheduledExecutorService scheduler;
    private final long intervalNanos;
    private final int batchSize;
    private final Consumer<Boolean> flush;
    private final AtomicBoolean timerArmed = new AtomicBoolean();

    /**
     * @param scheduler the batcher's single scheduler thread
     * @param intervalNanos how long a partial batch may wait; zero flushes every entry at once
     * @param batchSize entries in a full batch
     * @param flush the batcher's flush, safe to run on several threads at once: {@code true} sends partial
     *     batches too
     */
    FlushTrigger(ScheduledExecutorService scheduler, long intervalNanos, int batchSize,
                        Consumer<Boolean> flush) {
        this.scheduler = scheduler;
        this.intervalNanos = intervalNanos;
        this.batchSize = batchSize;
        this.flush = flush;
    }

    /**
     * Called after an entry was added; sends full batches on the calling thread.
     *
     * @param pending entries now waiting, this one included
     * @param draining whether the batcher is closing, so that partial batches go at once
     * @throws java.util.concurrent.RejectedExecutionException if the scheduler has stopped
     */
    void entryAdded(int pending, boolean draining) {
        if (intervalNanos == 0 || draining) {
            scheduler.execute(() -> flush.accept(true));
        } else if (pending >= batchSize) {
            flush.accept(false);
        } else {
            armTimer();
        }
    }

    /**
     * Called by the flush when it is done: entries still waiting get a timer.
     *
     * @param pending entries still waiting
     */
    void afterFlush(int pending) {
        if (pending > 0) {
            armTimer();
        }
    }

    private void armTimer() {
        if (timerArmed.compareAndSet(false, true)) {
            scheduler.schedule(this::flushOnTimer, intervalNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void flushOnTimer() {
        timerArmed.set(false);
        flush.accept(true);
    }
}

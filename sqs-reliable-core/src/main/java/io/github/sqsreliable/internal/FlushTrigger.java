package io.github.sqsreliable.internal;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * When a batcher's scheduler thread flushes: at once while draining (or with a zero flush interval), as soon as
 * a full batch waits, or one flush interval after a partial batch began to wait. At most one full-batch flush and
 * one timer are asked for at a time, so entries arriving before a flush runs queue no more tasks and wake no
 * thread. Shared by the delete batcher and the completion batcher.
 */
public final class FlushTrigger {

    private final ScheduledExecutorService scheduler;
    private final long intervalNanos;
    private final int batchSize;
    private final Consumer<Boolean> flush;
    private final AtomicBoolean timerArmed = new AtomicBoolean();
    private final AtomicBoolean fullFlushAsked = new AtomicBoolean();

    /**
     * @param scheduler the batcher's single scheduler thread
     * @param intervalNanos how long a partial batch may wait; zero flushes every entry at once
     * @param batchSize entries in a full batch
     * @param flush the batcher's flush, run on the scheduler: {@code true} sends partial batches too
     */
    public FlushTrigger(ScheduledExecutorService scheduler, long intervalNanos, int batchSize,
                        Consumer<Boolean> flush) {
        this.scheduler = scheduler;
        this.intervalNanos = intervalNanos;
        this.batchSize = batchSize;
        this.flush = flush;
    }

    /**
     * Called after an entry was added.
     *
     * @param pending entries now waiting, this one included
     * @param draining whether the batcher is closing, so that partial batches go at once
     * @throws java.util.concurrent.RejectedExecutionException if the scheduler has stopped
     */
    public void entryAdded(int pending, boolean draining) {
        if (intervalNanos == 0 || draining) {
            scheduler.execute(() -> flush.accept(true));
        } else if (pending >= batchSize) {
            if (fullFlushAsked.compareAndSet(false, true)) {
                scheduler.execute(this::flushFullBatches);
            }
        } else {
            armTimer();
        }
    }

    /**
     * Called by the flush when it is done: entries still waiting get a timer.
     *
     * @param pending entries still waiting
     */
    public void afterFlush(int pending) {
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

    private void flushFullBatches() {
        // Cleared before the batcher reads its count, so an entry that found the flag still set is counted.
        fullFlushAsked.set(false);
        flush.accept(false);
    }
}

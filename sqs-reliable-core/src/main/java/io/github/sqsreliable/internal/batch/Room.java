package io.github.sqsreliable.internal.batch;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/** Waiting for room in a bounded stage (outstanding deletes, pending completions), and for it to drain. */
public final class Room {

    private static final long CLOSE_CHECK_MILLIS = 100;

    private Room() {
    }

    /**
     * Takes one permit, waiting as long as it takes unless the stage closes. Deliberately deaf to interrupts: a
     * worker interrupted at shutdown must still hand in its delete or completion. The interrupt is restored
     * before returning.
     *
     * @param room the stage's permits
     * @param closed whether the stage has closed (checked every 100 ms)
     * @return true once a permit was taken, false if the stage closed first
     */
    public static boolean acquire(Semaphore room, BooleanSupplier closed) {
        boolean interrupted = false;
        try {
            while (!closed.getAsBoolean()) {
                try {
                    if (room.tryAcquire(CLOSE_CHECK_MILLIS, TimeUnit.MILLISECONDS)) {
                        return true;
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            return false;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Waits until a stage's count of unanswered entries reaches zero. Whoever brings it to zero must notify on
     * the counter's monitor.
     *
     * @param outstanding the count
     * @param deadlineNanos {@link System#nanoTime()} at which to give up
     */
    static void awaitNoneOutstanding(AtomicInteger outstanding, long deadlineNanos) {
        synchronized (outstanding) {
            while (outstanding.get() > 0) {
                long remaining = deadlineNanos - System.nanoTime();
                if (remaining <= 0) {
                    return;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(outstanding, remaining);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}

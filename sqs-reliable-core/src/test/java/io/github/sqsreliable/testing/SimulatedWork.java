package io.github.sqsreliable.testing;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/** Stands in for a handler's real work: occupies the calling thread for a while. */
public final class SimulatedWork {

    private SimulatedWork() {
    }

    /**
     * Parks the thread for the duration; returns early, with the interrupt flag set, when interrupted.
     *
     * @param duration how long the work takes
     * @throws InterruptedException when interrupted, as real blocking work would be
     */
    public static void lasting(Duration duration) throws InterruptedException {
        long deadline = System.nanoTime() + duration.toNanos();
        long remaining;
        while ((remaining = deadline - System.nanoTime()) > 0) {
            LockSupport.parkNanos(remaining);
            if (Thread.interrupted()) {
                throw new InterruptedException("work interrupted");
            }
        }
    }

    /**
     * Blocks until {@code release} is true, ignoring interrupts: a handler that never returns on its own.
     *
     * @param release checked every few milliseconds
     */
    public static void ignoringInterruptsUntil(java.util.function.BooleanSupplier release) {
        while (!release.getAsBoolean()) {
            LockSupport.parkNanos(5_000_000);
            Thread.interrupted();
        }
    }
}

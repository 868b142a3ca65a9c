package io.github.sqsreliable.internal.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RoomTest {

    @Test
    void takesAFreePermit() {
        Semaphore room = new Semaphore(1);

        assertThat(Room.acquire(room, () -> false)).isTrue();
        assertThat(room.availablePermits()).isZero();
    }

    @Test
    void givesUpWhenTheStageCloses() throws Exception {
        Semaphore room = new Semaphore(0);
        AtomicBoolean closed = new AtomicBoolean();
        CompletableFuture<Boolean> acquired = new CompletableFuture<>();
        Thread caller = new Thread(() -> acquired.complete(Room.acquire(room, closed::get)));
        caller.start();
        awaitWaiting(caller);

        closed.set(true);

        assertThat(acquired.get(5, TimeUnit.SECONDS)).isFalse();
    }

    @Test
    void keepsWaitingThroughAnInterruptAndRestoresIt() throws Exception {
        Semaphore room = new Semaphore(0);
        CompletableFuture<Boolean> acquired = new CompletableFuture<>();
        AtomicBoolean interruptRestored = new AtomicBoolean();
        Thread caller = new Thread(() -> {
            boolean result = Room.acquire(room, () -> false);
            interruptRestored.set(Thread.currentThread().isInterrupted());
            acquired.complete(result);
        });
        caller.start();
        awaitWaiting(caller);

        caller.interrupt();
        // The interrupt is taken (the flag clears) and the caller waits again rather than returning.
        await().atMost(Duration.ofSeconds(5)).until(() -> !caller.isInterrupted()
                && caller.getState() == Thread.State.TIMED_WAITING);
        assertThat(acquired).isNotDone();
        room.release();

        assertThat(acquired.get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(interruptRestored).isTrue();
    }

    @Test
    void waitsUntilNothingIsOutstandingOrTheDeadline() throws Exception {
        AtomicInteger outstanding = new AtomicInteger(1);
        CompletableFuture<Integer> seen = new CompletableFuture<>();
        Thread waiter = new Thread(() -> {
            Room.awaitNoneOutstanding(outstanding, System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
            seen.complete(outstanding.get());
        });
        waiter.start();
        awaitWaiting(waiter);

        outstanding.set(0);
        synchronized (outstanding) {
            outstanding.notifyAll();
        }
        assertThat(seen.get(5, TimeUnit.SECONDS)).isZero();

        outstanding.set(1);
        long started = System.nanoTime();
        Room.awaitNoneOutstanding(outstanding, started + TimeUnit.MILLISECONDS.toNanos(100));
        assertThat(System.nanoTime() - started).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
    }

    /** Until the thread waits inside Room (a timed wait on the semaphore or the counter). */
    private static void awaitWaiting(Thread thread) {
        await().atMost(Duration.ofSeconds(5)).until(() -> thread.getState() == Thread.State.TIMED_WAITING);
    }
}

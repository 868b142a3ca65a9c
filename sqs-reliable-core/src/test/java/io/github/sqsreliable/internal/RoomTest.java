package io.github.sqsreliable.internal;

import static org.assertj.core.api.Assertions.assertThat;

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
        Thread closer = new Thread(() -> {
            sleep(150);
            closed.set(true);
        });
        closer.start();

        assertThat(Room.acquire(room, closed::get)).isFalse();
        closer.join();
    }

    @Test
    void keepsWaitingThroughAnInterruptAndRestoresIt() throws Exception {
        Semaphore room = new Semaphore(0);
        Thread caller = Thread.currentThread();
        Thread helper = new Thread(() -> {
            sleep(100);
            caller.interrupt();
            sleep(150);
            room.release();
        });
        helper.start();

        assertThat(Room.acquire(room, () -> false)).isTrue();
        assertThat(Thread.interrupted()).isTrue();
        helper.join();
    }

    @Test
    void waitsUntilNothingIsOutstandingOrTheDeadline() throws Exception {
        AtomicInteger outstanding = new AtomicInteger(1);
        Thread answerer = new Thread(() -> {
            sleep(100);
            outstanding.set(0);
            synchronized (outstanding) {
                outstanding.notifyAll();
            }
        });
        answerer.start();

        Room.awaitNoneOutstanding(outstanding, System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
        assertThat(outstanding.get()).isZero();
        answerer.join();

        outstanding.set(1);
        long started = System.nanoTime();
        Room.awaitNoneOutstanding(outstanding, started + TimeUnit.MILLISECONDS.toNanos(100));
        assertThat(System.nanoTime() - started).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.github.sqsreliable.example.image.http;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Counts the exchanges being handled, so {@link ApiServer#close()} can wait for them itself: on JDK 17,
 * {@code HttpServer.stop(delay)} waits the whole delay even when nothing is in flight. Thread-safe.
 */
final class InFlightExchanges {

    private int count;
    private boolean closed;

    /** Counts one more exchange, or returns {@code false} once {@link #closeAndAwait} has been called. */
    synchronized boolean enter() {
        if (closed) {
            return false;
        }
        count++;
        return true;
    }

    /** Counts one exchange as finished. */
    synchronized void exit() {
        count--;
        if (count == 0) {
            notifyAll();
        }
    }

    /**
     * Refuses further exchanges and waits until none is in flight.
     *
     * @return {@code true} if none was left in time
     */
    synchronized boolean closeAndAwait(Duration timeout) throws InterruptedException {
        closed = true;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (count > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }
}

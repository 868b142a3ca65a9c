package io.github.sqsreliable.internal.publish;

import java.util.concurrent.TimeUnit;

/**
 * The bound on the messages and bytes a publisher holds until their final answer: {@code publish} takes room,
 * waiting up to a deadline, and each final answer gives it back.
 */
final class PendingLimit {

    private final int maxMessages;
    private final long maxBytes;
    private int messages;
    private long bytes;
    private boolean closed;

    PendingLimit(int maxMessages, long maxBytes) {
        this.maxMessages = maxMessages;
        this.maxBytes = maxBytes;
    }

    /**
     * @param size the message's bytes, at most the byte bound
     * @param timeoutNanos how long to wait for room
     * @return whether room was taken; false after the timeout, once closed, or when interrupted (the interrupt is
     *     kept)
     */
    synchronized boolean take(long size, long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        while (messages + 1 > maxMessages || bytes + size > maxBytes) {
            long remaining = deadline - System.nanoTime();
            if (closed || remaining <= 0) {
                return false;
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, remaining);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        if (closed) {
            return false;
        }
        messages++;
        bytes += size;
        return true;
    }

    synchronized void give(long size) {
        messages--;
        bytes -= size;
        notifyAll();
    }

    /** Wakes whoever waits for room (they give up) and refuses room from now on. */
    synchronized void close() {
        closed = true;
        notifyAll();
    }

    /**
     * @param deadlineNanos {@link System#nanoTime()} at which to stop waiting
     * @return whether nothing is held any more
     */
    synchronized boolean awaitEmpty(long deadlineNanos) {
        while (messages > 0) {
            long remaining = deadlineNanos - System.nanoTime();
            if (remaining <= 0) {
                return false;
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, remaining);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    synchronized int messages() {
        return messages;
    }

    synchronized long bytes() {
        return bytes;
    }
}

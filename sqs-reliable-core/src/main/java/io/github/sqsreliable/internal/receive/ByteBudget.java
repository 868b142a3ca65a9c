package io.github.sqsreliable.internal.receive;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The consumer's capacity in bytes, shared by the engines of its queue and its retry queues: what it holds
 * (received messages until they leave it, including the copy a move is sending) and what its receives in flight
 * may return. A receive reserves, before it is sent, room for every message it asks for at its queue's maximum
 * size, since SQS may answer with exactly that; once its messages are counted by their own size, the reservation
 * is given back. So the budget holds whatever SQS returns, and large messages slow receiving instead of filling
 * the heap.
 *
 * <p>Sizes are counted as SQS counts a message: body plus message attributes, in bytes. Like {@link
 * ReceivePermits}, nothing here waits: a receiver reserves when it can and is told through its release callback
 * when bytes come back.
 */
public final class ByteBudget {

    private final long capacity;
    private final AtomicLong used = new AtomicLong();
    private final List<Runnable> onRelease = new CopyOnWriteArrayList<>();

    /** @param capacity the most bytes held and reserved at once */
    public ByteBudget(long capacity) {
        this.capacity = capacity;
    }

    /** @param callback runs on the releasing thread after every release; must not block */
    public void onRelease(Runnable callback) {
        onRelease.add(callback);
    }

    /**
     * @param messageBytes the largest message of the queue
     * @return the most messages one receive may ask for: 10, or fewer when the whole budget holds fewer
     */
    public int receiveLimit(long messageBytes) {
        return (int) Math.max(1, Math.min(10, capacity / messageBytes));
    }

    /** @return whether {@code messages} of {@code messageBytes} could be reserved now (a hint) */
    public boolean fits(int messages, long messageBytes) {
        return capacity - used.get() >= messages * messageBytes;
    }

    /**
     * Reserves room for {@code messages} of {@code messageBytes} each, if there is room for all.
     *
     * @return whether the room was reserved
     */
    public boolean tryReserve(int messages, long messageBytes) {
        return reserve(messages, messages, messageBytes) == messages;
    }

    /**
     * Reserves room for as many messages of {@code messageBytes} as fit, up to {@code messages}.
     *
     * @return the messages room was reserved for, 0 when not even one fits
     */
    public int reserveUpTo(int messages, long messageBytes) {
        return reserve(1, messages, messageBytes);
    }

    private int reserve(int least, int most, long messageBytes) {
        while (true) {
            long now = used.get();
            int fitting = (int) Math.min(most, Math.max(0, (capacity - now) / messageBytes));
            if (fitting < least) {
                return 0;
            }
            if (used.compareAndSet(now, now + fitting * messageBytes)) {
                return fitting;
            }
        }
    }

    /**
     * Counts the bytes of a message now held, before its receive's reservation is given back, so that the
     * reservation covers them meanwhile.
     *
     * @param bytes the message's size
     */
    public void hold(long bytes) {
        used.addAndGet(bytes);
    }

    /** @param bytes bytes to give back: a message left, or a receive's reservation ended */
    public void release(long bytes) {
        if (bytes > 0) {
            used.addAndGet(-bytes);
            for (Runnable callback : onRelease) {
                callback.run();
            }
        }
    }

    /** @return bytes held and reserved now */
    public long used() {
        return used.get();
    }

    /** @return the most bytes held and reserved at once */
    public long capacity() {
        return capacity;
    }
}

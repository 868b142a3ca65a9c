package io.github.sqsreliable.internal.batch;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Entries waiting to be sent in batches, in arrival order. Any thread may take a batch: a take first reserves
 * its entries from the count, so two threads flushing at once never split a batch between them or find an entry
 * missing.
 *
 * @param <E> the entry type
 */
final class PendingEntries<E> {

    private final Queue<E> queue = new ConcurrentLinkedQueue<>();
    // Counts an entry only after it is queued, and takes a batch out of it before polling: the queue never holds
    // fewer entries than the count (until clear()).
    private final AtomicInteger count = new AtomicInteger();
    private final int batchSize;

    /**
     * @param batchSize entries in a full batch
     */
    PendingEntries(int batchSize) {
        this.batchSize = batchSize;
    }

    /**
     * @param entry the entry
     * @return entries waiting now, this one included
     */
    int add(E entry) {
        queue.add(entry);
        return count.incrementAndGet();
    }

    /**
     * Takes the next batch: a full one if that many wait, otherwise, when {@code includePartial}, all that wait.
     *
     * @param includePartial whether fewer than a full batch may be taken
     * @return the batch, oldest entries first, or {@code null} when no batch is due
     */
    List<E> takeBatch(boolean includePartial) {
        while (true) {
            int available = count.get();
            if (available < batchSize && !(includePartial && available > 0)) {
                return null;
            }
            int take = Math.min(available, batchSize);
            if (count.compareAndSet(available, available - take)) {
                List<E> batch = new ArrayList<>(take);
                for (E entry = queue.poll(); entry != null; entry = batch.size() < take ? queue.poll() : null) {
                    batch.add(entry);
                }
                return batch.isEmpty() ? null : batch;
            }
        }
    }

    /** @return entries waiting now */
    int size() {
        return Math.max(0, count.get());
    }

    /** Drops every waiting entry (at close, once their owners were answered). */
    void clear() {
        while (queue.poll() != null) {
            count.decrementAndGet();
        }
    }
}

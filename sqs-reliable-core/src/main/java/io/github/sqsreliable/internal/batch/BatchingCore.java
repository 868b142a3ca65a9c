package io.github.sqsreliable.internal.batch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The flush-and-close protocol of a batcher, without knowing what a batch is sent to: entries wait in
 * {@link PendingEntries} and go out as {@link FlushTrigger} decides; an entry whose batch failed comes back after
 * a delay; {@link #drain} sends what waits, waits for the answers, then gives up every entry still without one.
 * The batcher that owns it says how a batch is sent and answered, which entries are retried, and what giving an
 * entry up means (the delete batcher fails the entry's future, the completion batcher leaves the message).
 *
 * <p>Every accepted entry is outstanding until its owner reports it {@link #answered()}. Unanswered entries are
 * found at close where they wait: pending, in a batch sent (tracked per batch, not per entry, which would cost
 * two concurrent-set operations per entry), or waiting for a retry.
 *
 * <p>Thread-safe. A full batch is sent by the thread that filled it, a partial one, and every retry, by the
 * scheduler thread.
 *
 * @param <E> the entry type; entries are told apart by identity
 */
public final class BatchingCore<E> {

    private static final Logger log = LoggerFactory.getLogger(BatchingCore.class);

    /** A batch sent and not yet handled; identity, not the entries, tells two apart. */
    private static final class SentBatch<E> {
        final List<E> entries;

        SentBatch(List<E> entries) {
            this.entries = entries;
        }
    }

    private final ScheduledExecutorService scheduler;
    private final Function<List<E>, CompletionStage<?>> send;
    private final Predicate<E> giveUp;
    private final PendingEntries<E> pending;
    private final FlushTrigger flushes;
    private final AtomicInteger outstanding = new AtomicInteger();
    private final Set<SentBatch<E>> sent = ConcurrentHashMap.newKeySet();
    private final Set<E> retrying = ConcurrentHashMap.newKeySet();
    // Draining: partial batches go at once. Closed: nothing more is accepted or sent.
    private volatile boolean draining;
    private volatile boolean closed;

    /**
     * @param scheduler the batcher's single scheduler thread: partial batches, retries and the flush timer
     * @param flushInterval how long a partial batch may wait; zero sends every entry at once
     * @param batchSize entries in a full batch
     * @param send sends one batch and returns a stage that completes once the answer has been handled, that is
     *     once each entry of the batch was answered or handed to {@link #retryLater}; must not throw for a
     *     failed request (that is an answer too). May run on several threads at once
     * @param giveUp gives an entry up (the batcher closed, or its scheduler stopped) unless it already has its
     *     answer, and returns whether it did; giving up answers the entry, so it calls {@link #answered()} too
     */
    public BatchingCore(ScheduledExecutorService scheduler, Duration flushInterval, int batchSize,
                        Function<List<E>, CompletionStage<?>> send, Predicate<E> giveUp) {
        this.scheduler = scheduler;
        this.send = send;
        this.giveUp = giveUp;
        this.pending = new PendingEntries<>(batchSize);
        this.flushes = new FlushTrigger(scheduler, flushInterval.toNanos(), batchSize, this::flush);
    }

    /**
     * Counts an entry as outstanding and queues it; a full batch is sent on the calling thread. After
     * {@link #drain} (or once the scheduler stopped) the entry is given up instead.
     *
     * @param entry the entry
     */
    public void accept(E entry) {
        outstanding.incrementAndGet();
        enqueue(entry);
    }

    /**
     * Queues an entry again after a delay, on the scheduler thread; gives it up if the scheduler has stopped,
     * or if the batcher closed by then.
     *
     * @param entry an outstanding entry whose batch was answered without an answer for it
     * @param delay how long to wait
     */
    public void retryLater(E entry, Duration delay) {
        retrying.add(entry);
        try {
            scheduler.schedule(() -> {
                // Removed before it is queued again: a full batch may be sent, answered and retried on this very
                // call, and must then be found in retrying.
                retrying.remove(entry);
                enqueue(entry);
            }, delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            retrying.remove(entry);
            giveUp.test(entry);
        }
    }

    /**
     * Reports that an outstanding entry has its final answer, or was given up; exactly once per accepted entry.
     * Call it after whatever depends on the entry has been told: dependants may accept more entries, which
     * {@link #drain} then still waits for.
     */
    public void answered() {
        if (outstanding.decrementAndGet() == 0 && draining) {
            synchronized (outstanding) {
                outstanding.notifyAll();
            }
        }
    }

    /** @return whether {@link #drain} has given up on the entries still unanswered; nothing is accepted since */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Sends everything pending now (on the scheduler thread) and waits until no entry is outstanding, or the
     * timeout. Then closes and gives up every entry still unanswered; entries accepted afterwards are given up at
     * once.
     *
     * @param timeout how long to wait for answers
     * @return how many entries were given up (those already answered meanwhile do not count)
     */
    public int drain(Duration timeout) {
        draining = true;
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            scheduler.execute(() -> flush(true));
        } catch (RejectedExecutionException e) {
            log.debug("scheduler already stopped; nothing more can be sent");
        }
        Room.awaitNoneOutstanding(outstanding, deadline);
        closed = true;
        // Looked for in the order an entry moves (sent → retrying → pending), except for pending → sent, which
        // flush checks for itself; an entry on its way is then found where it arrives, or given up by the mover.
        List<E> unanswered = new ArrayList<>();
        sent.forEach(batch -> unanswered.addAll(batch.entries));
        unanswered.addAll(retrying);
        for (List<E> batch = pending.takeBatch(true); batch != null; batch = pending.takeBatch(true)) {
            unanswered.addAll(batch);
        }
        int givenUp = 0;
        for (E entry : unanswered) {
            if (giveUp.test(entry)) {
                givenUp++;
            }
        }
        return givenUp;
    }

    private void enqueue(E entry) {
        if (closed) {
            giveUp.test(entry); // a retry that came due after drain gave up on it, or an entry accepted after it
            return;
        }
        int size = pending.add(entry);
        if (closed) {
            giveUp.test(entry); // drain may have emptied pending just before this add
            return;
        }
        try {
            flushes.entryAdded(size, draining);
        } catch (RejectedExecutionException e) {
            giveUp.test(entry);
        }
    }

    /** Runs on the scheduler thread, or on the thread that filled a batch. */
    private void flush(boolean includePartial) {
        for (List<E> batch = pending.takeBatch(includePartial); batch != null;
                batch = pending.takeBatch(includePartial)) {
            SentBatch<E> sentBatch = new SentBatch<>(batch);
            sent.add(sentBatch);
            if (closed) {
                // drain may have looked at sent before this batch arrived there: nothing is sent once closed.
                sent.remove(sentBatch);
                batch.forEach(giveUp::test);
                continue;
            }
            send.apply(batch).whenComplete((ignored, error) -> sent.remove(sentBatch));
        }
        flushes.afterFlush(pending.size());
    }
}

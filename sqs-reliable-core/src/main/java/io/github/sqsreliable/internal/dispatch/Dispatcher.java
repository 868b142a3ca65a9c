package io.github.sqsreliable.internal.dispatch;

import io.github.sqsreliable.internal.message.DispatchUnit;
import io.github.sqsreliable.internal.message.InFlightMessage;
import io.github.sqsreliable.observe.ConsumerEvent.ReleaseReason;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * Starts handlers for received messages, never more than {@code maxConcurrency} at once. A keyed dispatcher (for a
 * FIFO queue) never runs two units of the same dispatch key at once: the key is the message group, so a group's
 * messages run one after another in the order received. An unkeyed one (for a standard queue) starts units in
 * the order received, with no bookkeeping per key: everything may run in parallel.
 *
 * <p>When a FIFO message fails, the later messages of its group that are already held are released unprocessed,
 * so none overtakes it. Waiting messages are the only queue here, and it holds at most what the receive permits
 * allowed in.
 *
 * <p>Waking a worker costs tens of microseconds of CPU. While units take less than {@link #QUICK_UNIT_NANOS} on
 * average, the worker already running takes the ready units one after another instead of waking more workers
 * for them; {@link #startStalled()}, called on a timer, starts the ready units should that worker's current unit
 * turn out slow.
 *
 * <p>Thread-safe: one lock guards the state, and no handler, release or executor call runs under it.
 */
public final class Dispatcher<U extends DispatchUnit> {

    /** Units quicker than this on average run one after another on a running worker rather than waking another. */
    static final long QUICK_UNIT_NANOS = TimeUnit.MICROSECONDS.toNanos(100);

    private final Object lock = new Object();
    private final LongSupplier nanoClock;
    private final int maxConcurrency;
    private final Executor executor;
    private final Predicate<U> pipeline;
    private final BiConsumer<List<InFlightMessage>, ReleaseReason> releaser;
    private final boolean keyed;

    // Guarded by lock. Keyed: each key's waiting units, and the keys whose head may start. Unkeyed: the ready units.
    private final Map<String, ArrayDeque<U>> waitingByKey = new HashMap<>();
    private final ArrayDeque<String> readyKeys = new ArrayDeque<>();
    private final ArrayDeque<U> readyUnits = new ArrayDeque<>();
    private boolean closed;
    private long startedUnits;
    private long startedAtLastCheck;
    // Written under lock, read without it by starving().
    private volatile int running;
    private volatile int ready;
    // A moving average of how long a unit takes, updated by the workers without the lock (it is only a hint);
    // negative until the first unit has run.
    private volatile long averageUnitNanos = -1;

    /**
     * @param maxConcurrency the most handlers running at once
     * @param keyed whether units of the same dispatch key must run one after another, in arrival order
     * @param executor where handlers run
     * @param pipeline handles, classifies and settles one message on the executor's thread; answers whether the
     *     message succeeded (a failure releases the rest of its FIFO group)
     * @param releaser hands messages back to the queue unprocessed
     */
    public Dispatcher(int maxConcurrency, boolean keyed, Executor executor, Predicate<U> pipeline,
                      BiConsumer<List<InFlightMessage>, ReleaseReason> releaser) {
        this(maxConcurrency, keyed, executor, pipeline, releaser, System::nanoTime);
    }

    /**
     * @param nanoClock times the units, to tell quick ones from slow ones
     */
    Dispatcher(int maxConcurrency, boolean keyed, Executor executor, Predicate<U> pipeline,
               BiConsumer<List<InFlightMessage>, ReleaseReason> releaser, LongSupplier nanoClock) {
        this.keyed = keyed;
        this.nanoClock = nanoClock;
        this.maxConcurrency = maxConcurrency;
        this.executor = executor;
        this.pipeline = pipeline;
        this.releaser = releaser;
    }

    /**
     * Accepts the units of one receive, in the order SQS returned their messages. After {@link #close()} they are
     * released.
     *
     * @param units the units
     */
    public void dispatch(List<U> units) {
        start(accept(units));
    }

    /**
     * Like {@link #dispatch}, but the unit that may start now is handed back to run on the caller's thread, which
     * then goes on with ready units as a worker would, rather than waking a worker for it: for a caller that is
     * itself a thread of the executor with nothing else to do.
     *
     * @param units the units
     * @return runs that unit; null when none may start. The caller must run it.
     */
    public Runnable dispatchKeepingOne(List<U> units) {
        List<U> toStart = accept(units);
        return toStart.isEmpty() ? null : () -> run(toStart.get(0));
    }

    /** Queues the units, or releases them after {@link #close()}; answers the unit that may start now, if any. */
    private List<U> accept(List<U> units) {
        synchronized (lock) {
            if (!closed) {
                if (keyed) {
                    for (U unit : units) {
                        ArrayDeque<U> waiting = waitingByKey.get(unit.dispatchKey());
                        if (waiting == null) {
                            // Made each time a group gets messages again, and a receive rarely holds more than a
                            // few of one group: the default capacity (16) would be allocated for nothing.
                            waiting = new ArrayDeque<>(2);
                            waitingByKey.put(unit.dispatchKey(), waiting);
                            readyKeys.add(unit.dispatchKey());
                        }
                        // A key already present is either ready or running; it must not be queued as ready twice.
                        waiting.add(unit);
                    }
                } else {
                    readyUnits.addAll(units);
                }
                // One worker now; each worker that starts a unit wakes the next (see run()).
                return takeStartable();
            }
        }
        releaser.accept(flatten(units), ReleaseReason.SHUTDOWN);
        return List.of();
    }

    /**
     * Stops starting handlers and releases every waiting message. Running handlers carry on.
     */
    public void close() {
        List<U> waiting = new ArrayList<>();
        synchronized (lock) {
            closed = true;
            for (ArrayDeque<U> queue : waitingByKey.values()) {
                waiting.addAll(queue);
                queue.clear();
            }
            readyKeys.clear();
            waiting.addAll(readyUnits);
            readyUnits.clear();
            ready = 0;
            lock.notifyAll();
        }
        if (!waiting.isEmpty()) {
            releaser.accept(flatten(waiting), ReleaseReason.SHUTDOWN);
        }
    }

    /**
     * Starts every ready unit that may start, if units were ready but none started since the last call: a quick
     * unit's worker, which takes the ready units one after another, may be held by a unit that turned out slow.
     * Call it on a timer; its period bounds how long ready units wait behind such a unit.
     */
    public void startStalled() {
        List<U> toStart = new ArrayList<>();
        synchronized (lock) {
            if (startedUnits == startedAtLastCheck && !closed) {
                for (List<U> unit = takeStartable(); !unit.isEmpty(); unit = takeStartable()) {
                    toStart.addAll(unit);
                }
            }
            startedAtLastCheck = startedUnits;
        }
        start(toStart);
    }

    /**
     * Waits until no handler runs.
     *
     * @param timeoutNanos how long to wait
     * @return whether every handler finished in time
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean awaitIdle(long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        synchronized (lock) {
            while (running > 0) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, remaining);
            }
            return true;
        }
    }

    /**
     * Whether a handler could start now but no message is ready for it (a hint: read without the lock).
     *
     * @return true when fewer than {@code maxConcurrency} handlers run and nothing waits that could start
     */
    public boolean starving() {
        return running < maxConcurrency && ready == 0;
    }

    /** @return handlers running now */
    public int running() {
        synchronized (lock) {
            return running;
        }
    }

    private void start(List<U> units) {
        for (int i = 0; i < units.size(); i++) {
            U unit = units.get(i);
            try {
                executor.execute(() -> run(unit));
            } catch (RejectedExecutionException e) {
                start(finished(unit, false, ReleaseReason.EXECUTOR_REJECTED, true));
            }
        }
    }

    /**
     * Runs a unit, then, while units are ready, the next one on the same thread: handing it to another thread
     * would cost two context switches per message when handlers are busy. Unless units are quick, a worker that
     * has just woken first hands one more ready unit to another worker, so ready units start in parallel, one
     * wake-up after another. After a unit that threw, the thread leaves and the next unit goes to the executor.
     */
    private void run(U first) {
        if (!unitsAreQuick()) {
            List<U> another;
            synchronized (lock) {
                another = closed ? List.of() : takeStartable();
            }
            start(another);
        }
        U unit = first;
        while (unit != null) {
            boolean succeeded = false;
            boolean returned = false;
            long startNanos = nanoClock.getAsLong();
            try {
                succeeded = pipeline.test(unit);
                returned = true;
            } finally {
                timed(nanoClock.getAsLong() - startNanos);
                List<U> next = finished(unit, succeeded, ReleaseReason.FIFO_GROUP_FAILED, false);
                if (returned && !next.isEmpty()) {
                    unit = next.get(0);
                } else {
                    unit = null;
                    start(next);
                }
            }
        }
    }

    private boolean unitsAreQuick() {
        long average = averageUnitNanos;
        return average >= 0 && average < QUICK_UNIT_NANOS;
    }

    private void timed(long unitNanos) {
        long average = averageUnitNanos;
        averageUnitNanos = average < 0 ? unitNanos : average + (unitNanos - average) / 8;
    }

    /** Settles the bookkeeping of a finished unit and answers the unit (at most one) that may start now. */
    private List<U> finished(U unit, boolean succeeded, ReleaseReason reason, boolean releaseItself) {
        // Made only when something is released: this runs once per unit.
        List<U> toRelease = releaseItself ? new ArrayList<>(List.of(unit)) : null;
        List<U> toStart;
        synchronized (lock) {
            running--;
            String key = unit.dispatchKey();
            ArrayDeque<U> waiting = keyed ? waitingByKey.get(key) : null;
            if (waiting != null) {
                if (!succeeded && !waiting.isEmpty()) {
                    if (toRelease == null) {
                        toRelease = new ArrayList<>();
                    }
                    toRelease.addAll(waiting);
                    waiting.clear();
                }
                if (waiting.isEmpty()) {
                    waitingByKey.remove(key);
                } else {
                    readyKeys.add(key);
                }
            }
            toStart = closed ? List.of() : takeStartable();
            if (running == 0) {
                lock.notifyAll();
            }
        }
        if (toRelease != null && !toRelease.isEmpty()) {
            releaser.accept(flatten(toRelease), releaseItself ? ReleaseReason.EXECUTOR_REJECTED : reason);
        }
        return toStart;
    }

    /**
     * Caller holds the lock. Takes the next ready unit to start, if a handler may start: keyed, the head of the
     * next ready key's queue (the key stays mapped while its unit runs). One at a time: each started worker wakes
     * the next (see run()).
     *
     * @return that unit, or none
     */
    private List<U> takeStartable() {
        List<U> toStart = List.of();
        if (running < maxConcurrency) {
            U next = keyed ? (readyKeys.isEmpty() ? null : waitingByKey.get(readyKeys.poll()).poll())
                    : readyUnits.poll();
            if (next != null) {
                toStart = List.of(next);
                running++;
                startedUnits++;
            }
        }
        ready = keyed ? readyKeys.size() : readyUnits.size();
        return toStart;
    }

    private List<InFlightMessage> flatten(List<U> units) {
        List<InFlightMessage> messages = new ArrayList<>();
        for (U unit : units) {
            messages.addAll(unit.messages());
        }
        return messages;
    }
}

package io.github.sqsreliable.example.image.faults;

import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The demo's fault switches. {@link #maybeThrottle} fails a storage call with the configured probability;
 * {@link #maybeDuplicate} tells a producer to send a message twice; {@link #countAndMaybeCrash} halts the JVM
 * (no shutdown hooks, like {@code kill -9}) after the configured number of calls at the configured
 * {@link CrashPoint}.
 */
public final class FaultInjector {

    /** Where the crash switch counts, and so where the JVM halts. */
    public enum CrashPoint {
        /**
         * After a resize succeeded: its catalog request is confirmed by SQS and its resize request not yet deleted.
         * The default.
         */
        AFTER_RESIZE,
        /**
         * Inside a catalog transaction (the PostgreSQL catalog), after the catalog write and before the commit: the
         * window where a catalog that cannot commit with its idempotency record would be left with a write and no
         * record.
         */
        IN_CATALOG_TRANSACTION
    }

    private static final int CRASH_EXIT_STATUS = 137;

    private final double transientFailureRate;
    private final double duplicateRate;
    private final long crashAfter;
    private final CrashPoint crashPoint;
    private final SplittableRandom random;
    private final AtomicLong throttled = new AtomicLong();
    private final AtomicLong duplicated = new AtomicLong();
    private final AtomicLong countedTowardsCrash = new AtomicLong();
    private final Runnable halt;

    private FaultInjector(double transientFailureRate, double duplicateRate, long crashAfter, CrashPoint crashPoint,
            long seed, Runnable halt) {
        requireRate("transientFailureRate", transientFailureRate);
        requireRate("duplicateRate", duplicateRate);
        if (crashAfter < 0) {
            throw new IllegalArgumentException("crashAfter must be 0 (never) or positive: " + crashAfter);
        }
        this.transientFailureRate = transientFailureRate;
        this.duplicateRate = duplicateRate;
        this.crashAfter = crashAfter;
        this.crashPoint = Objects.requireNonNull(crashPoint, "crashPoint");
        this.random = new SplittableRandom(seed);
        this.halt = Objects.requireNonNull(halt, "halt");
    }

    /** No faults. */
    public static FaultInjector none() {
        return new FaultInjector(0, 0, 0, CrashPoint.AFTER_RESIZE, 0, () -> { });
    }

    /**
     * @param transientFailureRate probability, 0 to less than 1, that a storage call is throttled
     * @param duplicateRate probability, 0 to 1, that a stage-2 message is sent twice
     * @param crashAfter halt the JVM when this many images have passed {@link CrashPoint#AFTER_RESIZE}; 0 never
     * @param seed the random seed, so runs can be repeated
     */
    public static FaultInjector of(double transientFailureRate, double duplicateRate, long crashAfter, long seed) {
        return of(transientFailureRate, duplicateRate, crashAfter, CrashPoint.AFTER_RESIZE, seed);
    }

    /**
     * @param transientFailureRate probability, 0 to less than 1, that a storage call is throttled
     * @param duplicateRate probability, 0 to 1, that a stage-2 message is sent twice
     * @param crashAfter halt the JVM when this many images have passed {@code crashPoint}; 0 never
     * @param crashPoint where the crash switch counts
     * @param seed the random seed, so runs can be repeated
     */
    public static FaultInjector of(double transientFailureRate, double duplicateRate, long crashAfter,
            CrashPoint crashPoint, long seed) {
        return new FaultInjector(transientFailureRate, duplicateRate, crashAfter, crashPoint, seed,
                () -> Runtime.getRuntime().halt(CRASH_EXIT_STATUS));
    }

    /** As {@link #of}, with a custom halt action (tests). */
    static FaultInjector of(double transientFailureRate, double duplicateRate, long crashAfter, CrashPoint crashPoint,
            long seed, Runnable halt) {
        return new FaultInjector(transientFailureRate, duplicateRate, crashAfter, crashPoint, seed, halt);
    }

    /**
     * Throws {@link StorageThrottledException} with probability {@code transientFailureRate}.
     *
     * @param operation what is being done, for the exception's message
     */
    public void maybeThrottle(String operation) {
        if (transientFailureRate > 0 && draw() < transientFailureRate) {
            throttled.incrementAndGet();
            throw new StorageThrottledException(operation);
        }
    }

    /** Whether to send the next message twice, with probability {@code duplicateRate}. */
    public boolean maybeDuplicate() {
        if (duplicateRate > 0 && draw() < duplicateRate) {
            duplicated.incrementAndGet();
            return true;
        }
        return false;
    }

    /**
     * Counts one image at {@code point}, if that is the configured crash point, and halts the JVM if that makes
     * {@code crashAfter}, after printing to standard error where it halts.
     *
     * @param point where the caller is
     * @param where what the caller is doing, for the message, e.g. {@code "after resizing image X"}
     */
    public void countAndMaybeCrash(CrashPoint point, String where) {
        if (crashAfter > 0 && point == crashPoint && countedTowardsCrash.incrementAndGet() == crashAfter) {
            System.err.printf("%n*** --crash-after %d: halting the JVM now, as if killed, %s ***%n", crashAfter, where);
            System.err.flush();
            halt.run();
        }
    }

    /** Where the crash switch counts. */
    public CrashPoint crashPoint() {
        return crashPoint;
    }

    /** Storage calls throttled so far. */
    public long throttled() {
        return throttled.get();
    }

    /** Messages sent twice so far. */
    public long duplicated() {
        return duplicated.get();
    }

    /** The configured throttling probability. */
    public double transientFailureRate() {
        return transientFailureRate;
    }

    private synchronized double draw() {
        return random.nextDouble();
    }

    private static void requireRate(String name, double rate) {
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException(name + " must be at least 0 and below 1: " + rate);
        }
    }
}

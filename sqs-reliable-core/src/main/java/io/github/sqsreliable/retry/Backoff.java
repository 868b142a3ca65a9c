package io.github.sqsreliable.retry;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * How long to wait before the next attempt, as a function of the attempt that just failed (1 for the first).
 * Implementations must be thread-safe and return a non-negative duration.
 *
 * <p>The backoffs the factories make describe themselves in {@code toString()}, e.g. {@code fixed(PT30S)} or
 * {@code exponential(PT1S, x2.0, max PT15M, jitter 0.5)}. {@link RetryPolicy#toString()} prints them so, a
 * class of your own by its {@code toString()} if it declares one, and a lambda as {@code custom(<class name>)}.
 */
@FunctionalInterface
public interface Backoff {

    /** Default cap of {@link #exponential(Duration, double)}: 15 minutes. */
    Duration DEFAULT_MAX_DELAY = Duration.ofMinutes(15);
    /** Default jitter of {@link #exponential(Duration, double)}: each delay is drawn within ±50 %. */
    double DEFAULT_JITTER = 0.5;

    /**
     * @param failedAttempt the attempt that just failed, starting at 1
     * @return the delay before the next attempt
     */
    Duration delayAfter(int failedAttempt);

    /**
     * @param delay the same delay after every attempt
     * @return a fixed backoff
     */
    static Backoff fixed(Duration delay) {
        Objects.requireNonNull(delay, "delay must not be null");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay (" + delay + ") must not be negative");
        }
        return new Backoffs.Fixed(delay);
    }

    /**
     * Exponential backoff with the default jitter (±50 %) and cap (15 min): {@code initial}, then
     * {@code initial × multiplier}, ...
     *
     * @param initial the delay after the first failure; at least 1 ms
     * @param multiplier growth per attempt; at least 1
     * @return the backoff
     */
    static Backoff exponential(Duration initial, double multiplier) {
        return exponential(initial, multiplier, DEFAULT_MAX_DELAY, DEFAULT_JITTER);
    }

    /**
     * @param initial the delay after the first failure; at least 1 ms
     * @param multiplier growth per attempt; at least 1
     * @param max the cap, applied before jitter; at least {@code initial}
     * @param jitter each delay is drawn uniformly within {@code ±jitter} of the exponential value; 0 to 1
     * @return the backoff
     */
    static Backoff exponential(Duration initial, double multiplier, Duration max, double jitter) {
        return exponential(initial, multiplier, max, jitter, () -> ThreadLocalRandom.current().nextDouble());
    }

    /**
     * As {@link #exponential(Duration, double, Duration, double)}, with the randomness supplied, for tests.
     *
     * @param initial the delay after the first failure; at least 1 ms
     * @param multiplier growth per attempt; at least 1
     * @param max the cap, applied before jitter; at least {@code initial}
     * @param jitter each delay is drawn uniformly within {@code ±jitter} of the exponential value; 0 to 1
     * @param random returns values in {@code [0, 1)}
     * @return the backoff
     */
    static Backoff exponential(Duration initial, double multiplier, Duration max, double jitter,
                               DoubleSupplier random) {
        Objects.requireNonNull(initial, "initial must not be null");
        Objects.requireNonNull(max, "max must not be null");
        Objects.requireNonNull(random, "random must not be null");
        if (initial.compareTo(Duration.ofMillis(1)) < 0) {
            throw new IllegalArgumentException("initial (" + initial + ") must be at least 1 ms");
        }
        if (!(multiplier >= 1.0)) {
            throw new IllegalArgumentException("multiplier (" + multiplier + ") must be at least 1");
        }
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("max (" + max + ") must be at least initial (" + initial + ")");
        }
        if (!(jitter >= 0.0 && jitter <= 1.0)) {
            throw new IllegalArgumentException("jitter (" + jitter + ") must be between 0 and 1");
        }
        return new Backoffs.Exponential(initial, multiplier, max, jitter, random);
    }
}

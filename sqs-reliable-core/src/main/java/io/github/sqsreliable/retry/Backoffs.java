package io.github.sqsreliable.retry;

import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * The backoffs {@link Backoff}'s factories make, each describing itself in {@code toString()} the way it was
 * made, and {@link #describe(Backoff)}, which describes any backoff without printing a lambda's identity.
 */
final class Backoffs {

    private Backoffs() {
    }

    /**
     * @param backoff any backoff, possibly a user's lambda
     * @return its own {@code toString()} if its class has one; otherwise {@code custom(<class name>)}, without the
     *     address part of a lambda's class name
     */
    static String describe(Backoff backoff) {
        if (backoff == null) {
            return "null";
        }
        Class<?> type = backoff.getClass();
        if (declaresToString(type)) {
            return backoff.toString();
        }
        String name = type.getName();
        int hiddenSuffix = name.indexOf('/'); // a lambda's class: com.acme.Config$$Lambda$14/0x0000000800c0b000
        return "custom(" + (hiddenSuffix < 0 ? name : name.substring(0, hiddenSuffix)) + ")";
    }

    private static boolean declaresToString(Class<?> type) {
        try {
            return type.getMethod("toString").getDeclaringClass() != Object.class;
        } catch (NoSuchMethodException e) {
            throw new AssertionError("every class has toString()", e);
        }
    }

    /** {@link Backoff#fixed(Duration)}. */
    record Fixed(Duration delay) implements Backoff {

        @Override
        public Duration delayAfter(int failedAttempt) {
            return delay;
        }

        @Override
        public String toString() {
            return "fixed(" + delay + ")";
        }
    }

    /** {@link Backoff#exponential(Duration, double, Duration, double, DoubleSupplier)}, validated there. */
    static final class Exponential implements Backoff {
        private final Duration initial;
        private final double multiplier;
        private final Duration max;
        private final double jitter;
        private final DoubleSupplier random;
        private final IntervalFunction curve;

        Exponential(Duration initial, double multiplier, Duration max, double jitter, DoubleSupplier random) {
            this.initial = initial;
            this.multiplier = multiplier;
            this.max = max;
            this.jitter = jitter;
            this.random = random;
            // resilience4j computes the capped exponential curve; the jitter is drawn here so tests can fix it.
            this.curve = IntervalFunction.ofExponentialBackoff(initial, multiplier, max);
        }

        @Override
        public Duration delayAfter(int failedAttempt) {
            long millis = curve.apply(Math.max(1, failedAttempt));
            double factor = 1.0 + jitter * (2.0 * random.getAsDouble() - 1.0);
            return Duration.ofMillis(Math.round(millis * factor));
        }

        @Override
        public String toString() {
            return "exponential(" + initial + ", x" + multiplier + ", max " + max + ", jitter " + jitter + ")";
        }
    }
}

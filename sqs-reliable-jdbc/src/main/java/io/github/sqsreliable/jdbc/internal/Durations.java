package io.github.sqsreliable.jdbc.internal;

import java.time.Duration;
import java.util.Objects;

/** Checks and converts the SPI's leases and TTLs. Not API. */
public final class Durations {

    /** The longest lease or TTL accepted: 36,500 days, as the other stores. */
    public static final Duration MAX = Duration.ofDays(36_500);

    private Durations() {
    }

    /**
     * @param name what the duration is, for the message
     * @param duration a lease or TTL
     * @return it in milliseconds, at least 1: a sub-millisecond lease still lasts a millisecond
     * @throws IllegalArgumentException if it is not positive or exceeds {@link #MAX}
     */
    public static long millis(String name, Duration duration) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative() || duration.isZero() || duration.compareTo(MAX) > 0) {
            throw new IllegalArgumentException(name + " (" + duration + ") must be positive and at most " + MAX);
        }
        return Math.max(1, duration.toMillis());
    }
}

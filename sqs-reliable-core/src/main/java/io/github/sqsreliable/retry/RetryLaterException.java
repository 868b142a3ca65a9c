package io.github.sqsreliable.retry;

import java.time.Duration;
import java.util.Objects;

/**
 * A transient failure that asks for a specific delay before the next attempt, e.g. a downstream's
 * {@code Retry-After}. The delay replaces the policy's backoff for this attempt; the attempt still counts.
 */
public class RetryLaterException extends TransientFailureException {

    private static final long serialVersionUID = 1L;

    /** The delay the handler asked for; not negative. */
    private final Duration delay;

    /**
     * @param delay how long to wait before the next attempt; not negative
     * @param reason why this attempt failed
     */
    public RetryLaterException(Duration delay, String reason) {
        this(delay, reason, null);
    }

    /**
     * @param delay how long to wait before the next attempt; not negative
     * @param reason why this attempt failed
     * @param cause the underlying failure, possibly {@code null}
     */
    public RetryLaterException(Duration delay, String reason, Throwable cause) {
        super(reason, cause);
        Objects.requireNonNull(delay, "delay must not be null");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay (" + delay + ") must not be negative");
        }
        this.delay = delay;
    }

    /** @return the delay the handler asked for */
    public Duration delay() {
        return delay;
    }
}

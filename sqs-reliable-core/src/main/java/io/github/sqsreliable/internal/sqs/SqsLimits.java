package io.github.sqsreliable.internal.sqs;

import java.time.Duration;

/** SQS's hard limits, in one place, and the conversions to the units its API takes. */
public final class SqsLimits {

    /** Longest ReceiveMessage wait (long polling). */
    public static final Duration MAX_WAIT_TIME = Duration.ofSeconds(20);
    /** Longest visibility timeout, and the longest a message may stay invisible counted from its receipt. */
    public static final Duration MAX_VISIBILITY_TIMEOUT = Duration.ofHours(12);
    /** Longest DelaySeconds on SendMessage. */
    public static final Duration MAX_DELAY = Duration.ofMinutes(15);
    /** Most messages one ReceiveMessage returns. */
    public static final int MAX_RECEIVE_BATCH = 10;
    /** Most entries in one *Batch request. */
    public static final int MAX_BATCH_ENTRIES = 10;
    /** The most message attributes a message may carry (system attributes such as AWSTraceHeader not counted). */
    public static final int MAX_MESSAGE_ATTRIBUTES = 10;
    /**
     * SQS's hard maximum message size, in bytes, counted as SQS counts it (the body's UTF-8 bytes plus each message
     * attribute's name, data type and value); a queue's MaximumMessageSize may be lower.
     */
    public static final int MAX_MESSAGE_SIZE = 1_048_576;

    private SqsLimits() {
    }

    /**
     * Converts to the whole seconds SQS takes, rounding up so that a visibility is never shorter than asked.
     *
     * @param duration a non-negative duration
     * @return whole seconds, at least 0
     */
    public static int toSecondsRoundingUp(Duration duration) {
        long seconds = duration.getSeconds() + (duration.getNano() > 0 ? 1 : 0);
        return (int) Math.min(Integer.MAX_VALUE, Math.max(0, seconds));
    }

    /**
     * Converts to whole seconds, rounding down: for a remaining budget that must not be exceeded.
     *
     * @param duration a duration
     * @return whole seconds, at least 0
     */
    public static int toSecondsRoundingDown(Duration duration) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(0, duration.getSeconds()));
    }
}

package io.github.sqsreliable.tools;

import io.github.sqsreliable.InvalidConfigurationException;
import io.github.sqsreliable.internal.QueueUrls;
import io.github.sqsreliable.internal.sqs.SqsLimits;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What one {@link DeadLetterRedrive#redrive(RedriveRequest, java.util.function.Consumer) redrive} moves, and
 * where. Every option has a default, so {@code RedriveRequest.builder().build()} moves every message that
 * carries a failure record back to its origin queue.
 *
 * <pre>{@code
 * RedriveRequest request = RedriveRequest.builder()
 *         .errorClass("OptimisticLockException")   // only these
 *         .maxMessages(500)
 *         .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class RedriveRequest {

    /** Default {@link Builder#visibilityTimeout(Duration)}: 60 seconds. */
    public static final Duration DEFAULT_VISIBILITY_TIMEOUT = Duration.ofSeconds(60);

    private final String targetQueueUrl;
    private final String errorClass;
    private final long maxMessages;
    private final Duration visibilityTimeout;

    private RedriveRequest(Builder builder) {
        this.targetQueueUrl = builder.targetQueueUrl;
        this.errorClass = builder.errorClass;
        this.maxMessages = builder.maxMessages;
        this.visibilityTimeout = builder.visibilityTimeout;
    }

    /** @return a builder with every option at its default */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder holding this request's options */
    public Builder toBuilder() {
        Builder builder = new Builder();
        builder.targetQueueUrl = targetQueueUrl;
        builder.errorClass = errorClass;
        builder.maxMessages = maxMessages;
        builder.visibilityTimeout = visibilityTimeout;
        return builder;
    }

    /** @return the queue every moved message goes to; empty to send each back to its record's origin queue */
    public Optional<String> targetQueueUrl() {
        return Optional.ofNullable(targetQueueUrl);
    }

    /** @return the error class a message's record must name to be moved; empty to move regardless */
    public Optional<String> errorClass() {
        return Optional.ofNullable(errorClass);
    }

    /** @return the most messages the run tries to move; empty for no limit */
    public OptionalLong maxMessages() {
        return maxMessages == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(maxMessages);
    }

    /** @return how long the run keeps each received message invisible to others */
    public Duration visibilityTimeout() {
        return visibilityTimeout;
    }

    /**
     * Whether a failure record's error class matches {@link #errorClass()}: equal names, or the filter is the
     * record's simple name ({@code OptimisticLockException} matches {@code javax.persistence.OptimisticLockException},
     * and {@code Inner} or {@code Outer$Inner} match {@code com.example.Outer$Inner}).
     *
     * @param recordedErrorClass the record's error class
     * @return true when there is no filter or the names match
     */
    boolean matches(String recordedErrorClass) {
        if (errorClass == null || errorClass.equals(recordedErrorClass)) {
            return true;
        }
        String afterPackage = recordedErrorClass.substring(recordedErrorClass.lastIndexOf('.') + 1);
        String afterOuter = afterPackage.substring(afterPackage.lastIndexOf('$') + 1);
        return errorClass.equals(afterPackage) || errorClass.equals(afterOuter);
    }

    @Override
    public String toString() {
        return "RedriveRequest[targetQueueUrl=" + targetQueueUrl + ", errorClass=" + errorClass + ", maxMessages="
                + (maxMessages == Long.MAX_VALUE ? "unlimited" : maxMessages) + ", visibilityTimeout="
                + visibilityTimeout + "]";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RedriveRequest that && Objects.equals(targetQueueUrl, that.targetQueueUrl)
                && Objects.equals(errorClass, that.errorClass) && maxMessages == that.maxMessages
                && visibilityTimeout.equals(that.visibilityTimeout);
    }

    @Override
    public int hashCode() {
        return Objects.hash(targetQueueUrl, errorClass, maxMessages, visibilityTimeout);
    }

    /** Builds a {@link RedriveRequest}; not thread-safe. Options are checked by {@link #build()}. */
    public static final class Builder {
        private String targetQueueUrl;
        private String errorClass;
        private long maxMessages = Long.MAX_VALUE;
        private Duration visibilityTimeout = DEFAULT_VISIBILITY_TIMEOUT;

        private Builder() {
        }

        /**
         * Sends every moved message to this queue instead of its record's origin queue. Required to move messages
         * that carry no failure record. Default: none ({@code null}), each message goes back to its origin.
         *
         * @param targetQueueUrl an http(s) queue URL, or null for none
         * @return this builder
         */
        public Builder targetQueueUrl(String targetQueueUrl) {
            this.targetQueueUrl = targetQueueUrl;
            return this;
        }

        /**
         * Moves only messages whose failure record names this error class, fully qualified
         * ({@code java.net.SocketTimeoutException}) or simple ({@code SocketTimeoutException}). The others,
         * and messages without a record, are skipped: they stay in the dead-letter queue. Default: none
         * ({@code null}), every message is moved.
         *
         * @param errorClass a class name without white space, or null for none
         * @return this builder
         */
        public Builder errorClass(String errorClass) {
            this.errorClass = errorClass;
            return this;
        }

        /**
         * Stops after trying to move this many messages (moved plus failed; skipped ones do not count).
         * Default: no limit.
         *
         * @param maxMessages at least 1
         * @return this builder
         */
        public Builder maxMessages(long maxMessages) {
            this.maxMessages = maxMessages;
            return this;
        }

        /**
         * How long each received message stays invisible to other consumers of the dead-letter queue while the
         * run holds it. Skipped messages are held this long at most and released when the run ends, so they are
         * not received twice in one run; make it longer than the run for very large queues. Default
         * {@link #DEFAULT_VISIBILITY_TIMEOUT} (60 s).
         *
         * @param visibilityTimeout whole seconds, 1 s to 12 h
         * @return this builder
         */
        public Builder visibilityTimeout(Duration visibilityTimeout) {
            this.visibilityTimeout = visibilityTimeout;
            return this;
        }

        /**
         * Checks every option and builds the request.
         *
         * @return the request
         * @throws InvalidConfigurationException naming the first option it rejects and its value
         */
        public RedriveRequest build() {
            if (targetQueueUrl != null) {
                QueueUrls.requireQueueUrl("targetQueueUrl", targetQueueUrl);
            }
            if (errorClass != null && (errorClass.isEmpty() || errorClass.chars().anyMatch(Character::isWhitespace))) {
                throw InvalidConfigurationException.of("errorClass",
                        "(" + errorClass + ") must be a class name without white space");
            }
            if (maxMessages < 1) {
                throw InvalidConfigurationException.of("maxMessages", "(" + maxMessages + ") must be at least 1");
            }
            if (visibilityTimeout == null) {
                throw InvalidConfigurationException.of("visibilityTimeout", "must not be null");
            }
            Duration min = Duration.ofSeconds(1);
            if (visibilityTimeout.compareTo(min) < 0
                    || visibilityTimeout.compareTo(SqsLimits.MAX_VISIBILITY_TIMEOUT) > 0) {
                throw InvalidConfigurationException.of("visibilityTimeout", "(" + visibilityTimeout
                        + ") must be between " + min + " and " + SqsLimits.MAX_VISIBILITY_TIMEOUT);
            }
            if (visibilityTimeout.toNanos() % 1_000_000_000L != 0) {
                throw InvalidConfigurationException.of("visibilityTimeout", "(" + visibilityTimeout
                        + ") must be a whole number of seconds: SQS accepts no finer unit");
            }
            return new RedriveRequest(this);
        }
    }
}

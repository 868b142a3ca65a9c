package io.github.sqsreliable;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** What a {@link BatchHandler} reports: the messages that failed, each with its error. Immutable. */
public final class BatchResult {

    private static final BatchResult SUCCESS = new BatchResult(Map.of());

    private final Map<String, Throwable> failuresByMessageId;

    private BatchResult(Map<String, Throwable> failuresByMessageId) {
        this.failuresByMessageId = Map.copyOf(failuresByMessageId);
    }

    /** @return a result in which every message succeeded */
    public static BatchResult success() {
        return SUCCESS;
    }

    /** @return a builder to report failed messages */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the failed messages' errors keyed by message id */
    public Map<String, Throwable> failuresByMessageId() {
        return failuresByMessageId;
    }

    /** Collects failures; not thread-safe. */
    public static final class Builder {
        private final Map<String, Throwable> failures = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * @param message a message of the batch that failed
         * @param error why; classified like a single handler's exception
         * @return this builder
         */
        public Builder failed(SqsMessage message, Throwable error) {
            Objects.requireNonNull(message, "message must not be null");
            failures.put(message.messageId(), Objects.requireNonNull(error, "error must not be null"));
            return this;
        }

        /** @return the result */
        public BatchResult build() {
            return failures.isEmpty() ? SUCCESS : new BatchResult(failures);
        }
    }
}

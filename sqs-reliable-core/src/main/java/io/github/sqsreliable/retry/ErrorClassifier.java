package io.github.sqsreliable.retry;

import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.internal.classify.RuleBasedErrorClassifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Decides whether a handler failure is {@link FailureKind#TRANSIENT} (retry with backoff) or
 * {@link FailureKind#PERMANENT} (dead-letter now).
 *
 * <p>{@link #defaults()} applies, in order: a {@link PermanentFailureException} or
 * {@link TransientFailureException} (including {@link RetryLaterException}) anywhere in the cause chain decides;
 * AWS SDK service errors that are throttling, 5xx or marked retryable by the SDK are transient, other SDK 4xx
 * service errors permanent; a {@link StackOverflowError} (a handler recursing too deeply, which usually
 * recurs on every delivery of the same message) is permanent; SDK client errors (I/O, timeouts),
 * {@link java.io.IOException}, {@link java.io.UncheckedIOException}, {@link java.util.concurrent.TimeoutException}
 * and {@link InterruptedException} are transient; anything else is transient, bounded by the policy's attempts.
 * Other {@link VirtualMachineError}s, such as {@link OutOfMemoryError}, never reach a classifier: they are left
 * to the thread's uncaught-exception handler and the message reappears when its visibility lapses.
 *
 * <p>{@link #builder()} adds your rules in front of the defaults:
 * <pre>{@code
 * ErrorClassifier classifier = ErrorClassifier.builder()
 *         .permanentOn(JsonParseException.class, ValidationException.class)
 *         .transientWhen(e -> e instanceof HttpException h && h.status() == 429)
 *         .build();
 * }</pre>
 * Each exception of the cause chain, outermost first, is checked against every rule in the order added; the
 * first match decides. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface ErrorClassifier {

    /**
     * @param error what the handler threw
     * @param message the message it was handling
     * @return how to treat the failure; never {@code null}
     */
    FailureKind classify(Throwable error, SqsMessage message);

    /** @return the default classification described above */
    static ErrorClassifier defaults() {
        return RuleBasedErrorClassifier.DEFAULTS;
    }

    /** @return a builder whose rules are checked before the defaults */
    static Builder builder() {
        return new Builder();
    }

    /** Builds a rule-based {@link ErrorClassifier}; not thread-safe. */
    final class Builder {
        private final List<RuleBasedErrorClassifier.Rule> rules = new ArrayList<>();

        private Builder() {
        }

        /**
         * @param types exceptions (and their subclasses) to treat as transient
         * @return this builder
         */
        @SafeVarargs
        public final Builder transientOn(Class<? extends Throwable>... types) {
            Objects.requireNonNull(types, "types");
            for (Class<? extends Throwable> type : types) {
                addType(FailureKind.TRANSIENT, type);
            }
            return this;
        }

        /**
         * @param types exceptions (and their subclasses) to treat as permanent
         * @return this builder
         */
        @SafeVarargs
        public final Builder permanentOn(Class<? extends Throwable>... types) {
            Objects.requireNonNull(types, "types");
            for (Class<? extends Throwable> type : types) {
                addType(FailureKind.PERMANENT, type);
            }
            return this;
        }

        /**
         * @param predicate matches exceptions to treat as transient
         * @return this builder
         */
        public Builder transientWhen(Predicate<? super Throwable> predicate) {
            rules.add(new RuleBasedErrorClassifier.Rule(Objects.requireNonNull(predicate, "predicate"),
                    FailureKind.TRANSIENT));
            return this;
        }

        /**
         * @param predicate matches exceptions to treat as permanent
         * @return this builder
         */
        public Builder permanentWhen(Predicate<? super Throwable> predicate) {
            rules.add(new RuleBasedErrorClassifier.Rule(Objects.requireNonNull(predicate, "predicate"),
                    FailureKind.PERMANENT));
            return this;
        }

        /** @return the classifier: your rules, then the defaults */
        public ErrorClassifier build() {
            return new RuleBasedErrorClassifier(rules);
        }

        private void addType(FailureKind kind, Class<? extends Throwable> type) {
            Objects.requireNonNull(type, "exception type must not be null");
            rules.add(new RuleBasedErrorClassifier.Rule(type::isInstance, kind));
        }
    }
}

package io.github.sqsreliable.internal.classify;

import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.retry.ErrorClassifier;
import io.github.sqsreliable.retry.FailureKind;
import io.github.sqsreliable.retry.PermanentFailureException;
import io.github.sqsreliable.retry.TransientFailureException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The {@link ErrorClassifier} behind {@code defaults()} and the builder: explicit handler exceptions first, then
 * the user's rules, then the default table, each over the cause chain from the outermost exception inward.
 */
public final class RuleBasedErrorClassifier implements ErrorClassifier {

    /** The default classifier: no user rules. */
    public static final RuleBasedErrorClassifier DEFAULTS = new RuleBasedErrorClassifier(List.of());

    private static final int MAX_CAUSE_DEPTH = 32;

    /** One user rule. */
    public record Rule(Predicate<? super Throwable> matches, FailureKind kind) {
    }

    private final List<Rule> rules;

    public RuleBasedErrorClassifier(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    @Override
    public FailureKind classify(Throwable error, SqsMessage message) {
        List<Throwable> chain = causeChain(error);
        for (Throwable cause : chain) {
            if (cause instanceof PermanentFailureException) {
                return FailureKind.PERMANENT;
            }
            if (cause instanceof TransientFailureException) {
                return FailureKind.TRANSIENT;
            }
        }
        for (Throwable cause : chain) {
            for (Rule rule : rules) {
                if (rule.matches().test(cause)) {
                    return rule.kind();
                }
            }
        }
        for (Throwable cause : chain) {
            FailureKind kind = byDefault(cause);
            if (kind != null) {
                return kind;
            }
        }
        return FailureKind.TRANSIENT;
    }

    private static FailureKind byDefault(Throwable cause) {
        if (cause instanceof StackOverflowError) {
            // Deterministic for the same message far more often than not (deep or cyclic data): retrying wastes
            // the attempts and delays the dead-letter. A user rule can still say transientOn(StackOverflowError).
            return FailureKind.PERMANENT;
        }
        if (cause instanceof AwsServiceException service) {
            if (service.isThrottlingException() || service.statusCode() >= 500 || service.retryable()) {
                return FailureKind.TRANSIENT;
            }
            return service.statusCode() >= 400 ? FailureKind.PERMANENT : null;
        }
        if (cause instanceof SdkClientException || (cause instanceof SdkException sdk && sdk.retryable())) {
            return FailureKind.TRANSIENT;
        }
        if (cause instanceof IOException || cause instanceof UncheckedIOException || cause instanceof TimeoutException
                || cause instanceof InterruptedException) {
            return FailureKind.TRANSIENT;
        }
        return null;
    }

    /**
     * @param error an exception
     * @return it and its causes, outermost first, without repeats, at most 32
     */
    public static List<Throwable> causeChain(Throwable error) {
        List<Throwable> chain = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable cause = error; cause != null && chain.size() < MAX_CAUSE_DEPTH && seen.add(cause);
             cause = cause.getCause()) {
            chain.add(cause);
        }
        return chain;
    }
}

package io.github.sqsreliable.internal.classify;

import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.internal.message.InFlightMessage;
import io.github.sqsreliable.internal.sqs.SqsLimits;
import io.github.sqsreliable.retry.ErrorClassifier;
import io.github.sqsreliable.retry.FailureKind;
import io.github.sqsreliable.retry.FailureRecord;
import io.github.sqsreliable.retry.FailureRecord.DeadLetterReason;
import io.github.sqsreliable.retry.RetryLaterException;
import io.github.sqsreliable.retry.RetryPolicy;
import io.github.sqsreliable.retry.RetryPolicy.Tier;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The classify stage: turns a handler's failure into an {@link Outcome} by the {@link ErrorClassifier} and the
 * {@link RetryPolicy}. Permanent failures go to the dead-letter queue; transient ones are retried on the same
 * queue with backoff while the current tier has attempts left, then move to the next tier's retry queue, then
 * to the dead-letter queue. Without a dead-letter queue of its own the consumer defers to the queue's
 * RedrivePolicy. Pure decision-making: nothing here talks to SQS.
 */
public final class FailureRouter {

    private static final Logger log = LoggerFactory.getLogger(FailureRouter.class);
    private static final int MAX_MESSAGE_ATTRIBUTES = 10;
    private static final Duration SAFETY = Duration.ofSeconds(1);

    private final List<Tier> tiers;
    private final int currentTier;
    private final String deadLetterQueueUrl;
    private final ErrorClassifier classifier;
    private final String queueUrl;
    private final boolean fifo;
    private final boolean queueHasRedrivePolicy;
    private final Clock clock;
    private final LongSupplier nanoClock;

    /**
     * @param policy the retry policy
     * @param classifier decides transient or permanent
     * @param queueUrl the queue this consumer reads: the origin, or one of the policy's retry queues
     * @param fifo whether that queue is FIFO (retries then use visibility only)
     * @param queueHasRedrivePolicy whether the queue has a RedrivePolicy to defer to
     * @param clock wall time, for the failure record
     * @param nanoClock {@link System#nanoTime()}, for SQS's 12-hour limit
     */
    public FailureRouter(RetryPolicy policy, ErrorClassifier classifier, String queueUrl, boolean fifo,
                         boolean queueHasRedrivePolicy, Clock clock, LongSupplier nanoClock) {
        List<Tier> effective = new ArrayList<>(policy.tiers());
        if (!effective.get(0).sameQueue()) {
            // The first attempt happens on the consumer's own queue even when every retry uses a retry queue.
            effective.add(0, new Tier(null, 1, effective.get(0).backoff()));
        }
        this.tiers = List.copyOf(effective);
        int tier = 0;
        for (int i = 1; i < tiers.size(); i++) {
            if (queueUrl.equals(tiers.get(i).queueUrl())) {
                tier = i;
            }
        }
        this.currentTier = tier;
        this.deadLetterQueueUrl = policy.deadLetterQueueUrl().orElse(null);
        this.classifier = classifier;
        this.queueUrl = queueUrl;
        this.fifo = fifo;
        this.queueHasRedrivePolicy = queueHasRedrivePolicy;
        this.clock = clock;
        this.nanoClock = nanoClock;
    }

    /**
     * Checks a message before its handler runs: one moved with a delay longer than SQS's 15-minute DelaySeconds
     * waits out the rest as visibility.
     *
     * @param message the message
     * @return the outcome to apply instead of running the handler, or empty to run it
     */
    public Optional<Outcome> beforeHandling(InFlightMessage message) {
        FailureRecord record = recordOf(message.view());
        if (record == null || record.notBefore() == null) {
            return Optional.empty();
        }
        Duration wait = Duration.between(clock.instant(), record.notBefore());
        if (wait.compareTo(SAFETY) < 0) {
            return Optional.empty();
        }
        return Optional.of(new Outcome.RetryAfter(capToLease(message, wait), record.attempts(), null));
    }

    /**
     * @param message the message whose handler failed
     * @param error what the handler threw
     * @return what to do with the message
     */
    public Outcome afterFailure(InFlightMessage message, Throwable error) {
        return afterFailure(message, error, classify(error, message.view()));
    }

    /**
     * @param message the failed message
     * @param error what the handler threw
     * @param kind the failure's classification, from {@link #classify}
     * @return what to do with the message
     */
    public Outcome afterFailure(InFlightMessage message, Throwable error, FailureKind kind) {
        SqsMessage view = message.view();
        FailureRecord previous = recordOf(view);
        int attemptsInTier = view.receiveCount();
        int priorAttempts = previous != null && previous.tier() == currentTier && currentTier > 0
                ? previous.attempts() : 0;
        int attempt = priorAttempts + attemptsInTier;
        Instant now = clock.instant();
        // Same-queue retries carry no record, so the first failure of a message received before is approximated
        // by its first receive.
        Instant firstFailure = previous != null ? previous.firstFailureAt()
                : attemptsInTier > 1 ? view.firstReceiveTimestamp().orElse(now) : now;
        FailureRecord record = new FailureRecord(attempt, currentTier,
                previous != null ? previous.originQueueUrl() : queueUrl,
                previous != null ? previous.originalMessageId() : view.messageId(),
                firstFailure, now,
                error.getClass().getName(), error.getMessage(), kind, null, null, null);
        Tier tier = tiers.get(currentTier);
        Duration requested = requestedDelay(error);

        if (kind == FailureKind.PERMANENT) {
            if (deadLetterQueueUrl != null) {
                return deadLetter(view, record, DeadLetterReason.PERMANENT_FAILURE, attempt, error, now);
            }
            if (queueHasRedrivePolicy) {
                return new Outcome.Release(error);
            }
            log.warn("message {} failed permanently, but there is no dead-letter queue and the queue has no "
                    + "RedrivePolicy: it will be retried until its retention period ends", view.messageId());
            return retryHere(message, tier, attemptsInTier, requested, attempt, error);
        }
        if (attemptsInTier < tier.attempts()) {
            return retryHere(message, tier, attemptsInTier, requested, attempt, error);
        }
        if (currentTier + 1 < tiers.size() && !fifo) {
            Tier next = tiers.get(currentTier + 1);
            if (!roomForRecord(view)) {
                // Without the record a retry queue could not count attempts: spend the remaining ones here.
                if (attemptsInTier < attemptsFromHere()) {
                    log.warn("message {} already has {} message attributes, leaving no room for the failure record: "
                            + "retrying it on this queue instead of moving it to {}", view.messageId(),
                            MAX_MESSAGE_ATTRIBUTES, next.queueUrl());
                    return new Outcome.RetryAfter(capToLease(message, requested != null ? requested
                            : next.backoff().delayAfter(1)), attempt, error);
                }
                if (deadLetterQueueUrl != null) {
                    return deadLetter(view, record, DeadLetterReason.ATTEMPTS_EXHAUSTED, attempt, error, now);
                }
                return retryHere(message, tier, attemptsInTier, requested, attempt, error);
            }
            Duration delay = requested != null ? requested : next.backoff().delayAfter(1);
            FailureRecord moved = new FailureRecord(attempt, currentTier + 1, record.originQueueUrl(),
                    record.originalMessageId(), record.firstFailureAt(), now, record.errorClass(),
                    record.errorMessage(), kind, null, null, null);
            if (delay.compareTo(SqsLimits.MAX_DELAY) > 0) {
                moved = moved.withNotBefore(now.plus(delay));
                delay = SqsLimits.MAX_DELAY;
            }
            return new Outcome.Move(next.queueUrl(), delay, moved, null, attempt, error);
        }
        if (deadLetterQueueUrl != null) {
            return deadLetter(view, record, DeadLetterReason.ATTEMPTS_EXHAUSTED, attempt, error, now);
        }
        // Out of attempts with nowhere to go: keep backing off and let the queue's RedrivePolicy decide.
        return retryHere(message, tier, attemptsInTier, requested, attempt, error);
    }

    private Outcome retryHere(InFlightMessage message, Tier tier, int attemptsInTier, Duration requested,
                              int attempt, Throwable error) {
        Duration delay = requested != null ? requested
                // A retry queue's backoff counts the delay before its first attempt too.
                : tier.backoff().delayAfter(tier.sameQueue() ? attemptsInTier : attemptsInTier + 1);
        return new Outcome.RetryAfter(capToLease(message, delay), attempt, error);
    }

    /** @return the attempts the policy allows from the current tier on */
    private int attemptsFromHere() {
        int attempts = 0;
        for (int i = currentTier; i < tiers.size(); i++) {
            attempts += tiers.get(i).attempts();
        }
        return attempts;
    }

    private Outcome deadLetter(SqsMessage view, FailureRecord record, DeadLetterReason reason, int attempt,
                               Throwable error, Instant now) {
        FailureRecord deadLettered = record.deadLettered(reason, now);
        if (!roomForRecord(view)) {
            log.warn("message {} already has {} message attributes: dead-lettering it without its failure record",
                    view.messageId(), MAX_MESSAGE_ATTRIBUTES);
            deadLettered = null;
        }
        return new Outcome.Move(deadLetterQueueUrl, Duration.ZERO, deadLettered, reason, attempt, error);
    }

    /** SQS keeps a message invisible at most 12 hours from its receipt. */
    private Duration capToLease(InFlightMessage message, Duration delay) {
        Duration held = Duration.ofNanos(nanoClock.getAsLong() - message.leaseStartNanos());
        Duration left = SqsLimits.MAX_VISIBILITY_TIMEOUT.minus(held).minus(SAFETY);
        if (left.isNegative()) {
            left = Duration.ZERO;
        }
        Duration positive = delay.isNegative() ? Duration.ZERO : delay;
        return positive.compareTo(left) > 0 ? left : positive;
    }

    /**
     * @param error what the handler threw
     * @param view the message
     * @return the classifier's answer; transient when it returns null or throws
     */
    public FailureKind classify(Throwable error, SqsMessage view) {
        try {
            FailureKind kind = classifier.classify(error, view);
            return kind != null ? kind : FailureKind.TRANSIENT;
        } catch (RuntimeException e) {
            log.warn("the ErrorClassifier threw for message {}; treating the failure as transient",
                    view.messageId(), e);
            return FailureKind.TRANSIENT;
        }
    }

    private static Duration requestedDelay(Throwable error) {
        for (Throwable cause : RuleBasedErrorClassifier.causeChain(error)) {
            if (cause instanceof RetryLaterException retryLater) {
                return retryLater.delay();
            }
        }
        return null;
    }

    private static boolean roomForRecord(SqsMessage view) {
        int others = view.messageAttributes().size()
                - (view.messageAttributes().containsKey(FailureRecord.ATTRIBUTE_NAME) ? 1 : 0);
        return others < MAX_MESSAGE_ATTRIBUTES;
    }

    private static FailureRecord recordOf(SqsMessage view) {
        try {
            return FailureRecord.of(view).orElse(null);
        } catch (IllegalArgumentException e) {
            log.warn("message {} carries a malformed {} attribute; ignoring it: {}", view.messageId(),
                    FailureRecord.ATTRIBUTE_NAME, e.getMessage());
            return null;
        }
    }
}

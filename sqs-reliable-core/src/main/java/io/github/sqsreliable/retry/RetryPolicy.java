package io.github.sqsreliable.retry;

import io.github.sqsreliable.InvalidConfigurationException;
import io.github.sqsreliable.internal.QueueUrls;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * What happens after a handler fails: how many attempts, where, after what delay, and where a message goes
 * when it is out of attempts or its failure is permanent.
 *
 * <pre>{@code
 * RetryPolicy policy = RetryPolicy.builder()
 *         .onSameQueue(3, Backoff.exponential(Duration.ofSeconds(1), 2.0))   // attempts 1-3: visibility backoff
 *         .thenQueue(retryQueueUrl, 3, Backoff.fixed(Duration.ofSeconds(30))) // attempts 4-6: via a retry queue
 *         .thenDeadLetter(dlqUrl)                                            // then: the dead-letter queue
 *         .build();
 * }</pre>
 *
 * <p>Attempts are counted by receives ({@code ApproximateReceiveCount}) on each queue, plus the attempts a
 * message carries from earlier tiers: a message released unprocessed (at shutdown, or behind a failed FIFO
 * message) uses up a receive too. Without {@link Builder#thenDeadLetter(String)}, a message out of attempts
 * keeps being retried with the last tier's backoff and the queue's own RedrivePolicy decides when it is
 * dead-lettered. Immutable and thread-safe.
 */
public final class RetryPolicy {

    /** Attempts on the same queue of {@link #defaults()}: {@value}. */
    public static final int DEFAULT_ATTEMPTS = 5;
    /** The backoff of {@link #defaults()}: 1 s, doubling, ±50 % jitter, at most 15 min. */
    public static final Backoff DEFAULT_BACKOFF = Backoff.exponential(Duration.ofSeconds(1), 2.0);

    static final int MAX_ATTEMPTS_PER_TIER = 1_000;

    /**
     * One stage of retrying.
     *
     * @param queueUrl the retry queue, or {@code null} for the consumer's own queue
     * @param attempts how many attempts this tier allows
     * @param backoff the delay after each failed attempt of this tier (for a retry queue, also before its first)
     */
    public record Tier(String queueUrl, int attempts, Backoff backoff) {

        /** @return whether this tier retries on the consumer's own queue */
        public boolean sameQueue() {
            return queueUrl == null;
        }

        /** @return the tier as the builder call that makes it, e.g. {@code onSameQueue(3, fixed(PT1S))} */
        @Override
        public String toString() {
            String backoffText = Backoffs.describe(backoff);
            return sameQueue() ? "onSameQueue(" + attempts + ", " + backoffText + ")"
                    : "thenQueue(" + queueUrl + ", " + attempts + ", " + backoffText + ")";
        }
    }

    private final List<Tier> tiers;
    private final String deadLetterQueueUrl;

    private RetryPolicy(List<Tier> tiers, String deadLetterQueueUrl) {
        this.tiers = List.copyOf(tiers);
        this.deadLetterQueueUrl = deadLetterQueueUrl;
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The policy of a consumer that sets none: {@value #DEFAULT_ATTEMPTS} attempts on the same queue with
     * {@link #DEFAULT_BACKOFF}, no dead-letter queue of its own (the queue's RedrivePolicy applies).
     *
     * @return the default policy
     */
    public static RetryPolicy defaults() {
        return builder().onSameQueue(DEFAULT_ATTEMPTS, DEFAULT_BACKOFF).build();
    }

    /**
     * Starts a builder holding this policy's tiers and dead-letter queue, to derive a policy that differs in
     * what is added; this policy is left as it is.
     *
     * <pre>{@code
     * RetryPolicy withDeadLetter = policy.toBuilder().thenDeadLetter(dlqUrl).build();
     * }</pre>
     *
     * @return a new builder holding this policy
     */
    public Builder toBuilder() {
        Builder builder = new Builder();
        for (Tier tier : tiers) {
            builder.tiers.add(tier);
            builder.declaredAsRetryQueue.add(!tier.sameQueue());
        }
        builder.deadLetterQueueUrl = deadLetterQueueUrl;
        builder.deadLetterSet = deadLetterQueueUrl != null;
        return builder;
    }

    /** @return the tiers, in order */
    public List<Tier> tiers() {
        return tiers;
    }

    /** @return the dead-letter queue this policy sends to, if any */
    public Optional<String> deadLetterQueueUrl() {
        return Optional.ofNullable(deadLetterQueueUrl);
    }

    /** @return the attempts of all tiers together */
    public int maxAttempts() {
        return tiers.stream().mapToInt(Tier::attempts).sum();
    }

    /** @return whether any tier uses a retry queue */
    public boolean usesRetryQueues() {
        return tiers.stream().anyMatch(t -> !t.sameQueue());
    }

    /**
     * Describes the policy as the builder calls that make it, for configuration errors and logs, e.g.
     * {@code RetryPolicy[onSameQueue(3, fixed(PT1S)), thenQueue(<url>, 2, fixed(PT30S)), thenDeadLetter(<url>)]}.
     * A backoff is described by its own {@code toString()}, or as {@code custom(<class name>)} if it has none
     * (a lambda).
     *
     * @return the description
     */
    @Override
    public String toString() {
        StringJoiner text = new StringJoiner(", ", "RetryPolicy[", "]");
        tiers.forEach(tier -> text.add(tier.toString()));
        if (deadLetterQueueUrl != null) {
            text.add("thenDeadLetter(" + deadLetterQueueUrl + ")");
        }
        return text.toString();
    }

    /** Builds a {@link RetryPolicy}; {@link #build()} validates. Not thread-safe. */
    public static final class Builder {
        private final List<Tier> tiers = new ArrayList<>();
        private final List<Boolean> declaredAsRetryQueue = new ArrayList<>();
        private String deadLetterQueueUrl;
        private boolean deadLetterSet;

        private Builder() {
        }

        /**
         * Retries on the consumer's own queue by setting the message's visibility to the backoff delay. Must
         * come first if used.
         *
         * @param attempts attempts in this tier, counting the first; 1 to 1,000
         * @param backoff the delay after each failed attempt
         * @return this builder
         */
        public Builder onSameQueue(int attempts, Backoff backoff) {
            tiers.add(new Tier(null, attempts, backoff));
            declaredAsRetryQueue.add(false);
            return this;
        }

        /**
         * Moves the message to a retry queue, sent with the backoff delay (DelaySeconds up to 15 min; longer
         * delays continue as visibility when the message arrives), and retries there with the same backoff.
         * Not available on FIFO queues, whose order a second queue would break.
         *
         * @param retryQueueUrl the retry queue, consumed by a consumer with the same handler and policy
         * @param attempts attempts in this tier; 1 to 1,000
         * @param backoff the delay before each attempt of this tier
         * @return this builder
         */
        public Builder thenQueue(String retryQueueUrl, int attempts, Backoff backoff) {
            tiers.add(new Tier(retryQueueUrl, attempts, backoff));
            declaredAsRetryQueue.add(true);
            return this;
        }

        /**
         * Sends messages that failed permanently or ran out of attempts to this queue, with the reason attached,
         * then deletes them.
         *
         * @param deadLetterQueueUrl the dead-letter queue (FIFO for a FIFO source queue)
         * @return this builder
         */
        public Builder thenDeadLetter(String deadLetterQueueUrl) {
            this.deadLetterQueueUrl = deadLetterQueueUrl;
            this.deadLetterSet = true;
            return this;
        }

        /**
         * @return the policy
         * @throws InvalidConfigurationException naming the first rejected field
         */
        public RetryPolicy build() {
            if (tiers.isEmpty()) {
                throw InvalidConfigurationException.of("retryPolicy", "must have at least one tier: "
                        + "onSameQueue(attempts, backoff) or thenQueue(url, attempts, backoff)");
            }
            List<String> queues = new ArrayList<>();
            for (int i = 0; i < tiers.size(); i++) {
                Tier tier = tiers.get(i);
                String field = declaredAsRetryQueue.get(i) ? "thenQueue" : "onSameQueue";
                if (declaredAsRetryQueue.get(i)) {
                    QueueUrls.requireQueueUrl(field, tier.queueUrl());
                }
                if (tier.attempts() < 1 || tier.attempts() > MAX_ATTEMPTS_PER_TIER) {
                    throw InvalidConfigurationException.of(field, "attempts (" + tier.attempts()
                            + ") must be between 1 and " + MAX_ATTEMPTS_PER_TIER);
                }
                if (tier.backoff() == null) {
                    throw InvalidConfigurationException.of(field, "backoff must not be null");
                }
                if (tier.sameQueue() && i > 0) {
                    throw InvalidConfigurationException.of(field, "must be the first tier and appear once");
                }
                if (!tier.sameQueue()) {
                    QueueUrls.requireQueueUrl(field, tier.queueUrl());
                    if (queues.contains(tier.queueUrl())) {
                        throw InvalidConfigurationException.of(field, "(" + tier.queueUrl()
                                + ") names a retry queue twice");
                    }
                    queues.add(tier.queueUrl());
                }
            }
            if (deadLetterSet) {
                QueueUrls.requireQueueUrl("thenDeadLetter", deadLetterQueueUrl);
                if (queues.contains(deadLetterQueueUrl)) {
                    throw InvalidConfigurationException.of("thenDeadLetter", "(" + deadLetterQueueUrl
                            + ") is also a retry queue");
                }
            }
            return new RetryPolicy(tiers, deadLetterQueueUrl);
        }
    }
}

package io.github.sqsreliable.idempotency;

import io.github.sqsreliable.InvalidConfigurationException;
import java.time.Duration;

/**
 * How a consumer keeps at-least-once delivery from applying a message twice: before the handler runs, the
 * message's key is acquired in an {@link IdempotencyStore}; a completed key means the message is a duplicate and
 * is deleted without running the handler; a key held by someone else means another consumer is handling it now.
 *
 * <pre>{@code
 * SqsConsumer.builder()
 *         ...
 *         .idempotency(Idempotency.builder()
 *                 .store(RedisIdempotencyStore.builder().connection(redis).build())
 *                 .key(message -> Orders.parse(message.body()).orderId())
 *                 .build())
 * }</pre>
 *
 * Immutable.
 *
 * @param store where keys are recorded; never closed by the consumer
 * @param key derives each message's key
 * @param namespace separates this consumer's keys from others' in a shared store; null means the consumer's name
 * @param ttl how long a completed key keeps duplicates out
 * @param failOpen whether to run handlers without a lock while the store is unavailable (default: not)
 * @param validatePayload whether a key seen again with a different body is a permanent failure
 * @param storeTimeout how long the consumer waits for the store before treating it as unavailable
 */
public record Idempotency(IdempotencyStore store, IdempotencyKey key, String namespace, Duration ttl,
                          boolean failOpen, boolean validatePayload, Duration storeTimeout) {

    /** Default {@link Builder#ttl(Duration)}: 24 hours. */
    public static final Duration DEFAULT_TTL = Duration.ofHours(24);
    /** Default {@link Builder#storeTimeout(Duration)}: 5 seconds. */
    public static final Duration DEFAULT_STORE_TIMEOUT = Duration.ofSeconds(5);

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds an {@link Idempotency}; {@link #build()} validates. Not thread-safe. */
    public static final class Builder {
        private IdempotencyStore store;
        private IdempotencyKey key = IdempotencyKey.messageId();
        private String namespace;
        private Duration ttl = DEFAULT_TTL;
        private boolean failOpen;
        private boolean validatePayload;
        private Duration storeTimeout = DEFAULT_STORE_TIMEOUT;

        private Builder() {
        }

        /**
         * @param store the store; required
         * @return this builder
         */
        public Builder store(IdempotencyStore store) {
            this.store = store;
            return this;
        }

        /**
         * @param key derives each message's key; default the message id
         * @return this builder
         */
        public Builder key(IdempotencyKey key) {
            this.key = key;
            return this;
        }

        /**
         * @param namespace 1 to 128 characters; default the consumer's name
         * @return this builder
         */
        public Builder namespace(String namespace) {
            this.namespace = namespace;
            return this;
        }

        /**
         * @param ttl how long a completed key keeps duplicates out; 1 s to 365 days; default 24 h. Shorter than
         *     the time over which SQS may redeliver (the queue's retention period) leaves a window for duplicates
         * @return this builder
         */
        public Builder ttl(Duration ttl) {
            this.ttl = ttl;
            return this;
        }

        /**
         * @param failOpen true to run handlers without a lock while the store is down (duplicates possible);
         *     false (the default) to hold messages back until it is back
         * @return this builder
         */
        public Builder failOpen(boolean failOpen) {
            this.failOpen = failOpen;
            return this;
        }

        /**
         * @param validatePayload true to record a hash of each body and fail permanently a message whose key was
         *     seen with another body (a reused key), rather than skipping it as a duplicate
         * @return this builder
         */
        public Builder validatePayload(boolean validatePayload) {
            this.validatePayload = validatePayload;
            return this;
        }

        /**
         * @param storeTimeout how long to wait for the store; 100 ms to 60 s; default 5 s
         * @return this builder
         */
        public Builder storeTimeout(Duration storeTimeout) {
            this.storeTimeout = storeTimeout;
            return this;
        }

        /**
         * @return the configuration
         * @throws InvalidConfigurationException naming the rejected field
         */
        public Idempotency build() {
            if (store == null) {
                throw InvalidConfigurationException.of("store", "must be set");
            }
            if (key == null) {
                throw InvalidConfigurationException.of("key", "must not be null");
            }
            if (namespace != null && (namespace.isBlank() || namespace.length() > 128)) {
                throw InvalidConfigurationException.of("namespace", "(" + namespace
                        + ") must be 1 to 128 characters and not blank");
            }
            if (ttl == null || ttl.compareTo(Duration.ofSeconds(1)) < 0 || ttl.compareTo(Duration.ofDays(365)) > 0) {
                throw InvalidConfigurationException.of("ttl", "(" + ttl + ") must be between PT1S and P365D");
            }
            if (storeTimeout == null || storeTimeout.compareTo(Duration.ofMillis(100)) < 0
                    || storeTimeout.compareTo(Duration.ofSeconds(60)) > 0) {
                throw InvalidConfigurationException.of("storeTimeout", "(" + storeTimeout
                        + ") must be between PT0.1S and PT1M");
            }
            return new Idempotency(store, key, namespace, ttl, failOpen, validatePayload, storeTimeout);
        }
    }
}

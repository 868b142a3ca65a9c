package io.github.sqsreliable.internal;

import io.github.sqsreliable.BatchHandler;
import io.github.sqsreliable.MessageHandler;
import io.github.sqsreliable.idempotency.Idempotency;
import io.github.sqsreliable.observe.ConsumerListener;
import io.github.sqsreliable.observe.MessageTracing;
import io.github.sqsreliable.retry.ErrorClassifier;
import io.github.sqsreliable.retry.RetryPolicy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * A consumer's validated configuration, as {@code SqsConsumer.Builder#build()} leaves it. Optional values
 * ({@code visibilityTimeout}, {@code visibilityExtensionMargin}, {@code executor}) are {@code null} when unset;
 * exactly one of {@code handler} and {@code batchHandler} is set; {@code idempotency} is null when off;
 * {@code systemAttributes} lists every system attribute each receive asks for, the consumer's own included;
 * {@code maxHeldBytes} is the byte budget, given or derived from the heap ({@code maxHeldBytesSet} says which);
 * {@code queueSampling} is how often the queues' depths are sampled, zero for never;
 * {@code tracing} is never null ({@link MessageTracing#none()} when off);
 * {@code prefetchCeiling} is the most the prefetch may grow to beyond {@code prefetch} when the network's round
 * trip needs more receives in flight (see {@code PrefetchTuner}): the same as {@code prefetch} when the user set it.
 */
public record ConsumerSettings(
        SqsAsyncClient sqsClient,
        String queueUrl,
        String queueName,
        MessageHandler handler,
        String name,
        int maxConcurrency,
        int prefetch,
        int pollers,
        Duration waitTime,
        Duration visibilityTimeout,
        Duration visibilityExtensionMargin,
        Duration maxProcessingTime,
        Duration shutdownTimeout,
        Duration batchFlushInterval,
        Executor executor,
        List<ConsumerListener> listeners,
        ErrorClassifier errorClassifier,
        RetryPolicy retryPolicy,
        BatchHandler batchHandler,
        boolean consumeRetryQueues,
        Idempotency idempotency,
        List<MessageSystemAttributeName> systemAttributes,
        long maxHeldBytes,
        boolean maxHeldBytesSet,
        Duration queueSampling,
        MessageTracing tracing,
        int prefetchCeiling) {

    /** @return the most messages the consumer may hold at once: running handlers plus the most prefetch */
    public int capacity() {
        return maxConcurrency + prefetch;
    }

    /**
     * @param retryQueueUrl one of the policy's retry queues
     * @param index its position among them, from 1
     * @return these settings for the engine that consumes that retry queue
     */
    public ConsumerSettings forRetryQueue(String retryQueueUrl, int index) {
        return toBuilder()
                .queueUrl(retryQueueUrl)
                .queueName(retryQueueUrl.substring(retryQueueUrl.lastIndexOf('/') + 1))
                .name(name + "-retry-" + index)
                .consumeRetryQueues(false)
                .idempotency(sharedNamespace())
                .build();
    }

    /** Retry-queue engines keep the origin's namespace: a key is one piece of work wherever it is retried. */
    private Idempotency sharedNamespace() {
        if (idempotency == null || idempotency.namespace() != null) {
            return idempotency;
        }
        return new Idempotency(idempotency.store(), idempotency.key(), name, idempotency.ttl(),
                idempotency.failOpen(), idempotency.validatePayload(), idempotency.storeTimeout());
    }

    /** @return the prefix of every thread this consumer creates */
    public String threadPrefix() {
        return "sqs-reliable-" + name;
    }

    /** @return a builder with nothing set; {@code SqsConsumer.Builder} validates before it builds */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder holding these settings, to derive settings that differ in a few fields */
    public Builder toBuilder() {
        Builder builder = new Builder();
        builder.sqsClient = sqsClient;
        builder.queueUrl = queueUrl;
        builder.queueName = queueName;
        builder.handler = handler;
        builder.name = name;
        builder.maxConcurrency = maxConcurrency;
        builder.prefetch = prefetch;
        builder.pollers = pollers;
        builder.waitTime = waitTime;
        builder.visibilityTimeout = visibilityTimeout;
        builder.visibilityExtensionMargin = visibilityExtensionMargin;
        builder.maxProcessingTime = maxProcessingTime;
        builder.shutdownTimeout = shutdownTimeout;
        builder.batchFlushInterval = batchFlushInterval;
        builder.executor = executor;
        builder.listeners = listeners;
        builder.errorClassifier = errorClassifier;
        builder.retryPolicy = retryPolicy;
        builder.batchHandler = batchHandler;
        builder.consumeRetryQueues = consumeRetryQueues;
        builder.idempotency = idempotency;
        builder.systemAttributes = systemAttributes;
        builder.maxHeldBytes = maxHeldBytes;
        builder.maxHeldBytesSet = maxHeldBytesSet;
        builder.queueSampling = queueSampling;
        builder.tracing = tracing;
        builder.prefetchCeiling = prefetchCeiling;
        return builder;
    }

    /**
     * Builds {@link ConsumerSettings}: each setter sets the component of the same name. It does not validate (that
     * is {@code SqsConsumer.Builder}'s job) and exists so that derived settings name only what differs. Not
     * thread-safe.
     */
    public static final class Builder {
        private SqsAsyncClient sqsClient;
        private String queueUrl;
        private String queueName;
        private MessageHandler handler;
        private String name;
        private int maxConcurrency;
        private int prefetch;
        private int prefetchCeiling;
        private int pollers;
        private Duration waitTime;
        private Duration visibilityTimeout;
        private Duration visibilityExtensionMargin;
        private Duration maxProcessingTime;
        private Duration shutdownTimeout;
        private Duration batchFlushInterval;
        private Executor executor;
        private List<ConsumerListener> listeners;
        private ErrorClassifier errorClassifier;
        private RetryPolicy retryPolicy;
        private BatchHandler batchHandler;
        private boolean consumeRetryQueues;
        private Idempotency idempotency;
        private List<MessageSystemAttributeName> systemAttributes;
        private long maxHeldBytes;
        private Duration queueSampling = Duration.ZERO;
        private boolean maxHeldBytesSet;
        private MessageTracing tracing;

        private Builder() {
        }

        public Builder sqsClient(SqsAsyncClient sqsClient) {
            this.sqsClient = sqsClient;
            return this;
        }

        public Builder queueUrl(String queueUrl) {
            this.queueUrl = queueUrl;
            return this;
        }

        public Builder queueName(String queueName) {
            this.queueName = queueName;
            return this;
        }

        public Builder handler(MessageHandler handler) {
            this.handler = handler;
            return this;
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public Builder maxConcurrency(int maxConcurrency) {
            this.maxConcurrency = maxConcurrency;
            return this;
        }

        public Builder prefetch(int prefetch) {
            this.prefetch = prefetch;
            return this;
        }

        /** @param prefetchCeiling unset (0) or below the prefetch means the prefetch */
        public Builder prefetchCeiling(int prefetchCeiling) {
            this.prefetchCeiling = prefetchCeiling;
            return this;
        }

        public Builder pollers(int pollers) {
            this.pollers = pollers;
            return this;
        }

        public Builder waitTime(Duration waitTime) {
            this.waitTime = waitTime;
            return this;
        }

        public Builder visibilityTimeout(Duration visibilityTimeout) {
            this.visibilityTimeout = visibilityTimeout;
            return this;
        }

        public Builder visibilityExtensionMargin(Duration visibilityExtensionMargin) {
            this.visibilityExtensionMargin = visibilityExtensionMargin;
            return this;
        }

        public Builder maxProcessingTime(Duration maxProcessingTime) {
            this.maxProcessingTime = maxProcessingTime;
            return this;
        }

        public Builder shutdownTimeout(Duration shutdownTimeout) {
            this.shutdownTimeout = shutdownTimeout;
            return this;
        }

        public Builder batchFlushInterval(Duration batchFlushInterval) {
            this.batchFlushInterval = batchFlushInterval;
            return this;
        }

        public Builder executor(Executor executor) {
            this.executor = executor;
            return this;
        }

        public Builder listeners(List<ConsumerListener> listeners) {
            this.listeners = listeners;
            return this;
        }

        public Builder errorClassifier(ErrorClassifier errorClassifier) {
            this.errorClassifier = errorClassifier;
            return this;
        }

        public Builder retryPolicy(RetryPolicy retryPolicy) {
            this.retryPolicy = retryPolicy;
            return this;
        }

        public Builder batchHandler(BatchHandler batchHandler) {
            this.batchHandler = batchHandler;
            return this;
        }

        public Builder consumeRetryQueues(boolean consumeRetryQueues) {
            this.consumeRetryQueues = consumeRetryQueues;
            return this;
        }

        public Builder idempotency(Idempotency idempotency) {
            this.idempotency = idempotency;
            return this;
        }

        public Builder systemAttributes(List<MessageSystemAttributeName> systemAttributes) {
            this.systemAttributes = systemAttributes;
            return this;
        }

        public Builder maxHeldBytes(long maxHeldBytes) {
            this.maxHeldBytes = maxHeldBytes;
            return this;
        }

        public Builder maxHeldBytesSet(boolean maxHeldBytesSet) {
            this.maxHeldBytesSet = maxHeldBytesSet;
            return this;
        }

        public Builder queueSampling(Duration queueSampling) {
            this.queueSampling = queueSampling;
            return this;
        }

        public Builder tracing(MessageTracing tracing) {
            this.tracing = tracing;
            return this;
        }

        /** @return the settings */
        public ConsumerSettings build() {
            return new ConsumerSettings(sqsClient, queueUrl, queueName, handler, name, maxConcurrency, prefetch,
                    pollers, waitTime, visibilityTimeout, visibilityExtensionMargin, maxProcessingTime, shutdownTimeout,
                    batchFlushInterval, executor, listeners, errorClassifier, retryPolicy, batchHandler,
                    consumeRetryQueues, idempotency, systemAttributes, maxHeldBytes, maxHeldBytesSet, queueSampling,
                    tracing, Math.max(prefetch, prefetchCeiling));
        }
    }
}

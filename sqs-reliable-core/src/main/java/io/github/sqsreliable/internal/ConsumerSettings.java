package io.github.sqsreliable.internal;

import io.github.sqsreliable.BatchHandler;
import io.github.sqsreliable.MessageHandler;
import io.github.sqsreliable.idempotency.Idempotency;
import io.github.sqsreliable.observe.ConsumerListener;
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
 * {@code maxHeldBytes} is the byte budget, given or derived from the heap ({@code maxHeldBytesSet} says which).
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
        boolean maxHeldBytesSet) {

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
        String retryQueueName = retryQueueUrl.substring(retryQueueUrl.lastIndexOf('/') + 1);
        return new ConsumerSettings(sqsClient, retryQueueUrl, retryQueueName, handler, name + "-retry-" + index,
                maxConcurrency, prefetch, pollers, waitTime, visibilityTimeout, visibilityExtensionMargin, maxProcessingTime,
                shutdownTimeout, batchFlushInterval, executor, listeners, errorClassifier, retryPolicy, batchHandler,
                false, sharedNamespace(), systemAttributes, maxHeldBytes, maxHeldBytesSet);
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
}

package io.github.sqsreliable.internal.publish;

import io.github.sqsreliable.internal.sqs.SqsLimits;
import io.github.sqsreliable.observe.MessageTracing;
import io.github.sqsreliable.retry.Backoff;
import java.time.Duration;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * A publisher's validated configuration.
 *
 * @param sqsClient the client, not owned
 * @param name for the thread and logs
 * @param linger how long a partial batch waits
 * @param maxPendingMessages the most messages held until their final answer
 * @param maxPendingBytes the most bytes held until their final answer
 * @param maxBlock how long {@code publish} waits for room
 * @param maxAttempts the most sends of one message
 * @param retryBackoff the wait before a send again
 * @param closeTimeout how long close waits for answers
 * @param tracing the trace context source
 * @param fifoStrictOrder whether a FIFO batch holds at most one message per group
 */
public record PublishSettings(SqsAsyncClient sqsClient, String name, Duration linger, int maxPendingMessages,
                              long maxPendingBytes, Duration maxBlock, int maxAttempts, Backoff retryBackoff,
                              Duration closeTimeout, MessageTracing tracing,
                              boolean fifoStrictOrder) {

    /** The most bytes one SendMessageBatch carries, summed over its entries: SQS's 1 MiB. */
    public static final long MAX_BATCH_BYTES = SqsLimits.MAX_MESSAGE_SIZE;
}

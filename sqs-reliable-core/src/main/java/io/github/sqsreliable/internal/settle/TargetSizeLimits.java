package io.github.sqsreliable.internal.settle;

import io.github.sqsreliable.internal.sqs.SqsLimits;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The MaximumMessageSize of each queue messages are moved to, read with GetQueueAttributes the first time a queue
 * is a target and kept per URL. Never waits: the answer is a future. When the attribute cannot be read (no
 * permission, an error), SQS's hard maximum stands in, and a refusal for size from SQS itself teaches the real
 * limit ({@link #learn}).
 */
final class TargetSizeLimits {

    private static final Logger log = LoggerFactory.getLogger(TargetSizeLimits.class);

    private final SqsAsyncClient client;
    private final ConcurrentMap<String, CompletableFuture<Integer>> limits = new ConcurrentHashMap<>();
    private final AtomicBoolean warnedOnce = new AtomicBoolean();

    TargetSizeLimits(SqsAsyncClient client) {
        this.client = client;
    }

    /**
     * @param queueUrl a target queue
     * @return its MaximumMessageSize in bytes; never completes exceptionally
     */
    CompletableFuture<Integer> of(String queueUrl) {
        return limits.computeIfAbsent(queueUrl, this::read);
    }

    /**
     * Lowers the limit kept for a queue to what SQS said when it refused a copy as too large.
     *
     * @param queueUrl the target
     * @param limit the size SQS named
     */
    void learn(String queueUrl, int limit) {
        limits.merge(queueUrl, CompletableFuture.completedFuture(limit), (known, learned) ->
                known.isDone() && known.join() <= limit ? known : learned);
    }

    /**
     * Forgets a queue's limit so the next move reads it again: for a copy too large even without its record, whose
     * target's limit may since have been raised.
     *
     * @param queueUrl the target
     */
    void forget(String queueUrl) {
        limits.remove(queueUrl);
    }

    private CompletableFuture<Integer> read(String queueUrl) {
        CompletableFuture<Integer> read;
        try {
            read = client.getQueueAttributes(GetQueueAttributesRequest.builder().queueUrl(queueUrl)
                            .attributeNames(QueueAttributeName.MAXIMUM_MESSAGE_SIZE).build())
                    .thenApply(response -> parse(queueUrl,
                            response.attributes().get(QueueAttributeName.MAXIMUM_MESSAGE_SIZE)));
        } catch (RuntimeException e) {
            read = CompletableFuture.failedFuture(e);
        }
        return read.exceptionally(error -> {
            // Not fatal: a send that is too large is refused with the real limit in the error, and learnt then.
            if (warnedOnce.compareAndSet(false, true)) {
                log.info("could not read the MaximumMessageSize of {}; assuming SQS's maximum of {} bytes until a "
                        + "send says otherwise: {}", queueUrl, SqsLimits.MAX_MESSAGE_SIZE, error.toString());
            }
            return SqsLimits.MAX_MESSAGE_SIZE;
        });
    }

    private static int parse(String queueUrl, String value) {
        if (value == null) {
            log.debug("{} did not report a MaximumMessageSize; assuming {} bytes", queueUrl,
                    SqsLimits.MAX_MESSAGE_SIZE);
            return SqsLimits.MAX_MESSAGE_SIZE;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            log.debug("{} reported a MaximumMessageSize of \"{}\"; assuming {} bytes", queueUrl, value,
                    SqsLimits.MAX_MESSAGE_SIZE);
            return SqsLimits.MAX_MESSAGE_SIZE;
        }
    }
}

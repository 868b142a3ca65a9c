package io.github.sqsreliable.internal.settle;

import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.internal.SqsLimits;
import io.github.sqsreliable.retry.FailureRecord;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * Sends a copy of a message to a retry or dead-letter queue: the same body and message attributes, the failure
 * record in place of any earlier one, and on FIFO targets the same message group with a deduplication id derived
 * from the original message id (so that a copy sent twice, after a failed delete, is stored once).
 */
public final class MessageMover {

    private final SqsAsyncClient client;

    public MessageMover(SqsAsyncClient client) {
        this.client = client;
    }

    /**
     * @param message the original
     * @param queueUrl the target
     * @param delay DelaySeconds for a standard target (FIFO queues take none), at most 15 minutes
     * @param record the failure record to attach, or {@code null} to attach none
     * @return completes when SQS stored the copy
     */
    public CompletableFuture<Void> send(SqsMessage message, String queueUrl, Duration delay, FailureRecord record) {
        Map<String, MessageAttributeValue> attributes = new HashMap<>(message.messageAttributes());
        attributes.remove(FailureRecord.ATTRIBUTE_NAME);
        if (record != null) {
            attributes.put(FailureRecord.ATTRIBUTE_NAME, record.toAttribute());
        }
        SendMessageRequest.Builder request = SendMessageRequest.builder()
                .queueUrl(queueUrl)
                .messageBody(message.body())
                .messageAttributes(attributes);
        if (queueUrl.endsWith(".fifo")) {
            String originalId = record != null ? record.originalMessageId() : message.messageId();
            request.messageGroupId(message.messageGroupId().orElse(originalId))
                    .messageDeduplicationId("sqsreliable-" + originalId);
        } else if (!delay.isZero()) {
            Duration capped = delay.compareTo(SqsLimits.MAX_DELAY) > 0 ? SqsLimits.MAX_DELAY : delay;
            request.delaySeconds(SqsLimits.toSecondsRoundingUp(capped));
        }
        try {
            return client.sendMessage(request.build()).thenApply(response -> null);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}

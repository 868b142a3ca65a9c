package io.github.sqsreliable.tools;

import io.github.sqsreliable.retry.FailureRecord;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * A message seen in a dead-letter queue by {@link DeadLetterRedrive#peek(int)}: its content and the failure
 * history sqs-reliable attached when it dead-lettered it.
 *
 * <p>Immutable and thread-safe. {@link #toString()} leaves out the body and the attribute values, which may
 * hold personal data.
 *
 * @param messageId the message's id in the dead-letter queue (not the id it had on its origin queue: that is
 *     {@link FailureRecord#originalMessageId()})
 * @param body the body, exactly as sent
 * @param messageAttributes the producer's message attributes, without {@value FailureRecord#ATTRIBUTE_NAME}
 * @param failure the failure record; empty if the message has none (it was dead-lettered by SQS's own
 *     RedrivePolicy or by another tool) or if it is malformed, see {@link #problem()}
 * @param problem why a {@value FailureRecord#ATTRIBUTE_NAME} attribute that is present could not be read;
 *     empty when there is none or it was read
 * @param messageGroupId the message group (FIFO dead-letter queues)
 * @param receiveCount SQS's {@code ApproximateReceiveCount}, the peek's own receive included
 */
public record DeadLetter(String messageId, String body, Map<String, MessageAttributeValue> messageAttributes,
                         Optional<FailureRecord> failure, Optional<String> problem, Optional<String> messageGroupId,
                         int receiveCount) {

    /**
     * Checks and copies; the attribute map becomes immutable.
     *
     * @param messageId the message's id in the dead-letter queue
     * @param body the body, exactly as sent
     * @param messageAttributes the producer's message attributes; copied
     * @param failure the failure record, or empty
     * @param problem why a present failure record could not be read, or empty
     * @param messageGroupId the message group, or empty
     * @param receiveCount SQS's {@code ApproximateReceiveCount}
     */
    public DeadLetter {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(body, "body");
        messageAttributes = Map.copyOf(messageAttributes);
        Objects.requireNonNull(failure, "failure");
        Objects.requireNonNull(problem, "problem");
        Objects.requireNonNull(messageGroupId, "messageGroupId");
    }

    /** Never prints the body or attribute values: they may hold personal data and must not reach logs. */
    @Override
    public String toString() {
        return "DeadLetter[messageId=" + messageId + ", attributes=" + messageAttributes.keySet()
                + ", failure=" + failure + ", problem=" + problem + ", messageGroupId=" + messageGroupId
                + ", receiveCount=" + receiveCount + "]";
    }
}

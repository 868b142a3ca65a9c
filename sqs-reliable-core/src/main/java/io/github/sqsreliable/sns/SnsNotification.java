package io.github.sqsreliable.sns;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The SNS notification an SQS message carried, read from its envelope: {@link io.github.sqsreliable.SqsMessage}'s
 * {@code snsNotification()} when the builder's {@code snsEnvelopes(true)} unwrapped it. The notification's
 * {@code Message} became the message's body and its {@code MessageAttributes} the message attributes; the signature
 * fields are not kept, as they are not verified. Immutable.
 *
 * @param topicArn the topic it was published to ({@code TopicArn})
 * @param messageId SNS's id for the notification ({@code MessageId}): the same for every copy SNS delivers of one
 *     publish, unlike the SQS message id
 * @param timestamp when it was published ({@code Timestamp})
 * @param subject the {@code Subject} given to Publish, if any
 * @param unsubscribeUrl the {@code UnsubscribeURL}, if present
 * @param sequenceNumber the {@code SequenceNumber} a FIFO topic gives, if present
 */
public record SnsNotification(String topicArn, String messageId, Instant timestamp, Optional<String> subject,
                              Optional<String> unsubscribeUrl, Optional<String> sequenceNumber) {

    /**
     * Checks that no part is null.
     *
     * @param topicArn the topic it was published to
     * @param messageId SNS's id for the notification
     * @param timestamp when it was published
     * @param subject the subject, or empty
     * @param unsubscribeUrl the unsubscribe URL, or empty
     * @param sequenceNumber the FIFO topic's sequence number, or empty
     */
    public SnsNotification {
        Objects.requireNonNull(topicArn, "topicArn must not be null");
        Objects.requireNonNull(messageId, "messageId must not be null");
        Objects.requireNonNull(timestamp, "timestamp must not be null");
        Objects.requireNonNull(subject, "subject must not be null (use Optional.empty())");
        Objects.requireNonNull(unsubscribeUrl, "unsubscribeUrl must not be null (use Optional.empty())");
        Objects.requireNonNull(sequenceNumber, "sequenceNumber must not be null (use Optional.empty())");
    }
}

package io.github.sqsreliable;

import io.github.sqsreliable.sns.SnsNotification;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * The handler's immutable view of a received message. The receipt handle is deliberately absent: the
 * consumer owns the message's lease and acknowledges it itself.
 *
 * <p>Build one with {@link #builder()} to unit-test a handler without SQS.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class SqsMessage {

    private final String queueUrl;
    private final String messageId;
    private final String body;
    private final Map<String, String> attributes;
    private final Map<String, MessageAttributeValue> messageAttributes;
    private final SnsNotification snsNotification;

    private SqsMessage(Builder builder) {
        this.queueUrl = Objects.requireNonNull(builder.queueUrl, "queueUrl must not be null");
        this.messageId = Objects.requireNonNull(builder.messageId, "messageId must not be null");
        this.body = Objects.requireNonNull(builder.body, "body must not be null");
        this.attributes = Map.copyOf(builder.attributes);
        this.messageAttributes = Map.copyOf(builder.messageAttributes);
        this.snsNotification = builder.snsNotification;
    }

    /**
     * Starts a message, for tests of handlers or for adapters.
     *
     * @return a builder with no attributes set
     */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the URL of the queue the message was received from */
    public String queueUrl() {
        return queueUrl;
    }

    /** @return the message id SQS assigned when the message was sent */
    public String messageId() {
        return messageId;
    }

    /** @return the body, exactly as sent */
    public String body() {
        return body;
    }

    /**
     * The system attributes SQS returned, keyed by their SQS names ({@code ApproximateReceiveCount},
     * {@code SentTimestamp}, {@code MessageGroupId}, ...). A consumer asks for {@code ApproximateReceiveCount},
     * {@code ApproximateFirstReceiveTimestamp} and {@code MessageGroupId}, plus those named with the builder's
     * {@code systemAttributes(...)}.
     *
     * @return an immutable map
     */
    public Map<String, String> attributes() {
        return attributes;
    }

    /**
     * The message attributes the producer set.
     *
     * @return an immutable map
     */
    public Map<String, MessageAttributeValue> messageAttributes() {
        return messageAttributes;
    }

    /**
     * The string value of a message attribute of type String or Number.
     *
     * @param name the attribute's name
     * @return its value, or empty when absent or binary
     */
    public Optional<String> messageAttribute(String name) {
        MessageAttributeValue value = messageAttributes.get(name);
        return value == null ? Optional.empty() : Optional.ofNullable(value.stringValue());
    }

    /**
     * How many times SQS has handed this message out, this delivery included ({@code ApproximateReceiveCount}).
     * It counts receives, not handler runs: a message released unprocessed still counts.
     *
     * @return at least 1
     */
    public int receiveCount() {
        String count = attributes.get("ApproximateReceiveCount");
        return count == null ? 1 : Integer.parseInt(count);
    }

    /**
     * @return when the message was sent ({@code SentTimestamp}), if SQS returned it: the consumer asks for it only
     *     with {@code systemAttributes(MessageSystemAttributeName.SENT_TIMESTAMP)} (or {@code ALL})
     */
    public Optional<Instant> sentTimestamp() {
        return epochMillis("SentTimestamp");
    }

    /** @return when the message was first received ({@code ApproximateFirstReceiveTimestamp}), if SQS returned it */
    public Optional<Instant> firstReceiveTimestamp() {
        return epochMillis("ApproximateFirstReceiveTimestamp");
    }

    /** @return the message group id (FIFO queues, and standard queues whose producers set one) */
    public Optional<String> messageGroupId() {
        return Optional.ofNullable(attributes.get("MessageGroupId"));
    }

    /**
     * @return the deduplication id (FIFO queues only), if SQS returned it: the consumer asks for it only with
     *     {@code systemAttributes(MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID)} (or {@code ALL})
     */
    public Optional<String> messageDeduplicationId() {
        return Optional.ofNullable(attributes.get("MessageDeduplicationId"));
    }

    /**
     * @return the sequence number (FIFO queues only), if SQS returned it: the consumer asks for it only with
     *     {@code systemAttributes(MessageSystemAttributeName.SEQUENCE_NUMBER)} (or {@code ALL})
     */
    public Optional<String> sequenceNumber() {
        return Optional.ofNullable(attributes.get("SequenceNumber"));
    }

    /**
     * @return the SNS notification whose envelope the consumer unwrapped into this message (body and message
     *     attributes), when the builder's {@code snsEnvelopes(true)} is on and the body was an envelope; empty otherwise
     */
    public Optional<SnsNotification> snsNotification() {
        return Optional.ofNullable(snsNotification);
    }

    private Optional<Instant> epochMillis(String attribute) {
        String value = attributes.get(attribute);
        return value == null ? Optional.empty() : Optional.of(Instant.ofEpochMilli(Long.parseLong(value)));
    }

    /** Never prints the body: bodies may hold personal data and must not reach logs. */
    @Override
    public String toString() {
        return "SqsMessage[messageId=" + messageId + ", queueUrl=" + queueUrl + ", receiveCount=" + receiveCount() + "]";
    }

    /** Builds an {@link SqsMessage}; not thread-safe. */
    public static final class Builder {
        private String queueUrl;
        private String messageId;
        private String body;
        private Map<String, String> attributes = Map.of();
        private Map<String, MessageAttributeValue> messageAttributes = Map.of();
        private SnsNotification snsNotification;

        private Builder() {
        }

        /**
         * @param queueUrl the queue the message came from; required
         * @return this builder
         */
        public Builder queueUrl(String queueUrl) {
            this.queueUrl = queueUrl;
            return this;
        }

        /**
         * @param messageId the SQS message id; required
         * @return this builder
         */
        public Builder messageId(String messageId) {
            this.messageId = messageId;
            return this;
        }

        /**
         * @param body the body; required
         * @return this builder
         */
        public Builder body(String body) {
            this.body = body;
            return this;
        }

        /**
         * @param attributes system attributes keyed by their SQS names; copied
         * @return this builder
         */
        public Builder attributes(Map<String, String> attributes) {
            this.attributes = Objects.requireNonNull(attributes, "attributes must not be null");
            return this;
        }

        /**
         * @param messageAttributes the producer's message attributes; copied
         * @return this builder
         */
        public Builder messageAttributes(Map<String, MessageAttributeValue> messageAttributes) {
            this.messageAttributes = Objects.requireNonNull(messageAttributes, "messageAttributes must not be null");
            return this;
        }

        /**
         * @param snsNotification the SNS notification the message was unwrapped from, or {@code null} for none
         * @return this builder
         */
        public Builder snsNotification(SnsNotification snsNotification) {
            this.snsNotification = snsNotification;
            return this;
        }

        /**
         * @return the message
         * @throws NullPointerException naming the missing field
         */
        public SqsMessage build() {
            return new SqsMessage(this);
        }
    }
}

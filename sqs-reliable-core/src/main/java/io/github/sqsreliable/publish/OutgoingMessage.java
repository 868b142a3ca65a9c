package io.github.sqsreliable.publish;

import io.github.sqsreliable.InvalidConfigurationException;
import io.github.sqsreliable.internal.sqs.MessageSize;
import io.github.sqsreliable.internal.sqs.SqsLimits;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * A message to send: its body, and optionally a FIFO message group id and deduplication id, a delay and message
 * attributes. Validated when built, against SQS's rules for any queue: a body of at least one character of those
 * SQS accepts, at most {@value SqsLimits#MAX_MESSAGE_ATTRIBUTES} message attributes with valid names, a delay of
 * 0 to 15 minutes, and a size (body plus attributes, counted as SQS counts it) of at most 1 MiB. Rules that depend on
 * the queue (a FIFO queue needs a group id and takes no per-message delay) are checked by
 * {@link SqsPublisher#publish(String, OutgoingMessage)}.
 *
 * <pre>{@code
 * OutgoingMessage message = OutgoingMessage.builder()
 *         .body(json)
 *         .messageGroupId(customerId)
 *         .stringAttribute("type", "order-created")
 *         .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class OutgoingMessage {

    /** The longest group or deduplication id SQS accepts: {@value}. */
    public static final int MAX_ID_LENGTH = 128;
    private static final int MAX_ATTRIBUTE_NAME_LENGTH = 256;

    private final String body;
    private final String messageGroupId;
    private final String deduplicationId;
    private final Duration delay;
    private final Map<String, MessageAttributeValue> attributes;
    private final long size;

    private OutgoingMessage(Builder builder) {
        this.body = builder.body;
        this.messageGroupId = builder.messageGroupId;
        this.deduplicationId = builder.deduplicationId;
        this.delay = builder.delay;
        this.attributes = Collections.unmodifiableMap(new LinkedHashMap<>(builder.attributes));
        this.size = MessageSize.of(body, attributes);
    }

    /**
     * @param body the body
     * @return a message with only a body
     * @throws InvalidConfigurationException if the body is empty, too large or has characters SQS refuses
     */
    public static OutgoingMessage of(String body) {
        return builder().body(body).build();
    }

    /** @return a builder with nothing set */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder holding this message's values */
    public Builder toBuilder() {
        Builder builder = new Builder().body(body).messageGroupId(messageGroupId).deduplicationId(deduplicationId)
                .delay(delay);
        builder.attributes.putAll(attributes);
        return builder;
    }

    /** @return the body */
    public String body() {
        return body;
    }

    /** @return the FIFO message group id, if set */
    public Optional<String> messageGroupId() {
        return Optional.ofNullable(messageGroupId);
    }

    /** @return the FIFO deduplication id, if set */
    public Optional<String> deduplicationId() {
        return Optional.ofNullable(deduplicationId);
    }

    /** @return the delay before the message becomes visible, if set (else the queue's DelaySeconds applies) */
    public Optional<Duration> delay() {
        return Optional.ofNullable(delay);
    }

    /** @return the message attributes, in the order they were added; unmodifiable */
    public Map<String, MessageAttributeValue> attributes() {
        return attributes;
    }

    /** @return the size SQS counts against its limits: the body's UTF-8 bytes plus the message attributes */
    public long size() {
        return size;
    }

    @Override
    public String toString() {
        // Never the body: it may hold personal data, and this string reaches logs.
        return "OutgoingMessage[" + size + " bytes" + (messageGroupId != null ? ", group " + messageGroupId : "")
                + (delay != null ? ", delay " + delay : "") + ", attributes " + attributes.keySet() + "]";
    }

    /** Builds an {@link OutgoingMessage}; {@link #build()} validates. Not thread-safe. */
    public static final class Builder {

        private String body;
        private String messageGroupId;
        private String deduplicationId;
        private Duration delay;
        private final Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * Required.
         *
         * @param body at least one character; SQS accepts tab, line feed, carriage return and the Unicode characters
         *     from U+0020 on except the surrogates and U+FFFE/U+FFFF
         * @return this builder
         */
        public Builder body(String body) {
            this.body = body;
            return this;
        }

        /**
         * The FIFO message group: messages of one group are delivered in order. Required for a FIFO queue, refused by
         * SQS for a standard one.
         *
         * @param messageGroupId 1 to 128 characters, or {@code null} for none
         * @return this builder
         */
        public Builder messageGroupId(String messageGroupId) {
            this.messageGroupId = messageGroupId;
            return this;
        }

        /**
         * The FIFO deduplication id: a second message with the same id within 5 minutes is accepted but not stored.
         * Needed on a FIFO queue without content-based deduplication.
         *
         * @param deduplicationId 1 to 128 characters, or {@code null} for none
         * @return this builder
         */
        public Builder deduplicationId(String deduplicationId) {
            this.deduplicationId = deduplicationId;
            return this;
        }

        /**
         * How long the message stays invisible after it was sent. Standard queues only: SQS refuses a per-message
         * delay on a FIFO queue. Default: the queue's DelaySeconds.
         *
         * @param delay whole seconds, 0 to 15 minutes, or {@code null} for the queue's default
         * @return this builder
         */
        public Builder delay(Duration delay) {
            this.delay = delay;
            return this;
        }

        /**
         * Adds (or replaces) a String message attribute.
         *
         * @param name the attribute's name
         * @param value its value, not empty
         * @return this builder
         */
        public Builder stringAttribute(String name, String value) {
            return attribute(name, MessageAttributeValue.builder().dataType("String").stringValue(value).build());
        }

        /**
         * Adds (or replaces) a Number message attribute.
         *
         * @param name the attribute's name
         * @param value its value; SQS takes up to 38 significant digits between 10^-128 and 10^126
         * @return this builder
         */
        public Builder numberAttribute(String name, Number value) {
            String text = value == null ? null
                    : value instanceof BigDecimal decimal ? decimal.toPlainString() : value.toString();
            return attribute(name, MessageAttributeValue.builder().dataType("Number").stringValue(text).build());
        }

        /**
         * Adds (or replaces) a Binary message attribute.
         *
         * @param name the attribute's name
         * @param value its bytes, copied
         * @return this builder
         */
        public Builder binaryAttribute(String name, byte[] value) {
            return attribute(name, MessageAttributeValue.builder().dataType("Binary")
                    .binaryValue(value == null ? null : SdkBytes.fromByteArray(value)).build());
        }

        /**
         * Adds (or replaces) a message attribute of any type, e.g. {@code String.json} (a custom type).
         *
         * @param name the attribute's name
         * @param value its type and value
         * @return this builder
         */
        public Builder attribute(String name, MessageAttributeValue value) {
            attributes.put(name, value);
            return this;
        }

        /**
         * @return the message
         * @throws InvalidConfigurationException naming the first field it rejects; never quoting the body
         */
        public OutgoingMessage build() {
            require(body != null && !body.isEmpty(), "body", "must be set and not empty");
            int invalid = firstInvalidCharacter(body);
            require(invalid < 0, "body", "has a character SQS refuses (U+" + String.format("%04X", Math.max(0, invalid))
                    + "): only tab, line feed, carriage return and U+0020 on, without surrogates or U+FFFE/U+FFFF");
            requireId("messageGroupId", messageGroupId);
            requireId("deduplicationId", deduplicationId);
            if (delay != null) {
                require(!delay.isNegative() && delay.compareTo(SqsLimits.MAX_DELAY) <= 0, "delay",
                        "(" + delay + ") must be between 0 and " + SqsLimits.MAX_DELAY);
                require(delay.toNanos() % 1_000_000_000L == 0, "delay",
                        "(" + delay + ") must be a whole number of seconds: SQS accepts no finer unit");
            }
            require(attributes.size() <= SqsLimits.MAX_MESSAGE_ATTRIBUTES, "attributes", "(" + attributes.size()
                    + " of them) must be at most " + SqsLimits.MAX_MESSAGE_ATTRIBUTES + ", SQS's limit");
            attributes.forEach(Builder::requireAttribute);
            OutgoingMessage message = new OutgoingMessage(this);
            require(message.size <= SqsLimits.MAX_MESSAGE_SIZE, "body", "and attributes (" + message.size
                    + " bytes) must be at most " + SqsLimits.MAX_MESSAGE_SIZE + " bytes, SQS's largest message");
            return message;
        }

        private static void requireId(String field, String id) {
            if (id == null) {
                return;
            }
            require(!id.isEmpty() && id.length() <= MAX_ID_LENGTH, field,
                    "(" + id.length() + " characters) must be 1 to " + MAX_ID_LENGTH + " characters");
            for (int i = 0; i < id.length(); i++) {
                char c = id.charAt(i);
                require(c >= '!' && c <= '~', field, "(" + id + ") may hold only printable ASCII characters "
                        + "(letters, digits and punctuation), as SQS requires");
            }
        }

        private static void requireAttribute(String name, MessageAttributeValue value) {
            require(name != null && !name.isEmpty() && name.length() <= MAX_ATTRIBUTE_NAME_LENGTH, "attributes",
                    "name (" + name + ") must be 1 to " + MAX_ATTRIBUTE_NAME_LENGTH + " characters");
            require(name.chars().allMatch(c -> Character.isLetterOrDigit(c) && c < 0x80 || c == '_' || c == '-'
                    || c == '.'), "attributes", "name (" + name + ") may hold only ASCII letters, digits, "
                    + "'_', '-' and '.'");
            String lower = name.toLowerCase(java.util.Locale.ROOT);
            require(!lower.startsWith("aws.") && !lower.startsWith("amazon."), "attributes",
                    "name (" + name + ") must not start with 'AWS.' or 'Amazon.', which SQS reserves");
            require(!name.startsWith(".") && !name.endsWith(".") && !name.contains(".."), "attributes",
                    "name (" + name + ") must not start or end with '.' nor hold '..'");
            require(value != null && value.dataType() != null, "attributes", "(" + name + ") must have a data type");
            String type = value.dataType();
            boolean binary = type.startsWith("Binary");
            require(binary || type.startsWith("String") || type.startsWith("Number"), "attributes",
                    "(" + name + ") data type (" + type + ") must be String, Number or Binary, optionally with a "
                            + "custom suffix such as String.json");
            if (binary) {
                require(value.binaryValue() != null && value.binaryValue().asByteArrayUnsafe().length > 0,
                        "attributes", "(" + name + ") must have a binary value of at least one byte");
            } else {
                require(value.stringValue() != null && !value.stringValue().isEmpty(), "attributes",
                        "(" + name + ") must have a value of at least one character");
            }
        }

        /** @return the first code point SQS refuses, or -1 */
        static int firstInvalidCharacter(String text) {
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (Character.isHighSurrogate(c) && i + 1 < text.length()
                        && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                    continue;
                }
                boolean valid = c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF)
                        || (c >= 0xE000 && c <= 0xFFFD);
                if (!valid) {
                    return c;
                }
            }
            return -1;
        }

        private static void require(boolean condition, String field, String problem) {
            if (!condition) {
                throw InvalidConfigurationException.of(field, problem);
            }
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof OutgoingMessage that && body.equals(that.body)
                && Objects.equals(messageGroupId, that.messageGroupId)
                && Objects.equals(deduplicationId, that.deduplicationId) && Objects.equals(delay, that.delay)
                && attributes.equals(that.attributes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(body, messageGroupId, deduplicationId, delay, attributes);
    }
}

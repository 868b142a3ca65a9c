package io.github.sqsreliable.retry;

import io.github.sqsreliable.SqsMessage;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * The failure history sqs-reliable attaches to a message it moves to a retry queue or a dead-letter queue, in
 * one message attribute named {@value #ATTRIBUTE_NAME} (one, because SQS allows only 10 per message). Its value
 * is form-encoded ({@code attempts=3&errorClass=...}) so it stays readable in the SQS console. SQS counts the
 * attribute toward the message size limit, so a copy near its target's limit carries a shorter record, or none.
 *
 * @param attempts failed attempts so far, across all tiers
 * @param tier the index of the retry tier the message was moved to (0 is the consumer's own queue)
 * @param originQueueUrl the queue the message was first consumed from
 * @param originalMessageId the message id it had there
 * @param firstFailureAt when the first attempt failed
 * @param lastFailureAt when the latest attempt failed
 * @param errorClass the class of the latest failure; empty on a copy that had room only for the record's essential
 *     fields (see {@code docs/error-handling.md}, "At the size limit")
 * @param errorMessage the latest failure's message, at most {@value #MAX_ERROR_MESSAGE_LENGTH} characters
 *     without control characters; possibly empty, or cut shorter and ending with {@code …} on a copy near its
 *     queue's size limit
 * @param kind how the latest failure was classified
 * @param notBefore no attempt before this time (a delay longer than SQS's 15-minute DelaySeconds), or null
 * @param deadLetterReason why the message was dead-lettered, or null if it was not
 * @param deadLetteredAt when it was dead-lettered, or null
 */
public record FailureRecord(int attempts, int tier, String originQueueUrl, String originalMessageId,
                            Instant firstFailureAt, Instant lastFailureAt, String errorClass, String errorMessage,
                            FailureKind kind, Instant notBefore, DeadLetterReason deadLetterReason,
                            Instant deadLetteredAt) {

    /** The message attribute holding the record. */
    public static final String ATTRIBUTE_NAME = "sqsreliable.failure";
    /** The longest error message kept. */
    public static final int MAX_ERROR_MESSAGE_LENGTH = 256;

    /** Why a message was dead-lettered. */
    public enum DeadLetterReason {
        /** Its failure was classified permanent. */
        PERMANENT_FAILURE,
        /** Its failures were transient, and it ran out of attempts. */
        ATTEMPTS_EXHAUSTED
    }

    /**
     * Checks that the origin, the first and latest failure times, the error class and the kind are not null, and
     * cleans the error message with {@link #sanitize(String)}.
     *
     * @param attempts failed attempts so far, across all tiers
     * @param tier the index of the retry tier the message was moved to
     * @param originQueueUrl the queue the message was first consumed from
     * @param originalMessageId the message id it had there
     * @param firstFailureAt when the first attempt failed
     * @param lastFailureAt when the latest attempt failed
     * @param errorClass the class of the latest failure
     * @param errorMessage the latest failure's message; null is kept as empty
     * @param kind how the latest failure was classified
     * @param notBefore no attempt before this time, or null
     * @param deadLetterReason why the message was dead-lettered, or null
     * @param deadLetteredAt when it was dead-lettered, or null
     */
    public FailureRecord {
        Objects.requireNonNull(originQueueUrl, "originQueueUrl");
        Objects.requireNonNull(originalMessageId, "originalMessageId");
        Objects.requireNonNull(firstFailureAt, "firstFailureAt");
        Objects.requireNonNull(lastFailureAt, "lastFailureAt");
        Objects.requireNonNull(errorClass, "errorClass");
        Objects.requireNonNull(kind, "kind");
        errorMessage = sanitize(errorMessage);
    }

    /**
     * Reads the record a message carries.
     *
     * @param message a received message
     * @return its record; empty if it has none
     * @throws IllegalArgumentException if the attribute is present but malformed
     */
    public static Optional<FailureRecord> of(SqsMessage message) {
        return of(message.messageAttributes());
    }

    /**
     * Reads the record from message attributes.
     *
     * @param messageAttributes a message's attributes
     * @return the record; empty if there is none
     * @throws IllegalArgumentException if the attribute is present but malformed
     */
    public static Optional<FailureRecord> of(Map<String, MessageAttributeValue> messageAttributes) {
        MessageAttributeValue value = messageAttributes.get(ATTRIBUTE_NAME);
        if (value == null || value.stringValue() == null) {
            return Optional.empty();
        }
        return Optional.of(decode(value.stringValue()));
    }

    /**
     * Parses the attribute's value.
     *
     * @param encoded the form-encoded value
     * @return the record
     * @throws IllegalArgumentException naming what is missing or malformed
     */
    public static FailureRecord decode(String encoded) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String pair : encoded.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            if (equals < 0) {
                throw new IllegalArgumentException(ATTRIBUTE_NAME + " has a field without a value: " + pair);
            }
            fields.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
        }
        return new FailureRecord(
                parse(fields, "attempts", Integer::parseInt),
                fields.containsKey("tier") ? parse(fields, "tier", Integer::parseInt) : 0,
                required(fields, "originQueueUrl"),
                required(fields, "originalMessageId"),
                parse(fields, "firstFailureAt", Instant::parse),
                parse(fields, "lastFailureAt", Instant::parse),
                required(fields, "errorClass"),
                fields.getOrDefault("errorMessage", ""),
                parse(fields, "kind", FailureKind::valueOf),
                fields.containsKey("notBefore") ? parse(fields, "notBefore", Instant::parse) : null,
                fields.containsKey("deadLetterReason") ? parse(fields, "deadLetterReason", DeadLetterReason::valueOf)
                        : null,
                fields.containsKey("deadLetteredAt") ? parse(fields, "deadLetteredAt", Instant::parse) : null);
    }

    private static <T> T parse(Map<String, String> fields, String name, java.util.function.Function<String, T> parser) {
        String value = required(fields, name);
        try {
            return parser.apply(value);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(ATTRIBUTE_NAME + " is malformed: field " + name + " has the value \""
                    + value + "\"", e);
        }
    }

    /** @return the attribute's value */
    public String encode() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("attempts", Integer.toString(attempts));
        fields.put("tier", Integer.toString(tier));
        fields.put("kind", kind.name());
        fields.put("errorClass", errorClass);
        fields.put("errorMessage", errorMessage);
        fields.put("originQueueUrl", originQueueUrl);
        fields.put("originalMessageId", originalMessageId);
        fields.put("firstFailureAt", firstFailureAt.toString());
        fields.put("lastFailureAt", lastFailureAt.toString());
        if (notBefore != null) {
            fields.put("notBefore", notBefore.toString());
        }
        if (deadLetterReason != null) {
            fields.put("deadLetterReason", deadLetterReason.name());
        }
        if (deadLetteredAt != null) {
            fields.put("deadLetteredAt", deadLetteredAt.toString());
        }
        StringBuilder encoded = new StringBuilder();
        fields.forEach((key, value) -> {
            if (encoded.length() > 0) {
                encoded.append('&');
            }
            encoded.append(key).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
        });
        return encoded.toString();
    }

    /** @return the record as a String message attribute */
    public MessageAttributeValue toAttribute() {
        return MessageAttributeValue.builder().dataType("String").stringValue(encode()).build();
    }

    /**
     * @param notBefore the earliest next attempt
     * @return this record with another {@code notBefore}
     */
    public FailureRecord withNotBefore(Instant notBefore) {
        return new FailureRecord(attempts, tier, originQueueUrl, originalMessageId, firstFailureAt, lastFailureAt,
                errorClass, errorMessage, kind, notBefore, deadLetterReason, deadLetteredAt);
    }

    /**
     * @param reason why
     * @param at when
     * @return this record marked as dead-lettered
     */
    public FailureRecord deadLettered(DeadLetterReason reason, Instant at) {
        return new FailureRecord(attempts, tier, originQueueUrl, originalMessageId, firstFailureAt, lastFailureAt,
                errorClass, errorMessage, kind, null, reason, at);
    }

    /**
     * Bounds a failure message for a message attribute: control characters become spaces, runs of white space
     * one space, and anything past {@value #MAX_ERROR_MESSAGE_LENGTH} characters is cut.
     *
     * @param message an exception's message, possibly null
     * @return the sanitized text, never null
     */
    public static String sanitize(String message) {
        return message == null ? "" : sanitize(message, MAX_ERROR_MESSAGE_LENGTH);
    }

    /**
     * Bounds any text for a place that takes a limited single line (an attribute, a Step Functions error or cause):
     * control characters become spaces, runs of white space one space, and the text is cut to {@code max}
     * characters ending with {@code …}, never inside a surrogate pair.
     *
     * @param text any text, not null
     * @param max the longest result, at least 2
     * @return the sanitized text
     */
    public static String sanitize(String text, int max) {
        String cleaned = text.replaceAll("[\\p{Cntrl}\\s]+", " ").strip();
        if (cleaned.length() <= max) {
            return cleaned;
        }
        int cut = max - 1;
        if (Character.isHighSurrogate(cleaned.charAt(cut - 1))) {
            cut--; // never split a surrogate pair
        }
        return cleaned.substring(0, cut) + "…";
    }

    private static String required(Map<String, String> fields, String name) {
        String value = fields.get(name);
        if (value == null) {
            throw new IllegalArgumentException(ATTRIBUTE_NAME + " is malformed: field " + name + " is missing");
        }
        return value;
    }
}

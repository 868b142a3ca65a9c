package io.github.sqsreliable.internal.sns;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.sns.MalformedEnvelopeException;
import io.github.sqsreliable.sns.SnsNotification;
import io.github.sqsreliable.sns.SubscriptionConfirmationException;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Tells an SNS notification envelope from any other body, and unwraps it. A body is an envelope when it is a JSON
 * object with {@code Type} and {@code TopicArn} at its top level; anything else (raw message delivery, other JSON,
 * text that is not JSON) passes through unchanged. An envelope must then be complete and well formed, or it is a
 * {@link MalformedEnvelopeException}, whose reason names fields (ours, fixed) and never quotes values.
 */
public final class SnsEnvelopes {

    private static final String NOTIFICATION = "Notification";
    private static final Set<String> CONFIRMATIONS = Set.of("SubscriptionConfirmation", "UnsubscribeConfirmation");
    private static final Set<String> READ = Set.of("Type", "TopicArn", "MessageId", "Message", "Timestamp", "Subject",
            "UnsubscribeURL", "SequenceNumber", "MessageAttributes");
    private static final String PREFIX = "malformed SNS envelope: ";

    /**
     * An envelope is three levels deep; the limits only keep a hostile body from costing more than a look. Strings
     * may be as long as a body, so that the notification's Message always fits.
     */
    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(64)
                            .maxStringLength(4 * 1_048_576)
                            .build())
                    .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                    .build())
            .build();

    private SnsEnvelopes() {
    }

    /**
     * What an envelope holds.
     *
     * @param notification the notification's description
     * @param message the notification's {@code Message}: the body the publisher sent
     * @param messageAttributes its {@code MessageAttributes}, as SQS message attributes
     */
    public record Envelope(SnsNotification notification, String message,
                           Map<String, MessageAttributeValue> messageAttributes) {
    }

    /**
     * @param message a received message
     * @return the message with the notification's body and attributes (SQS's own attributes kept, and winning a name
     *     clash), or the message itself when its body is not an envelope or it was unwrapped already
     * @throws MalformedEnvelopeException if the body looks like an envelope but is broken
     * @throws SubscriptionConfirmationException if it is a subscription or unsubscribe confirmation
     */
    public static SqsMessage unwrap(SqsMessage message) {
        if (message.snsNotification().isPresent()) {
            return message;
        }
        Optional<Envelope> read = read(message.body());
        if (read.isEmpty()) {
            return message;
        }
        Envelope envelope = read.get();
        Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>(envelope.messageAttributes());
        attributes.putAll(message.messageAttributes());
        return SqsMessage.builder()
                .queueUrl(message.queueUrl())
                .messageId(message.messageId())
                .body(envelope.message())
                .attributes(message.attributes())
                .messageAttributes(attributes)
                .snsNotification(envelope.notification())
                .build();
    }

    /**
     * @param message a received message
     * @return the SNS message id of its envelope, or its SQS message id when its body is not an envelope
     * @throws MalformedEnvelopeException if the body looks like an envelope but is broken
     * @throws SubscriptionConfirmationException if it is a subscription or unsubscribe confirmation
     */
    public static String snsMessageIdOrMessageId(SqsMessage message) {
        return message.snsNotification().or(() -> read(message.body()).map(Envelope::notification))
                .map(SnsNotification::messageId)
                .orElse(message.messageId());
    }

    /**
     * @param body a message body
     * @return the envelope, or empty when the body is not one
     * @throws MalformedEnvelopeException if the body looks like an envelope but is broken
     * @throws SubscriptionConfirmationException if it is a subscription or unsubscribe confirmation
     */
    public static Optional<Envelope> read(String body) {
        if (!startsWithBrace(body)) {
            return Optional.empty();
        }
        Map<String, JsonNode> fields = new HashMap<>();
        try (JsonParser parser = MAPPER.createParser(body)) {
            parser.nextToken();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                parser.nextToken();
                if (READ.contains(name)) {
                    fields.put(name, MAPPER.readTree(parser));
                } else {
                    parser.skipChildren();
                }
            }
            if (parser.nextToken() != null) {
                if (looksLikeEnvelope(fields)) {
                    throw malformed("more content follows the envelope" + at(parser.currentTokenLocation()));
                }
                return Optional.empty();
            }
        } catch (JsonProcessingException e) {
            if (looksLikeEnvelope(fields)) {
                throw malformed("not valid JSON" + at(e.getLocation()));
            }
            return Optional.empty();
        } catch (IOException e) {
            // Reading a String does no I/O.
            return Optional.empty();
        }
        if (!looksLikeEnvelope(fields)) {
            return Optional.empty();
        }
        return Optional.of(envelope(fields));
    }

    private static Envelope envelope(Map<String, JsonNode> fields) {
        String type = requiredText(fields, "Type");
        if (CONFIRMATIONS.contains(type)) {
            throw new SubscriptionConfirmationException(type, "an SNS " + type + ", not a notification: "
                    + (type.equals("SubscriptionConfirmation")
                    ? "to confirm the subscription, use the SubscribeURL or the Token (sns:ConfirmSubscription) in "
                    + "this message's body; it is never confirmed automatically"
                    : "the subscription was deleted; to subscribe the queue again, use the SubscribeURL in this "
                    + "message's body"));
        }
        if (!type.equals(NOTIFICATION)) {
            throw malformed("field Type is not Notification, SubscriptionConfirmation or UnsubscribeConfirmation");
        }
        String topicArn = requiredText(fields, "TopicArn");
        String messageId = requiredText(fields, "MessageId");
        String message = requiredText(fields, "Message");
        Instant timestamp;
        try {
            timestamp = Instant.parse(requiredText(fields, "Timestamp"));
        } catch (DateTimeParseException e) {
            throw malformed("field Timestamp is not an ISO-8601 instant such as 2024-05-01T10:15:30.123Z");
        }
        SnsNotification notification = new SnsNotification(topicArn, messageId, timestamp,
                optionalText(fields, "Subject"), optionalText(fields, "UnsubscribeURL"),
                optionalText(fields, "SequenceNumber"));
        return new Envelope(notification, message, attributes(fields.get("MessageAttributes")));
    }

    private static Map<String, MessageAttributeValue> attributes(JsonNode node) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw malformed("field MessageAttributes is not a JSON object");
        }
        Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
        int entry = 0;
        for (Map.Entry<String, JsonNode> attribute : node.properties()) {
            entry++;
            // Attribute names are the publisher's: the reason counts entries instead of naming them.
            String where = "MessageAttributes entry " + entry + " of " + node.size();
            JsonNode value = attribute.getValue();
            if (!value.isObject() || !value.path("Type").isTextual() || !value.path("Value").isTextual()) {
                throw malformed(where + " is not an object with a string Type and a string Value");
            }
            String dataType = value.get("Type").asText();
            String text = value.get("Value").asText();
            MessageAttributeValue.Builder mapped = MessageAttributeValue.builder().dataType(dataType);
            if (isOfType(dataType, "Binary")) {
                try {
                    mapped.binaryValue(SdkBytes.fromByteArray(Base64.getDecoder().decode(text)));
                } catch (IllegalArgumentException e) {
                    throw malformed(where + " is of type Binary but its Value is not valid base64");
                }
            } else if (isOfType(dataType, "String") || isOfType(dataType, "Number")) {
                mapped.stringValue(text);
            } else {
                throw malformed(where + " has a Type other than String, String.Array, Number or Binary");
            }
            attributes.put(attribute.getKey(), mapped.build());
        }
        return attributes;
    }

    /** SQS and SNS data types may carry a custom label after a dot: {@code String.Array}, {@code Number.float}. */
    private static boolean isOfType(String dataType, String base) {
        return dataType.equals(base) || dataType.startsWith(base + ".");
    }

    private static boolean looksLikeEnvelope(Map<String, JsonNode> fields) {
        return fields.containsKey("Type") && fields.containsKey("TopicArn");
    }

    private static String requiredText(Map<String, JsonNode> fields, String name) {
        JsonNode node = fields.get(name);
        if (node == null || node.isNull()) {
            throw malformed("field " + name + " is missing");
        }
        if (!node.isTextual()) {
            throw malformed("field " + name + " is not a string");
        }
        return node.asText();
    }

    private static Optional<String> optionalText(Map<String, JsonNode> fields, String name) {
        JsonNode node = fields.get(name);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isTextual()) {
            throw malformed("field " + name + " is not a string");
        }
        return Optional.of(node.asText());
    }

    private static boolean startsWithBrace(String body) {
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '{') {
                return true;
            }
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return false;
            }
        }
        return false;
    }

    private static MalformedEnvelopeException malformed(String problem) {
        return new MalformedEnvelopeException(PREFIX + problem);
    }

    private static String at(JsonLocation location) {
        return location == null || location.getLineNr() < 1 ? ""
                : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }
}

package io.github.sqsreliable.test.internal;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Writes received SQS messages as the JSON event a Lambda SQS event source mapping sends its function: a
 * {@code Records} array whose entries carry camel-cased message fields, the system attributes under
 * {@code attributes}, the message attributes under {@code messageAttributes} (binary values in base64, list values
 * as empty arrays), {@code eventSource} {@code aws:sqs}, the queue's ARN and its region. Touches no Lambda class, so
 * it loads without the kit's optional Lambda dependencies. Not API.
 */
public final class SqsEventJson {

    /** The system attributes Lambda puts first, in the order its events show them; any others follow, sorted. */
    private static final List<String> LEADING_ATTRIBUTES = List.of("ApproximateReceiveCount", "SentTimestamp",
            "SequenceNumber", "MessageGroupId", "SenderId", "MessageDeduplicationId",
            "ApproximateFirstReceiveTimestamp");

    private SqsEventJson() {
    }

    /**
     * @param messages the messages of one ReceiveMessage, in the order received
     * @param queueArn the queue's ARN, {@code arn:aws:sqs:REGION:ACCOUNT:NAME}
     * @return the event, as one line of JSON
     * @throws IllegalArgumentException if {@code queueArn} is not an SQS ARN
     */
    public static String event(List<Message> messages, String queueArn) {
        String region = regionOf(queueArn);
        StringBuilder json = new StringBuilder(256 * (messages.size() + 1));
        json.append("{\"Records\":[");
        for (int i = 0; i < messages.size(); i++) {
            if (i > 0) {
                json.append(',');
            }
            record(json, messages.get(i), queueArn, region);
        }
        return json.append("]}").toString();
    }

    /**
     * @param queueArn an SQS queue's ARN
     * @return its region, the fourth field
     * @throws IllegalArgumentException if it is not an SQS ARN
     */
    public static String regionOf(String queueArn) {
        String[] parts = queueArn == null ? new String[0] : queueArn.split(":", -1);
        if (parts.length != 6 || !parts[0].equals("arn") || !parts[2].equals("sqs") || parts[3].isEmpty()) {
            throw new IllegalArgumentException("queue ARN (" + queueArn + ") is not arn:PARTITION:sqs:REGION:ACCOUNT:NAME");
        }
        return parts[3];
    }

    private static void record(StringBuilder json, Message message, String queueArn, String region) {
        json.append('{');
        field(json, "messageId").append(string(message.messageId())).append(',');
        field(json, "receiptHandle").append(string(message.receiptHandle())).append(',');
        field(json, "body").append(string(message.body())).append(',');
        field(json, "attributes");
        attributes(json, message.attributesAsStrings());
        json.append(',');
        field(json, "messageAttributes");
        messageAttributes(json, message.messageAttributes());
        json.append(',');
        field(json, "md5OfMessageAttributes").append(string(message.md5OfMessageAttributes())).append(',');
        field(json, "md5OfBody").append(string(message.md5OfBody())).append(',');
        field(json, "eventSource").append(string("aws:sqs")).append(',');
        field(json, "eventSourceARN").append(string(queueArn)).append(',');
        field(json, "awsRegion").append(string(region));
        json.append('}');
    }

    private static void attributes(StringBuilder json, Map<String, String> attributes) {
        Map<String, String> rest = new TreeMap<>(attributes);
        List<String> names = new ArrayList<>();
        for (String name : LEADING_ATTRIBUTES) {
            if (rest.containsKey(name)) {
                names.add(name);
            }
        }
        rest.keySet().removeAll(names);
        names.addAll(rest.keySet());
        json.append('{');
        for (int i = 0; i < names.size(); i++) {
            if (i > 0) {
                json.append(',');
            }
            field(json, names.get(i)).append(string(attributes.get(names.get(i))));
        }
        json.append('}');
    }

    private static void messageAttributes(StringBuilder json, Map<String, MessageAttributeValue> attributes) {
        json.append('{');
        boolean first = true;
        for (Map.Entry<String, MessageAttributeValue> entry : new TreeMap<>(attributes).entrySet()) {
            if (!first) {
                json.append(',');
            }
            first = false;
            MessageAttributeValue value = entry.getValue();
            field(json, entry.getKey()).append('{');
            // Lambda leaves out the value a type does not use (no "binaryValue" on a String) but always lists both.
            if (value.stringValue() != null) {
                field(json, "stringValue").append(string(value.stringValue())).append(',');
            }
            if (value.binaryValue() != null) {
                field(json, "binaryValue").append(string(base64(value.binaryValue()))).append(',');
            }
            field(json, "stringListValues").append('[');
            appendAll(json, value.hasStringListValues() ? value.stringListValues() : List.of());
            json.append("],");
            field(json, "binaryListValues").append('[');
            appendAll(json, value.hasBinaryListValues()
                    ? value.binaryListValues().stream().map(SqsEventJson::base64).toList() : List.of());
            json.append("],");
            field(json, "dataType").append(string(value.dataType())).append('}');
        }
        json.append('}');
    }

    private static void appendAll(StringBuilder json, List<String> values) {
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                json.append(',');
            }
            json.append(string(values.get(i)));
        }
    }

    private static String base64(SdkBytes bytes) {
        return Base64.getEncoder().encodeToString(bytes.asByteArrayUnsafe());
    }

    private static StringBuilder field(StringBuilder json, String name) {
        return json.append(string(name)).append(':');
    }

    /**
     * @param value a string, or null
     * @return it as a JSON string literal, or {@code null}
     */
    static String string(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder literal = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> literal.append("\\\"");
                case '\\' -> literal.append("\\\\");
                case '\n' -> literal.append("\\n");
                case '\r' -> literal.append("\\r");
                case '\t' -> literal.append("\\t");
                case '\b' -> literal.append("\\b");
                case '\f' -> literal.append("\\f");
                default -> {
                    if (c < 0x20) {
                        literal.append(String.format("\\u%04x", (int) c));
                    } else {
                        literal.append(c);
                    }
                }
            }
        }
        return literal.append('"').toString();
    }
}

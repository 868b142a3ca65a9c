package io.github.sqsreliable.internal;

import java.util.Map;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * A message's size as SQS counts it against {@code MaximumMessageSize}: the body's UTF-8 bytes plus, for each
 * message attribute, its name, its data type and its value (UTF-8 for a string, the bytes of a binary).
 */
public final class MessageSize {

    private MessageSize() {
    }

    /**
     * @param body the body
     * @param attributes the message attributes
     * @return the size in bytes
     */
    public static long of(String body, Map<String, MessageAttributeValue> attributes) {
        long size = utf8Length(body);
        for (Map.Entry<String, MessageAttributeValue> attribute : attributes.entrySet()) {
            MessageAttributeValue value = attribute.getValue();
            size += utf8Length(attribute.getKey()) + utf8Length(value.dataType());
            if (value.stringValue() != null) {
                size += utf8Length(value.stringValue());
            } else if (value.binaryValue() != null) {
                size += value.binaryValue().asByteBuffer().remaining();
            }
        }
        return size;
    }

    /** Counts without encoding: a copy of a 1 MiB body for its length would cost as much as the body. */
    static long utf8Length(String text) {
        if (text == null) {
            return 0;
        }
        long bytes = 0;
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}

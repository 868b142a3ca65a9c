package io.github.sqsreliable.internal.sqs;

import java.util.Map;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * A message's size as SQS counts it against a queue's MaximumMessageSize: the body's UTF-8 bytes, plus for each
 * message attribute the UTF-8 bytes of its name, of its data type and of its value (a String or Number value's
 * UTF-8 bytes, a Binary value's bytes). System attributes such as the message group id do not count.
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
            size += ofAttribute(attribute.getKey(), attribute.getValue());
        }
        return size;
    }

    /**
     * @param name the attribute's name
     * @param value its type and value
     * @return what the attribute adds to a message's size
     */
    static long ofAttribute(String name, MessageAttributeValue value) {
        long size = utf8Length(name) + utf8Length(value.dataType());
        if (value.stringValue() != null) {
            size += utf8Length(value.stringValue());
        } else if (value.binaryValue() != null) {
            size += value.binaryValue().asByteArrayUnsafe().length;
        }
        return size;
    }

    /**
     * Counts without encoding: a body may be a mebibyte, and this runs once per move.
     *
     * @param text any text, possibly null
     * @return its length in UTF-8 bytes (an unpaired surrogate counts as the 3 bytes of its replacement character)
     */
    public static long utf8Length(CharSequence text) {
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

package io.github.sqsreliable.lambda.internal;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.github.sqsreliable.SqsMessage;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Turns the records of a Lambda SQS event into the SDK's {@link Message} and the handler's {@link SqsMessage}, with
 * the same fields the polling consumer gives a handler: body, message attributes, system attributes (receive
 * count, group id, timestamps).
 */
final class EventRecords {

    private EventRecords() {
    }

    /**
     * @param record one record of the event
     * @return the SDK's message for it
     * @throws IllegalArgumentException if the record has no message id or receipt handle
     */
    static Message toMessage(SQSEvent.SQSMessage record) {
        if (record.getMessageId() == null || record.getMessageId().isEmpty()) {
            throw new IllegalArgumentException("an SQS event record has no messageId; the event is not one an SQS "
                    + "event source mapping sends (eventSourceARN " + record.getEventSourceArn() + ")");
        }
        if (record.getReceiptHandle() == null || record.getReceiptHandle().isEmpty()) {
            throw new IllegalArgumentException("SQS event record " + record.getMessageId() + " has no receiptHandle");
        }
        return Message.builder()
                .messageId(record.getMessageId())
                .receiptHandle(record.getReceiptHandle())
                .body(record.getBody())
                .md5OfBody(record.getMd5OfBody())
                .md5OfMessageAttributes(record.getMd5OfMessageAttributes())
                .attributesWithStrings(record.getAttributes() == null ? Map.of() : record.getAttributes())
                .messageAttributes(messageAttributes(record.getMessageAttributes()))
                .build();
    }

    /**
     * @param message the SDK's message
     * @param queueUrl the queue it came from
     * @return the handler's view of it
     */
    static SqsMessage toView(Message message, String queueUrl) {
        return SqsMessage.builder()
                .queueUrl(queueUrl)
                .messageId(message.messageId())
                .body(message.body() == null ? "" : message.body())
                .attributes(message.attributesAsStrings())
                .messageAttributes(message.messageAttributes())
                .build();
    }

    private static Map<String, MessageAttributeValue> messageAttributes(
            Map<String, SQSEvent.MessageAttribute> attributes) {
        if (attributes == null || attributes.isEmpty()) {
            return Map.of();
        }
        Map<String, MessageAttributeValue> converted = new LinkedHashMap<>();
        attributes.forEach((name, attribute) -> {
            if (attribute == null) {
                return;
            }
            MessageAttributeValue.Builder value = MessageAttributeValue.builder().dataType(attribute.getDataType());
            if (attribute.getStringValue() != null) {
                value.stringValue(attribute.getStringValue());
            }
            if (attribute.getBinaryValue() != null) {
                value.binaryValue(bytes(attribute.getBinaryValue()));
            }
            if (attribute.getStringListValues() != null && !attribute.getStringListValues().isEmpty()) {
                value.stringListValues(attribute.getStringListValues());
            }
            if (attribute.getBinaryListValues() != null && !attribute.getBinaryListValues().isEmpty()) {
                List<SdkBytes> list = new ArrayList<>();
                attribute.getBinaryListValues().forEach(buffer -> list.add(bytes(buffer)));
                value.binaryListValues(list);
            }
            converted.put(name, value.build());
        });
        return converted;
    }

    /** Copies without moving the event's buffer, which a second reader (a listener, a log) may still read. */
    private static SdkBytes bytes(ByteBuffer buffer) {
        return SdkBytes.fromByteBuffer(buffer.duplicate());
    }
}

package io.github.sqsreliable.testing;

import io.github.sqsreliable.retry.FailureKind;
import io.github.sqsreliable.retry.FailureRecord;
import io.github.sqsreliable.test.EmbeddedSqs;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * Dead letters as sqs-reliable leaves them, for the tests of the redrive API (core) and its command line (tools).
 */
public final class DeadLetterFixtures {

    /** When the records of {@link #record} first failed. */
    public static final Instant FIRST_FAILURE = Instant.parse("2025-03-01T10:00:00Z");

    private DeadLetterFixtures() {
    }

    /**
     * A record as sqs-reliable writes it when it dead-letters a message after its attempts ran out.
     *
     * @param originQueueUrl the queue the message came from
     * @param errorClass the last failure's error class
     * @param i a number that makes the original message id and the error message unique
     * @return 5 transient failures, the last with the message "failure number i"
     */
    public static FailureRecord record(String originQueueUrl, String errorClass, int i) {
        return new FailureRecord(5, 0, originQueueUrl, "original-" + i, FIRST_FAILURE,
                FIRST_FAILURE.plusSeconds(60), errorClass, "failure number " + i, FailureKind.TRANSIENT, null,
                FailureRecord.DeadLetterReason.ATTEMPTS_EXHAUSTED, FIRST_FAILURE.plusSeconds(61));
    }

    /**
     * @param value a text
     * @return a String message attribute
     */
    public static MessageAttributeValue text(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }

    /**
     * Puts a message into a dead-letter queue as sqs-reliable would: the original plus one record attribute.
     *
     * @param sqs the embedded SQS
     * @param dlq the dead-letter queue
     * @param body the body
     * @param record the failure record, or {@code null} for a message without one
     * @param groupId the FIFO message group, or {@code null} on a standard queue
     * @param originalAttributes the original message's attributes
     * @return its message id in the dead-letter queue
     */
    public static String deadLetter(EmbeddedSqs sqs, String dlq, String body, FailureRecord record, String groupId,
                                    Map<String, MessageAttributeValue> originalAttributes) {
        Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>(originalAttributes);
        if (record != null) {
            attributes.put(FailureRecord.ATTRIBUTE_NAME, record.toAttribute());
        }
        SendMessageRequest.Builder request = SendMessageRequest.builder().queueUrl(dlq).messageBody(body)
                .messageAttributes(attributes);
        if (groupId != null) {
            request.messageGroupId(groupId).messageDeduplicationId(UUID.randomUUID().toString());
        }
        return sqs.client().sendMessage(request.build()).join().messageId();
    }

    /**
     * Receives until the queue answers empty, leaving the messages in flight (their visibility is 30 s).
     *
     * @param sqs the embedded SQS
     * @param queueUrl the queue
     * @return every message received, with all message and system attributes
     */
    public static List<Message> receiveAll(EmbeddedSqs sqs, String queueUrl) {
        List<Message> all = new ArrayList<>();
        while (true) {
            List<Message> batch = sqs.client().receiveMessage(receive(queueUrl)).join().messages();
            if (batch.isEmpty()) {
                return all;
            }
            all.addAll(batch);
        }
    }

    /**
     * @param queueUrl a queue
     * @return a receive of up to 10 messages without waiting, with all attributes and a 30 s visibility timeout
     */
    public static ReceiveMessageRequest receive(String queueUrl) {
        return ReceiveMessageRequest.builder().queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(0)
                .visibilityTimeout(30).messageAttributeNames("All")
                .messageSystemAttributeNames(MessageSystemAttributeName.ALL).build();
    }
}

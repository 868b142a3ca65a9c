package io.github.sqsreliable.tools.cli;

import io.github.sqsreliable.retry.FailureKind;
import io.github.sqsreliable.retry.FailureRecord;
import io.github.sqsreliable.test.EmbeddedSqs;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/** Dead letters as sqs-reliable leaves them, put into the embedded SQS. */
final class DeadLetters {

    static final Instant FIRST_FAILURE = Instant.parse("2025-03-01T10:00:00Z");

    private DeadLetters() {
    }

    /** A record of 5 failed attempts with {@code errorClass}, the message "failure number i". */
    static FailureRecord record(String originQueueUrl, String errorClass, int i) {
        return new FailureRecord(5, 0, originQueueUrl, "original-" + i, FIRST_FAILURE,
                FIRST_FAILURE.plusSeconds(60), errorClass, "failure number " + i, FailureKind.TRANSIENT, null,
                FailureRecord.DeadLetterReason.ATTEMPTS_EXHAUSTED, FIRST_FAILURE.plusSeconds(61));
    }

    static MessageAttributeValue text(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }

    /** Sends a message to a dead-letter queue as sqs-reliable would: the original plus the record, if any. */
    static void deadLetter(EmbeddedSqs sqs, String dlq, String body, FailureRecord record,
                           Map<String, MessageAttributeValue> originalAttributes) {
        Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>(originalAttributes);
        if (record != null) {
            attributes.put(FailureRecord.ATTRIBUTE_NAME, record.toAttribute());
        }
        sqs.client().sendMessage(SendMessageRequest.builder().queueUrl(dlq).messageBody(body)
                .messageAttributes(attributes).build()).join();
    }

    /** Receives until the queue answers empty, leaving the messages in flight. */
    static List<Message> receiveAll(EmbeddedSqs sqs, String queueUrl) {
        List<Message> all = new ArrayList<>();
        while (true) {
            List<Message> batch = sqs.client().receiveMessage(ReceiveMessageRequest.builder().queueUrl(queueUrl)
                    .maxNumberOfMessages(10).messageAttributeNames("All").build()).join().messages();
            if (batch.isEmpty()) {
                return all;
            }
            all.addAll(batch);
        }
    }
}

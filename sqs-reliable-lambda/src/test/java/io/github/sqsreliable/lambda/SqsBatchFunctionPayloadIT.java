package io.github.sqsreliable.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqsreliable.BatchResult;
import io.github.sqsreliable.InvalidConfigurationException;
import io.github.sqsreliable.payload.MalformedPayloadException;
import io.github.sqsreliable.payload.Payload;
import io.github.sqsreliable.retry.Backoff;
import io.github.sqsreliable.retry.FailureRecord;
import io.github.sqsreliable.test.EmbeddedSqs;
import io.github.sqsreliable.test.QueueSpec;
import io.github.sqsreliable.test.lambda.SqsEventSource;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The Lambda function's typed handlers and SNS unwrapping, through the test kit's event source mapping: the same
 * binding as the polling consumer's, so an envelope's Message arrives typed, and an unreadable one is dead-lettered
 * with its envelope and left out of the batch's failures.
 */
@Timeout(60)
class SqsBatchFunctionPayloadIT {

    record Order(int id) {
    }

    private final EmbeddedSqs sqs = EmbeddedSqs.shared();

    static String envelope(String snsMessageId, String message) {
        return "{\"Type\" : \"Notification\", \"MessageId\" : \"" + snsMessageId + "\", \"TopicArn\" : "
                + "\"arn:aws:sns:us-west-2:123456789012:orders\", \"Message\" : \"" + message.replace("\"", "\\\"")
                + "\", \"Timestamp\" : \"2024-05-01T10:15:30.123Z\", \"SignatureVersion\" : \"1\", \"Signature\" : "
                + "\"EXAMPLE\", \"SigningCertURL\" : \"https://sns.us-west-2.amazonaws.com/x.pem\", "
                + "\"UnsubscribeURL\" : \"https://sns.us-west-2.amazonaws.com/?Action=Unsubscribe\"}";
    }

    @Test
    void aTypedHandlerReadsEnvelopesAndAnUnreadableOneIsDeadLetteredWithItsEnvelope() {
        String dlq = sqs.createQueue(QueueSpec.standard().namePrefix("dlq"));
        String queue = sqs.createQueue(QueueSpec.standard().visibilityTimeout(Duration.ofSeconds(60)));
        String unreadable = envelope("sns-2", "{\"id\":\"two\"}");
        sqs.sendAll(queue, List.of(envelope("sns-1", "{\"id\":1}"), unreadable, "{\"id\":3}"));
        List<Order> orders = new CopyOnWriteArrayList<>();
        SqsBatchFunction function = SqsBatchFunction.builder().sqsClient(sqs.client()).name("orders")
                .handler(Order.class, (order, message) -> orders.add(order))
                .snsEnvelopes(true)
                .retry(r -> r.onSameQueue(3, Backoff.fixed(Duration.ofSeconds(1))).thenDeadLetter(dlq))
                .build();

        List<SqsEventSource.Invocation> invocations = SqsEventSource.builder().sqsClient(sqs.client())
                .queueUrl(queue).function(function).build().drain(Duration.ofSeconds(20));

        assertThat(invocations).allSatisfy(invocation -> assertThat(invocation.failedMessageIds()).isEmpty());
        assertThat(orders).containsExactlyInAnyOrder(new Order(1), new Order(3));
        List<Message> dead = sqs.takeAll(dlq);
        assertThat(dead).extracting(Message::body).containsExactly(unreadable);
        assertThat(FailureRecord.of(dead.get(0).messageAttributes()).orElseThrow().errorClass())
                .isEqualTo(MalformedPayloadException.class.getName());
    }

    @Test
    void aTypedBatchHandlerGetsTheReadableMessages() {
        String dlq = sqs.createQueue(QueueSpec.standard().namePrefix("dlq"));
        String queue = sqs.createQueue(QueueSpec.standard().visibilityTimeout(Duration.ofSeconds(60)));
        sqs.sendAll(queue, List.of("{\"id\":1}", "{\"id\":2}", "oops"));
        List<Payload<Order>> payloads = new CopyOnWriteArrayList<>();
        SqsBatchFunction function = SqsBatchFunction.builder().sqsClient(sqs.client()).name("orders")
                .batchHandler(Order.class, batch -> {
                    payloads.addAll(batch);
                    return BatchResult.success();
                })
                .retry(r -> r.onSameQueue(3, Backoff.fixed(Duration.ofSeconds(1))).thenDeadLetter(dlq))
                .build();

        SqsEventSource.builder().sqsClient(sqs.client()).queueUrl(queue).function(function).build()
                .drain(Duration.ofSeconds(20));

        assertThat(payloads).extracting(Payload::value).containsExactlyInAnyOrder(new Order(1), new Order(2));
        assertThat(sqs.takeAll(dlq)).extracting(Message::body).containsExactly("oops");
    }

    @Test
    void aPayloadReaderWithoutATypedHandlerIsRejected() {
        Assertions.assertThatThrownBy(() -> SqsBatchFunction.builder().handler(message -> { })
                        .payloadReader(io.github.sqsreliable.payload.JsonPayloads.create()).build())
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageStartingWith("payloadReader is set, but no handler reads payloads");
    }
}

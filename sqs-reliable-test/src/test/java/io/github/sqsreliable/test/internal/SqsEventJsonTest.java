package io.github.sqsreliable.test.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

class SqsEventJsonTest {

    private static final String ARN = "arn:aws:sqs:eu-central-1:123456789012:TestLambda";
    private static final LambdaSerialization SERIALIZATION =
            new LambdaSerialization(SqsEventJsonTest.class.getClassLoader());

    /** The values of aws-lambda-java-libs' sample aws-lambda-java-tests/src/test/resources/sqs/sqs_event.json. */
    private static Message sampleMessage() {
        return Message.builder()
                .messageId("d9144555-9a4f-4ec3-99a0-fc4e625a8db2")
                .receiptHandle("7kam5bfzbDsjtcjElvhSbxeLJbeey3A==")
                .body("{\n  \"id\": 43242,\n  \"name\": \"FooBar XY\",\n  \"price\": 258\n}")
                .attributesWithStrings(Map.of("ApproximateReceiveCount", "1", "SentTimestamp", "1601975709495",
                        "SenderId", "AROAIFU457DVZ5L2J53F2", "ApproximateFirstReceiveTimestamp", "1601975709499"))
                .md5OfBody("0f96e88a291edb4429f2f7b9fdc3df96")
                .build();
    }

    @Test
    void writesTheOfficialSampleEventsFieldsAndValues() {
        JsonNode record = JsonNode.parser().parse(SqsEventJson.event(List.of(sampleMessage()), ARN))
                .field("Records").get().asArray().get(0);

        Map<String, JsonNode> fields = record.asObject();
        assertThat(fields.keySet()).containsExactly("messageId", "receiptHandle", "body", "attributes",
                "messageAttributes", "md5OfMessageAttributes", "md5OfBody", "eventSource", "eventSourceARN",
                "awsRegion");
        assertThat(fields.get("messageId").text()).isEqualTo("d9144555-9a4f-4ec3-99a0-fc4e625a8db2");
        assertThat(fields.get("body").text()).isEqualTo(sampleMessage().body());
        assertThat(fields.get("attributes").asObject().keySet()).containsExactly("ApproximateReceiveCount",
                "SentTimestamp", "SenderId", "ApproximateFirstReceiveTimestamp");
        assertThat(fields.get("messageAttributes").asObject()).isEmpty();
        assertThat(fields.get("md5OfMessageAttributes").isNull()).isTrue();
        assertThat(fields.get("eventSource").text()).isEqualTo("aws:sqs");
        assertThat(fields.get("eventSourceARN").text()).isEqualTo(ARN);
        assertThat(fields.get("awsRegion").text()).isEqualTo("eu-central-1");
    }

    @Test
    void theRuntimeSerializerReadsEveryField() {
        SQSEvent.SQSMessage record = SERIALIZATION.event(SqsEventJson.event(List.of(sampleMessage()), ARN))
                .getRecords().get(0);

        assertThat(record.getMessageId()).isEqualTo("d9144555-9a4f-4ec3-99a0-fc4e625a8db2");
        assertThat(record.getReceiptHandle()).isEqualTo("7kam5bfzbDsjtcjElvhSbxeLJbeey3A==");
        assertThat(record.getBody()).isEqualTo(sampleMessage().body());
        assertThat(record.getMd5OfBody()).isEqualTo("0f96e88a291edb4429f2f7b9fdc3df96");
        assertThat(record.getMd5OfMessageAttributes()).isNull();
        assertThat(record.getEventSource()).isEqualTo("aws:sqs");
        assertThat(record.getEventSourceArn()).isEqualTo(ARN);
        assertThat(record.getAwsRegion()).isEqualTo("eu-central-1");
        assertThat(record.getAttributes()).isEqualTo(sampleMessage().attributesAsStrings());
        assertThat(record.getMessageAttributes()).isEmpty();
    }

    @Test
    void fifoAttributesFollowLambdasOrderAndUnknownOnesAreKept() {
        Message message = sampleMessage().toBuilder().attributesWithStrings(Map.of(
                "ApproximateReceiveCount", "2", "SentTimestamp", "1", "SenderId", "s",
                "ApproximateFirstReceiveTimestamp", "2", "MessageGroupId", "user-7", "SequenceNumber", "18",
                "MessageDeduplicationId", "d", "AWSTraceHeader", "Root=1-abc")).build();

        JsonNode attributes = JsonNode.parser().parse(SqsEventJson.event(List.of(message), ARN))
                .field("Records").get().asArray().get(0).field("attributes").get();

        assertThat(attributes.asObject().keySet()).containsExactly("ApproximateReceiveCount", "SentTimestamp",
                "SequenceNumber", "MessageGroupId", "SenderId", "MessageDeduplicationId",
                "ApproximateFirstReceiveTimestamp", "AWSTraceHeader");
    }

    @Test
    void messageAttributesListBothListsAndOnlyTheValueTheirTypeUses() {
        Message message = sampleMessage().toBuilder().md5OfMessageAttributes("abc").messageAttributes(Map.of(
                "s", MessageAttributeValue.builder().dataType("String.custom").stringValue("v\"1").build(),
                "b", MessageAttributeValue.builder().dataType("Binary").binaryValue(SdkBytes.fromUtf8String("hi"))
                        .build())).build();

        String json = SqsEventJson.event(List.of(message), ARN);

        assertThat(json).contains("\"b\":{\"binaryValue\":\"aGk=\",\"stringListValues\":[],\"binaryListValues\":[],"
                + "\"dataType\":\"Binary\"}");
        assertThat(json).contains("\"s\":{\"stringValue\":\"v\\\"1\",\"stringListValues\":[],\"binaryListValues\":[],"
                + "\"dataType\":\"String.custom\"}");
        assertThat(json).contains("\"md5OfMessageAttributes\":\"abc\"");
    }

    @Test
    void escapesControlCharactersAndKeepsUnicode() {
        assertThat(SqsEventJson.string("a\"b\\c\n\t\u0001é")).isEqualTo("\"a\\\"b\\\\c\\n\\t\\u0001é\"");
        assertThat(SqsEventJson.string(null)).isEqualTo("null");
    }

    @Test
    void writesAnEventOfManyRecordsInOrder() {
        Message second = sampleMessage().toBuilder().messageId("second").build();

        SQSEvent event = SERIALIZATION.event(SqsEventJson.event(List.of(sampleMessage(), second), ARN));

        assertThat(event.getRecords()).extracting(SQSEvent.SQSMessage::getMessageId)
                .containsExactly("d9144555-9a4f-4ec3-99a0-fc4e625a8db2", "second");
    }

    @Test
    void rejectsAnArnThatIsNoSqsArn() {
        assertThatThrownBy(() -> SqsEventJson.regionOf("arn:aws:sns:us-east-1:1:topic"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("arn:aws:sns:us-east-1:1:topic");
    }

    @Test
    void aResponseRoundTripsThroughTheRuntimeSerializer() {
        SQSBatchResponse response = new SQSBatchResponse(List.of(new SQSBatchResponse.BatchItemFailure("id-1")));

        String json = SERIALIZATION.toJson(response);

        assertThat(json).isEqualTo("{\"batchItemFailures\":[{\"itemIdentifier\":\"id-1\"}]}");
        assertThat(SERIALIZATION.response(json)).isEqualTo(response);
        assertThat(SERIALIZATION.toJson(null)).isEqualTo("null");
        assertThat(SERIALIZATION.response("null")).isNull();
    }
}

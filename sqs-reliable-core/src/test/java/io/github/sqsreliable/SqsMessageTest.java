package io.github.sqsreliable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

class SqsMessageTest {

    private static final String QUEUE_URL = "https://sqs.eu-west-1.amazonaws.com/123456789012/orders.fifo";
    private static final String MESSAGE_ID = "5fea7756-0ea4-451a-a703-a558b933e274";
    private static final String BODY = "{\"customer\":\"Jane Doe\",\"iban\":\"DE89370400440532013000\"}";

    private static SqsMessage.Builder complete() {
        return SqsMessage.builder().queueUrl(QUEUE_URL).messageId(MESSAGE_ID).body(BODY);
    }

    private static SqsMessage withAttributes(Map<String, String> attributes) {
        return complete().attributes(attributes).build();
    }

    private static MessageAttributeValue stringAttribute(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }

    // ---------------------------------------------------------------------------------------------------
    // Required fields
    // ---------------------------------------------------------------------------------------------------

    @Test
    void requiresQueueUrl() {
        SqsMessage.Builder builder = SqsMessage.builder().messageId(MESSAGE_ID).body(BODY);

        assertThatThrownBy(builder::build).isInstanceOf(NullPointerException.class).hasMessageContaining("queueUrl");
    }

    @Test
    void requiresMessageId() {
        SqsMessage.Builder builder = SqsMessage.builder().queueUrl(QUEUE_URL).body(BODY);

        assertThatThrownBy(builder::build).isInstanceOf(NullPointerException.class).hasMessageContaining("messageId");
    }

    @Test
    void requiresBody() {
        SqsMessage.Builder builder = SqsMessage.builder().queueUrl(QUEUE_URL).messageId(MESSAGE_ID);

        assertThatThrownBy(builder::build).isInstanceOf(NullPointerException.class).hasMessageContaining("body");
    }

    @Test
    void rejectsNullAttributesMap() {
        assertThatThrownBy(() -> complete().attributes(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("attributes");
    }

    @Test
    void rejectsNullMessageAttributesMap() {
        assertThatThrownBy(() -> complete().messageAttributes(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("messageAttributes");
    }

    @Test
    void exposesRequiredFieldsAndEmptyMapsByDefault() {
        // when
        SqsMessage message = complete().build();

        // then
        assertThat(message.queueUrl()).isEqualTo(QUEUE_URL);
        assertThat(message.messageId()).isEqualTo(MESSAGE_ID);
        assertThat(message.body()).isEqualTo(BODY);
        assertThat(message.attributes()).isEmpty();
        assertThat(message.messageAttributes()).isEmpty();
    }

    // ---------------------------------------------------------------------------------------------------
    // System attributes
    // ---------------------------------------------------------------------------------------------------

    @Test
    void parsesApproximateReceiveCount() {
        SqsMessage message = withAttributes(Map.of("ApproximateReceiveCount", "3"));

        assertThat(message.receiveCount()).isEqualTo(3);
    }

    @Test
    void receiveCountDefaultsToOne() {
        SqsMessage message = complete().build();

        assertThat(message.receiveCount()).isEqualTo(1);
    }

    @Test
    void parsesSentTimestampAsEpochMillis() {
        SqsMessage message = withAttributes(Map.of("SentTimestamp", "1700000000123"));

        assertThat(message.sentTimestamp()).contains(Instant.parse("2023-11-14T22:13:20.123Z"));
    }

    @Test
    void parsesFirstReceiveTimestampAsEpochMillis() {
        SqsMessage message = withAttributes(Map.of("ApproximateFirstReceiveTimestamp", "1700000001456"));

        assertThat(message.firstReceiveTimestamp()).contains(Instant.ofEpochMilli(1_700_000_001_456L));
    }

    @Test
    void timestampsAreEmptyWhenAbsent() {
        SqsMessage message = complete().build();

        assertThat(message.sentTimestamp()).isEmpty();
        assertThat(message.firstReceiveTimestamp()).isEmpty();
    }

    @Test
    void exposesFifoAttributesWhenPresent() {
        // given
        SqsMessage message = withAttributes(Map.of(
                "MessageGroupId", "customer-42",
                "MessageDeduplicationId", "order-7",
                "SequenceNumber", "18849496460467696128"));

        // then
        assertThat(message.messageGroupId()).contains("customer-42");
        assertThat(message.messageDeduplicationId()).contains("order-7");
        assertThat(message.sequenceNumber()).contains("18849496460467696128");
    }

    @Test
    void fifoAttributesAreEmptyWhenAbsent() {
        SqsMessage message = complete().build();

        assertThat(message.messageGroupId()).isEmpty();
        assertThat(message.messageDeduplicationId()).isEmpty();
        assertThat(message.sequenceNumber()).isEmpty();
    }

    // ---------------------------------------------------------------------------------------------------
    // Message attributes
    // ---------------------------------------------------------------------------------------------------

    @Test
    void returnsStringValueOfStringAndNumberMessageAttributes() {
        // given
        SqsMessage message = complete().messageAttributes(Map.of(
                "tenant", stringAttribute("acme"),
                "priority", MessageAttributeValue.builder().dataType("Number").stringValue("7").build()))
                .build();

        // then
        assertThat(message.messageAttribute("tenant")).contains("acme");
        assertThat(message.messageAttribute("priority")).contains("7");
    }

    @Test
    void messageAttributeIsEmptyWhenAbsent() {
        SqsMessage message = complete().messageAttributes(Map.of("tenant", stringAttribute("acme"))).build();

        assertThat(message.messageAttribute("region")).isEmpty();
    }

    @Test
    void messageAttributeIsEmptyForBinaryValue() {
        // given
        MessageAttributeValue binary = MessageAttributeValue.builder()
                .dataType("Binary").binaryValue(SdkBytes.fromUtf8String("raw")).build();
        SqsMessage message = complete().messageAttributes(Map.of("signature", binary)).build();

        // then
        assertThat(message.messageAttribute("signature")).isEmpty();
        assertThat(message.messageAttributes()).containsEntry("signature", binary);
    }

    // ---------------------------------------------------------------------------------------------------
    // Immutability
    // ---------------------------------------------------------------------------------------------------

    @Test
    void copiesTheAttributeMaps() {
        // given
        Map<String, String> attributes = new HashMap<>(Map.of("ApproximateReceiveCount", "2"));
        Map<String, MessageAttributeValue> messageAttributes = new HashMap<>(Map.of("tenant", stringAttribute("acme")));
        SqsMessage message = complete().attributes(attributes).messageAttributes(messageAttributes).build();

        // when: the caller's maps change after build()
        attributes.put("ApproximateReceiveCount", "9");
        attributes.put("MessageGroupId", "g");
        messageAttributes.clear();

        // then
        assertThat(message.receiveCount()).isEqualTo(2);
        assertThat(message.attributes()).containsOnly(Map.entry("ApproximateReceiveCount", "2"));
        assertThat(message.messageAttribute("tenant")).contains("acme");
    }

    @Test
    void attributeMapsAreUnmodifiable() {
        // given
        SqsMessage message = complete()
                .attributes(Map.of("ApproximateReceiveCount", "2"))
                .messageAttributes(Map.of("tenant", stringAttribute("acme")))
                .build();

        // then
        assertThatThrownBy(() -> message.attributes().put("MessageGroupId", "g"))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> message.messageAttributes().remove("tenant"))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    // ---------------------------------------------------------------------------------------------------
    // toString
    // ---------------------------------------------------------------------------------------------------

    @Test
    void toStringNeverContainsTheBody() {
        // given
        SqsMessage message = complete().attributes(Map.of("ApproximateReceiveCount", "4")).build();

        // when
        String text = message.toString();

        // then
        assertThat(text)
                .doesNotContain(BODY)
                .doesNotContain("Jane Doe")
                .doesNotContain("DE89370400440532013000")
                .contains(MESSAGE_ID)
                .contains(QUEUE_URL)
                .contains("receiveCount=4");
    }
}

package io.github.sqsreliable.internal.sqs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/** {@link MessageSize}: a message's size as SQS counts it. */
class MessageSizeTest {

    @Test
    void countsTheBodyInUtf8Bytes() {
        assertThat(MessageSize.of("abc", Map.of())).isEqualTo(3);
        assertThat(MessageSize.of("é", Map.of())).isEqualTo(2);
        assertThat(MessageSize.of("日本", Map.of())).isEqualTo(6);
        assertThat(MessageSize.of("😀", Map.of())).isEqualTo(4);
    }

    @Test
    void agreesWithTheJdkEncoderOnMixedText() {
        String text = "a=b&c=d 50% off — 日本語 ✓ 😀 \u0080\u07ff\u0800\uffff";

        assertThat(MessageSize.utf8Length(text)).isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void addsEachAttributesNameDataTypeAndStringValue() {
        Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
        attributes.put("tenant", MessageAttributeValue.builder().dataType("String").stringValue("acmé").build());
        attributes.put("n", MessageAttributeValue.builder().dataType("Number.int").stringValue("42").build());

        // body 4 + (6 + 6 + 5) + (1 + 10 + 2)
        assertThat(MessageSize.of("body", attributes)).isEqualTo(4 + 17 + 13);
    }

    @Test
    void countsABinaryValueInBytes() {
        MessageAttributeValue binary = MessageAttributeValue.builder().dataType("Binary")
                .binaryValue(SdkBytes.fromByteArray(new byte[100])).build();

        assertThat(MessageSize.ofAttribute("blob", binary)).isEqualTo(4 + 6 + 100);
    }

    @Test
    void anEmptyBodyWithoutAttributesIsZero() {
        assertThat(MessageSize.of("", Map.of())).isZero();
    }
}

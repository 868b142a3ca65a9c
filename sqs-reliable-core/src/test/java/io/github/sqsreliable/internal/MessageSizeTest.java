package io.github.sqsreliable.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

class MessageSizeTest {

    @Test
    void countsTheBodyInUtf8() {
        // 1 + 2 + 3 + 4 bytes: a, e-acute, euro sign, and an emoji (a surrogate pair)
        assertThat(MessageSize.of("a\u00e9\u20ac\uD83D\uDE00", Map.of())).isEqualTo(10);
    }

    @Test
    void countsEachAttributesNameTypeAndValue() {
        Map<String, MessageAttributeValue> attributes = Map.of(
                "trace", MessageAttributeValue.builder().dataType("String").stringValue("abc").build(),
                "blob", MessageAttributeValue.builder().dataType("Binary")
                        .binaryValue(SdkBytes.fromByteArray(new byte[7])).build());

        assertThat(MessageSize.of("body", attributes)).isEqualTo(4 + (5 + 6 + 3) + (4 + 6 + 7));
    }
}

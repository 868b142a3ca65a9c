package io.github.sqsreliable.internal.settle;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.observe.MessageTracing.CopyContext;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/** What a copy's message attributes and AWSTraceHeader become: {@link MessageMover#carryTrace}. */
class CopyTraceContextTest {

    private static final String XRAY = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";
    private static final String TRACEPARENT = "00-5759e988bd862e3fe1be46a994272793-53995c3f42cd8ad8-01";
    private static final CopyContext CONTEXT = new CopyContext(XRAY, ordered("traceparent", TRACEPARENT,
            "tracestate", "vendor=1"), Set.of("traceparent", "tracestate"));

    private static Map<String, String> ordered(String... pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }

    private static MessageAttributeValue text(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }

    private static Map<String, MessageAttributeValue> attributes(int count) {
        Map<String, MessageAttributeValue> attributes = new HashMap<>();
        IntStream.range(0, count).forEach(i -> attributes.put("a" + i, text("v" + i)));
        return attributes;
    }

    private static SqsMessage message(Map<String, String> systemAttributes) {
        return SqsMessage.builder().queueUrl("http://localhost/000000000000/q").messageId("m").body("b")
                .attributes(systemAttributes).build();
    }

    @Test
    void aCopyWithRoomGetsTheW3cAttributesAndTheXrayHeader() {
        Map<String, MessageAttributeValue> copy = attributes(3);

        String header = MessageMover.carryTrace(message(Map.of()), CONTEXT, copy, true);

        assertThat(header).isEqualTo(XRAY);
        assertThat(copy).hasSize(5).containsEntry("traceparent", text(TRACEPARENT))
                .containsEntry("tracestate", text("vendor=1"));
    }

    @Test
    void aMessageWithTenAttributesAndNoTraceparentIsTracedByTheXrayHeaderAlone() {
        Map<String, MessageAttributeValue> copy = attributes(10);

        String header = MessageMover.carryTrace(message(Map.of()), CONTEXT, copy, false);

        assertThat(header).isEqualTo(XRAY);
        assertThat(copy).hasSize(10).doesNotContainKeys("traceparent", "tracestate");
    }

    @Test
    void theFailureRecordTakesTheTenthPlaceBeforeTheTraceparent() {
        Map<String, MessageAttributeValue> copy = attributes(9);

        MessageMover.carryTrace(message(Map.of()), CONTEXT, copy, true);

        assertThat(copy).hasSize(9).doesNotContainKey("traceparent");
    }

    @Test
    void aStaleTraceparentIsReplacedEvenWhenTheMessageHasTenAttributes() {
        Map<String, MessageAttributeValue> copy = attributes(8);
        copy.put("traceparent", text("00-11111111111111111111111111111111-2222222222222222-01"));
        copy.put("tracestate", text("old=1"));

        MessageMover.carryTrace(message(Map.of()), CONTEXT, copy, false);

        assertThat(copy).hasSize(10).containsEntry("traceparent", text(TRACEPARENT))
                .containsEntry("tracestate", text("vendor=1"));
    }

    @Test
    void aStaleTracestateGoesWhenTheNewContextHasNone() {
        Map<String, MessageAttributeValue> copy = attributes(2);
        copy.put("tracestate", text("old=1"));
        CopyContext withoutState = new CopyContext(XRAY, Map.of("traceparent", TRACEPARENT),
                Set.of("traceparent", "tracestate"));

        MessageMover.carryTrace(message(Map.of()), withoutState, copy, false);

        assertThat(copy).hasSize(3).containsEntry("traceparent", text(TRACEPARENT)).doesNotContainKey("tracestate");
    }

    @Test
    void withoutAContextTheReceivedXrayHeaderIsPassedOnAndAttributesAreLeftAlone() {
        Map<String, MessageAttributeValue> copy = attributes(2);

        assertThat(MessageMover.carryTrace(message(Map.of("AWSTraceHeader", XRAY)), null, copy, true)).isEqualTo(XRAY);
        assertThat(copy).isEqualTo(attributes(2));
        assertThat(MessageMover.carryTrace(message(Map.of()), null, copy, true)).isNull();
    }

    @Test
    void aMalformedReceivedXrayHeaderIsNotPassedOnForSqsWouldRefuseTheSend() {
        assertThat(MessageMover.carryTrace(message(Map.of("AWSTraceHeader", "Root=garbage")), null, attributes(0),
                false)).isNull();
    }
}

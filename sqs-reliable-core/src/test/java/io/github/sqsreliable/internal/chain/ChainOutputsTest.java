package io.github.sqsreliable.internal.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.chain.NextMessages;
import io.github.sqsreliable.idempotency.IdempotencyKey;
import io.github.sqsreliable.publish.OutgoingMessage;
import io.github.sqsreliable.retry.PermanentFailureException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

class ChainOutputsTest {

    private static final String STANDARD = "http://localhost/000000000000/next";
    private static final String FIFO = "http://localhost/000000000000/next.fifo";

    private static SqsMessage input(String group) {
        SqsMessage.Builder builder = SqsMessage.builder().queueUrl("http://localhost/000000000000/in")
                .messageId("input-1").body("in");
        if (group != null) {
            builder.attributes(java.util.Map.of("MessageGroupId", group));
        }
        return builder.build();
    }

    @Test
    void eachOutputOfAnInputGetsItsOwnStableId() {
        String first = ChainOutputs.outputId(input(null), 0);

        assertThat(first).hasSize(64).matches("[0-9a-f]+").isEqualTo(ChainOutputs.outputId(input(null), 0))
                .isNotEqualTo(ChainOutputs.outputId(input(null), 1));
    }

    @Test
    void aStandardOutputCarriesItsIdAsAnAttribute() {
        ChainOutputs outputs = new ChainOutputs(input(null));
        outputs.send(STANDARD, "a");
        outputs.send(STANDARD, "b");

        List<ChainOutputs.Output> sent = outputs.close();

        assertThat(sent).extracting(output -> output.message().attributes().get(NextMessages.OUTPUT_ID_ATTRIBUTE)
                .stringValue()).containsExactly(ChainOutputs.outputId(input(null), 0),
                ChainOutputs.outputId(input(null), 1));
    }

    @Test
    void aFifoOutputInheritsTheGroupAndGetsADerivedDeduplicationId() {
        ChainOutputs outputs = new ChainOutputs(input("customer-7"));
        outputs.send(FIFO, "a");
        outputs.send(FIFO, OutgoingMessage.builder().body("b").messageGroupId("own").deduplicationId("mine").build());

        List<ChainOutputs.Output> sent = outputs.close();

        assertThat(sent.get(0).message().messageGroupId()).hasValue("customer-7");
        assertThat(sent.get(0).message().deduplicationId()).hasValue(ChainOutputs.outputId(input("customer-7"), 0));
        assertThat(sent.get(1).message().messageGroupId()).hasValue("own");
        assertThat(sent.get(1).message().deduplicationId()).hasValue("mine");
    }

    @Test
    void aFifoOutputWithoutAGroupToInheritIsRefused() {
        ChainOutputs outputs = new ChainOutputs(input(null));

        assertThatThrownBy(() -> outputs.send(FIFO, "a")).isInstanceOf(PermanentFailureException.class)
                .hasMessageContaining("no message group id");
    }

    @Test
    void aFifoOutputWithADelayIsRefused() {
        ChainOutputs outputs = new ChainOutputs(input("g"));

        assertThatThrownBy(() -> outputs.send(FIFO, OutgoingMessage.builder().body("a").delay(Duration.ofSeconds(1))
                .build())).isInstanceOf(PermanentFailureException.class).hasMessageContaining("delay");
    }

    @Test
    void aStandardOutputWithTenAttributesIsRefused() {
        OutgoingMessage.Builder full = OutgoingMessage.builder().body("a");
        for (int i = 0; i < 10; i++) {
            full.stringAttribute("a" + i, "v");
        }
        ChainOutputs outputs = new ChainOutputs(input(null));

        assertThatThrownBy(() -> outputs.send(STANDARD, full.build())).isInstanceOf(PermanentFailureException.class)
                .hasMessageContaining("10 message attributes");
    }

    @Test
    void noOutputAfterTheHandlerReturned() {
        ChainOutputs outputs = new ChainOutputs(input(null));
        outputs.close();

        assertThatThrownBy(() -> outputs.send(STANDARD, "late")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void chainOutputIdKeyReadsTheAttributeElseTheMessageId() throws Exception {
        SqsMessage output = SqsMessage.builder().queueUrl(STANDARD).messageId("m-2").body("b")
                .messageAttributes(java.util.Map.of(NextMessages.OUTPUT_ID_ATTRIBUTE,
                        MessageAttributeValue.builder().dataType("String").stringValue("abc").build()))
                .build();
        SqsMessage plain = SqsMessage.builder().queueUrl(STANDARD).messageId("m-3").body("b").build();

        assertThat(IdempotencyKey.chainOutputId().keyOf(output)).isEqualTo("abc");
        assertThat(IdempotencyKey.chainOutputId().keyOf(plain)).isEqualTo("m-3");
    }
}

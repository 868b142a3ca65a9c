package io.github.sqsreliable.tools;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

/** The FIFO deduplication id a redriven message gets. */
class RedriveRunTest {

    @Test
    void deduplicationIdIsTheDeadLetterMessageId() {
        Message message = Message.builder().messageId("8a2c5b6e-2f1d-4c8e-9a7b-0d3e4f5a6b7c").build();

        assertThat(RedriveRun.deduplicationId(message)).isEqualTo("8a2c5b6e-2f1d-4c8e-9a7b-0d3e4f5a6b7c");
    }

    @Test
    void deduplicationIdOfAnUnusualMessageIdIsItsHashWithinSqsLimits() {
        Message longId = Message.builder().messageId("x".repeat(200)).build();
        Message spaced = Message.builder().messageId("a b").build();

        assertThat(RedriveRun.deduplicationId(longId)).hasSize(64).matches("[0-9a-f]+")
                .isEqualTo(RedriveRun.deduplicationId(longId));
        assertThat(RedriveRun.deduplicationId(spaced)).hasSize(64).isNotEqualTo(RedriveRun.deduplicationId(longId));
    }
}

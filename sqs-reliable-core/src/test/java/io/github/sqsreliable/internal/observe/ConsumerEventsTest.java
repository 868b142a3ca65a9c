package io.github.sqsreliable.internal.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqsreliable.SqsMessage;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConsumerEventsTest {

    private static final SqsMessage MESSAGE = SqsMessage.builder()
            .queueUrl("http://localhost:9324/000000000000/orders").messageId("m1").body("b").build();

    @Test
    void messagesHeldAreThoseReceivedThatHaveNotLeft() {
        ConsumerEvents events = new ConsumerEvents(List.of());

        events.received(MESSAGE);
        events.received(MESSAGE);
        events.received(MESSAGE);
        events.messageLeft();

        assertThat(events.snapshot().received()).isEqualTo(3);
        assertThat(events.snapshot().inFlight()).isEqualTo(2);
        assertThat(events.hasListeners()).isFalse();
    }
}

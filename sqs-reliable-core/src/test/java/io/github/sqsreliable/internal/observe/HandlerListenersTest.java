package io.github.sqsreliable.internal.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqsreliable.MessageHandler;
import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.observe.ConsumerListener;
import java.util.List;
import org.junit.jupiter.api.Test;

class HandlerListenersTest {

    static final class ListeningHandler implements MessageHandler, ConsumerListener {
        @Override
        public void handle(SqsMessage message) {
        }
    }

    @Test
    void aHandlerThatListensIsAddedAfterTheRegisteredListenersOnce() {
        ConsumerListener registered = new ConsumerListener() { };
        ListeningHandler handler = new ListeningHandler();

        assertThat(HandlerListeners.with(List.of(registered), handler, null)).containsExactly(registered, handler);
        assertThat(HandlerListeners.with(List.of(handler), handler, null)).containsExactly(handler);
    }

    @Test
    void aPlainHandlerAddsNothing() {
        MessageHandler plain = message -> { };

        assertThat(HandlerListeners.with(List.of(), plain, null)).isEmpty();
    }
}

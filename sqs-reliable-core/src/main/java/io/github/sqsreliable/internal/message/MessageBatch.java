package io.github.sqsreliable.internal.message;

import java.util.List;

/**
 * Messages handed to a {@code BatchHandler} in one call: on a standard queue all the messages of one receive,
 * on a FIFO queue those of one message group in one receive.
 *
 * @param dispatchKey the group, or the first message's id on a standard queue
 * @param messages the messages, in received order
 */
public record MessageBatch(String dispatchKey, List<InFlightMessage> messages) implements DispatchUnit {

    public MessageBatch {
        messages = List.copyOf(messages);
    }
}

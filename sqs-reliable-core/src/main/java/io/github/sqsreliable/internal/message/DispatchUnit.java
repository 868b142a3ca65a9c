package io.github.sqsreliable.internal.message;

import java.util.List;

/**
 * What the dispatcher starts at once: one message for a {@code MessageHandler}, or a batch from one receive for a
 * {@code BatchHandler}. Units with the same dispatch key never run at the same time and start in arrival order.
 */
public interface DispatchUnit {

    /** @return the FIFO message group, or a key unique to this unit on a standard queue */
    String dispatchKey();

    /** @return the messages of this unit, in received order */
    List<InFlightMessage> messages();
}

package io.github.sqsreliable.internal.classify;

/**
 * What must happen to a handled message, as data: the classifier decides it, the settle stage applies it, and
 * nothing else changes the message's state on the queue.
 */
public sealed interface Outcome {

    /** The handler succeeded: delete the message. */
    record Acknowledge() implements Outcome {
    }

    /**
     * The handler failed: leave the message on the queue; SQS delivers it again when its visibility lapses.
     *
     * @param cause what the handler threw
     */
    record Redeliver(Throwable cause) implements Outcome {
    }

    /** @return whether the message was handled successfully */
    default boolean succeeded() {
        return this instanceof Acknowledge;
    }
}

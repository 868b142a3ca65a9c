package io.github.sqsreliable.payload;

import io.github.sqsreliable.SqsMessage;

/**
 * Handles one message whose body was read as {@code T}, e.g.
 * {@code .handler(Order.class, (order, message) -> orders.apply(order))}. Returning acknowledges the message;
 * throwing fails it, as for an {@link io.github.sqsreliable.MessageHandler}. A body that cannot be read never reaches
 * the handler: it fails permanently with a {@link MalformedPayloadException}. Must be thread-safe.
 *
 * @param <T> the payload type
 */
@FunctionalInterface
public interface PayloadHandler<T> {

    /**
     * @param payload the body, read; never {@code null}
     * @param message the message (unwrapped, when SNS envelopes are on), for its attributes and id
     * @throws Exception to signal that the message was not handled
     */
    void handle(T payload, SqsMessage message) throws Exception;
}

package io.github.sqsreliable.chain;

import io.github.sqsreliable.SqsMessage;

/**
 * A {@link ChainHandler} whose input body is read as a {@code T} first, as a typed handler's is
 * ({@code chainHandler(ResizeRequest.class, (request, message, next) -> ...)}): a body that cannot be read fails
 * permanently without reaching the handler, and nothing is sent for it. Must be thread-safe.
 *
 * @param <T> the input's payload type
 */
@FunctionalInterface
public interface PayloadChainHandler<T> {

    /**
     * @param payload the input's body, read as {@code T}; never null
     * @param message the input, for its id and attributes
     * @param next collects the outputs; valid only during this call
     * @throws Exception to fail the input; nothing is sent then
     */
    void handle(T payload, SqsMessage message, NextMessages next) throws Exception;
}

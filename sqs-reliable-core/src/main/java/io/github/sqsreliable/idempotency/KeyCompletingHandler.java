package io.github.sqsreliable.idempotency;

import io.github.sqsreliable.MessageHandler;

/**
 * A handler that records its message's key as done itself, in the same transaction as its effects (see
 * {@link HeldKey}). Made by a store's transactional mode; the consumer's and the Lambda function's {@code build()}
 * check that their {@link Idempotency#store()} is {@link #store()}, since the handler completes keys in that
 * store only.
 */
public interface KeyCompletingHandler extends MessageHandler {

    /** @return the store whose records this handler completes */
    IdempotencyStore store();
}

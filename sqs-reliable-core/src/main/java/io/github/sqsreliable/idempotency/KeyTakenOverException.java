package io.github.sqsreliable.idempotency;

import io.github.sqsreliable.retry.TransientFailureException;

/**
 * Thrown by a transactional handler mode when the completion record could not be written because the message's
 * key no longer carries its token: its lease expired and another consumer acquired it. The handler's transaction
 * is rolled back, so none of its effects remain; the message is retried like any transient failure, and its next
 * delivery finds the key done or held by the other consumer.
 */
public class KeyTakenOverException extends TransientFailureException {

    private static final long serialVersionUID = 1L;

    /** @param reason what was rolled back, and which key */
    public KeyTakenOverException(String reason) {
        super(reason);
    }
}

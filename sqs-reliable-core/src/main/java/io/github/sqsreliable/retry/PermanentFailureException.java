package io.github.sqsreliable.retry;

import io.github.sqsreliable.SqsReliableException;

/**
 * Thrown by a handler to say that retrying this message cannot help: it is dead-lettered at once with this
 * exception's message as the reason. Overrides the {@link ErrorClassifier}.
 */
public class PermanentFailureException extends SqsReliableException {

    private static final long serialVersionUID = 1L;

    /** @param reason why the message can never be handled; recorded on the dead-lettered message */
    public PermanentFailureException(String reason) {
        super(reason);
    }

    /**
     * @param reason why the message can never be handled; recorded on the dead-lettered message
     * @param cause the underlying failure
     */
    public PermanentFailureException(String reason, Throwable cause) {
        super(reason, cause);
    }
}

package io.github.sqsreliable.retry;

import io.github.sqsreliable.SqsReliableException;

/**
 * Thrown by a handler to say that this message should be retried with the policy's backoff, whatever the
 * {@link ErrorClassifier} would decide about the cause.
 */
public class TransientFailureException extends SqsReliableException {

    private static final long serialVersionUID = 1L;

    /** @param reason why this attempt failed */
    public TransientFailureException(String reason) {
        super(reason);
    }

    /**
     * @param reason why this attempt failed
     * @param cause the underlying failure
     */
    public TransientFailureException(String reason, Throwable cause) {
        super(reason, cause);
    }
}

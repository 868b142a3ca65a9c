package io.github.sqsreliable.payload;

import io.github.sqsreliable.retry.PermanentFailureException;

/**
 * A message body that cannot be read as the handler's type: a permanent failure, dead-lettered at once with this
 * exception's message as the reason. The reason says what is wrong and where (the JSON path, line and column, the
 * target type) and never quotes the body, because bodies may hold personal data and reasons reach logs and the
 * dead-letter queue's failure record. A custom {@link PayloadReader} must keep to that too.
 */
public class MalformedPayloadException extends PermanentFailureException {

    private static final long serialVersionUID = 1L;

    /** @param reason what is wrong and where, without any text of the body */
    public MalformedPayloadException(String reason) {
        super(reason);
    }

    /**
     * @param reason what is wrong and where, without any text of the body
     * @param cause the underlying failure: its message and its causes' are logged, so none may quote the body either
     */
    public MalformedPayloadException(String reason, Throwable cause) {
        super(reason, cause);
    }
}

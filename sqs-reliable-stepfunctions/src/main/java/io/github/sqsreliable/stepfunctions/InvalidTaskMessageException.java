package io.github.sqsreliable.stepfunctions;

import io.github.sqsreliable.retry.PermanentFailureException;

/**
 * A message that cannot be a Step Functions task: it carries no task token, its token is not a string, or its body
 * is not the JSON its task needs. A permanent failure: the message is dead-lettered with this reason, which never
 * quotes the body. Without a token no {@code SendTaskFailure} can be sent; the workflow then ends at the state's
 * {@code TimeoutSeconds}.
 */
public final class InvalidTaskMessageException extends PermanentFailureException {

    private static final long serialVersionUID = 1L;

    /** @param reason what is wrong, without the body */
    public InvalidTaskMessageException(String reason) {
        super(reason);
    }

    /**
     * @param reason what is wrong, without the body
     * @param cause the parser's failure
     */
    public InvalidTaskMessageException(String reason, Throwable cause) {
        super(reason, cause);
    }
}

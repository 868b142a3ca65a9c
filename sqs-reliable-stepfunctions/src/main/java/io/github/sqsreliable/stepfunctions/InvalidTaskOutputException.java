package io.github.sqsreliable.stepfunctions;

import io.github.sqsreliable.retry.PermanentFailureException;

/**
 * A {@link TaskHandler}'s output cannot be sent: a {@code String} that is not JSON text, an object Jackson cannot
 * write, or more than Step Functions' 256 KiB. A permanent failure: the task is failed with {@code SendTaskFailure}
 * and the message dead-lettered with this reason.
 */
public final class InvalidTaskOutputException extends PermanentFailureException {

    private static final long serialVersionUID = 1L;

    /** @param reason what is wrong with the output, without the output */
    public InvalidTaskOutputException(String reason) {
        super(reason);
    }

    /**
     * @param reason what is wrong with the output, without the output
     * @param cause Jackson's failure
     */
    public InvalidTaskOutputException(String reason, Throwable cause) {
        super(reason, cause);
    }
}

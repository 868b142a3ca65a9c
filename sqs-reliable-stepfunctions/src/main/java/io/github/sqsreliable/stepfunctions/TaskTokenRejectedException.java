package io.github.sqsreliable.stepfunctions;

import io.github.sqsreliable.retry.PermanentFailureException;

/**
 * Step Functions refused a message's task token in {@code SendTaskSuccess}: the task timed out
 * ({@code TaskTimedOut}), the token is not one it issued ({@code InvalidToken}), or the task no longer exists
 * ({@code TaskDoesNotExist}), for example because it already completed after an earlier delivery. A permanent failure:
 * the message is dead-lettered with a reason naming the error code, and no {@code SendTaskFailure} is sent (the token
 * would be refused again).
 */
public final class TaskTokenRejectedException extends PermanentFailureException {

    private static final long serialVersionUID = 1L;

    /** The Step Functions error code. */
    private final String errorCode;

    /**
     * @param errorCode the Step Functions error code, e.g. {@code TaskTimedOut}
     * @param reason the whole reason, naming the error code
     * @param cause the SDK's exception
     */
    public TaskTokenRejectedException(String errorCode, String reason, Throwable cause) {
        super(reason, cause);
        this.errorCode = errorCode;
    }

    /** @return the Step Functions error code: {@code TaskTimedOut}, {@code InvalidToken} or {@code TaskDoesNotExist} */
    public String errorCode() {
        return errorCode;
    }
}

package io.github.sqsreliable.stepfunctions.internal;

import io.github.sqsreliable.internal.sqs.SqsBatcher;
import io.github.sqsreliable.retry.PermanentFailureException;
import io.github.sqsreliable.retry.TransientFailureException;
import io.github.sqsreliable.stepfunctions.TaskTokenRejectedException;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * What a failed Step Functions call means for the message: the verdict is given here explicitly, so that a user's
 * {@code ErrorClassifier} rules for their own SDK calls cannot turn a throttled SendTaskSuccess into a dead letter.
 */
public final class SfnErrors {

    /** The error codes with which Step Functions refuses a token it will never accept. */
    static final Set<String> TOKEN_REJECTIONS = Set.of("TaskTimedOut", "InvalidToken", "TaskDoesNotExist");

    private SfnErrors() {
    }

    /**
     * @param failure what a Step Functions call failed with, possibly wrapped
     * @return the Step Functions error code, or {@code null} if it is not a service error
     */
    public static String errorCode(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof AwsServiceException service && service.awsErrorDetails() != null) {
            return service.awsErrorDetails().errorCode();
        }
        return null;
    }

    /**
     * @param failure what a Step Functions call failed with, possibly wrapped
     * @return whether Step Functions refused the token for good
     */
    public static boolean tokenRejected(Throwable failure) {
        String code = errorCode(failure);
        return code != null && TOKEN_REJECTIONS.contains(code);
    }

    /**
     * @param failure what SendTaskSuccess failed with, possibly wrapped
     * @param messageId the message whose task it was
     * @return a {@link TaskTokenRejectedException} for a refused token; a {@link TransientFailureException} for
     *     throttling, a 5xx or no answer (the message is retried); a {@link PermanentFailureException} for any other
     *     refusal (e.g. {@code AccessDeniedException}, {@code InvalidOutput})
     */
    public static RuntimeException ofSendTaskSuccess(Throwable failure, String messageId) {
        Throwable cause = unwrap(failure);
        String code = errorCode(cause);
        if (code != null && TOKEN_REJECTIONS.contains(code)) {
            return new TaskTokenRejectedException(code, "Step Functions refused the task token of message " + messageId
                    + " in SendTaskSuccess with " + code + ": the task timed out, was never issued, or was already "
                    + "completed", cause);
        }
        if (cause instanceof AwsServiceException service) {
            if (SqsBatcher.isRetryable(service)) {
                return new TransientFailureException("SendTaskSuccess for message " + messageId + " failed with "
                        + code + " (status " + service.statusCode() + "); the message is retried", cause);
            }
            return new PermanentFailureException("Step Functions refused SendTaskSuccess for message " + messageId
                    + " with " + code + " (status " + service.statusCode() + ")", cause);
        }
        // No answer (a connection refused or reset, a client-side timeout): worth another attempt.
        return new TransientFailureException("SendTaskSuccess for message " + messageId + " got no answer: "
                + cause.getClass().getSimpleName(), cause);
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}

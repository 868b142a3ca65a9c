package io.github.sqsreliable;

import java.time.Duration;

/**
 * The root of every exception sqs-reliable throws. Unchecked: the conditions it reports (a queue
 * that does not exist, a consumer started twice) are programming or deployment errors that callers
 * rarely recover from locally.
 */
public class SqsReliableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception with a message.
     *
     * @param message what went wrong, with the values involved
     */
    public SqsReliableException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a message and a cause.
     *
     * @param message what went wrong, with the values involved
     * @param cause the underlying failure
     */
    public SqsReliableException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Reports that a queue's attributes could not be read when a consumer started.
     *
     * @param queueUrl the queue
     * @param cause the SDK's failure
     * @return the exception to throw
     */
    public static SqsReliableException queueUnavailable(String queueUrl, Throwable cause) {
        String why = cause == null ? "no cause given"
                : cause.getMessage() == null || cause.getMessage().isBlank() ? cause.getClass().getName()
                : cause.getMessage();
        return new SqsReliableException("could not read the attributes of queue " + queueUrl
                + " (does it exist, and may this client call sqs:GetQueueAttributes?): " + why, cause);
    }

    /**
     * Reports that SQS did not answer for a queue's attributes in time when a consumer started.
     *
     * @param queueUrl the queue
     * @param timeout how long the consumer waited
     * @param cause the timeout
     * @return the exception to throw
     */
    public static SqsReliableException queueAttributesTimedOut(String queueUrl, Duration timeout, Throwable cause) {
        return new SqsReliableException("reading the attributes of queue " + queueUrl + " timed out after " + timeout
                + " (is the SQS endpoint reachable from here?)", cause);
    }
}

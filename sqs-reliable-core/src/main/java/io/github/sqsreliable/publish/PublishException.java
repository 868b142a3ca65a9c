package io.github.sqsreliable.publish;

import io.github.sqsreliable.SqsReliableException;
import java.time.Duration;

/**
 * A message was not stored: SQS refused it (the sender's fault, such as {@code InvalidParameterValue}), kept failing
 * until the publisher's attempts ran out, or the publisher was full or closed. The message never contains the body.
 */
public final class PublishException extends SqsReliableException {

    private static final long serialVersionUID = 1L;

    /** The code the publisher gives a message it did not send because it was closed: {@value}. */
    public static final String PUBLISHER_CLOSED = "PublisherClosed";
    /** The code the publisher gives a message it had no room for within {@code maxBlock}: {@value}. */
    public static final String PUBLISHER_FULL = "PublisherFull";

    /** The queue the message was for. */
    private final String queueUrl;
    /** SQS's code or the publisher's; {@code null} when a request got no answer. */
    private final String errorCode;
    /** Whether SQS blamed the message or request. */
    private final boolean senderFault;
    /** How many times the message was sent. */
    private final int attempts;

    private PublishException(String message, String queueUrl, String errorCode, boolean senderFault, int attempts,
                             Throwable cause) {
        super(message, cause);
        this.queueUrl = queueUrl;
        this.errorCode = errorCode;
        this.senderFault = senderFault;
        this.attempts = attempts;
    }

    /**
     * SQS refused the message's entry, or the message broke a rule of the queue.
     *
     * @param queueUrl the queue
     * @param errorCode SQS's code, e.g. {@code InvalidParameterValue}
     * @param errorMessage SQS's explanation, possibly null
     * @param senderFault whether SQS blamed the request
     * @param attempts how many times the message was sent
     * @return the exception
     */
    public static PublishException rejected(String queueUrl, String errorCode, String errorMessage,
                                            boolean senderFault, int attempts) {
        return new PublishException("SQS refused a message for " + queueUrl + " with " + errorCode
                + (senderFault ? " (sender fault)" : "") + " after " + attempts + " attempt(s)"
                + (errorMessage == null || errorMessage.isBlank() ? "" : ": " + errorMessage),
                queueUrl, errorCode, senderFault, attempts, null);
    }

    /**
     * The SendMessageBatch request itself failed.
     *
     * @param queueUrl the queue
     * @param errorCode SQS's code, or {@code null} when no answer came (a timeout, a lost connection)
     * @param senderFault whether SQS blamed the request
     * @param attempts how many times the message was sent
     * @param cause the SDK's failure
     * @return the exception
     */
    public static PublishException requestFailed(String queueUrl, String errorCode, boolean senderFault, int attempts,
                                                 Throwable cause) {
        return new PublishException("SendMessageBatch to " + queueUrl + " failed after " + attempts + " attempt(s)"
                + (errorCode != null ? " with " + errorCode : "") + ": " + cause, queueUrl, errorCode, senderFault,
                attempts, cause);
    }

    /**
     * @param queueUrl the queue
     * @param attempts how many times the message was sent
     * @return the exception for a message the publisher gave up on because it was closed
     */
    public static PublishException closed(String queueUrl, int attempts) {
        return new PublishException("the publisher was closed before SQS confirmed a message for " + queueUrl
                + " (" + attempts + " attempt(s) made)", queueUrl, PUBLISHER_CLOSED, false, attempts, null);
    }

    /**
     * @param queueUrl the queue
     * @param maxBlock how long the publisher waited for room
     * @param pendingMessages how many messages it held
     * @param pendingBytes how many bytes they count
     * @return the exception for a message the publisher had no room for
     */
    public static PublishException full(String queueUrl, Duration maxBlock, int pendingMessages, long pendingBytes) {
        return new PublishException("the publisher had no room for a message for " + queueUrl + " within maxBlock ("
                + maxBlock + "): " + pendingMessages + " message(s) of " + pendingBytes + " bytes await SQS's answer",
                queueUrl, PUBLISHER_FULL, false, 0, null);
    }

    /** @return the queue the message was for */
    public String queueUrl() {
        return queueUrl;
    }

    /**
     * @return SQS's error code (e.g. {@code InvalidParameterValue}, {@code AWS.SimpleQueueService.NonExistentQueue}),
     *     {@value #PUBLISHER_CLOSED}, {@value #PUBLISHER_FULL}, or {@code null} when a request got no answer
     */
    public String errorCode() {
        return errorCode;
    }

    /** @return whether SQS blamed the message or request rather than itself: sending it again will not help */
    public boolean senderFault() {
        return senderFault;
    }

    /** @return how many times the message was sent */
    public int attempts() {
        return attempts;
    }
}

package io.github.sqsreliable;

/**
 * SQS refused one entry of a DeleteMessageBatch or ChangeMessageVisibilityBatch request, or the request kept
 * failing until its retries ran out. Reported through {@code ConsumerListener} events.
 */
public final class BatchEntryFailedException extends SqsReliableException {

    private static final long serialVersionUID = 1L;

    /** SQS's error code; {@code null} when the whole request failed. */
    private final String errorCode;
    /** SQS's explanation of a refused entry, or {@code null}; may quote the receipt handle. */
    private final String errorMessage;
    /** Whether SQS blamed the request rather than itself. */
    private final boolean senderFault;
    /** How many times the entry was sent. */
    private final int attempts;

    private BatchEntryFailedException(String message, String errorCode, String errorMessage, boolean senderFault,
                                      int attempts, Throwable cause) {
        super(message, cause);
        this.errorCode = errorCode;
        this.errorMessage = errorMessage;
        this.senderFault = senderFault;
        this.attempts = attempts;
    }

    /**
     * An entry SQS answered with an error.
     *
     * @param action the batch action, e.g. {@code "DeleteMessageBatch"}
     * @param queueUrl the queue
     * @param errorCode SQS's code, e.g. {@code ReceiptHandleIsInvalid}
     * @param errorMessage SQS's message, possibly null
     * @param senderFault whether SQS blamed the request
     * @param attempts how many times the entry was sent
     * @return the exception
     */
    public static BatchEntryFailedException entryRejected(String action, String queueUrl, String errorCode,
                                                          String errorMessage, boolean senderFault, int attempts) {
        // SQS's own message is kept out of getMessage(): for a refused handle it quotes the receipt handle,
        // which must never reach a log.
        return new BatchEntryFailedException(action + " entry for queue " + queueUrl + " failed with " + errorCode
                + (senderFault ? " (sender fault)" : "") + " after " + attempts + " attempt(s)",
                errorCode, errorMessage, senderFault, attempts, null);
    }

    /**
     * A whole request that failed.
     *
     * @param action the batch action
     * @param queueUrl the queue
     * @param attempts how many times the entry was sent
     * @param cause the SDK's failure
     * @return the exception
     */
    public static BatchEntryFailedException requestFailed(String action, String queueUrl, int attempts,
                                                          Throwable cause) {
        return new BatchEntryFailedException(action + " request for queue " + queueUrl + " failed after " + attempts
                + " attempt(s): " + cause, null, null, false, attempts, cause);
    }

    /**
     * The consumer closed before SQS confirmed the entry.
     *
     * @param action the batch action
     * @param queueUrl the queue
     * @return the exception
     */
    public static BatchEntryFailedException closedBeforeConfirmation(String action, String queueUrl) {
        return new BatchEntryFailedException(action + " for queue " + queueUrl
                + " was not confirmed before the consumer closed", null, null, false, 0, null);
    }

    /** @return SQS's error code, or {@code null} when the whole request failed */
    public String errorCode() {
        return errorCode;
    }

    /**
     * SQS's own explanation of a refused entry. It may quote the receipt handle: do not log it.
     *
     * @return the message SQS sent with the failed entry, or {@code null}
     */
    public String errorMessage() {
        return errorMessage;
    }

    /** @return whether SQS blamed the request rather than itself */
    public boolean senderFault() {
        return senderFault;
    }

    /** @return how many times the entry was sent */
    public int attempts() {
        return attempts;
    }

    /** @return whether SQS refused the receipt handle: the message was deleted or received again elsewhere */
    public boolean isReceiptHandleInvalid() {
        return "ReceiptHandleIsInvalid".equals(errorCode) || "MessageNotInflight".equals(errorCode)
                || "AWS.SimpleQueueService.MessageNotInflight".equals(errorCode);
    }
}

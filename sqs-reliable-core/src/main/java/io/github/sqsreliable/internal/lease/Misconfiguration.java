package io.github.sqsreliable.internal.lease;

import io.github.sqsreliable.BatchEntryFailedException;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * A refusal of ChangeMessageVisibility that says the consumer is misconfigured, not that one message's lease is
 * gone: retrying cannot fix it, and every message of the queue meets it, so it is reported once, as what it is.
 *
 * @param errorCode SQS's error code
 * @param meaning what it means, naming the permission or the queue
 */
record Misconfiguration(String errorCode, String meaning) {

    private static final Set<String> ACCESS_DENIED = Set.of("AccessDenied", "AccessDeniedException");
    private static final Set<String> NO_SUCH_QUEUE = Set.of("AWS.SimpleQueueService.NonExistentQueue",
            "QueueDoesNotExist", "NonExistentQueue");
    private static final String INVALID_ADDRESS = "InvalidAddress";
    private static final String INVALID_SECURITY = "InvalidSecurity";

    /**
     * @param failure how an extension failed: a {@link BatchEntryFailedException}, possibly wrapping the SDK's
     *     exception
     * @param queueUrl the queue, named in the meaning
     * @return the misconfiguration it reveals, or null when it is about the message or may pass
     */
    static Misconfiguration of(Throwable failure, String queueUrl) {
        String code = errorCode(failure);
        if (code == null) {
            return null;
        }
        if (ACCESS_DENIED.contains(code)) {
            return new Misconfiguration(code, "the consumer's credentials are not allowed sqs:ChangeMessageVisibility "
                    + "on " + queueUrl + " (an identity, queue or organisation policy denies it)");
        }
        if (NO_SUCH_QUEUE.contains(code)) {
            return new Misconfiguration(code, "queue " + queueUrl + " does not exist (deleted, or the URL names "
                    + "another account or region)");
        }
        if (INVALID_ADDRESS.equals(code)) {
            return new Misconfiguration(code, queueUrl + " is not a valid SQS queue address");
        }
        if (INVALID_SECURITY.equals(code)) {
            return new Misconfiguration(code, "queue " + queueUrl + " accepts only secure requests (HTTPS, "
                    + "Signature Version 4), and this client's requests are not");
        }
        return null;
    }

    private static String errorCode(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof BatchEntryFailedException entry && entry.errorCode() != null) {
                return entry.errorCode();
            }
            if (t instanceof QueueDoesNotExistException) {
                return "QueueDoesNotExist";
            }
            if (t instanceof AwsServiceException service && service.awsErrorDetails() != null
                    && service.awsErrorDetails().errorCode() != null) {
                return service.awsErrorDetails().errorCode();
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }
}

package io.github.sqsreliable.internal.lease;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqsreliable.BatchEntryFailedException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.SqsException;

class MisconfigurationTest {

    private static final String QUEUE_URL = "https://sqs.eu-west-1.amazonaws.com/123456789012/orders";

    @ParameterizedTest
    @ValueSource(strings = {"AccessDenied", "AccessDeniedException"})
    void accessDeniedNamesThePermissionAndTheQueue(String code) {
        Misconfiguration found = Misconfiguration.of(requestFailed(sqsError(403, code)), QUEUE_URL);

        assertThat(found).isNotNull();
        assertThat(found.errorCode()).isEqualTo(code);
        assertThat(found.meaning()).contains("sqs:ChangeMessageVisibility").contains(QUEUE_URL);
    }

    @ParameterizedTest
    @ValueSource(strings = {"AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist"})
    void aMissingQueueSaysSo(String code) {
        Misconfiguration found = Misconfiguration.of(requestFailed(sqsError(400, code)), QUEUE_URL);

        assertThat(found.meaning()).contains("does not exist").contains(QUEUE_URL);
    }

    @Test
    void theSdksQueueDoesNotExistExceptionIsRecognisedWithoutACode() {
        Throwable failure = new CompletionException(requestFailed(QueueDoesNotExistException.builder().build()));

        assertThat(Misconfiguration.of(failure, QUEUE_URL).errorCode()).isEqualTo("QueueDoesNotExist");
    }

    @Test
    void anInvalidAddressSaysTheUrlIsNotAQueue() {
        assertThat(Misconfiguration.of(requestFailed(sqsError(404, "InvalidAddress")), QUEUE_URL).meaning())
                .contains(QUEUE_URL).contains("not a valid SQS queue address");
    }

    @Test
    void anEntryRefusedWithAccessDeniedCounts() {
        BatchEntryFailedException entry = BatchEntryFailedException.entryRejected("ChangeMessageVisibilityBatch",
                QUEUE_URL, "AccessDenied", "denied", true, 1);

        assertThat(Misconfiguration.of(entry, QUEUE_URL)).isNotNull();
    }

    @Test
    void perMessageAndPassingFailuresAreNotMisconfigurations() {
        assertThat(Misconfiguration.of(BatchEntryFailedException.entryRejected("ChangeMessageVisibilityBatch",
                QUEUE_URL, "ReceiptHandleIsInvalid", "stale", true, 1), QUEUE_URL)).isNull();
        assertThat(Misconfiguration.of(requestFailed(sqsError(503, "ServiceUnavailable")), QUEUE_URL)).isNull();
        assertThat(Misconfiguration.of(requestFailed(sqsError(400, "ThrottlingException")), QUEUE_URL)).isNull();
        assertThat(Misconfiguration.of(requestFailed(SdkClientException.create("connection reset")), QUEUE_URL))
                .isNull();
    }

    private static BatchEntryFailedException requestFailed(Throwable cause) {
        return BatchEntryFailedException.requestFailed("ChangeMessageVisibilityBatch", QUEUE_URL, 1, cause);
    }

    private static SqsException sqsError(int status, String code) {
        return (SqsException) SqsException.builder()
                .statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).build())
                .build();
    }
}

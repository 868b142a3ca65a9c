package io.github.sqsreliable.stepfunctions.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqsreliable.retry.PermanentFailureException;
import io.github.sqsreliable.retry.TransientFailureException;
import io.github.sqsreliable.stepfunctions.TaskTokenRejectedException;
import java.io.IOException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sfn.model.SfnException;

class SfnErrorsTest {

    private static SfnException sfn(int status, String code) {
        return (SfnException) SfnException.builder().statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage("scripted").build())
                .message("scripted " + code).build();
    }

    @ParameterizedTest
    @ValueSource(strings = {"TaskTimedOut", "InvalidToken", "TaskDoesNotExist"})
    void aRefusedTokenIsAPermanentFailureNamingTheCode(String code) {
        RuntimeException verdict = SfnErrors.ofSendTaskSuccess(new CompletionException(sfn(400, code)), "m-1");

        assertThat(verdict).isInstanceOf(TaskTokenRejectedException.class)
                .hasMessage("Step Functions refused the task token of message m-1 in SendTaskSuccess with " + code
                        + ": the task timed out, was never issued, or was already completed");
        assertThat(((TaskTokenRejectedException) verdict).errorCode()).isEqualTo(code);
        assertThat(SfnErrors.tokenRejected(verdict.getCause())).isTrue();
    }

    @Test
    void throttlingA5xxAndNoAnswerAreTransient() {
        assertThat(SfnErrors.ofSendTaskSuccess(sfn(400, "ThrottlingException"), "m-1"))
                .isExactlyInstanceOf(TransientFailureException.class)
                .hasMessage("SendTaskSuccess for message m-1 failed with ThrottlingException (status 400); the "
                        + "message is retried");
        assertThat(SfnErrors.ofSendTaskSuccess(sfn(503, "ServiceUnavailable"), "m-1"))
                .isExactlyInstanceOf(TransientFailureException.class);
        assertThat(SfnErrors.ofSendTaskSuccess(SdkClientException.create("connection reset"), "m-1"))
                .isExactlyInstanceOf(TransientFailureException.class)
                .hasMessage("SendTaskSuccess for message m-1 got no answer: SdkClientException");
        assertThat(SfnErrors.ofSendTaskSuccess(new IOException("closed"), "m-1"))
                .isExactlyInstanceOf(TransientFailureException.class);
    }

    @Test
    void anyOtherRefusalIsPermanent() {
        assertThat(SfnErrors.ofSendTaskSuccess(sfn(400, "AccessDeniedException"), "m-1"))
                .isExactlyInstanceOf(PermanentFailureException.class)
                .hasMessage("Step Functions refused SendTaskSuccess for message m-1 with AccessDeniedException "
                        + "(status 400)");
        assertThat(SfnErrors.ofSendTaskSuccess(sfn(400, "InvalidOutput"), "m-1"))
                .isExactlyInstanceOf(PermanentFailureException.class);
    }

    @Test
    void onlyTheThreeCodesRejectAToken() {
        assertThat(SfnErrors.tokenRejected(sfn(400, "ThrottlingException"))).isFalse();
        assertThat(SfnErrors.tokenRejected(new IllegalStateException())).isFalse();
        assertThat(SfnErrors.errorCode(new IllegalStateException())).isNull();
        assertThat(SfnErrors.errorCode(new CompletionException(sfn(400, "InvalidToken")))).isEqualTo("InvalidToken");
    }
}

package io.github.sqsreliable.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.sqsreliable.SqsMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * {@link ErrorClassifier#defaults()} and {@link ErrorClassifier#builder()}: the default table, handler exceptions
 * overriding it anywhere in the cause chain, and user rules checked before the defaults.
 */
class ErrorClassifierTest {

    private static final SqsMessage MESSAGE = SqsMessage.builder()
            .queueUrl("https://sqs.us-east-1.amazonaws.com/123456789012/orders")
            .messageId("m-1")
            .body("{}")
            .build();

    private static FailureKind byDefault(Throwable error) {
        return ErrorClassifier.defaults().classify(error, MESSAGE);
    }

    private static SqsException sqsError(int status, String code) {
        return (SqsException) SqsException.builder()
                .statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(code + " happened")
                        .serviceName("Sqs").build())
                .message(code + " happened")
                .build();
    }

    private static AwsServiceException awsError(int status, String code) {
        return AwsServiceException.builder()
                .statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(code + " happened").build())
                .message(code + " happened")
                .build();
    }

    /** A handler's own validation failure, for the builder rules. */
    static class ValidationException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ValidationException(String message) {
            super(message);
        }
    }

    /** A subclass, to show that a type rule matches subclasses. */
    static final class MissingFieldException extends ValidationException {
        private static final long serialVersionUID = 1L;

        MissingFieldException(String message) {
            super(message);
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // The default table
    // ---------------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "status {0} with code {1} is throttling, so transient")
    @CsvSource({"400, ThrottlingException", "400, RequestThrottled", "400, Throttling",
            "400, TooManyRequestsException"})
    void throttlingErrorCodesAreTransientWhatever400Says(int status, String code) {
        // given an SQS error whose status alone would be permanent, but whose code is a throttling code
        SqsException error = sqsError(status, code);
        // isThrottlingException() decides by the status (429) or by the SDK's list of throttling error codes
        assertThat(error.isThrottlingException()).isTrue();

        // when / then
        assertThat(byDefault(error)).isEqualTo(FailureKind.TRANSIENT);
        assertThat(byDefault(awsError(status, code))).isEqualTo(FailureKind.TRANSIENT);
    }

    @Test
    void status429IsThrottlingWithoutAnyErrorCode() {
        AwsServiceException error = AwsServiceException.builder().statusCode(429).message("slow down").build();

        assertThat(error.isThrottlingException()).isTrue();
        assertThat(byDefault(error)).isEqualTo(FailureKind.TRANSIENT);
    }

    @ParameterizedTest(name = "status {0} ({1}) is transient")
    @CsvSource({"500, InternalError", "503, ServiceUnavailable", "502, BadGateway"})
    void serverErrorsAreTransient(int status, String code) {
        assertThat(byDefault(sqsError(status, code))).isEqualTo(FailureKind.TRANSIENT);
        assertThat(byDefault(awsError(status, code))).isEqualTo(FailureKind.TRANSIENT);
    }

    @ParameterizedTest(name = "status {0} ({1}) is permanent")
    @CsvSource({"400, InvalidParameterValue", "403, AccessDenied", "404, AWS.SimpleQueueService.NonExistentQueue",
            "413, RequestEntityTooLarge"})
    void otherClientErrorsArePermanent(int status, String code) {
        SqsException error = sqsError(status, code);
        assertThat(error.isThrottlingException()).isFalse();

        assertThat(byDefault(error)).isEqualTo(FailureKind.PERMANENT);
        assertThat(byDefault(awsError(status, code))).isEqualTo(FailureKind.PERMANENT);
    }

    @Test
    void aPermanentSdkErrorDeepInTheCauseChainIsFound() {
        Throwable error = new CompletionException(new IllegalStateException("wrapped",
                sqsError(400, "InvalidParameterValue")));

        assertThat(byDefault(error)).isEqualTo(FailureKind.PERMANENT);
    }

    @Test
    void sdkClientErrorsAreTransient() {
        assertThat(byDefault(SdkClientException.create("Unable to execute HTTP request")))
                .isEqualTo(FailureKind.TRANSIENT);
    }

    @Test
    void ioAndTimeoutsAndInterruptsAreTransient() {
        assertThat(byDefault(new IOException("connection reset"))).isEqualTo(FailureKind.TRANSIENT);
        assertThat(byDefault(new UncheckedIOException(new IOException("broken pipe"))))
                .isEqualTo(FailureKind.TRANSIENT);
        assertThat(byDefault(new TimeoutException("downstream timed out"))).isEqualTo(FailureKind.TRANSIENT);
        assertThat(byDefault(new InterruptedException("interrupted"))).isEqualTo(FailureKind.TRANSIENT);
    }

    @Test
    void anUnknownExceptionIsTransient() {
        assertThat(byDefault(new IllegalStateException("no idea"))).isEqualTo(FailureKind.TRANSIENT);
        assertThat(byDefault(new IllegalArgumentException("bad input"))).isEqualTo(FailureKind.TRANSIENT);
        assertThat(byDefault(new NullPointerException())).isEqualTo(FailureKind.TRANSIENT);
    }

    @Test
    void aStackOverflowErrorIsPermanentBecauseItRecursOnEveryDelivery() {
        assertThat(byDefault(new StackOverflowError())).isEqualTo(FailureKind.PERMANENT);
        // also when the handler wrapped it
        assertThat(byDefault(new CompletionException(new StackOverflowError()))).isEqualTo(FailureKind.PERMANENT);
    }

    @Test
    void aRuleOrTheHandlerCanMakeAStackOverflowErrorTransient() {
        ErrorClassifier classifier = ErrorClassifier.builder().transientOn(StackOverflowError.class).build();

        assertThat(classifier.classify(new StackOverflowError(), MESSAGE)).isEqualTo(FailureKind.TRANSIENT);
        assertThat(byDefault(new TransientFailureException("retry anyway", new StackOverflowError())))
                .isEqualTo(FailureKind.TRANSIENT);
    }

    // ---------------------------------------------------------------------------------------------------
    // Handler exceptions override everything
    // ---------------------------------------------------------------------------------------------------

    @Test
    void permanentFailureExceptionIsPermanent() {
        assertThat(byDefault(new PermanentFailureException("malformed order"))).isEqualTo(FailureKind.PERMANENT);
    }

    @Test
    void permanentFailureExceptionWrappedInARuntimeExceptionIsStillPermanent() {
        Throwable error = new RuntimeException("handler failed",
                new PermanentFailureException("malformed order", new IOException("would be transient")));

        assertThat(byDefault(error)).isEqualTo(FailureKind.PERMANENT);
    }

    @Test
    void transientFailureExceptionWrappingA400SdkErrorIsTransient() {
        // given a cause the table alone would call permanent
        Throwable error = new TransientFailureException("retry anyway", sqsError(400, "InvalidParameterValue"));

        assertThat(byDefault(error)).isEqualTo(FailureKind.TRANSIENT);
    }

    @Test
    void retryLaterExceptionIsTransient() {
        Throwable error = new RuntimeException(new RetryLaterException(Duration.ofSeconds(30), "429 from partner",
                sqsError(400, "InvalidParameterValue")));

        assertThat(byDefault(error)).isEqualTo(FailureKind.TRANSIENT);
    }

    @Test
    void handlerExceptionsWinOverUserRulesThatMatchAnOuterException() {
        // given a rule that matches the outer exception
        ErrorClassifier classifier = ErrorClassifier.builder().transientOn(RuntimeException.class).build();
        Throwable error = new RuntimeException("outer", new PermanentFailureException("poison"));

        assertThat(classifier.classify(error, MESSAGE)).isEqualTo(FailureKind.PERMANENT);
    }

    // ---------------------------------------------------------------------------------------------------
    // Builder rules, checked before the defaults
    // ---------------------------------------------------------------------------------------------------

    @Test
    void permanentOnMatchesTheTypeAndItsSubclasses() {
        ErrorClassifier classifier = ErrorClassifier.builder().permanentOn(ValidationException.class).build();

        assertThat(classifier.classify(new ValidationException("bad"), MESSAGE)).isEqualTo(FailureKind.PERMANENT);
        assertThat(classifier.classify(new MissingFieldException("no id"), MESSAGE))
                .isEqualTo(FailureKind.PERMANENT);
        // anything else still follows the defaults
        assertThat(classifier.classify(new IllegalStateException("other"), MESSAGE))
                .isEqualTo(FailureKind.TRANSIENT);
    }

    @Test
    void permanentOnAcceptsSeveralTypes() {
        ErrorClassifier classifier = ErrorClassifier.builder()
                .permanentOn(IllegalArgumentException.class, UnsupportedOperationException.class)
                .build();

        assertThat(classifier.classify(new NumberFormatException("x"), MESSAGE)).isEqualTo(FailureKind.PERMANENT);
        assertThat(classifier.classify(new UnsupportedOperationException(), MESSAGE))
                .isEqualTo(FailureKind.PERMANENT);
    }

    @Test
    void transientOnOverridesAPermanentDefault() {
        // given a 400 SDK error, permanent by default
        ErrorClassifier classifier = ErrorClassifier.builder().transientOn(SqsException.class).build();

        assertThat(classifier.classify(sqsError(400, "InvalidParameterValue"), MESSAGE))
                .isEqualTo(FailureKind.TRANSIENT);
    }

    @Test
    void permanentOnOverridesATransientDefault() {
        ErrorClassifier classifier = ErrorClassifier.builder().permanentOn(TimeoutException.class).build();

        assertThat(classifier.classify(new TimeoutException("never answers"), MESSAGE))
                .isEqualTo(FailureKind.PERMANENT);
    }

    @Test
    void predicatesDecideToo() {
        ErrorClassifier classifier = ErrorClassifier.builder()
                .permanentWhen(e -> e.getMessage() != null && e.getMessage().contains("poison"))
                .transientWhen(e -> e instanceof SqsException s && s.statusCode() == 400
                        && "InvalidParameterValue".equals(s.awsErrorDetails().errorCode()))
                .build();

        assertThat(classifier.classify(new IllegalStateException("poison pill"), MESSAGE))
                .isEqualTo(FailureKind.PERMANENT);
        assertThat(classifier.classify(sqsError(400, "InvalidParameterValue"), MESSAGE))
                .isEqualTo(FailureKind.TRANSIENT);
        assertThat(classifier.classify(sqsError(400, "AccessDenied"), MESSAGE)).isEqualTo(FailureKind.PERMANENT);
    }

    @Test
    void theFirstMatchingRuleWins() {
        ErrorClassifier permanentFirst = ErrorClassifier.builder()
                .permanentOn(IllegalArgumentException.class)
                .transientOn(NumberFormatException.class)
                .build();
        ErrorClassifier transientFirst = ErrorClassifier.builder()
                .transientOn(NumberFormatException.class)
                .permanentOn(IllegalArgumentException.class)
                .build();

        assertThat(permanentFirst.classify(new NumberFormatException("x"), MESSAGE))
                .isEqualTo(FailureKind.PERMANENT);
        assertThat(transientFirst.classify(new NumberFormatException("x"), MESSAGE))
                .isEqualTo(FailureKind.TRANSIENT);
    }

    @Test
    void rulesMatchThroughTheCauseChain() {
        ErrorClassifier classifier = ErrorClassifier.builder().permanentOn(ValidationException.class).build();
        Throwable error = new CompletionException(new RuntimeException(new MissingFieldException("no id")));

        assertThat(classifier.classify(error, MESSAGE)).isEqualTo(FailureKind.PERMANENT);
    }

    @Test
    void aRuleMatchingAnInnerCauseBeatsADefaultMatchingAnOuterOne() {
        // given an IOException (transient by default) caused by a validation failure
        ErrorClassifier classifier = ErrorClassifier.builder().permanentOn(ValidationException.class).build();
        Throwable error = new IOException("could not read", new ValidationException("bad"));

        assertThat(classifier.classify(error, MESSAGE)).isEqualTo(FailureKind.PERMANENT);
    }

    @Test
    void theOutermostExceptionIsCheckedAgainstEveryRuleBeforeItsCause() {
        // given a rule for the cause added before a rule for the outer exception
        ErrorClassifier classifier = ErrorClassifier.builder()
                .permanentOn(ValidationException.class)
                .transientOn(UncheckedIOException.class)
                .build();
        Throwable error = new UncheckedIOException(new IOException("wrapped", new ValidationException("bad")));

        // then the outer exception's rule decides, although it was added later
        assertThat(classifier.classify(error, MESSAGE)).isEqualTo(FailureKind.TRANSIENT);
    }

    @Test
    void aBuilderWithoutRulesClassifiesLikeTheDefaults() {
        ErrorClassifier classifier = ErrorClassifier.builder().build();

        assertThat(classifier.classify(sqsError(400, "InvalidParameterValue"), MESSAGE))
                .isEqualTo(FailureKind.PERMANENT);
        assertThat(classifier.classify(sqsError(503, "ServiceUnavailable"), MESSAGE))
                .isEqualTo(FailureKind.TRANSIENT);
    }

    @Test
    void nullTypesAndPredicatesAreRejected() {
        assertThatThrownBy(() -> ErrorClassifier.builder().permanentOn((Class<? extends Throwable>) null))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> ErrorClassifier.builder().transientWhen(null))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> ErrorClassifier.builder().permanentWhen(null))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    @Timeout(5)
    void aCyclicCauseChainTerminates() {
        // given a -> b -> a
        RuntimeException a = new RuntimeException("a");
        RuntimeException b = new RuntimeException("b", a);
        a.initCause(b);
        ErrorClassifier withRule = ErrorClassifier.builder().permanentOn(ValidationException.class).build();

        // when / then: nothing in the cycle decides, so it is transient, and classification returns
        assertThat(byDefault(a)).isEqualTo(FailureKind.TRANSIENT);
        assertThat(withRule.classify(a, MESSAGE)).isEqualTo(FailureKind.TRANSIENT);
    }

    @Test
    @Timeout(5)
    void aCyclicCauseChainStillFindsAPermanentFailureInIt() {
        PermanentFailureException poison = new PermanentFailureException("poison");
        RuntimeException wrapper = new RuntimeException("wrapper", poison);
        poison.initCause(wrapper);

        assertThat(byDefault(wrapper)).isEqualTo(FailureKind.PERMANENT);
    }
}

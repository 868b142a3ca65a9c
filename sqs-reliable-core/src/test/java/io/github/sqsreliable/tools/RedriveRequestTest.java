package io.github.sqsreliable.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.sqsreliable.InvalidConfigurationException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link RedriveRequest}'s defaults, one test per validation rule, and its error-class matching. */
class RedriveRequestTest {

    private static final String QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/orders";

    private static void assertRejected(RedriveRequest.Builder builder, String field, String shownValue) {
        assertThatThrownBy(builder::build)
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageStartingWith(field + " ")
                .hasMessageContaining(shownValue)
                .satisfies(e -> assertThat(((InvalidConfigurationException) e).field()).isEqualTo(field));
    }

    @Test
    void defaultsMoveEverythingBackToItsOriginWithASixtySecondVisibility() {
        RedriveRequest request = RedriveRequest.builder().build();

        assertThat(request.targetQueueUrl()).isEmpty();
        assertThat(request.errorClass()).isEmpty();
        assertThat(request.maxMessages()).isEmpty();
        assertThat(request.visibilityTimeout()).isEqualTo(Duration.ofSeconds(60))
                .isEqualTo(RedriveRequest.DEFAULT_VISIBILITY_TIMEOUT);
    }

    @Test
    void keepsEveryOptionAndCopiesThroughToBuilder() {
        RedriveRequest request = RedriveRequest.builder().targetQueueUrl(QUEUE_URL).errorClass("IOException")
                .maxMessages(5).visibilityTimeout(Duration.ofMinutes(2)).build();

        assertThat(request.targetQueueUrl()).contains(QUEUE_URL);
        assertThat(request.errorClass()).contains("IOException");
        assertThat(request.maxMessages()).hasValue(5);
        assertThat(request.visibilityTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(request.toBuilder().build()).isEqualTo(request).hasSameHashCodeAs(request);
    }

    @Test
    void rejectsTargetThatIsNotAQueueUrl() {
        assertRejected(RedriveRequest.builder().targetQueueUrl("orders"), "targetQueueUrl", "(orders)");
    }

    @Test
    void rejectsTargetWithAnotherScheme() {
        assertRejected(RedriveRequest.builder().targetQueueUrl("sqs://host/123/orders"), "targetQueueUrl",
                "sqs://host/123/orders");
    }

    @Test
    void rejectsTargetWithoutQueueName() {
        assertRejected(RedriveRequest.builder().targetQueueUrl("https://sqs.us-east-1.amazonaws.com/"),
                "targetQueueUrl", "https://sqs.us-east-1.amazonaws.com/");
    }

    @Test
    void rejectsEmptyErrorClass() {
        assertRejected(RedriveRequest.builder().errorClass(""), "errorClass", "()");
    }

    @Test
    void rejectsErrorClassWithWhiteSpace() {
        assertRejected(RedriveRequest.builder().errorClass("java.io. IOException"), "errorClass",
                "(java.io. IOException)");
    }

    @Test
    void rejectsMaxMessagesBelowOne() {
        assertRejected(RedriveRequest.builder().maxMessages(0), "maxMessages", "(0)");
    }

    @Test
    void rejectsNullVisibilityTimeout() {
        assertRejected(RedriveRequest.builder().visibilityTimeout(null), "visibilityTimeout", "must not be null");
    }

    @Test
    void rejectsVisibilityTimeoutBelowOneSecond() {
        assertRejected(RedriveRequest.builder().visibilityTimeout(Duration.ZERO), "visibilityTimeout", "(PT0S)");
    }

    @Test
    void rejectsVisibilityTimeoutAboveTwelveHours() {
        assertRejected(RedriveRequest.builder().visibilityTimeout(Duration.ofHours(13)), "visibilityTimeout",
                "(PT13H)");
    }

    @Test
    void rejectsVisibilityTimeoutThatIsNotWholeSeconds() {
        assertRejected(RedriveRequest.builder().visibilityTimeout(Duration.ofMillis(1500)), "visibilityTimeout",
                "(PT1.5S)");
    }

    @ParameterizedTest
    @CsvSource({
            "java.net.SocketTimeoutException, java.net.SocketTimeoutException, true",
            "SocketTimeoutException, java.net.SocketTimeoutException, true",
            "Inner, com.example.Outer$Inner, true",
            "Outer$Inner, com.example.Outer$Inner, true",
            "com.example.Outer$Inner, com.example.Outer$Inner, true",
            "TimeoutException, java.net.SocketTimeoutException, false",
            "net.SocketTimeoutException, java.net.SocketTimeoutException, false",
            "java.net.SocketTimeoutException, SocketTimeoutException, false",
            "IOException, java.io.UncheckedIOException, false",
    })
    void matchesEqualOrSimpleErrorClassNames(String filter, String recorded, boolean matches) {
        RedriveRequest request = RedriveRequest.builder().errorClass(filter).build();

        assertThat(request.matches(recorded)).isEqualTo(matches);
    }

    @Test
    void matchesEverythingWithoutFilter() {
        assertThat(RedriveRequest.builder().build().matches("any.Thing")).isTrue();
    }
}

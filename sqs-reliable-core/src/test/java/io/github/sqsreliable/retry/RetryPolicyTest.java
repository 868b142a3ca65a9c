package io.github.sqsreliable.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.sqsreliable.InvalidConfigurationException;
import java.time.Duration;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link RetryPolicy.Builder#build()}'s validation, one rule per test, each expecting
 * {@link InvalidConfigurationException} naming the builder method; and the policy's accessors.
 */
class RetryPolicyTest {

    private static final String RETRY_1 = "https://sqs.us-east-1.amazonaws.com/123456789012/orders-retry-1";
    private static final String RETRY_2 = "https://sqs.us-east-1.amazonaws.com/123456789012/orders-retry-2";
    private static final String DLQ = "https://sqs.us-east-1.amazonaws.com/123456789012/orders-dlq";
    private static final Backoff ONE_SECOND = Backoff.fixed(Duration.ofSeconds(1));

    private static void assertRejected(ThrowingCallable build, String field, String shown) {
        assertThatThrownBy(build)
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageStartingWith(field + " ")
                .hasMessageContaining(shown)
                .satisfies(e -> assertThat(((InvalidConfigurationException) e).field()).isEqualTo(field));
    }

    @Test
    void rejectsAPolicyWithoutTiers() {
        assertRejected(() -> RetryPolicy.builder().build(), "retryPolicy", "must have at least one tier: "
                + "onSameQueue(attempts, backoff) or thenQueue(url, attempts, backoff)");
        assertRejected(() -> RetryPolicy.builder().thenDeadLetter(DLQ).build(), "retryPolicy",
                "must have at least one tier");
    }

    @Test
    void rejectsZeroAttemptsOnTheSameQueue() {
        assertRejected(() -> RetryPolicy.builder().onSameQueue(0, ONE_SECOND).build(), "onSameQueue",
                "attempts (0) must be between 1 and 1000");
    }

    @Test
    void rejectsMoreThanOneThousandAttemptsInARetryQueue() {
        assertRejected(() -> RetryPolicy.builder().onSameQueue(3, ONE_SECOND).thenQueue(RETRY_1, 1001, ONE_SECOND)
                .build(), "thenQueue", "attempts (1001) must be between 1 and 1000");
    }

    @Test
    void acceptsOneAndOneThousandAttempts() {
        RetryPolicy policy = RetryPolicy.builder().onSameQueue(1, ONE_SECOND).thenQueue(RETRY_1, 1000, ONE_SECOND)
                .build();

        assertThat(policy.maxAttempts()).isEqualTo(1001);
    }

    @Test
    void rejectsANullBackoff() {
        assertRejected(() -> RetryPolicy.builder().onSameQueue(3, null).build(), "onSameQueue",
                "backoff must not be null");
        assertRejected(() -> RetryPolicy.builder().onSameQueue(3, ONE_SECOND).thenQueue(RETRY_1, 3, null).build(),
                "thenQueue", "backoff must not be null");
    }

    @Test
    void rejectsOnSameQueueAfterARetryQueue() {
        assertRejected(() -> RetryPolicy.builder().thenQueue(RETRY_1, 3, ONE_SECOND).onSameQueue(3, ONE_SECOND)
                .build(), "onSameQueue", "must be the first tier and appear once");
    }

    @Test
    void rejectsOnSameQueueTwice() {
        assertRejected(() -> RetryPolicy.builder().onSameQueue(3, ONE_SECOND).onSameQueue(2, ONE_SECOND).build(),
                "onSameQueue", "must be the first tier and appear once");
    }

    @ParameterizedTest(name = "retry queue URL \"{0}\" is rejected")
    @ValueSource(strings = {"orders-retry", "sqs://sqs.us-east-1.amazonaws.com/123456789012/orders-retry",
            "https://sqs.us-east-1.amazonaws.com/123456789012/", ""})
    void rejectsARetryQueueThatIsNotAQueueUrl(String url) {
        assertRejected(() -> RetryPolicy.builder().onSameQueue(3, ONE_SECOND).thenQueue(url, 3, ONE_SECOND).build(),
                "thenQueue", "(" + url + ") must be a queue URL");
    }

    @Test
    void rejectsANullRetryQueueAfterTheSameQueueTier() {
        assertRejected(() -> RetryPolicy.builder().onSameQueue(3, ONE_SECOND).thenQueue(null, 3, ONE_SECOND).build(),
                "thenQueue", "(null) must be a queue URL");
    }

    @Test
    void rejectsANullRetryQueueAsTheFirstTier() {
        assertRejected(() -> RetryPolicy.builder().thenQueue(null, 3, ONE_SECOND).build(),
                "thenQueue", "(null) must be a queue URL");
    }

    @Test
    void acceptsAnUpperCaseSchemeAndPlainHttp() {
        RetryPolicy policy = RetryPolicy.builder()
                .thenQueue("HTTPS://sqs.us-east-1.amazonaws.com/123456789012/a", 1, ONE_SECOND)
                .thenQueue("http://localhost:9324/000000000000/b", 1, ONE_SECOND)
                .build();

        assertThat(policy.tiers()).hasSize(2);
    }

    @Test
    void rejectsTheSameRetryQueueTwice() {
        assertRejected(() -> RetryPolicy.builder().onSameQueue(3, ONE_SECOND).thenQueue(RETRY_1, 3, ONE_SECOND)
                .thenQueue(RETRY_1, 3, ONE_SECOND).build(), "thenQueue", "(" + RETRY_1 + ") names a retry queue twice");
    }

    @ParameterizedTest(name = "dead-letter queue URL \"{0}\" is rejected")
    @ValueSource(strings = {"orders-dlq", "ftp://example.com/orders-dlq",
            "https://sqs.us-east-1.amazonaws.com/123456789012/"})
    void rejectsADeadLetterQueueThatIsNotAQueueUrl(String url) {
        assertRejected(() -> RetryPolicy.builder().onSameQueue(3, ONE_SECOND).thenDeadLetter(url).build(),
                "thenDeadLetter", "(" + url + ") must be a queue URL");
    }

    @Test
    void rejectsANullDeadLetterQueueOnceItWasSet() {
        assertRejected(() -> RetryPolicy.builder().onSameQueue(3, ONE_SECOND).thenDeadLetter(null).build(),
                "thenDeadLetter", "(null) must be a queue URL");
    }

    @Test
    void rejectsADeadLetterQueueThatIsAlsoARetryQueue() {
        assertRejected(() -> RetryPolicy.builder().onSameQueue(3, ONE_SECOND).thenQueue(RETRY_1, 3, ONE_SECOND)
                .thenDeadLetter(RETRY_1).build(), "thenDeadLetter", "(" + RETRY_1 + ") is also a retry queue");
    }

    @Test
    void defaultsAreFiveAttemptsOnTheSameQueueWithTheDefaultBackoffAndNoDeadLetterQueue() {
        RetryPolicy policy = RetryPolicy.defaults();

        assertThat(policy.tiers()).hasSize(1);
        RetryPolicy.Tier tier = policy.tiers().get(0);
        assertThat(tier.sameQueue()).isTrue();
        assertThat(tier.queueUrl()).isNull();
        assertThat(tier.attempts()).isEqualTo(RetryPolicy.DEFAULT_ATTEMPTS).isEqualTo(5);
        assertThat(tier.backoff()).isSameAs(RetryPolicy.DEFAULT_BACKOFF);
        assertThat(policy.deadLetterQueueUrl()).isEmpty();
        assertThat(policy.maxAttempts()).isEqualTo(5);
        assertThat(policy.usesRetryQueues()).isFalse();
    }

    @Test
    void theDefaultBackoffStartsAroundOneSecondAndDoubles() {
        for (int i = 0; i < 100; i++) {
            assertThat(RetryPolicy.DEFAULT_BACKOFF.delayAfter(1)).isBetween(Duration.ofMillis(500),
                    Duration.ofMillis(1500));
            assertThat(RetryPolicy.DEFAULT_BACKOFF.delayAfter(3)).isBetween(Duration.ofSeconds(2),
                    Duration.ofSeconds(6));
        }
    }

    @Test
    void maxAttemptsAddsUpEveryTier() {
        RetryPolicy policy = RetryPolicy.builder()
                .onSameQueue(3, ONE_SECOND)
                .thenQueue(RETRY_1, 2, ONE_SECOND)
                .thenQueue(RETRY_2, 4, ONE_SECOND)
                .thenDeadLetter(DLQ)
                .build();

        assertThat(policy.maxAttempts()).isEqualTo(9);
        assertThat(policy.deadLetterQueueUrl()).contains(DLQ);
        assertThat(policy.tiers()).extracting(RetryPolicy.Tier::queueUrl).containsExactly(null, RETRY_1, RETRY_2);
    }

    @Test
    void usesRetryQueuesOnlyWithAThenQueueTier() {
        assertThat(RetryPolicy.builder().onSameQueue(3, ONE_SECOND).thenDeadLetter(DLQ).build().usesRetryQueues())
                .isFalse();
        assertThat(RetryPolicy.builder().onSameQueue(3, ONE_SECOND).thenQueue(RETRY_1, 1, ONE_SECOND).build()
                .usesRetryQueues()).isTrue();
        assertThat(RetryPolicy.builder().thenQueue(RETRY_1, 1, ONE_SECOND).build().usesRetryQueues()).isTrue();
    }

    @Test
    void tiersCannotBeChangedAfterBuild() {
        RetryPolicy.Builder builder = RetryPolicy.builder().onSameQueue(3, ONE_SECOND);
        RetryPolicy policy = builder.build();
        builder.thenQueue(RETRY_1, 3, ONE_SECOND);

        assertThat(policy.tiers()).hasSize(1);
        assertThatThrownBy(() -> policy.tiers().add(new RetryPolicy.Tier(RETRY_2, 1, ONE_SECOND)))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void toStringReadsLikeTheBuilderCallsThatMadeThePolicy() {
        RetryPolicy policy = RetryPolicy.builder()
                .onSameQueue(3, Backoff.exponential(Duration.ofSeconds(1), 2.0, Duration.ofMinutes(5), 0.25))
                .thenQueue(RETRY_1, 2, Backoff.fixed(Duration.ofSeconds(30)))
                .thenDeadLetter(DLQ)
                .build();

        assertThat(policy.toString()).isEqualTo("RetryPolicy[onSameQueue(3, exponential(PT1S, x2.0, max PT5M, "
                + "jitter 0.25)), thenQueue(" + RETRY_1 + ", 2, fixed(PT30S)), thenDeadLetter(" + DLQ + ")]");
    }

    @Test
    void toStringOfThePolicyWithoutADeadLetterQueueListsOnlyTheTiers() {
        assertThat(RetryPolicy.defaults().toString())
                .isEqualTo("RetryPolicy[onSameQueue(5, exponential(PT1S, x2.0, max PT15M, jitter 0.5))]");
    }

    @Test
    void toStringDescribesALambdaBackoffByItsClassNotItsIdentity() {
        Backoff custom = attempt -> Duration.ofSeconds(attempt);

        String text = RetryPolicy.builder().onSameQueue(3, custom).build().toString();

        // a lambda's class is named after the class that declares it, e.g. RetryPolicyTest$$Lambda$42/0x...
        assertThat(text).startsWith("RetryPolicy[onSameQueue(3, custom(" + RetryPolicyTest.class.getName())
                .endsWith("))]")
                .doesNotContain("@")
                .doesNotContain("/");
    }

    @Test
    void toStringUsesTheToStringOfABackoffClassThatDeclaresOne() {
        Backoff described = new Backoff() {
            @Override
            public Duration delayAfter(int failedAttempt) {
                return Duration.ofSeconds(failedAttempt);
            }

            @Override
            public String toString() {
                return "linear(PT1S)";
            }
        };

        assertThat(RetryPolicy.builder().onSameQueue(3, described).build().toString())
                .isEqualTo("RetryPolicy[onSameQueue(3, linear(PT1S))]");
    }

    @Test
    void aTierDescribesItselfAsItsBuilderCall() {
        assertThat(new RetryPolicy.Tier(null, 4, ONE_SECOND)).hasToString("onSameQueue(4, fixed(PT1S))");
        assertThat(new RetryPolicy.Tier(RETRY_2, 1, ONE_SECOND))
                .hasToString("thenQueue(" + RETRY_2 + ", 1, fixed(PT1S))");
    }

    @Test
    void aPolicyRebuiltFromToBuilderHasTheSameTiersAndDeadLetterQueue() {
        RetryPolicy policy = RetryPolicy.builder().onSameQueue(3, ONE_SECOND).thenQueue(RETRY_1, 2, ONE_SECOND)
                .thenDeadLetter(DLQ).build();

        RetryPolicy rebuilt = policy.toBuilder().build();

        assertThat(rebuilt.tiers()).isEqualTo(policy.tiers());
        assertThat(rebuilt.deadLetterQueueUrl()).isEqualTo(policy.deadLetterQueueUrl());
        assertThat(rebuilt).hasToString(policy.toString());
    }

    @Test
    void changingAPolicysBuilderLeavesThePolicyUntouched() {
        RetryPolicy policy = RetryPolicy.builder().onSameQueue(3, ONE_SECOND).build();
        String before = policy.toString();

        RetryPolicy derived = policy.toBuilder().thenQueue(RETRY_1, 2, ONE_SECOND).thenDeadLetter(DLQ).build();

        assertThat(policy).hasToString(before);
        assertThat(policy.tiers()).hasSize(1);
        assertThat(policy.deadLetterQueueUrl()).isEmpty();
        assertThat(derived).hasToString("RetryPolicy[onSameQueue(3, fixed(PT1S)), thenQueue(" + RETRY_1
                + ", 2, fixed(PT1S)), thenDeadLetter(" + DLQ + ")]");
    }

    @Test
    void aBuilderFromToBuilderStillValidates() {
        RetryPolicy policy = RetryPolicy.builder().onSameQueue(3, ONE_SECOND).thenQueue(RETRY_1, 2, ONE_SECOND)
                .build();

        assertRejected(() -> policy.toBuilder().thenQueue(RETRY_1, 1, ONE_SECOND).build(), "thenQueue",
                "(" + RETRY_1 + ") names a retry queue twice");
        assertRejected(() -> policy.toBuilder().onSameQueue(1, ONE_SECOND).build(), "onSameQueue",
                "must be the first tier and appear once");
    }
}

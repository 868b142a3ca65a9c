package io.github.sqsreliable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;

import io.github.sqsreliable.internal.ConsumerSettings;
import io.github.sqsreliable.retry.Backoff;
import io.github.sqsreliable.retry.ErrorClassifier;
import io.github.sqsreliable.retry.RetryPolicy;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * The builder's failure-handling options: {@code errorClassifier}, {@code retryPolicy}, {@code retry(...)}, and
 * the checks {@code settings()} makes between the policy and the queue (FIFO or standard).
 */
class SqsConsumerRetryConfigTest {

    private static final String PREFIX = "https://sqs.us-east-1.amazonaws.com/123456789012/";
    private static final String QUEUE_URL = PREFIX + "orders";
    private static final String FIFO_QUEUE_URL = PREFIX + "orders.fifo";
    private static final String RETRY_URL = PREFIX + "orders-retry";
    private static final String DLQ_URL = PREFIX + "orders-dlq";
    private static final String FIFO_DLQ_URL = PREFIX + "orders-dlq.fifo";
    private static final Backoff ONE_SECOND = Backoff.fixed(Duration.ofSeconds(1));

    private final SqsAsyncClient client = mock(SqsAsyncClient.class);

    private SqsConsumer.Builder minimal(String queueUrl) {
        return SqsConsumer.builder().sqsClient(client).queueUrl(queueUrl).handler(message -> { });
    }

    private static void assertRejected(SqsConsumer.Builder builder, String field, String... shown) {
        ThrowingCallable settings = builder::settings;
        assertThatThrownBy(settings)
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageStartingWith(field + " ")
                .hasMessageContainingAll(shown)
                .satisfies(e -> assertThat(((InvalidConfigurationException) e).field()).isEqualTo(field));
        ThrowingCallable build = builder::build;
        assertThatThrownBy(build)
                .isInstanceOf(InvalidConfigurationException.class)
                .satisfies(e -> assertThat(((InvalidConfigurationException) e).field()).isEqualTo(field));
    }

    @Test
    void rejectsRetryQueuesOnAFifoQueue() {
        RetryPolicy policy = RetryPolicy.builder().onSameQueue(3, ONE_SECOND)
                .thenQueue(PREFIX + "orders-retry.fifo", 3, ONE_SECOND).thenDeadLetter(FIFO_DLQ_URL).build();

        assertRejected(minimal(FIFO_QUEUE_URL).retryPolicy(policy), "retryPolicy", "retry queues",
                "FIFO queues retry on the same queue only");
    }

    @Test
    void theErrorForRetryQueuesOnAFifoQueueShowsThePolicyAsItWasWritten() {
        // given a policy with a lambda backoff
        RetryPolicy policy = RetryPolicy.builder()
                .onSameQueue(3, Backoff.exponential(Duration.ofSeconds(1), 2.0))
                .thenQueue(PREFIX + "orders-retry.fifo", 2, attempt -> Duration.ofMinutes(attempt))
                .thenDeadLetter(FIFO_DLQ_URL).build();

        // when it is set on a FIFO queue, then the error reads like the builder calls, without lambda identities
        assertThatThrownBy(() -> minimal(FIFO_QUEUE_URL).retryPolicy(policy).build())
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageStartingWith("retryPolicy (RetryPolicy[onSameQueue(3, exponential(PT1S, x2.0, max PT15M, "
                        + "jitter 0.5)), thenQueue(" + PREFIX + "orders-retry.fifo, 2, custom("
                        + SqsConsumerRetryConfigTest.class.getName() + "$$Lambda")
                .hasMessageContaining(")), thenDeadLetter(" + FIFO_DLQ_URL + ")]) uses retry queues")
                .message().doesNotContain("@");
    }

    @Test
    void rejectsAStandardDeadLetterQueueForAFifoQueue() {
        RetryPolicy policy = RetryPolicy.builder().onSameQueue(3, ONE_SECOND).thenDeadLetter(DLQ_URL).build();

        assertRejected(minimal(FIFO_QUEUE_URL).retryPolicy(policy), "retryPolicy",
                "dead-letter queue (" + DLQ_URL + ") must be a FIFO queue", FIFO_QUEUE_URL);
    }

    @Test
    void rejectsAFifoDeadLetterQueueForAStandardQueue() {
        RetryPolicy policy = RetryPolicy.builder().onSameQueue(3, ONE_SECOND).thenDeadLetter(FIFO_DLQ_URL).build();

        assertRejected(minimal(QUEUE_URL).retryPolicy(policy), "retryPolicy",
                "dead-letter queue (" + FIFO_DLQ_URL + ") must be a standard queue", QUEUE_URL);
    }

    @Test
    void acceptsAFifoDeadLetterQueueForAFifoQueue() {
        ConsumerSettings settings = minimal(FIFO_QUEUE_URL)
                .retry(r -> r.onSameQueue(3, ONE_SECOND).thenDeadLetter(FIFO_DLQ_URL))
                .settings();

        assertThat(settings.retryPolicy().deadLetterQueueUrl()).contains(FIFO_DLQ_URL);
    }

    @Test
    void acceptsRetryQueuesAndAStandardDeadLetterQueueOnAStandardQueue() {
        ConsumerSettings settings = minimal(QUEUE_URL)
                .retry(r -> r.onSameQueue(3, ONE_SECOND).thenQueue(RETRY_URL, 2, ONE_SECOND).thenDeadLetter(DLQ_URL))
                .settings();

        assertThat(settings.retryPolicy().usesRetryQueues()).isTrue();
        assertThat(settings.retryPolicy().maxAttempts()).isEqualTo(5);
    }

    @Test
    void retryDescribesThePolicyInPlaceAndBuildsItAtBuildTime() {
        // given a customizer that counts its calls
        AtomicInteger calls = new AtomicInteger();
        SqsConsumer.Builder builder = minimal(QUEUE_URL).retry(r -> {
            calls.incrementAndGet();
            r.onSameQueue(4, ONE_SECOND).thenDeadLetter(DLQ_URL);
        });
        assertThat(calls).hasValue(0);

        // when
        ConsumerSettings settings = builder.settings();

        // then
        assertThat(calls).hasValue(1);
        RetryPolicy policy = settings.retryPolicy();
        assertThat(policy.tiers()).singleElement().satisfies(tier -> {
            assertThat(tier.sameQueue()).isTrue();
            assertThat(tier.attempts()).isEqualTo(4);
            assertThat(tier.backoff()).isSameAs(ONE_SECOND);
        });
        assertThat(policy.deadLetterQueueUrl()).contains(DLQ_URL);
    }

    @Test
    void theRetryPolicysOwnValidationErrorSurfacesFromBuild() {
        assertRejected(minimal(QUEUE_URL).retry(r -> r.onSameQueue(0, ONE_SECOND)), "onSameQueue", "attempts (0)");
        assertRejected(minimal(QUEUE_URL).retry(r -> { }), "retryPolicy", "must have at least one tier");
        assertRejected(minimal(QUEUE_URL).retry(r -> r.onSameQueue(3, ONE_SECOND).thenDeadLetter("dlq")),
                "thenDeadLetter", "(dlq)");
    }

    @Test
    void retryPolicyReplacesAnEarlierRetryAndViceVersa() {
        RetryPolicy explicit = RetryPolicy.builder().onSameQueue(2, ONE_SECOND).build();

        ConsumerSettings policyLast = minimal(QUEUE_URL)
                .retry(r -> r.onSameQueue(7, ONE_SECOND))
                .retryPolicy(explicit)
                .settings();
        ConsumerSettings retryLast = minimal(QUEUE_URL)
                .retryPolicy(explicit)
                .retry(r -> r.onSameQueue(7, ONE_SECOND))
                .settings();

        assertThat(policyLast.retryPolicy()).isSameAs(explicit);
        assertThat(retryLast.retryPolicy().maxAttempts()).isEqualTo(7);
    }

    @Test
    void rejectsANullErrorClassifier() {
        assertRejected(minimal(QUEUE_URL).errorClassifier(null), "errorClassifier", "must not be null");
    }

    @Test
    void keepsTheGivenErrorClassifier() {
        ErrorClassifier classifier = ErrorClassifier.builder().permanentOn(IllegalArgumentException.class).build();

        assertThat(minimal(QUEUE_URL).errorClassifier(classifier).settings().errorClassifier()).isSameAs(classifier);
    }

    @Test
    void defaultsToTheDefaultClassifierAndADefaultsEquivalentPolicy() {
        ConsumerSettings settings = minimal(QUEUE_URL).settings();

        assertThat(settings.errorClassifier()).isSameAs(ErrorClassifier.defaults());
        RetryPolicy policy = settings.retryPolicy();
        RetryPolicy defaults = RetryPolicy.defaults();
        assertThat(policy.tiers()).hasSize(1);
        assertThat(policy.tiers().get(0).sameQueue()).isTrue();
        assertThat(policy.tiers().get(0).attempts()).isEqualTo(defaults.tiers().get(0).attempts()).isEqualTo(5);
        assertThat(policy.tiers().get(0).backoff()).isSameAs(RetryPolicy.DEFAULT_BACKOFF);
        assertThat(policy.deadLetterQueueUrl()).isEqualTo(defaults.deadLetterQueueUrl()).isEmpty();
        assertThat(policy.maxAttempts()).isEqualTo(defaults.maxAttempts());
        assertThat(policy.usesRetryQueues()).isFalse();
        assertThat(policy.toString()).isEqualTo(defaults.toString());
    }

    @Test
    void theDefaultPolicyIsAcceptedOnAFifoQueue() {
        ConsumerSettings settings = minimal(FIFO_QUEUE_URL).settings();

        assertThat(settings.retryPolicy().usesRetryQueues()).isFalse();
        assertThat(settings.retryPolicy().deadLetterQueueUrl()).isEmpty();
    }
}

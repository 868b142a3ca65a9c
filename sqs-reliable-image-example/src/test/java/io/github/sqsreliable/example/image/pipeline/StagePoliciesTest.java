package io.github.sqsreliable.example.image.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.sqsreliable.example.image.faults.StorageThrottledException;
import io.github.sqsreliable.idempotency.Idempotency;
import io.github.sqsreliable.idempotency.InMemoryIdempotencyStore;
import io.github.sqsreliable.retry.FailureKind;
import io.github.sqsreliable.retry.PermanentFailureException;
import io.github.sqsreliable.retry.RetryPolicy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The policies both forms of the example run with, as docs/example-image-pipeline.md states them. */
class StagePoliciesTest {

    private static final String RESIZE_DLQ = "http://localhost/000000000000/resize-dlq.fifo";
    private static final String CATALOG_RETRY = "http://localhost/000000000000/catalog-retry";
    private static final String CATALOG_DLQ = "http://localhost/000000000000/catalog-dlq";

    private final StagePolicies policies = StagePolicies.defaults();

    @Test
    void resizeRetries30TimesOnItsQueueThenDeadLetters() {
        RetryPolicy resize = policies.resize(RESIZE_DLQ);

        assertThat(resize.tiers()).singleElement().satisfies(tier -> {
            assertThat(tier.sameQueue()).isTrue();
            assertThat(tier.attempts()).isEqualTo(30);
        });
        assertThat(resize.deadLetterQueueUrl()).contains(RESIZE_DLQ);
    }

    @Test
    void catalogTriesTwiceOnItsQueueThenSixTimesOnTheRetryQueueThenDeadLetters() {
        RetryPolicy catalog = policies.catalog(CATALOG_RETRY, CATALOG_DLQ);

        assertThat(catalog.tiers()).hasSize(2);
        assertThat(catalog.tiers().get(0).sameQueue()).isTrue();
        assertThat(catalog.tiers().get(0).attempts()).isEqualTo(2);
        assertThat(catalog.tiers().get(1).queueUrl()).isEqualTo(CATALOG_RETRY);
        assertThat(catalog.tiers().get(1).attempts()).isEqualTo(6);
        assertThat(catalog.deadLetterQueueUrl()).contains(CATALOG_DLQ);
    }

    @Test
    void theBackoffStartsAtTheRetryBackoffDoublesWithJitterAndIsCappedAt8Seconds() {
        assertThat(policies.resize(RESIZE_DLQ).toString()).contains("exponential(PT1S, x2.0, max PT8S, jitter 0.5)");
        assertThat(StagePolicies.withRetryBackoff(Duration.ofSeconds(10)).resize(RESIZE_DLQ).toString())
                .contains("exponential(PT10S, x2.0, max PT10S, jitter 0.5)");
    }

    @Test
    void throttledStorageIsTransientAndAPermanentFailureStaysPermanent() {
        assertThat(policies.errorClassifier().classify(new StorageThrottledException("blob get x"), null))
                .isEqualTo(FailureKind.TRANSIENT);
        assertThat(policies.errorClassifier().classify(new PermanentFailureException("corrupt"), null))
                .isEqualTo(FailureKind.PERMANENT);
    }

    @Test
    void theCatalogIsIdempotentInTheImageCatalogNamespace() {
        Idempotency idempotency = policies.catalogIdempotency(InMemoryIdempotencyStore.create());

        assertThat(idempotency.namespace()).isEqualTo("image-catalog");
    }

    @Test
    void aRetryBackoffMustBePositive() {
        assertThatThrownBy(() -> StagePolicies.withRetryBackoff(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("retryBackoff (PT0S) must be positive");
    }
}

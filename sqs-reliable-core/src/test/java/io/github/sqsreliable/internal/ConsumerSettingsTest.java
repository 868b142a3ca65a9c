package io.github.sqsreliable.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqsreliable.idempotency.Idempotency;
import io.github.sqsreliable.idempotency.InMemoryIdempotencyStore;
import io.github.sqsreliable.retry.ErrorClassifier;
import io.github.sqsreliable.retry.RetryPolicy;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/** {@link ConsumerSettings#toBuilder()} and the retry-queue settings derived with it. */
class ConsumerSettingsTest {

    private static final String QUEUE = "https://sqs.us-east-1.amazonaws.com/123456789012/orders";
    private static final String RETRY = "https://sqs.us-east-1.amazonaws.com/123456789012/orders-retry-1";

    private static ConsumerSettings.Builder origin() {
        return ConsumerSettings.builder()
                .queueUrl(QUEUE)
                .queueName("orders")
                .handler(message -> { })
                .name("orders")
                .maxConcurrency(8)
                .prefetch(4)
                .pollers(2)
                .waitTime(Duration.ofSeconds(20))
                .visibilityTimeout(Duration.ofSeconds(30))
                .maxProcessingTime(Duration.ofMinutes(5))
                .shutdownTimeout(Duration.ofSeconds(30))
                .batchFlushInterval(Duration.ofMillis(100))
                .listeners(List.of())
                .errorClassifier(ErrorClassifier.defaults())
                .retryPolicy(RetryPolicy.defaults())
                .consumeRetryQueues(true)
                .systemAttributes(List.of(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT))
                .maxHeldBytes(64L << 20)
                .maxHeldBytesSet(true);
    }

    @Test
    void toBuilderBuildsEqualSettings() {
        ConsumerSettings settings = origin().build();

        assertThat(settings.toBuilder().build()).isEqualTo(settings);
    }

    @Test
    void retryQueueSettingsDifferOnlyInQueueNameAndRetryQueueConsumption() {
        ConsumerSettings settings = origin().build();

        ConsumerSettings retry = settings.forRetryQueue(RETRY, 1);

        assertThat(retry.queueUrl()).isEqualTo(RETRY);
        assertThat(retry.queueName()).isEqualTo("orders-retry-1");
        assertThat(retry.name()).isEqualTo("orders-retry-1");
        assertThat(retry.consumeRetryQueues()).isFalse();
        assertThat(retry.toBuilder().queueUrl(QUEUE).queueName("orders").name("orders").consumeRetryQueues(true)
                .build()).isEqualTo(settings);
    }

    @Test
    void retryQueueSettingsKeepTheOriginsIdempotencyNamespace() {
        Idempotency idempotency = Idempotency.builder().store(InMemoryIdempotencyStore.create()).build();
        ConsumerSettings settings = origin().idempotency(idempotency).build();

        ConsumerSettings retry = settings.forRetryQueue(RETRY, 1);

        assertThat(retry.idempotency().namespace()).isEqualTo("orders");
        assertThat(retry.idempotency().store()).isSameAs(idempotency.store());
        assertThat(settings.idempotency()).isSameAs(idempotency);
    }
}

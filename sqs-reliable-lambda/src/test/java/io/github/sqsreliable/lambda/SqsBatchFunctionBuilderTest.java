package io.github.sqsreliable.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.sqsreliable.InvalidConfigurationException;
import io.github.sqsreliable.MessageHandler;
import io.github.sqsreliable.retry.Backoff;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SqsBatchFunctionBuilderTest {

    private static final MessageHandler HANDLER = message -> { };

    @Test
    void buildsWithAHandlerAlone() {
        assertThat(SqsBatchFunction.builder().handler(HANDLER).build()).isNotNull();
    }

    @Test
    void namesTheMissingHandler() {
        assertThatThrownBy(() -> SqsBatchFunction.builder().build())
                .isInstanceOf(InvalidConfigurationException.class)
                .extracting(e -> ((InvalidConfigurationException) e).field()).isEqualTo("handler");
    }

    @Test
    void rejectsBothHandlers() {
        assertThatThrownBy(() -> SqsBatchFunction.builder().handler(HANDLER)
                .batchHandler(messages -> io.github.sqsreliable.BatchResult.success()).build())
                .isInstanceOf(InvalidConfigurationException.class)
                .extracting(e -> ((InvalidConfigurationException) e).field()).isEqualTo("batchHandler");
    }

    @Test
    void namesEachRejectedField() {
        assertField(SqsBatchFunction.builder().handler(HANDLER).maxConcurrency(0), "maxConcurrency");
        assertField(SqsBatchFunction.builder().handler(HANDLER).maxConcurrency(11), "maxConcurrency");
        assertField(SqsBatchFunction.builder().handler(HANDLER).timeoutMargin(Duration.ofSeconds(-1)),
                "timeoutMargin");
        assertField(SqsBatchFunction.builder().handler(HANDLER).timeoutMargin(Duration.ofMinutes(15)),
                "timeoutMargin");
        assertField(SqsBatchFunction.builder().handler(HANDLER).name(" "), "name");
        assertField(SqsBatchFunction.builder().handler(HANDLER).errorClassifier(null), "errorClassifier");
        assertField(SqsBatchFunction.builder().handler(HANDLER).retryPolicy(null), "retryPolicy");
        assertField(SqsBatchFunction.builder().handler(HANDLER).queueUrl("orders"), "queueUrl");
        assertThatThrownBy(() -> SqsBatchFunction.builder().handler(HANDLER).retry(r -> r.onSameQueue(0,
                Backoff.fixed(Duration.ofSeconds(1)))).build())
                .isInstanceOf(InvalidConfigurationException.class)
                .extracting(e -> ((InvalidConfigurationException) e).field()).isEqualTo("onSameQueue");
        assertThatThrownBy(() -> SqsBatchFunction.builder().listener(null))
                .isInstanceOf(InvalidConfigurationException.class)
                .extracting(e -> ((InvalidConfigurationException) e).field()).isEqualTo("listener");
    }

    @Test
    void aSubclassIsConfiguredThroughTheSameBuilder() {
        class OrdersFunction extends SqsBatchFunction {
            OrdersFunction() {
                super(SqsBatchFunction.builder().handler(HANDLER).maxConcurrency(4));
            }
        }
        assertThat(new OrdersFunction().metrics().received()).isZero();
    }

    private static void assertField(SqsBatchFunction.Builder builder, String field) {
        assertThatThrownBy(builder::build)
                .isInstanceOf(InvalidConfigurationException.class)
                .extracting(e -> ((InvalidConfigurationException) e).field()).isEqualTo(field);
    }
}

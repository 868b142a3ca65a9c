package io.github.sqsreliable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

import io.github.sqsreliable.internal.ConsumerSettings;
import io.github.sqsreliable.internal.handle.HandlerInvoker;
import io.github.sqsreliable.internal.handle.HandlerResult;
import io.github.sqsreliable.observe.MessageTracing;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/** The {@code tracing} option: off by default, asking SQS for AWSTraceHeader only when on. */
class SqsConsumerTracingTest {

    private static final String QUEUE_URL = "https://sqs.eu-west-1.amazonaws.com/123456789012/orders";
    private static final SqsMessage MESSAGE = SqsMessage.builder().queueUrl(QUEUE_URL).messageId("m").body("b").build();

    private final SqsAsyncClient client = mock(SqsAsyncClient.class);

    /** Counts every call the pipeline makes. */
    private static final class CountingTracing implements MessageTracing {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public Span startMessage(SqsMessage message) {
            calls.incrementAndGet();
            return MessageTracing.none().startMessage(message);
        }

        @Override
        public Span startBatch(List<SqsMessage> messages) {
            calls.incrementAndGet();
            return MessageTracing.none().startBatch(messages);
        }
    }

    private SqsConsumer.Builder minimal() {
        return SqsConsumer.builder().sqsClient(client).queueUrl(QUEUE_URL).handler(message -> { });
    }

    @Test
    void tracingIsOffByDefaultAndNullTurnsItOff() {
        assertThat(minimal().settings().tracing()).isSameAs(MessageTracing.none());
        assertThat(minimal().tracing(new CountingTracing()).tracing(null).settings().tracing())
                .isSameAs(MessageTracing.none());
    }

    @Test
    void theAwsTraceHeaderIsAskedForOnlyWithTracingOn() {
        ConsumerSettings off = minimal().settings();
        ConsumerSettings on = minimal().tracing(new CountingTracing()).settings();

        assertThat(off.systemAttributes()).doesNotContain(MessageSystemAttributeName.AWS_TRACE_HEADER);
        assertThat(on.systemAttributes()).contains(MessageSystemAttributeName.AWS_TRACE_HEADER);
        assertThat(minimal().tracing(new CountingTracing()).systemAttributes(MessageSystemAttributeName.ALL).settings()
                .systemAttributes()).containsExactly(MessageSystemAttributeName.ALL);
    }

    @Test
    void retryQueueEnginesTraceWithTheSameTracing() {
        CountingTracing tracing = new CountingTracing();
        ConsumerSettings settings = minimal().tracing(tracing).settings();

        assertThat(settings.forRetryQueue("https://sqs.eu-west-1.amazonaws.com/123456789012/orders-retry", 1).tracing())
                .isSameAs(tracing);
    }

    @Test
    void withTracingOffAHandlerCallAllocatesNoSpan() {
        HandlerInvoker invoker = new HandlerInvoker(message -> { }, null, "orders", MessageTracing.none());

        HandlerResult first = invoker.invoke(MESSAGE);
        HandlerResult second = invoker.invoke(MESSAGE);

        // one shared no-op span, scope and tracing: nothing per call
        assertThat(first.span()).isSameAs(second.span()).isSameAs(MessageTracing.none());
        assertThat(first.span().makeCurrent()).isSameAs(second.span().makeCurrent());
        assertThat(first.span().copyContext()).isNull();
    }

    @Test
    void theInvokerStartsOneSpanPerCall() {
        CountingTracing tracing = new CountingTracing();
        HandlerInvoker invoker = new HandlerInvoker(message -> { }, messages -> BatchResult.success(), "orders",
                tracing);

        invoker.invoke(MESSAGE);
        invoker.invokeBatch(List.of(MESSAGE, MESSAGE));

        assertThat(tracing.calls).hasValue(2);
    }
}

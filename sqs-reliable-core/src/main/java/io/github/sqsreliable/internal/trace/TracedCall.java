package io.github.sqsreliable.internal.trace;

import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.observe.MessageTracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The OpenTelemetry span of one handler call. Thread-safe as OpenTelemetry spans are: started and ended on the
 * worker, its {@link #copyContext()} read later by the thread that sends a copy.
 */
public final class TracedCall implements MessageTracing.Span {

    private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();

    private final Span span;
    private volatile MessageTracing.CopyContext copyContext;

    TracedCall(Span span) {
        this.span = span;
    }

    @Override
    public MessageTracing.Scope makeCurrent() {
        io.opentelemetry.context.Scope scope = span.makeCurrent();
        return scope::close;
    }

    @Override
    public void messageFailed(SqsMessage message, MessageTracing.Outcome outcome, Throwable error) {
        Attributes attributes = Attributes.of(SpanAttributes.MESSAGE_ID, message.messageId(),
                SpanAttributes.OUTCOME, outcome.value());
        if (error != null) {
            span.recordException(error, attributes);
        } else {
            span.addEvent("message failed", attributes);
        }
    }

    @Override
    public void end(MessageTracing.Outcome outcome, Throwable error) {
        span.setAttribute(SpanAttributes.OUTCOME, outcome.value());
        if (error != null) {
            span.setAttribute(SpanAttributes.ERROR_TYPE, error.getClass().getName());
            span.setStatus(StatusCode.ERROR, String.valueOf(error.getMessage()));
            span.recordException(error);
        } else if (outcome == MessageTracing.Outcome.MIXED) {
            span.setStatus(StatusCode.ERROR, "some messages of the batch failed");
        }
        span.end();
    }

    @Override
    public MessageTracing.CopyContext copyContext() {
        MessageTracing.CopyContext context = copyContext;
        if (context == null) {
            context = copyContextOf(span.getSpanContext());
            copyContext = context;
        }
        return context;
    }

    /** @return what a copy sent on behalf of a span with this context carries; null for an invalid context */
    static MessageTracing.CopyContext copyContextOf(SpanContext spanContext) {
        if (!spanContext.isValid()) {
            return null;
        }
        Map<String, String> w3c = new LinkedHashMap<>();
        W3C.inject(Context.root().with(Span.wrap(spanContext)), w3c, (carrier, key, value) -> carrier.put(key, value));
        String xray = new XrayTraceHeader(spanContext.getTraceId(), spanContext.getSpanId(), spanContext.isSampled())
                .format();
        return new MessageTracing.CopyContext(xray, w3c, Set.copyOf(W3C.fields()));
    }

    /** The name of the attribute holding the message's ApproximateReceiveCount. */
    public static final String RECEIVE_COUNT_NAME = "sqs_reliable.receive_count";
    /** The name of the attribute holding {@link MessageTracing.Outcome#value()}. */
    public static final String OUTCOME_NAME = "sqs_reliable.outcome";

    /** The attribute keys of consumer spans. */
    static final class SpanAttributes {
        static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
        static final AttributeKey<String> OPERATION_TYPE = AttributeKey.stringKey("messaging.operation.type");
        static final AttributeKey<String> OPERATION_NAME = AttributeKey.stringKey("messaging.operation.name");
        static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
        static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");
        static final AttributeKey<Long> BATCH_COUNT = AttributeKey.longKey("messaging.batch.message_count");
        static final AttributeKey<Long> RECEIVE_COUNT = AttributeKey.longKey(RECEIVE_COUNT_NAME);
        static final AttributeKey<String> OUTCOME = AttributeKey.stringKey(OUTCOME_NAME);
        static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

        private SpanAttributes() {
        }
    }
}

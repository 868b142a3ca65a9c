package io.github.sqsreliable.internal.trace;

import io.github.sqsreliable.SqsMessage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Reads the trace context a message arrived with: the W3C {@code traceparent} (and {@code tracestate}) message
 * attributes first, else the X-Ray {@code AWSTraceHeader} system attribute. A malformed value is ignored (logged at
 * DEBUG), never fatal.
 */
final class ReceivedContext {

    /** The system attribute SQS sets from the sender's X-Ray header. */
    static final String AWS_TRACE_HEADER = "AWSTraceHeader";

    private static final Logger log = LoggerFactory.getLogger(ReceivedContext.class);
    private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();

    private ReceivedContext() {
    }

    /** Reads String message attributes; binary ones carry no trace context. */
    private static final TextMapGetter<Map<String, MessageAttributeValue>> ATTRIBUTES = new TextMapGetter<>() {
        @Override
        public String get(Map<String, MessageAttributeValue> carrier, String key) {
            if (carrier == null) {
                return null;
            }
            MessageAttributeValue value = carrier.get(key);
            return value == null ? null : value.stringValue();
        }
    };

    /**
     * @param message a received message
     * @return the remote span context it carries, or empty
     */
    static Optional<SpanContext> of(SqsMessage message) {
        Map<String, MessageAttributeValue> attributes = message.messageAttributes();
        if (attributes.containsKey("traceparent")) {
            SpanContext w3c = Span.fromContext(W3C.extract(Context.root(), attributes, ATTRIBUTES)).getSpanContext();
            if (w3c.isValid()) {
                return Optional.of(w3c);
            }
            log.debug("message {}: ignoring its malformed traceparent message attribute", message.messageId());
        }
        String header = message.attributes().get(AWS_TRACE_HEADER);
        if (header == null) {
            return Optional.empty();
        }
        Optional<XrayTraceHeader> xray = XrayTraceHeader.parse(header);
        if (xray.isEmpty()) {
            log.debug("message {}: ignoring its malformed {} system attribute", message.messageId(), AWS_TRACE_HEADER);
            return Optional.empty();
        }
        XrayTraceHeader parsed = xray.get();
        return Optional.of(SpanContext.createFromRemoteParent(parsed.traceId(), parsed.spanId(),
                parsed.sampled() ? TraceFlags.getSampled() : TraceFlags.getDefault(), TraceState.getDefault()));
    }
}

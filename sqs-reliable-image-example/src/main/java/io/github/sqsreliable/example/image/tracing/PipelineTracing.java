package io.github.sqsreliable.example.image.tracing;

import io.github.sqsreliable.observe.MessageTracing;
import io.github.sqsreliable.tracing.OpenTelemetryTracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Tracing for the pipeline, off or recording in memory. Consumers trace each handler call through
 * {@link #messageTracing()} (the library's {@link OpenTelemetryTracing}); the pipeline's own sends (an upload to
 * the resize queue, a resized image to the catalog queue) go through {@link #send}, which opens a producer span and
 * puts its context in the message's {@code traceparent} attribute, so that one trace runs from the upload to the
 * catalog, retries and dead letters included.
 */
public final class PipelineTracing implements AutoCloseable {

    /** The attribute naming the image on the pipeline's send spans. */
    public static final AttributeKey<String> IMAGE_ID = AttributeKey.stringKey("image.id");
    private static final String SCOPE = "io.github.sqsreliable.example.image";
    private static final PipelineTracing OFF = new PipelineTracing(null, null);

    private final OpenTelemetrySdk sdk;
    private final RecordedSpans spans;

    private PipelineTracing(OpenTelemetrySdk sdk, RecordedSpans spans) {
        this.sdk = sdk;
        this.spans = spans;
    }

    /** @return tracing that traces nothing and costs nothing */
    public static PipelineTracing off() {
        return OFF;
    }

    /**
     * @param maxSpans the most spans kept; the oldest go first
     * @return tracing that keeps the spans in memory
     */
    public static PipelineTracing recording(int maxSpans) {
        RecordedSpans spans = new RecordedSpans(maxSpans);
        OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans))
                        .build())
                .build();
        return new PipelineTracing(sdk, spans);
    }

    /** @return whether spans are recorded */
    public boolean enabled() {
        return sdk != null;
    }

    /** @return what the consumers' builders take in {@code tracing(...)} */
    public MessageTracing messageTracing() {
        return sdk == null ? MessageTracing.none() : OpenTelemetryTracing.create(sdk);
    }

    /**
     * Sends a message about an image inside a producer span, child of the span current on this thread (a handler
     * call's, when a stage sends on).
     *
     * @param queueUrl where the message goes
     * @param imageId the image it is about
     * @param send sends the message with the given message attributes added (the trace context; none when off)
     * @param <T> what the send returns
     * @return what the send returned
     */
    public <T> T send(String queueUrl, String imageId, Function<Map<String, MessageAttributeValue>, T> send) {
        if (sdk == null) {
            return send.apply(Map.of());
        }
        String queue = queueUrl.substring(queueUrl.lastIndexOf('/') + 1);
        Span span = sdk.getTracer(SCOPE).spanBuilder(queue + " send")
                .setSpanKind(SpanKind.PRODUCER)
                .setAttribute("messaging.system", "aws_sqs")
                .setAttribute("messaging.operation.type", "send")
                .setAttribute("messaging.destination.name", queue)
                .setAttribute(IMAGE_ID, imageId)
                .startSpan();
        Scope scope = span.makeCurrent();
        try {
            Map<String, MessageAttributeValue> attributes = new HashMap<>();
            W3CTraceContextPropagator.getInstance().inject(Context.current(), attributes, (carrier, key, value) ->
                    carrier.put(key, MessageAttributeValue.builder().dataType("String").stringValue(value).build()));
            return send.apply(Map.copyOf(attributes));
        } catch (RuntimeException e) {
            span.recordException(e);
            span.setStatus(StatusCode.ERROR);
            throw e;
        } finally {
            scope.close();
            span.end();
        }
    }

    /**
     * @param imageId an uploaded image
     * @return the spans of the trace its upload began, or empty when it has none (tracing off, or forgotten)
     */
    public List<SpanData> traceOf(String imageId) {
        if (spans == null) {
            return List.of();
        }
        List<SpanData> recorded = spans.all();
        Optional<String> traceId = recorded.stream()
                .filter(span -> imageId.equals(span.getAttributes().get(IMAGE_ID)))
                .filter(span -> !span.getParentSpanContext().isValid())
                .map(SpanData::getTraceId)
                .findFirst();
        return traceId.map(id -> recorded.stream().filter(span -> span.getTraceId().equals(id)).toList())
                .orElse(List.of());
    }

    @Override
    public void close() {
        if (sdk != null) {
            sdk.close();
        }
    }
}

package io.github.sqsreliable.tracing;

import io.github.sqsreliable.internal.trace.OpenTelemetrySpans;
import io.github.sqsreliable.internal.trace.TracedCall;
import io.github.sqsreliable.observe.MessageTracing;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.TracerBuilder;
import java.util.Objects;

/**
 * Traces consumers and Lambda functions with OpenTelemetry: a CONSUMER span per handler call, parented by the trace
 * context the message arrived with, and that context handed on to every copy the library sends.
 *
 * <pre>{@code
 * SqsConsumer consumer = SqsConsumer.builder()
 *         .sqsClient(sqs)
 *         .queueUrl(queueUrl)
 *         .handler(handler)
 *         .tracing(OpenTelemetryTracing.create(openTelemetry))
 *         .build();
 * }</pre>
 *
 * <p>What is read: the W3C {@code traceparent} and {@code tracestate} message attributes, else the X-Ray
 * {@code AWSTraceHeader} system attribute (which the consumer then asks SQS for). A malformed value is ignored. Spans
 * are named {@code "<queue name> process"}, with the messaging semantic conventions' attributes
 * ({@code messaging.system=aws_sqs}, {@code messaging.operation.type=process}, {@code messaging.operation.name=process},
 * {@code messaging.destination.name}, {@code messaging.message.id} or {@code messaging.batch.message_count}) and
 * this library's {@value #RECEIVE_COUNT_ATTRIBUTE} and {@value #OUTCOME_ATTRIBUTE}. See docs/tracing.md.
 *
 * <p>This is the only class that needs {@code io.opentelemetry:opentelemetry-api} at run time. Instances are
 * immutable and thread-safe.
 */
public final class OpenTelemetryTracing {

    /** The instrumentation scope of the spans: {@value}. */
    public static final String INSTRUMENTATION_SCOPE = "io.github.sqsreliable";
    /** The span attribute holding the message's {@code ApproximateReceiveCount}: {@value}. */
    public static final String RECEIVE_COUNT_ATTRIBUTE = TracedCall.RECEIVE_COUNT_NAME;
    /**
     * The span attribute saying what became of the message(s), one of the
     * {@link MessageTracing.Outcome#value() outcome values}: {@value}.
     */
    public static final String OUTCOME_ATTRIBUTE = TracedCall.OUTCOME_NAME;

    private OpenTelemetryTracing() {
    }

    /**
     * @param openTelemetry where the spans go; its tracer provider decides sampling and export
     * @return tracing for {@code SqsConsumer.Builder#tracing} and {@code SqsBatchFunction.Builder#tracing}
     * @throws NullPointerException if {@code openTelemetry} is null
     */
    public static MessageTracing create(OpenTelemetry openTelemetry) {
        Objects.requireNonNull(openTelemetry, "openTelemetry");
        TracerBuilder tracer = openTelemetry.tracerBuilder(INSTRUMENTATION_SCOPE);
        String version = OpenTelemetryTracing.class.getPackage().getImplementationVersion();
        if (version != null) {
            tracer.setInstrumentationVersion(version);
        }
        return new OpenTelemetrySpans(tracer.build());
    }

    /**
     * @return tracing with {@link GlobalOpenTelemetry#get()}, as set by the OpenTelemetry Java agent or the
     *     application at start-up
     */
    public static MessageTracing global() {
        return create(GlobalOpenTelemetry.get());
    }
}

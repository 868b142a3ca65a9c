package io.github.sqsreliable.internal.trace;

import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.internal.trace.TracedCall.SpanAttributes;
import io.github.sqsreliable.observe.MessageTracing;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.util.List;
import java.util.Optional;

/**
 * Starts consumer spans as the messaging semantic conventions describe them: kind CONSUMER, named
 * {@code "<queue name> process"}; a single message's received context is the parent, a batch's contexts are links.
 */
public final class OpenTelemetrySpans implements MessageTracing {

    /** The system SQS is in the messaging semantic conventions. */
    static final String AWS_SQS = "aws_sqs";
    static final String PROCESS = "process";

    private final Tracer tracer;

    /** @param tracer where spans are started */
    public OpenTelemetrySpans(Tracer tracer) {
        this.tracer = tracer;
    }

    @Override
    public Span startMessage(SqsMessage message) {
        SpanBuilder builder = builder(message);
        Optional<SpanContext> received = ReceivedContext.of(message);
        // Without a received context, the thread's current context (none on the consumer's own threads; the
        // invocation's span in an instrumented Lambda function) is the parent.
        builder.setParent(received.map(parent -> Context.root().with(io.opentelemetry.api.trace.Span.wrap(parent)))
                .orElseGet(Context::current));
        builder.setAttribute(SpanAttributes.MESSAGE_ID, message.messageId());
        int receiveCount = message.receiveCount();
        if (receiveCount > 0) {
            builder.setAttribute(SpanAttributes.RECEIVE_COUNT, (long) receiveCount);
        }
        return new TracedCall(builder.startSpan());
    }

    @Override
    public Span startBatch(List<SqsMessage> messages) {
        SpanBuilder builder = builder(messages.get(0));
        builder.setParent(Context.current());
        builder.setAttribute(SpanAttributes.BATCH_COUNT, (long) messages.size());
        for (SqsMessage message : messages) {
            ReceivedContext.of(message).ifPresent(context -> builder.addLink(context,
                    Attributes.of(SpanAttributes.MESSAGE_ID, message.messageId())));
        }
        return new TracedCall(builder.startSpan());
    }

    @Override
    public CopyContext currentContext() {
        return TracedCall.copyContextOf(io.opentelemetry.api.trace.Span.current().getSpanContext());
    }

    private SpanBuilder builder(SqsMessage message) {
        String queueUrl = message.queueUrl();
        String queueName = queueUrl == null ? "unknown" : queueUrl.substring(queueUrl.lastIndexOf('/') + 1);
        return tracer.spanBuilder(queueName + " " + PROCESS)
                .setSpanKind(SpanKind.CONSUMER)
                .setAttribute(SpanAttributes.SYSTEM, AWS_SQS)
                .setAttribute(SpanAttributes.OPERATION_TYPE, PROCESS)
                .setAttribute(SpanAttributes.OPERATION_NAME, PROCESS)
                .setAttribute(SpanAttributes.DESTINATION, queueName);
    }

    @Override
    public String toString() {
        return "OpenTelemetrySpans[" + tracer + "]";
    }
}

/**
 * The OpenTelemetry implementation of {@link io.github.sqsreliable.observe.MessageTracing}: reading a message's
 * received context (W3C {@code traceparent}, X-Ray {@code AWSTraceHeader}), the consumer spans, and the context a
 * copy carries. Only {@link io.github.sqsreliable.tracing.OpenTelemetryTracing} loads these classes, so the
 * OpenTelemetry API is needed at run time only by those who use it.
 */
package io.github.sqsreliable.internal.trace;

/**
 * OpenTelemetry tracing for consumers and Lambda functions: {@link io.github.sqsreliable.tracing.OpenTelemetryTracing}.
 * The only package that needs {@code io.opentelemetry:opentelemetry-api} on the class path, an optional dependency
 * of sqs-reliable-core. See docs/tracing.md.
 */
package io.github.sqsreliable.tracing;

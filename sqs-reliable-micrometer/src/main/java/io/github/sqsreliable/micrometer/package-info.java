/**
 * Metrics for sqs-reliable: {@link io.github.sqsreliable.micrometer.SqsReliableMeters#bindTo} binds a polling
 * consumer or a Lambda function to a Micrometer {@code MeterRegistry} (and through Micrometer's CloudWatch registry to
 * CloudWatch); {@link io.github.sqsreliable.micrometer.SqsReliableMeters#emf()} writes the same metrics, under the
 * same CloudWatch names, in the Embedded Metric Format from a Lambda function. The meters are listed in
 * {@code docs/metrics.md}.
 */
package io.github.sqsreliable.micrometer;

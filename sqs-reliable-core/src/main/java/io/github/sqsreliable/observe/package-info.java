/**
 * Observability: {@link io.github.sqsreliable.observe.ConsumerListener} for events as they happen, and
 * {@link io.github.sqsreliable.observe.ConsumerMetrics} for a snapshot of counters and handler latency.
 */
package io.github.sqsreliable.observe;

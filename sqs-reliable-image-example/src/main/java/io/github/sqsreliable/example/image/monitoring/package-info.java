/**
 * What the running pipeline shows about its queues over time: {@link
 * io.github.sqsreliable.example.image.monitoring.QueueDepthHistory} keeps the last minutes of each queue's depth
 * (visible and in flight) from the consumers' own queue samples, for the gallery's live chart, {@code GET
 * /metrics/history} and the demo report's curve.
 */
package io.github.sqsreliable.example.image.monitoring;

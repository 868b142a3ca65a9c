/**
 * Sending messages reliably and cheaply: {@link io.github.sqsreliable.publish.SqsPublisher} batches messages per
 * queue into SendMessageBatch requests, retries what failed for a transient reason, keeps FIFO groups in order,
 * bounds what it holds, and completes every message's future with SQS's answer. See {@code docs/messages.md}.
 */
package io.github.sqsreliable.publish;

/**
 * Generic batching, not API (it may change without notice): {@link
 * io.github.sqsreliable.internal.batch.BatchingCore}, the flush-and-close protocol of a batcher (the pending
 * entries it collects, when it flushes them, retries, and giving up what is unanswered at close), and waiting
 * for room in a bounded batcher. Knows nothing of SQS or idempotency; used by the SQS batcher and the
 * idempotency completion batcher alike, which say how a batch is sent and answered.
 */
package io.github.sqsreliable.internal.batch;

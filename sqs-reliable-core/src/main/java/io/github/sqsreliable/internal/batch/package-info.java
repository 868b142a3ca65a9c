/**
 * Generic batching, not API (it may change without notice): the pending entries a batcher collects, when it
 * flushes them, and waiting for room in a bounded batcher. Knows nothing of SQS; used by the SQS batcher and the
 * idempotency completion batcher alike.
 */
package io.github.sqsreliable.internal.batch;

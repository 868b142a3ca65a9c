/**
 * Chain steps: a {@link io.github.sqsreliable.chain.ChainHandler} handles a message and names the messages it sends on
 * to the next queues; they are sent only if it returns, and the input is deleted only once SQS confirmed every one.
 * Outputs carry ids derived from the input, so that a step run twice (after a crash between send and delete) is
 * seen as one by the next stage: FIFO deduplication ids, and on standard queues the
 * {@value io.github.sqsreliable.chain.NextMessages#OUTPUT_ID_ATTRIBUTE} message attribute read by
 * {@link io.github.sqsreliable.idempotency.IdempotencyKey#chainOutputId()}. See {@code docs/messages.md}.
 */
package io.github.sqsreliable.chain;

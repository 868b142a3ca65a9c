/**
 * The idempotency gate between receive and dispatch, not API (it may change without notice): acquires the keys of
 * one receive's messages in one store call and lets through only those it now holds, then completes keys in
 * batches before their messages are deleted, or releases them after a failure.
 */
package io.github.sqsreliable.internal.dedupe;

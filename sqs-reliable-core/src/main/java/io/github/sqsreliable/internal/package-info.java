/**
 * The consumer's implementation, not API: anything here may change or disappear in any release without notice, so
 * do not import it. {@code ConsumerEngine} wires the stages, which live in the sub-packages in the order a message
 * meets them (receive, dedupe, dispatch, handle, classify, settle, with lease and observe beside them); this package
 * holds the validated settings and the helpers that several stages share (batching, SQS limits, thread naming).
 */
package io.github.sqsreliable.internal;

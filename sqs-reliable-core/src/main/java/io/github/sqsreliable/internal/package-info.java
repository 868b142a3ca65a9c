/**
 * The consumer's implementation, not API: anything here may change or disappear in any release without notice, so
 * do not import it. {@code ConsumerAssembly} builds one queue's stages from the validated settings and
 * {@code ConsumerEngine} runs their lifecycle; the stages live in the sub-packages in the order a message meets them
 * (receive, then the {@code pipeline}: dedupe, dispatch, handle, classify, settle; with lease and observe beside
 * them, {@code message} for what flows, and {@code sqs} and {@code batch} for the shared helpers).
 */
package io.github.sqsreliable.internal;

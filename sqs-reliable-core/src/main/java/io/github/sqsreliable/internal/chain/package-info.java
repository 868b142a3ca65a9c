/**
 * Runs a {@link io.github.sqsreliable.chain.ChainHandler} as a plain handler: collects its outputs, derives their ids,
 * sends them, and returns only once SQS confirmed them all. Not API: may change without notice.
 */
package io.github.sqsreliable.internal.chain;

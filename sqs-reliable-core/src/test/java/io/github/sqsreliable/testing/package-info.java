/**
 * Test fixtures that need sqs-reliable-core itself (the idempotency store contracts, simulated work), published
 * in core's test-jar for the store modules' tests. The embedded servers live in sqs-reliable-test.
 */
package io.github.sqsreliable.testing;

/**
 * Shared test fixtures, published in sqs-reliable-core's test-jar so that every module's tests use the same
 * embedded servers instead of copies.
 */
package io.github.sqsreliable.testing;

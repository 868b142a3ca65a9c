/**
 * Not API: helpers of the test kit (queue naming, the DynamoDB Local server and the Lambda serialization behind
 * their optional dependencies, the Lambda event JSON and context).
 * They may change in any release; use the types of {@code io.github.sqsreliable.test} instead.
 */
package io.github.sqsreliable.test.internal;

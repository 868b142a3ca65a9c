/**
 * The DynamoDB store's implementation: request building, the batched acquire, table creation, the transactional
 * mode's commit. Not API: anything here may change in any release without notice. Use
 * {@link io.github.sqsreliable.dynamo.DynamoDbIdempotencyStore}.
 */
package io.github.sqsreliable.dynamo.internal;

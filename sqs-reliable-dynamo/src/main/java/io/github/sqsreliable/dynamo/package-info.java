/**
 * An {@link io.github.sqsreliable.idempotency.IdempotencyStore} on Amazon DynamoDB:
 * {@link io.github.sqsreliable.dynamo.DynamoDbIdempotencyStore}. One item per key; every change is a single
 * conditional write, so consumers on any number of hosts share the table safely. See
 * {@code docs/idempotency-dynamodb.md} for the table, its TTL, the IAM policy and capacity.
 */
package io.github.sqsreliable.dynamo;

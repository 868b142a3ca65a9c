/**
 * An {@link io.github.sqsreliable.idempotency.IdempotencyStore} on Amazon DynamoDB:
 * {@link io.github.sqsreliable.dynamo.DynamoDbIdempotencyStore}. One item per key; every change is a single
 * conditional write, so consumers on any number of hosts share the table safely. See
 * {@code docs/idempotency-dynamodb.md} for the table, its TTL, the IAM policy and capacity. Its transactional mode,
 * {@link io.github.sqsreliable.dynamo.DynamoDbIdempotencyStore#transactional}, commits a handler's DynamoDB writes
 * ({@link io.github.sqsreliable.dynamo.DynamoDbTransaction}) with the message's completion record in one
 * transaction; see {@code docs/idempotency-dynamodb-transactional.md}.
 */
package io.github.sqsreliable.dynamo;

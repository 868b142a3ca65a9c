/**
 * Handling each message once despite at-least-once delivery: {@link io.github.sqsreliable.idempotency.Idempotency}
 * configures it on a consumer, {@link io.github.sqsreliable.idempotency.IdempotencyKey} says what makes two
 * messages the same, and {@link io.github.sqsreliable.idempotency.IdempotencyStore} is the small atomic SPI (acquire
 * with a lease, complete, release) that a backend implements. {@link
 * io.github.sqsreliable.idempotency.InMemoryIdempotencyStore} covers one process; the DynamoDB and Redis stores are
 * in their own modules. See {@code docs/idempotency.md}.
 */
package io.github.sqsreliable.idempotency;

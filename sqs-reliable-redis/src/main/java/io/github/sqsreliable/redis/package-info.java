/**
 * A Redis {@link io.github.sqsreliable.idempotency.IdempotencyStore} on Lettuce: start at
 * {@link io.github.sqsreliable.redis.RedisIdempotencyStore#builder()}. Deployment notes (persistence, memory,
 * Cluster, timeouts, the record format) are in {@code docs/idempotency-redis.md}.
 */
package io.github.sqsreliable.redis;

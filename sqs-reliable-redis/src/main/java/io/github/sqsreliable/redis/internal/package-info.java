/**
 * The Redis store's implementation: its Lua scripts, how they run, and how their replies are decoded. Not API:
 * these classes may change in any release without notice. Use
 * {@link io.github.sqsreliable.redis.RedisIdempotencyStore}.
 */
package io.github.sqsreliable.redis.internal;

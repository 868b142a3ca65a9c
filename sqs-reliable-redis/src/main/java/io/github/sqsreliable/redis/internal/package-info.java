/**
 * The Redis store's implementation: its Lua scripts, how they run, and how their replies are decoded. Not API:
 * these classes may change in any release.
 */
package io.github.sqsreliable.redis.internal;

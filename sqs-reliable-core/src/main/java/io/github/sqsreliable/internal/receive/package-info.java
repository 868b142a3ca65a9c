/**
 * The receive stage, not API (it may change without notice): long-polls the queue without a thread of its own,
 * never asking for more messages than permits allow, with the number of receives in flight and the prefetch sized
 * to the current rate. It also reads the queue's attributes once at start.
 */
package io.github.sqsreliable.internal.receive;

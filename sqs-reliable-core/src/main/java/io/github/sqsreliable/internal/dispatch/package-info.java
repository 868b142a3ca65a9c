/**
 * The dispatch stage, not API (it may change without notice): starts handlers within the concurrency limit, one
 * message or one batch per unit, and on FIFO queues never two units of the same message group at once, in arrival
 * order.
 */
package io.github.sqsreliable.internal.dispatch;

/**
 * The consumer: {@link io.github.sqsreliable.SqsConsumer#builder()} wires a
 * {@link io.github.sqsreliable.MessageHandler} to a queue, and the consumer receives with long polling,
 * dispatches within a concurrency limit (one at a time per group on FIFO queues), extends visibility while
 * handlers run, and acknowledges in batches. Everything under {@code io.github.sqsreliable.internal} is
 * implementation and may change without notice; do not import it.
 */
package io.github.sqsreliable;

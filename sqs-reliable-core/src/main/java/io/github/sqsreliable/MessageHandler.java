package io.github.sqsreliable;

/**
 * Handles one message. Returning normally acknowledges the message (it is deleted from the queue);
 * throwing leaves it on the queue, so SQS delivers it again once its visibility timeout lapses.
 *
 * <p>A handler may run on several threads at once (up to the consumer's {@code maxConcurrency}), so
 * it must be thread-safe. On a FIFO queue, messages of one message group are never handled
 * concurrently and always in order.
 *
 * <p>Handlers should react to {@link Thread#interrupt()}: when its shutdown timeout expires, the consumer
 * interrupts handlers still running on its own worker threads.
 */
@FunctionalInterface
public interface MessageHandler {

    /**
     * Handles one message.
     *
     * @param message the received message; never {@code null}
     * @throws Exception to signal that the message was not handled and must be delivered again
     */
    void handle(SqsMessage message) throws Exception;
}

package io.github.sqsreliable.internal.handle;

import io.github.sqsreliable.MessageHandler;
import io.github.sqsreliable.SqsMessage;
import java.time.Duration;
import org.slf4j.MDC;

/**
 * Calls the user's handler for one message with the message's identity in the logging context, and turns
 * whatever happens into a {@link HandlerResult}. Never throws, except for a {@link VirtualMachineError}, which
 * no handler can recover from and which must reach the thread's uncaught-exception handler.
 */
public final class HandlerInvoker {

    /** MDC key holding the queue's name while a handler runs. */
    public static final String MDC_QUEUE = "sqs.queue";
    /** MDC key holding the message id while a handler runs. */
    public static final String MDC_MESSAGE_ID = "sqs.messageId";

    private final MessageHandler handler;
    private final String queueName;

    public HandlerInvoker(MessageHandler handler, String queueName) {
        this.handler = handler;
        this.queueName = queueName;
    }

    public HandlerResult invoke(SqsMessage message) {
        MDC.put(MDC_QUEUE, queueName);
        MDC.put(MDC_MESSAGE_ID, message.messageId());
        long started = System.nanoTime();
        try {
            handler.handle(message);
            return HandlerResult.success(Duration.ofNanos(System.nanoTime() - started));
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return HandlerResult.failure(e, Duration.ofNanos(System.nanoTime() - started));
        } finally {
            MDC.remove(MDC_QUEUE);
            MDC.remove(MDC_MESSAGE_ID);
        }
    }
}

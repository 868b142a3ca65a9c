package io.github.sqsreliable.internal.handle;

import io.github.sqsreliable.BatchHandler;
import io.github.sqsreliable.BatchResult;
import io.github.sqsreliable.MessageHandler;
import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.observe.MessageTracing;
import java.time.Duration;
import java.util.List;
import org.slf4j.MDC;

/**
 * Calls the user's handler for one message with the message's identity in the logging context, and turns
 * whatever happens into a {@link HandlerResult}. Never throws, except for a {@link VirtualMachineError}, which
 * no handler can recover from and which must reach the thread's uncaught-exception handler.
 *
 * <p>A {@link StackOverflowError} is the exception: it is a failure of the message being handled, returned
 * like any other. By the time it is caught here the handler's frames have been unwound and the stack is back,
 * and the overflow usually comes from that message's data (a too-deeply nested document, a cycle), so it
 * would recur on every delivery; propagating it would leave the message to loop without a failure record.
 *
 * <p>Each call runs inside a span of the consumer's {@link MessageTracing}, current on the handler's thread; the
 * span is returned with the result and ended by the pipeline once the outcome is decided (here only when a
 * {@link VirtualMachineError} propagates).
 */
public final class HandlerInvoker {

    /** MDC key holding the queue's name while a handler runs. */
    public static final String MDC_QUEUE = "sqs.queue";
    /** MDC key holding the message id while a handler runs. */
    public static final String MDC_MESSAGE_ID = "sqs.messageId";
    /** MDC key holding the number of messages while a batch handler runs. */
    public static final String MDC_BATCH_SIZE = "sqs.batchSize";

    /**
     * What one batch handler call did.
     *
     * @param result the handler's report, or {@code null} when it threw
     * @param error what it threw, or {@code null}
     * @param duration how long the call took
     * @param span the call's span, to be ended once the outcomes are decided
     */
    public record BatchInvocation(BatchResult result, Throwable error, Duration duration, MessageTracing.Span span) {
    }

    private final MessageHandler handler;
    private final BatchHandler batchHandler;
    private final String queueName;
    private final MessageTracing tracing;

    public HandlerInvoker(MessageHandler handler, String queueName) {
        this(handler, null, queueName);
    }

    /**
     * @param handler the single-message handler, or {@code null}
     * @param batchHandler the batch handler, or {@code null}
     * @param queueName for the MDC
     */
    public HandlerInvoker(MessageHandler handler, BatchHandler batchHandler, String queueName) {
        this(handler, batchHandler, queueName, MessageTracing.none());
    }

    /**
     * @param handler the single-message handler, or {@code null}
     * @param batchHandler the batch handler, or {@code null}
     * @param queueName for the MDC
     * @param tracing starts a span around each call
     */
    public HandlerInvoker(MessageHandler handler, BatchHandler batchHandler, String queueName,
                          MessageTracing tracing) {
        this.handler = handler;
        this.batchHandler = batchHandler;
        this.queueName = queueName;
        this.tracing = tracing;
    }

    /**
     * Calls the batch handler. A {@code null} result counts as every message succeeding.
     *
     * @param messages the batch
     * @return what happened
     */
    public BatchInvocation invokeBatch(List<SqsMessage> messages) {
        MDC.put(MDC_QUEUE, queueName);
        MDC.put(MDC_BATCH_SIZE, Integer.toString(messages.size()));
        MessageTracing.Span span = tracing.startBatch(messages);
        long started = System.nanoTime();
        MessageTracing.Scope scope = span.makeCurrent();
        try {
            BatchResult result = batchHandler.handle(messages);
            return new BatchInvocation(result != null ? result : BatchResult.success(), null,
                    Duration.ofNanos(System.nanoTime() - started), span);
        } catch (StackOverflowError e) {
            return new BatchInvocation(null, e, Duration.ofNanos(System.nanoTime() - started), span);
        } catch (VirtualMachineError e) {
            span.end(MessageTracing.Outcome.REDELIVERED, e);
            throw e;
        } catch (Throwable e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return new BatchInvocation(null, e, Duration.ofNanos(System.nanoTime() - started), span);
        } finally {
            scope.close();
            MDC.remove(MDC_QUEUE);
            MDC.remove(MDC_BATCH_SIZE);
        }
    }

    public HandlerResult invoke(SqsMessage message) {
        MDC.put(MDC_QUEUE, queueName);
        MDC.put(MDC_MESSAGE_ID, message.messageId());
        MessageTracing.Span span = tracing.startMessage(message);
        long started = System.nanoTime();
        MessageTracing.Scope scope = span.makeCurrent();
        try {
            handler.handle(message);
            return HandlerResult.success(Duration.ofNanos(System.nanoTime() - started), span);
        } catch (StackOverflowError e) {
            return HandlerResult.failure(e, Duration.ofNanos(System.nanoTime() - started), span);
        } catch (VirtualMachineError e) {
            span.end(MessageTracing.Outcome.REDELIVERED, e);
            throw e;
        } catch (Throwable e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return HandlerResult.failure(e, Duration.ofNanos(System.nanoTime() - started), span);
        } finally {
            scope.close();
            MDC.remove(MDC_QUEUE);
            MDC.remove(MDC_MESSAGE_ID);
        }
    }
}

package io.github.sqsreliable.internal.payload;

import io.github.sqsreliable.BatchHandler;
import io.github.sqsreliable.BatchResult;
import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.internal.QueueUrls;
import io.github.sqsreliable.retry.RetryLaterException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A batch handler whose messages are first prepared one by one (unwrapped, read as a type): a message that cannot be
 * prepared fails on its own, with its own error, and the rest go to the user's handler.
 *
 * <p>On a FIFO queue the user's handler gets only the messages before the first that failed, and those after it are
 * reported failed with a zero-delay {@link RetryLaterException}, so they come back after it. Reporting them is what
 * keeps them: the pipeline acknowledges a message the result does not name, and a dead-lettered message lets its
 * group go on.
 *
 * @param <P> what the user's handler takes per message
 */
final class PreparingBatchHandler<P> implements BatchHandler {

    /** Prepares one message; throws to fail it. */
    @FunctionalInterface
    interface Preparation<P> {
        P prepare(SqsMessage message) throws Exception;
    }

    /** The user's handler, over prepared messages. */
    @FunctionalInterface
    interface Handler<P> {
        BatchResult handle(List<P> prepared) throws Exception;
    }

    /** The message a prepared item came from. */
    @FunctionalInterface
    interface Origin<P> {
        SqsMessage of(P prepared);
    }

    static final String BEHIND_FAILURE = "not handled: an earlier message of its FIFO group could not be read";

    private final Preparation<P> preparation;
    private final Origin<P> origin;
    private final Handler<P> handler;

    PreparingBatchHandler(Preparation<P> preparation, Origin<P> origin, Handler<P> handler) {
        this.preparation = preparation;
        this.origin = origin;
        this.handler = handler;
    }

    @Override
    public BatchResult handle(List<SqsMessage> messages) throws Exception {
        boolean fifo = QueueUrls.isFifo(messages.get(0).queueUrl());
        List<P> prepared = new ArrayList<>(messages.size());
        BatchResult.Builder result = BatchResult.builder();
        boolean anyFailed = false;
        for (SqsMessage message : messages) {
            if (fifo && anyFailed) {
                result.failed(message, new RetryLaterException(Duration.ZERO, BEHIND_FAILURE));
                continue;
            }
            try {
                prepared.add(preparation.prepare(message));
            } catch (Exception e) {
                result.failed(message, e);
                anyFailed = true;
            }
        }
        if (!anyFailed) {
            return handler.handle(prepared);
        }
        if (prepared.isEmpty()) {
            return result.build();
        }
        Map<String, SqsMessage> byId = new HashMap<>();
        prepared.forEach(item -> byId.put(origin.of(item).messageId(), origin.of(item)));
        BatchResult handled;
        try {
            handled = handler.handle(prepared);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            // A throw fails what the handler was given; the unreadable ones keep their own reasons.
            byId.values().forEach(message -> result.failed(message, e));
            return result.build();
        }
        if (handled != null) {
            handled.failuresByMessageId().forEach((id, error) -> {
                SqsMessage message = byId.get(id);
                if (message != null) {
                    result.failed(message, error);
                }
            });
        }
        return result.build();
    }
}

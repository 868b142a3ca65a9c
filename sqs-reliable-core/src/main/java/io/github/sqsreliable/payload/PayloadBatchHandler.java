package io.github.sqsreliable.payload;

import io.github.sqsreliable.BatchResult;
import java.util.List;

/**
 * Handles the readable messages of one batch together, as a {@link io.github.sqsreliable.BatchHandler} does, each
 * body read as {@code T}. Messages whose body cannot be read are not passed in: each fails permanently on its own with
 * a {@link MalformedPayloadException}, and the rest of the batch goes on. On a FIFO queue the handler gets only the
 * messages before the first unreadable one; those after it go back to the queue unprocessed, to come again after it.
 * Must be thread-safe.
 *
 * @param <T> the payload type
 */
@FunctionalInterface
public interface PayloadBatchHandler<T> {

    /**
     * @param payloads the batch's readable messages, in received order; never empty
     * @return which failed, reported with {@code BatchResult.builder().failed(payload.message(), error)};
     *     {@link BatchResult#success()} when none did
     * @throws Exception to fail every message passed in
     */
    BatchResult handle(List<Payload<T>> payloads) throws Exception;
}

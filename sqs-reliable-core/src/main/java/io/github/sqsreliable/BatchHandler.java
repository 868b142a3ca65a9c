package io.github.sqsreliable;

import java.util.List;

/**
 * Handles the messages of one receive together (up to 10), and says which of them failed: partial batch
 * failure, with the same meaning as Lambda's {@code ReportBatchItemFailures}. Messages not reported as failed
 * are deleted; each failed one goes through the error classifier and the retry policy on its own. Throwing fails
 * the whole batch with that exception.
 *
 * <pre>{@code
 * .batchHandler(messages -> {
 *     BatchResult.Builder result = BatchResult.builder();
 *     for (SqsMessage message : messages) {
 *         try {
 *             index.add(message.body());
 *         } catch (IOException e) {
 *             result.failed(message, e);
 *         }
 *     }
 *     return result.build();
 * })
 * }</pre>
 *
 * <p>On a FIFO queue a batch holds messages of one message group, in order, and groups' batches run one at a
 * time per group. Once a message of a FIFO batch fails, the later messages of that batch are released
 * unprocessed or, if the handler processed them anyway, handed back as if unprocessed, even when the failed one is
 * dead-lettered: stop at the first failure, as Lambda asks, since they will be delivered again after it. Must be thread-safe: up to
 * {@code maxConcurrency} batches run at once.
 */
@FunctionalInterface
public interface BatchHandler {

    /**
     * @param messages one receive's messages (on FIFO: one group's), in received order; never empty
     * @return which messages failed; {@link BatchResult#success()} when none did
     * @throws Exception to fail every message of the batch
     */
    BatchResult handle(List<SqsMessage> messages) throws Exception;
}

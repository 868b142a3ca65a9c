package io.github.sqsreliable.chain;

import io.github.sqsreliable.SqsMessage;

/**
 * One step of a pipeline of queues: handles a message and hands the messages for the next step(s) to {@code next}.
 *
 * <pre>{@code
 * SqsConsumer.builder()
 *         .sqsClient(sqs)
 *         .queueUrl(resizeQueueUrl)
 *         .chainHandler((message, next) -> {
 *             Thumbnail thumbnail = resizer.resize(message.body());
 *             next.send(catalogQueueUrl, thumbnail.toJson());
 *         })
 *         .build();
 * }</pre>
 *
 * <p>What the handler names is sent only if it returns normally, and the input counts as handled (is deleted) only
 * once SQS confirmed every output. If the handler throws, nothing is sent and the failure is classified as for any
 * handler. If an output cannot be sent, the input fails as transient and is retried by the retry policy; outputs
 * already stored are sent again then, under the same derived ids, so the next stage can tell them apart (see
 * {@link NextMessages}). Must be thread-safe, like any handler.
 */
@FunctionalInterface
public interface ChainHandler {

    /**
     * @param message the input
     * @param next collects the outputs; valid only during this call
     * @throws Exception to fail the input; nothing is sent then
     */
    void handle(SqsMessage message, NextMessages next) throws Exception;
}

package io.github.sqsreliable.stepfunctions;

import io.github.sqsreliable.SqsMessage;

/**
 * Does a Step Functions task's work for one message and returns its output.
 *
 * <p>The return value becomes the task's output in {@code SendTaskSuccess}: a Jackson {@code JsonNode}, a
 * {@code Map}, a record or any other object Jackson can write is written as JSON; a {@code String} must already be
 * JSON text (e.g. {@code "\"done\""} for a JSON string); {@code null} is sent as {@code {}}. Throwing works as for any
 * {@code MessageHandler}: the consumer's classifier and retry policy decide, and a failure that is permanent, or
 * transient with no attempts left, fails the task with {@code SendTaskFailure}.
 *
 * <p>Runs on the consumer's worker threads, possibly several at once: it must be thread-safe. It may run more than
 * once for a message (a retry after it threw, or an SQS redelivery), so its output must be derivable again.
 */
@FunctionalInterface
public interface TaskHandler {

    /**
     * Handles one task.
     *
     * @param message the received message; never {@code null}
     * @param context the task's token and input
     * @return the task's output; {@code null} for {@code {}}
     * @throws Exception to fail this attempt; see {@code docs/error-handling.md}
     */
    Object handle(SqsMessage message, TaskContext context) throws Exception;
}

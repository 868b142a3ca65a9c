package io.github.sqsreliable.internal.settle;

import io.github.sqsreliable.internal.classify.Outcome;
import io.github.sqsreliable.internal.message.InFlightMessage;
import io.github.sqsreliable.observe.ConsumerEvent.ReleaseReason;
import java.util.List;
import java.util.Optional;

/**
 * The last stage of the pipeline, the one place where decisions are applied to messages on the queue. The polling
 * consumer's {@link Settler} applies them with batched SQS calls as they come; a Lambda function applies them before
 * it answers its invocation, reporting what the event source mapping must not delete.
 */
public interface SettleStage {

    /**
     * Checks a received message before its handler runs: if moving it failed before, the move is what must happen,
     * not another handler run.
     *
     * @param message a received message
     * @return the move to apply instead of running the handler, or empty to run it
     */
    Optional<Outcome> pendingMove(InFlightMessage message);

    /**
     * Applies the outcome decided for a message: delete, retry later, move, release or leave to lapse.
     *
     * @param message the message
     * @param outcome what to do
     */
    void apply(InFlightMessage message, Outcome outcome);

    /**
     * Hands messages back unprocessed.
     *
     * @param messages the messages
     * @param reason why
     */
    void release(List<InFlightMessage> messages, ReleaseReason reason);
}

package io.github.sqsreliable.internal.pipeline;

import io.github.sqsreliable.internal.classify.Outcome;
import io.github.sqsreliable.observe.MessageTracing;

/** Says a decided {@link Outcome} the way a span reports it, and sums up a batch's outcomes for its one span. */
final class TraceOutcomes {

    private TraceOutcomes() {
    }

    static MessageTracing.Outcome of(Outcome outcome) {
        if (outcome instanceof Outcome.Acknowledge) {
            return MessageTracing.Outcome.ACKNOWLEDGED;
        }
        if (outcome instanceof Outcome.RetryAfter) {
            return MessageTracing.Outcome.RETRY_SCHEDULED;
        }
        if (outcome instanceof Outcome.Move move) {
            return move.deadLetter() ? MessageTracing.Outcome.DEAD_LETTERED : MessageTracing.Outcome.MOVED_TO_RETRY_QUEUE;
        }
        if (outcome instanceof Outcome.Release) {
            return MessageTracing.Outcome.RELEASED;
        }
        return MessageTracing.Outcome.REDELIVERED;
    }

    /**
     * @param sofar the outcome shared by a batch's messages so far, or null before the first
     * @param next the next message's
     * @return the outcome they all share, or {@link MessageTracing.Outcome#MIXED}
     */
    static MessageTracing.Outcome merge(MessageTracing.Outcome sofar, MessageTracing.Outcome next) {
        return sofar == null || sofar == next ? next : MessageTracing.Outcome.MIXED;
    }
}

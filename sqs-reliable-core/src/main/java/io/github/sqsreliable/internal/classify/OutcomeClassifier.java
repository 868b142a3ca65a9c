package io.github.sqsreliable.internal.classify;

import io.github.sqsreliable.internal.handle.HandlerResult;

/**
 * Decides each handled message's {@link Outcome}. For now every failure is redelivered once its visibility
 * lapses; retry policies and dead-lettering refine this decision without touching the stages around it.
 */
public final class OutcomeClassifier {

    private static final Outcome ACKNOWLEDGE = new Outcome.Acknowledge();

    public Outcome classify(HandlerResult result) {
        return result.succeeded() ? ACKNOWLEDGE : new Outcome.Redeliver(result.error());
    }
}

package io.github.sqsreliable.lambda;

import io.github.sqsreliable.observe.ConsumerListener;
import io.github.sqsreliable.observe.ObservedConsumer;

/**
 * A {@link ConsumerListener} that also hears when each invocation of an {@link SqsBatchFunction} ends: the place to
 * flush what it gathered, since Lambda may freeze the execution environment right after the answer. Register it with
 * {@link SqsBatchFunction.Builder#listener}. The function calls {@link #onConsumerStarted} once, before the first
 * invocation's first event, and never {@link #onConsumerClosed} (Lambda ends an environment without notice).
 */
public interface InvocationListener extends ConsumerListener {

    /**
     * An invocation handled its batch and is about to answer; called on the invocation's thread after every event of
     * the batch. Keep it short: the invocation's time includes it.
     *
     * @param function what the function tells about itself; it has no queue depths
     */
    default void onInvocationFinished(ObservedConsumer function) {
    }
}

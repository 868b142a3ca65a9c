package io.github.sqsreliable.internal;

import io.github.sqsreliable.SqsConsumer;
import io.github.sqsreliable.internal.observe.ConsumerEvents;
import io.github.sqsreliable.internal.receive.ByteBudget;
import io.github.sqsreliable.retry.RetryPolicy;
import java.util.ArrayList;
import java.util.List;

/** Builds the consumer a user asked for from its validated settings. */
public final class Consumers {

    private Consumers() {
    }

    /**
     * One engine for the queue, plus one per retry queue of the policy when the consumer consumes its retry queues
     * itself; they share one set of metrics and listeners and one byte budget.
     *
     * @param settings the validated configuration
     * @return the consumer, not started
     */
    public static SqsConsumer create(ConsumerSettings settings) {
        ConsumerEvents events = new ConsumerEvents(settings.listeners());
        ByteBudget bytes = new ByteBudget(settings.maxHeldBytes());
        List<String> retryQueues = settings.consumeRetryQueues()
                ? settings.retryPolicy().tiers().stream().filter(t -> !t.sameQueue()).map(RetryPolicy.Tier::queueUrl)
                        .filter(url -> !url.equals(settings.queueUrl())).toList()
                : List.of();
        ConsumerEngine engine = new ConsumerEngine(settings, events, bytes);
        if (retryQueues.isEmpty()) {
            return engine;
        }
        List<ConsumerEngine> engines = new ArrayList<>();
        engines.add(engine);
        for (int i = 0; i < retryQueues.size(); i++) {
            engines.add(new ConsumerEngine(settings.forRetryQueue(retryQueues.get(i), i + 1), events, bytes));
        }
        return new MultiQueueConsumer(engines, events);
    }
}

package io.github.sqsreliable.internal;

import io.github.sqsreliable.SqsConsumer;
import io.github.sqsreliable.internal.observe.ConsumerEvents;
import io.github.sqsreliable.internal.observe.QueueSampler;
import io.github.sqsreliable.internal.receive.ByteBudget;
import io.github.sqsreliable.retry.RetryPolicy;
import java.time.Clock;
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
        QueueSampler sampler = new QueueSampler(settings.sqsClient(), settings.queueSampling(), Clock.systemUTC());
        List<String> retryQueues = settings.consumeRetryQueues()
                ? settings.retryPolicy().tiers().stream().filter(t -> !t.sameQueue()).map(RetryPolicy.Tier::queueUrl)
                        .filter(url -> !url.equals(settings.queueUrl())).toList()
                : List.of();
        // Each queue's engine runs up to maxConcurrency handlers.
        ConsumerStatus status = new ConsumerStatus(settings.name(), settings.queueUrl(),
                settings.maxConcurrency() * (1 + retryQueues.size()), events, bytes, sampler);
        if (retryQueues.isEmpty()) {
            ConsumerEngine engine = new ConsumerEngine(settings, status, bytes, ConsumerEngine.Role.ALONE);
            status.ownedBy(engine);
            return engine;
        }
        List<ConsumerEngine> engines = new ArrayList<>();
        engines.add(new ConsumerEngine(settings, status, bytes, ConsumerEngine.Role.MAIN));
        for (int i = 0; i < retryQueues.size(); i++) {
            engines.add(new ConsumerEngine(settings.forRetryQueue(retryQueues.get(i), i + 1), status, bytes,
                    ConsumerEngine.Role.RETRY));
        }
        MultiQueueConsumer consumer = new MultiQueueConsumer(engines, status);
        status.ownedBy(consumer);
        return consumer;
    }
}

package io.github.sqsreliable.internal;

import io.github.sqsreliable.observe.ObservedConsumer;
import io.github.sqsreliable.observe.QueueDepth;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/** A consumer whose gauges are its {@link ConsumerStatus}'s, shared by all its queues' engines. */
interface StatusView extends ObservedConsumer {

    /** @return the status shared by the consumer's engines */
    ConsumerStatus status();

    @Override
    default String name() {
        return status().name();
    }

    @Override
    default int maxConcurrency() {
        return status().maxConcurrency();
    }

    @Override
    default int handling() {
        return status().handling();
    }

    @Override
    default long heldBytes() {
        return status().heldBytes();
    }

    @Override
    default List<QueueDepth> queueDepths() {
        return status().queueDepths();
    }

    @Override
    default Optional<Duration> oldestMessageAge() {
        return status().oldestMessageAge();
    }

    @Override
    default OptionalDouble backlogPerWorker() {
        return status().backlogPerWorker();
    }
}

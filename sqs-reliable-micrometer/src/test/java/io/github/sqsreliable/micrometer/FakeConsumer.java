package io.github.sqsreliable.micrometer;

import io.github.sqsreliable.observe.ConsumerMetrics;
import io.github.sqsreliable.observe.ObservedConsumer;
import io.github.sqsreliable.observe.QueueDepth;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/** An {@link ObservedConsumer} whose values a test sets. */
final class FakeConsumer implements ObservedConsumer {

    final String name;
    volatile int handling;
    volatile long heldBytes;
    volatile List<QueueDepth> depths = List.of();
    volatile Optional<Duration> oldest = Optional.empty();
    volatile OptionalDouble backlog = OptionalDouble.empty();

    FakeConsumer(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String queueUrl() {
        return "http://127.0.0.1:9324/000000000000/" + name;
    }

    @Override
    public int maxConcurrency() {
        return 4;
    }

    @Override
    public ConsumerMetrics metrics() {
        return new ConsumerMetrics(7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, Duration.ZERO,
                Duration.ZERO, Duration.ZERO);
    }

    @Override
    public int handling() {
        return handling;
    }

    @Override
    public long heldBytes() {
        return heldBytes;
    }

    @Override
    public List<QueueDepth> queueDepths() {
        return depths;
    }

    @Override
    public Optional<Duration> oldestMessageAge() {
        return oldest;
    }

    @Override
    public OptionalDouble backlogPerWorker() {
        return backlog;
    }
}

package io.github.sqsreliable.lambda.internal;

import io.github.sqsreliable.internal.observe.ConsumerEvents;
import io.github.sqsreliable.observe.ConsumerMetrics;
import io.github.sqsreliable.observe.ObservedConsumer;
import io.github.sqsreliable.observe.QueueDepth;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.IntSupplier;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a function tells its listeners about itself. A function samples no queue (its event source mapping does the
 * receiving, and a GetQueueAttributes call per invocation would cost more than it tells), so it has no queue depths,
 * oldest age or backlog; what it holds is what its invocations running now hold.
 */
final class FunctionView implements ObservedConsumer {

    private final String name;
    private final String queueUrl;
    private final int maxConcurrency;
    private final ConsumerEvents events;
    private final IntSupplier handling;
    private final AtomicLong heldBytes;

    FunctionView(String name, String queueUrl, int maxConcurrency, ConsumerEvents events, IntSupplier handling,
                 AtomicLong heldBytes) {
        this.name = name;
        this.queueUrl = queueUrl;
        this.maxConcurrency = maxConcurrency;
        this.events = events;
        this.handling = handling;
        this.heldBytes = heldBytes;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String queueUrl() {
        return queueUrl;
    }

    @Override
    public int maxConcurrency() {
        return maxConcurrency;
    }

    @Override
    public ConsumerMetrics metrics() {
        return events.snapshot();
    }

    @Override
    public int handling() {
        return handling.getAsInt();
    }

    @Override
    public long heldBytes() {
        return heldBytes.get();
    }

    @Override
    public List<QueueDepth> queueDepths() {
        return List.of();
    }

    @Override
    public Optional<Duration> oldestMessageAge() {
        return Optional.empty();
    }

    @Override
    public OptionalDouble backlogPerWorker() {
        return OptionalDouble.empty();
    }
}

package io.github.sqsreliable.internal;

import io.github.sqsreliable.internal.observe.ConsumerEvents;
import io.github.sqsreliable.internal.observe.QueueSampler;
import io.github.sqsreliable.internal.receive.ByteBudget;
import io.github.sqsreliable.observe.ConsumerMetrics;
import io.github.sqsreliable.observe.ObservedConsumer;
import io.github.sqsreliable.observe.QueueDepth;
import io.github.sqsreliable.observe.QueueDepth.QueueRole;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntSupplier;

/**
 * What one consumer (all its queues' engines together) tells about itself: shared by the engines, which add their
 * running-handler counts as they start, and given to listeners when the consumer has started.
 */
final class ConsumerStatus implements ObservedConsumer {

    private final String name;
    private final String queueUrl;
    private final int maxConcurrency;
    private final ConsumerEvents events;
    private final ByteBudget bytes;
    private final QueueSampler sampler;
    private final List<IntSupplier> running = new CopyOnWriteArrayList<>();
    private volatile ObservedConsumer owner = this;

    /**
     * @param name the consumer's name
     * @param queueUrl the queue it was built for
     * @param maxConcurrency the most handlers running at once, over all its queues
     * @param events its counters
     * @param bytes its byte budget
     * @param sampler samples its queues
     */
    ConsumerStatus(String name, String queueUrl, int maxConcurrency, ConsumerEvents events, ByteBudget bytes,
                   QueueSampler sampler) {
        this.name = name;
        this.queueUrl = queueUrl;
        this.maxConcurrency = maxConcurrency;
        this.events = events;
        this.bytes = bytes;
        this.sampler = sampler;
    }

    /** @param owner the consumer users hold, which listeners are given */
    void ownedBy(ObservedConsumer owner) {
        this.owner = owner;
    }

    /** @return the consumer users hold */
    ObservedConsumer owner() {
        return owner;
    }

    QueueSampler sampler() {
        return sampler;
    }

    ConsumerEvents events() {
        return events;
    }

    /** @param handlers how many handlers one engine runs now */
    void addRunning(IntSupplier handlers) {
        running.add(handlers);
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
        int sum = 0;
        for (IntSupplier handlers : running) {
            sum += handlers.getAsInt();
        }
        return sum;
    }

    @Override
    public long heldBytes() {
        return bytes.used();
    }

    @Override
    public List<QueueDepth> queueDepths() {
        return sampler.queueDepths();
    }

    @Override
    public Optional<Duration> oldestMessageAge() {
        return sampler.oldestMessageAge();
    }

    @Override
    public OptionalDouble backlogPerWorker() {
        if (!sampler.sampled()) {
            return OptionalDouble.empty();
        }
        long visible = 0;
        for (QueueDepth depth : sampler.queueDepths()) {
            if (depth.role() != QueueRole.DEAD_LETTER) {
                visible += depth.visible();
            }
        }
        return OptionalDouble.of((double) visible / maxConcurrency);
    }

    @Override
    public String toString() {
        return "consumer " + name + " on " + queueUrl;
    }
}

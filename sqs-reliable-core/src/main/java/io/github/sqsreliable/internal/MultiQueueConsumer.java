package io.github.sqsreliable.internal;

import io.github.sqsreliable.ConsumerState;
import io.github.sqsreliable.SqsConsumer;
import io.github.sqsreliable.internal.observe.ConsumerEvents;
import io.github.sqsreliable.observe.ConsumerMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A consumer of a queue and of its retry queues: one engine per queue, started together, closed together (in
 * parallel, so that closing takes one shutdown timeout, not one per queue), with one set of metrics and
 * listeners.
 */
final class MultiQueueConsumer implements SqsConsumer, StatusView {

    private static final Logger log = LoggerFactory.getLogger(MultiQueueConsumer.class);

    private final List<ConsumerEngine> engines;
    private final ConsumerEvents events;
    private final ConsumerStatus status;
    private final AtomicBoolean running = new AtomicBoolean();

    MultiQueueConsumer(List<ConsumerEngine> engines, ConsumerStatus status) {
        this.engines = List.copyOf(engines);
        this.events = status.events();
        this.status = status;
    }

    @Override
    public void start() {
        List<ConsumerEngine> started = new ArrayList<>();
        try {
            for (ConsumerEngine engine : engines) {
                engine.start();
                started.add(engine);
            }
        } catch (RuntimeException e) {
            // Nothing half-started may keep running; the engines not started become STOPPED on close.
            close();
            throw e;
        }
        running.set(true);
        events.consumerStarted(status.owner());
    }

    @Override
    public void close() {
        List<Thread> closers = new ArrayList<>();
        for (ConsumerEngine engine : engines.subList(1, engines.size())) {
            Thread closer = new Thread(engine::close, "sqs-reliable-close-" + engine.queueUrl()
                    .substring(engine.queueUrl().lastIndexOf('/') + 1));
            closer.start();
            closers.add(closer);
        }
        engines.get(0).close();
        for (Thread closer : closers) {
            try {
                closer.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                log.warn("interrupted while closing the retry-queue consumers; they finish closing on their own");
                return;
            }
        }
        if (running.compareAndSet(true, false)) {
            events.consumerClosed(status.owner());
        }
    }

    @Override
    public ConsumerState state() {
        return engines.get(0).state();
    }

    @Override
    public ConsumerMetrics metrics() {
        return events.snapshot();
    }

    @Override
    public String queueUrl() {
        return engines.get(0).queueUrl();
    }

    @Override
    public ConsumerStatus status() {
        return status;
    }
}

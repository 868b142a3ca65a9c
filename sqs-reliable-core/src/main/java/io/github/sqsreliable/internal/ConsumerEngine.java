package io.github.sqsreliable.internal;

import io.github.sqsreliable.ConsumerState;
import io.github.sqsreliable.SqsConsumer;
import io.github.sqsreliable.internal.message.InFlightMessage;
import io.github.sqsreliable.internal.observe.ConsumerEvents;
import io.github.sqsreliable.internal.pipeline.MessagePipeline;
import io.github.sqsreliable.internal.receive.ByteBudget;
import io.github.sqsreliable.internal.receive.PrefetchTuner;
import io.github.sqsreliable.internal.receive.QueueProfile;
import io.github.sqsreliable.internal.lease.VisibilityExtender;
import io.github.sqsreliable.internal.observe.QueueSampler;
import io.github.sqsreliable.observe.ConsumerMetrics;
import io.github.sqsreliable.observe.QueueDepth.QueueRole;
import io.github.sqsreliable.retry.RetryPolicy;
import java.util.LinkedHashMap;
import java.util.Map;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One queue's {@link SqsConsumer}: the lifecycle. {@link ConsumerAssembly} builds the stages; the
 * {@link MessagePipeline} is the path of a message; this class starts the timers and the first receive, and closes
 * in a fixed order (see {@link #close()}).
 */
public final class ConsumerEngine implements SqsConsumer, StatusView {

    private static final Logger log = LoggerFactory.getLogger(ConsumerEngine.class);
    private static final Duration QUEUE_ATTRIBUTES_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration MIN_FLUSH_BUDGET = Duration.ofSeconds(1);
    /** How long close() waits for polls in flight when no handler keeps it longer. */
    private static final Duration POLL_GRACE = Duration.ofSeconds(1);
    /** How long ready messages may wait behind a quick handler's worker whose current message turned slow. */
    private static final long STALL_CHECK_MILLIS = 100;

    private final ConsumerSettings settings;
    private final ConsumerEvents events;
    private final ByteBudget bytes;
    private final ConsumerStatus status;
    private final Role role;
    private final Object lifecycle = new Object();
    private final ConsumerAssembly.ThreadRegistry threads = new ConsumerAssembly.ThreadRegistry();
    private volatile ConsumerState state = ConsumerState.NEW;
    // Built by start(), under the lifecycle lock.
    private ConsumerAssembly stages;

    /** Which of a consumer's queues an engine consumes, and so what it does beyond consuming. */
    enum Role {
        /** The consumer's only queue: it samples the queues and tells listeners when it starts and closes. */
        ALONE,
        /** The main queue of a consumer of several: it samples the queues. */
        MAIN,
        /** A retry queue of a consumer of several. */
        RETRY
    }

    /**
     * @param settings the configuration
     * @param status shared with the engines of the same consumer's other queues: metrics add up, the byte budget
     *     bounds them all, one sampler samples their queues
     * @param bytes the consumer's byte budget
     * @param role which of the consumer's queues this engine consumes
     */
    ConsumerEngine(ConsumerSettings settings, ConsumerStatus status, ByteBudget bytes, Role role) {
        this.settings = settings;
        this.events = status.events();
        this.bytes = bytes;
        this.status = status;
        this.role = role;
    }

    @Override
    public void start() {
        synchronized (lifecycle) {
            if (state != ConsumerState.NEW) {
                throw new IllegalStateException("consumer " + settings.name() + " is " + state
                        + "; start() may be called once on a new consumer (build another to start again)");
            }
            try {
                QueueProfile profile = QueueProfile.read(settings.sqsClient(), settings.queueUrl(),
                        QUEUE_ATTRIBUTES_TIMEOUT);
                stages = new ConsumerAssembly(settings, profile, events, bytes, status.sampler(), threads);
                run(stages);
                status.addRunning(stages.pipeline.dispatcher()::running);
                if (role != Role.RETRY) {
                    status.sampler().start(stages.visibilityScheduler, sampledQueues(profile),
                            () -> events.queuesSampled(status.owner()));
                }
            } catch (RuntimeException e) {
                state = ConsumerState.STOPPED;
                threads.shutDown();
                throw e;
            }
            state = ConsumerState.RUNNING;
        }
        if (role == Role.ALONE) {
            events.consumerStarted(status.owner());
        }
    }

    /** The main queue, the retry policy's retry queues, and where failures end. */
    private List<QueueSampler.SampledQueue> sampledQueues(QueueProfile profile) {
        Map<String, QueueSampler.SampledQueue> queues = new LinkedHashMap<>();
        queues.put(settings.queueUrl(), new QueueSampler.SampledQueue(settings.queueUrl(), QueueRole.MAIN));
        for (RetryPolicy.Tier tier : settings.retryPolicy().tiers()) {
            if (!tier.sameQueue()) {
                queues.putIfAbsent(tier.queueUrl(), new QueueSampler.SampledQueue(tier.queueUrl(), QueueRole.RETRY));
            }
        }
        String deadLetterQueue = settings.retryPolicy().deadLetterQueueUrl()
                .orElseGet(() -> profile.hasRedrivePolicy() ? QueueUrls.fromArn(settings.queueUrl(),
                        profile.redriveTargetArn()) : null);
        if (deadLetterQueue != null) {
            queues.putIfAbsent(deadLetterQueue, new QueueSampler.SampledQueue(deadLetterQueue,
                    QueueRole.DEAD_LETTER));
        }
        return List.copyOf(queues.values());
    }

    private void run(ConsumerAssembly stages) {
        Duration tick = VisibilityExtender.tickInterval(stages.extensionMargin);
        stages.extender.start(stages.visibilityScheduler, tick);
        stages.heldKeys.start(stages.visibilityScheduler, tick);
        stages.visibilityScheduler.scheduleAtFixedRate(() -> {
            stages.pipeline.dispatcher().startStalled();
            stages.receiver.sendWhatFits(); // a safety net: every release of permits or poller slots already does this
        }, STALL_CHECK_MILLIS, STALL_CHECK_MILLIS, TimeUnit.MILLISECONDS);
        if (stages.tuner.adjustable()) {
            stages.visibilityScheduler.scheduleAtFixedRate(() -> stages.tuner.tick(System.nanoTime()),
                    PrefetchTuner.TICK_MILLIS, PrefetchTuner.TICK_MILLIS, TimeUnit.MILLISECONDS);
        }
        stages.receiver.sendWhatFits();
        log.info("consumer {} started on {} ({} queue, visibility timeout {}, max concurrency {}, prefetch {}, "
                        + "{} poller(s), {} MiB held at most, messages up to {} KiB)", settings.name(),
                settings.queueUrl(), stages.profile.fifo() ? "FIFO" : "standard", stages.visibilityTimeout,
                settings.maxConcurrency(), settings.prefetch(), settings.pollers(), bytes.capacity() >> 20,
                stages.profile.maxMessageBytes() >> 10);
    }

    @Override
    public void close() {
        synchronized (lifecycle) {
            if (state == ConsumerState.STOPPED) {
                return;
            }
            if (state == ConsumerState.NEW) {
                state = ConsumerState.STOPPED;
                return;
            }
            state = ConsumerState.STOPPING;
            try {
                drain();
            } catch (RuntimeException e) {
                log.error("consumer {} did not close cleanly", settings.name(), e);
            } finally {
                if (role != Role.RETRY) {
                    status.sampler().stop();
                }
                threads.shutDown();
                state = ConsumerState.STOPPED;
            }
        }
        if (role == Role.ALONE) {
            events.consumerClosed(status.owner());
        }
    }

    private void drain() {
        long started = System.nanoTime();
        long deadline = started + settings.shutdownTimeout().toNanos();
        // 1. Stop receiving; from now on the dispatcher releases whatever a poll in flight still returns.
        stages.receiver.stop();
        // 2. Release the messages that were waiting for a handler, or held for the idempotency store.
        stages.pipeline.close();
        // 3. Let running handlers finish, up to the shutdown timeout. Polls in flight meanwhile answer, and the
        // dispatcher releases what they return.
        boolean idle = awaitHandlers(deadline);
        // A poll that has not answered within a second of close() (or by the time handlers finished) is waiting on
        // a quiet queue: it is left to finish on its own and hand back what it gets, instead of being waited out
        // for up to waitTime, or cancelled, which would not stop SQS from giving it the next message to arrive.
        long pollDeadline = Math.min(deadline, Math.max(System.nanoTime(), started + POLL_GRACE.toNanos()));
        if (!awaitPollers(pollDeadline)) {
            int detached = stages.receiver.detachInFlight();
            log.info("consumer {}: left {} long poll(s) to finish without the consumer; a message one returns is "
                    + "handed back to the queue at once", settings.name(), detached);
        }
        if (!idle) {
            // Every message still unsettled is one a handler holds: waiting ones were released, and the receives
            // that returned have been handed on. The extender tracks exactly the unsettled ones.
            List<InFlightMessage> abandoned = stages.extender.trackedMessages();
            log.warn("consumer {}: handlers still running at the shutdown timeout ({}) hold {} message(s); "
                    + "interrupting them; those messages reappear when their visibility lapses", settings.name(),
                    settings.shutdownTimeout(), abandoned.size());
            abandoned.forEach(stages.settler::abandon);
            if (stages.ownedExecutor != null) {
                stages.ownedExecutor.shutdownNow();
            }
        }
        // 4. Flush acknowledgements and releases, sharing what is left of the timeout (at least a second): first
        // the idempotency keys still to complete, which then queue their messages' deletes. They get at most half,
        // so that a failing store cannot leave the deletes no time.
        long flushDeadline = Math.max(deadline, System.nanoTime() + MIN_FLUSH_BUDGET.toNanos());
        stages.heldKeys.flushAndClose(Duration.ofNanos(Math.max(0, flushDeadline - System.nanoTime()) / 2));
        stages.deletes.flushAndClose(Duration.ofNanos(Math.max(0, flushDeadline - System.nanoTime())));
        stages.visibilityChanges.flushAndClose(Duration.ofNanos(Math.max(0, flushDeadline - System.nanoTime())));
        // 5. The extender stops with the threads.
        ConsumerMetrics metrics = events.snapshot();
        log.info("consumer {} closed in {} ms: {} received, {} succeeded, {} failed, {} deleted, {} released",
                settings.name(), Duration.ofNanos(System.nanoTime() - started).toMillis(), metrics.received(),
                metrics.succeeded(), metrics.failed(), metrics.deleted(), metrics.released());
    }

    private boolean awaitHandlers(long deadline) {
        try {
            return stages.pipeline.dispatcher().awaitIdle(Math.max(0, deadline - System.nanoTime()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private boolean awaitPollers(long deadline) {
        try {
            return stages.receiver.awaitAnswered(Math.max(0, deadline - System.nanoTime()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public ConsumerState state() {
        return state;
    }

    @Override
    public ConsumerMetrics metrics() {
        return events.snapshot();
    }

    @Override
    public String queueUrl() {
        return settings.queueUrl();
    }

    @Override
    public ConsumerStatus status() {
        return status;
    }
}

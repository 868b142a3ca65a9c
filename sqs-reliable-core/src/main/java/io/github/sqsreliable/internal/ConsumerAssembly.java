package io.github.sqsreliable.internal;

import io.github.sqsreliable.InvalidConfigurationException;
import io.github.sqsreliable.SqsReliableException;
import io.github.sqsreliable.idempotency.Idempotency;
import io.github.sqsreliable.internal.classify.FailureRouter;
import io.github.sqsreliable.internal.dedupe.CompletionBatcher;
import io.github.sqsreliable.internal.dedupe.HeldKeys;
import io.github.sqsreliable.internal.dedupe.IdempotencyGate;
import io.github.sqsreliable.internal.handle.HandlerInvoker;
import io.github.sqsreliable.internal.lease.VisibilityExtender;
import io.github.sqsreliable.internal.observe.ConsumerEvents;
import io.github.sqsreliable.internal.observe.QueueSampler;
import io.github.sqsreliable.internal.pipeline.MessagePipeline;
import io.github.sqsreliable.internal.pipeline.PolledMessages;
import io.github.sqsreliable.internal.receive.ByteBudget;
import io.github.sqsreliable.internal.receive.PollerActivity;
import io.github.sqsreliable.internal.receive.PrefetchTuner;
import io.github.sqsreliable.internal.receive.QueueProfile;
import io.github.sqsreliable.internal.receive.ReceivePermits;
import io.github.sqsreliable.internal.receive.Receiver;
import io.github.sqsreliable.internal.settle.MessageMover;
import io.github.sqsreliable.internal.settle.Settler;
import io.github.sqsreliable.internal.sqs.SqsBatcher;
import io.github.sqsreliable.retry.RetryPolicy;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds one queue's stages and threads from the settings and what the queue's attributes say, checking that they
 * fit together. Nothing runs yet: {@link ConsumerEngine} starts the timers and the first receive, and owns the
 * shutdown order.
 */
final class ConsumerAssembly {

    private static final Logger log = LoggerFactory.getLogger(ConsumerAssembly.class);

    final QueueProfile profile;
    final Duration visibilityTimeout;
    final Duration extensionMargin;
    final ReceivePermits permits;
    final PrefetchTuner tuner;
    final ScheduledThreadPoolExecutor ackScheduler;
    final ScheduledThreadPoolExecutor visibilityScheduler;
    final SqsBatcher deletes;
    final SqsBatcher visibilityChanges;
    final VisibilityExtender extender;
    final HeldKeys heldKeys;
    final Settler settler;
    final MessagePipeline pipeline;
    final Receiver receiver;
    /** Runs handlers (and takes receive answers) when the user gave no executor; else null. */
    final ThreadPoolExecutor ownedExecutor;
    /** Hands on receive answers when handlers run on an executor the user gave, which the consumer cannot size. */
    final ThreadPoolExecutor answerExecutor;

    /**
     * @param settings the configuration
     * @param profile the queue's attributes, read at start
     * @param events shared with the engines of the same consumer's other queues
     * @param bytes shared with the engines of the same consumer's other queues
     * @param sampler shared with the engines of the same consumer's other queues
     * @param threads receives every thread pool as soon as it exists, so that a failure later in the assembly can
     *     still shut it down
     */
    ConsumerAssembly(ConsumerSettings settings, QueueProfile profile, ConsumerEvents events, ByteBudget bytes,
                     QueueSampler sampler, ThreadRegistry threads) {
        this.profile = profile;
        boolean fifo = profile.fifo();
        visibilityTimeout = settings.visibilityTimeout() != null ? settings.visibilityTimeout()
                : profile.visibilityTimeout();
        extensionMargin = settings.visibilityExtensionMargin() != null ? settings.visibilityExtensionMargin()
                : visibilityTimeout.dividedBy(2);
        check(settings, profile, bytes);
        warnAboutDeadLettering(settings, profile);
        String prefix = settings.threadPrefix();

        permits = new ReceivePermits(PrefetchTuner.initialCapacity(settings.maxConcurrency(), settings.prefetch()));
        tuner = new PrefetchTuner(permits, settings.maxConcurrency(), settings.prefetch(), settings.prefetchCeiling(),
                visibilityTimeout, System.nanoTime());
        ackScheduler = threads.add(singleThreadScheduler(prefix + "-acks", true));
        // Not a daemon: a running consumer keeps the JVM alive until close(), as users of a long-running consumer
        // expect (no other thread of the consumer lives from start() to close()).
        visibilityScheduler = threads.add(singleThreadScheduler(prefix + "-visibility", false));
        // What depends on a delete is counting it, and, with listeners, telling them, which must not happen on
        // an SDK thread.
        deletes = SqsBatcher.deletes(settings.sqsClient(), settings.queueUrl(), ackScheduler,
                settings.batchFlushInterval(), Math.max(100, 2 * settings.capacity()), !events.hasListeners());
        visibilityChanges = SqsBatcher.visibilityChanges(settings.sqsClient(), settings.queueUrl(), ackScheduler,
                settings.batchFlushInterval());
        extender = new VisibilityExtender(visibilityChanges, events, System::nanoTime, visibilityTimeout,
                extensionMargin, settings.maxProcessingTime());
        Idempotency idempotency = settings.idempotency();
        // Keys are renewed on their own schedule, not after each extension SQS accepted: when SQS refuses
        // extensions, a copy delivered while the handler runs must still find the key held, and wait.
        heldKeys = idempotency == null ? HeldKeys.NONE
                : HeldKeys.renewed(idempotency.store(), new CompletionBatcher(idempotency.store(), idempotency.ttl(),
                        idempotency.storeTimeout(), events, ackScheduler, settings.batchFlushInterval(),
                        Math.max(100, 2 * settings.capacity())), events, visibilityTimeout, extensionMargin,
                        settings.maxProcessingTime(), idempotency.storeTimeout());
        extender.guardedByKeys(idempotency != null);
        extender.explainRefusals(settings.queueUrl(), whenVisibilityLapses(profile, visibilityTimeout,
                idempotency != null));
        FailureRouter router = new FailureRouter(settings.retryPolicy(), settings.errorClassifier(),
                settings.queueUrl(), fifo, profile.hasRedrivePolicy(), Clock.systemUTC(), System::nanoTime);
        settler = new Settler(deletes, visibilityChanges, new MessageMover(settings.sqsClient()), extender, permits,
                bytes, events, ackScheduler, heldKeys);
        IdempotencyGate gate = idempotency == null ? null : new IdempotencyGate(idempotency, settings.name(),
                visibilityTimeout, fifo, router, heldKeys, events);

        Executor executor = settings.executor();
        Executor answers;
        if (executor == null) {
            // Handlers, plus one thread per poller slot to hand on its receive's answer: that thread then runs
            // the first handler itself, so a receive costs one wake-up, not two.
            ownedExecutor = threads.add(boundedPool(prefix + "-worker", settings.maxConcurrency()
                    + settings.pollers()));
            answerExecutor = null;
            executor = ownedExecutor;
            answers = ownedExecutor;
        } else {
            ownedExecutor = null;
            answerExecutor = threads.add(boundedPool(prefix + "-receive", settings.pollers()));
            answers = answerExecutor;
        }
        pipeline = new MessagePipeline(gate,
                new MessagePipeline.Shape(settings.name(), fifo, settings.batchHandler() != null,
                        settings.maxConcurrency(), executor, settings.maxProcessingTime().dividedBy(2),
                        tuner::handled),
                new HandlerInvoker(settings.handler(), settings.batchHandler(), settings.queueName(),
                        settings.tracing()),
                router, settler, events);
        receiver = new Receiver(settings.sqsClient(), settings.queueUrl(), settings.waitTime(),
                settings.visibilityTimeout(), settings.systemAttributes(), permits, bytes, profile.maxMessageBytes(),
                tuner, new PollerActivity(settings.pollers()), pipeline.dispatcher()::starving,
                new PolledMessages(settings.queueUrl(), fifo, visibilityTimeout.toNanos(), bytes, extender, events,
                        pipeline, ownedExecutor != null, sampler),
                events, answers, visibilityScheduler);
    }

    /** Collects the thread pools an assembly creates, to shut them down whether or not it completes. */
    static final class ThreadRegistry {

        private final List<ExecutorService> pools = new ArrayList<>();

        <T extends ExecutorService> T add(T pool) {
            pools.add(pool);
            return pool;
        }

        /** Stops the pools: schedulers at once, handler pools after their current tasks. */
        void shutDown() {
            for (ExecutorService pool : pools) {
                if (pool instanceof ScheduledThreadPoolExecutor) {
                    pool.shutdownNow();
                } else {
                    pool.shutdown();
                }
            }
        }
    }

    private void check(ConsumerSettings settings, QueueProfile profile, ByteBudget bytes) {
        if (visibilityTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new SqsReliableException("queue " + settings.queueUrl() + " has a VisibilityTimeout of "
                    + visibilityTimeout + ", too short to hold a message while it is handled; set "
                    + "visibilityTimeout(...) on the builder or raise the queue's attribute");
        }
        if (extensionMargin.compareTo(visibilityTimeout) >= 0) {
            throw InvalidConfigurationException.of("visibilityExtensionMargin", "(" + extensionMargin
                    + ") must be less than the queue's visibility timeout (" + visibilityTimeout + ")");
        }
        RetryPolicy policy = settings.retryPolicy();
        if (profile.fifo() && policy.usesRetryQueues()) {
            throw InvalidConfigurationException.of("retryPolicy", "(" + policy + ") uses retry queues, which cannot "
                    + "keep the order of FIFO queue " + settings.queueUrl() + ": FIFO queues retry on the same queue only");
        }
        if (bytes.capacity() < profile.maxMessageBytes()) {
            throw InvalidConfigurationException.of("maxHeldBytes", "(" + bytes.capacity() + ") must hold at least "
                    + "one message of queue " + settings.queueUrl() + ", whose MaximumMessageSize is "
                    + profile.maxMessageBytes() + " bytes");
        }
    }

    /**
     * What happens to a message whose visibility lapses while its handler still runs (SQS refuses extensions, or
     * maxProcessingTime is reached): said in the start-up warning and in the report of refused extensions.
     */
    private static String whenVisibilityLapses(QueueProfile profile, Duration visibilityTimeout, boolean idempotent) {
        String copies = idempotent
                ? "their idempotency keys stay held (renewed on the store on their own schedule), so each copy SQS "
                        + "delivers meanwhile waits for its key, and is deleted without running once the first run "
                        + "has completed"
                : "with no idempotency store configured, each copy SQS delivers meanwhile is handled again, "
                        + "concurrently with the first run (counted in the redeliveredWhileHeld metric)";
        String receives = profile.hasRedrivePolicy()
                ? "; every such delivery counts as a receive toward the RedrivePolicy's maxReceiveCount ("
                        + profile.redriveMaxReceiveCount() + "), after which SQS moves the message to "
                        + profile.redriveTargetArn() + " even if its handler succeeded"
                : "";
        return "Messages whose handlers run longer than the visibility timeout (" + visibilityTimeout
                + ") become visible again while they run: " + copies + receives + ".";
    }

    /** Says at start when poison messages would not end where the user expects. */
    private static void warnAboutDeadLettering(ConsumerSettings settings, QueueProfile profile) {
        RetryPolicy policy = settings.retryPolicy();
        boolean ownDeadLetterQueue = policy.deadLetterQueueUrl().isPresent();
        if (!ownDeadLetterQueue && !profile.hasRedrivePolicy()) {
            log.warn("consumer {}: queue {} has no RedrivePolicy and the retry policy has no dead-letter queue; "
                    + "a message that always fails is retried until its retention period ends", settings.name(),
                    settings.queueUrl());
            return;
        }
        RetryPolicy.Tier first = policy.tiers().get(0);
        int attemptsHere = first.sameQueue() ? first.attempts() : 1;
        for (RetryPolicy.Tier tier : policy.tiers()) {
            if (settings.queueUrl().equals(tier.queueUrl())) {
                attemptsHere = tier.attempts(); // this engine consumes one of the policy's retry queues
            }
        }
        if (ownDeadLetterQueue && profile.hasRedrivePolicy() && attemptsHere > profile.redriveMaxReceiveCount()) {
            log.warn("consumer {}: the retry policy allows {} attempts on {}, but its RedrivePolicy moves a message "
                    + "to {} after {} receives, before the policy's dead-letter queue is reached. Receives are counted, "
                    + "not handler runs: a message is also received again each time its visibility lapses while its "
                    + "handler still runs (visibility extensions refused, or maxProcessingTime reached), and {}",
                    settings.name(), attemptsHere, settings.queueUrl(), profile.redriveTargetArn(),
                    profile.redriveMaxReceiveCount(), settings.idempotency() != null
                            ? "that copy waits for the idempotency key held by the running handler, using up a receive"
                            : "without idempotency that copy is handled again, concurrently with the first run");
        }
    }

    /** A fixed pool of daemon threads, idle ones ending after a minute, whose queue holds one task per thread. */
    private static ThreadPoolExecutor boundedPool(String name, int threads) {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(threads), new NamedThreadFactory(name, true, true));
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    private static ScheduledThreadPoolExecutor singleThreadScheduler(String name, boolean daemon) {
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1,
                new NamedThreadFactory(name, false, daemon));
        scheduler.setRemoveOnCancelPolicy(true);
        return scheduler;
    }
}

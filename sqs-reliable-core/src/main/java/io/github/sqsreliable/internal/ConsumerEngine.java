package io.github.sqsreliable.internal;

import io.github.sqsreliable.ConsumerState;
import io.github.sqsreliable.InvalidConfigurationException;
import io.github.sqsreliable.SqsConsumer;
import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.SqsReliableException;
import io.github.sqsreliable.internal.classify.Outcome;
import io.github.sqsreliable.internal.classify.FailureRouter;
import io.github.sqsreliable.idempotency.Idempotency;
import io.github.sqsreliable.internal.dedupe.CompletionBatcher;
import io.github.sqsreliable.internal.dedupe.HeldKeys;
import io.github.sqsreliable.internal.dedupe.IdempotencyGate;
import io.github.sqsreliable.internal.message.DispatchUnit;
import io.github.sqsreliable.internal.dispatch.Dispatcher;
import io.github.sqsreliable.internal.message.InFlightMessage;
import io.github.sqsreliable.internal.message.MessageBatch;
import io.github.sqsreliable.internal.handle.HandlerInvoker;
import io.github.sqsreliable.internal.handle.HandlerResult;
import io.github.sqsreliable.internal.lease.VisibilityExtender;
import io.github.sqsreliable.internal.observe.ConsumerEvents;
import io.github.sqsreliable.internal.receive.ByteBudget;
import io.github.sqsreliable.internal.receive.PollerActivity;
import io.github.sqsreliable.internal.receive.PrefetchTuner;
import io.github.sqsreliable.internal.receive.QueueProfile;
import io.github.sqsreliable.internal.receive.ReceivePermits;
import io.github.sqsreliable.internal.receive.Receiver;
import io.github.sqsreliable.internal.settle.MessageMover;
import io.github.sqsreliable.internal.settle.Settler;
import io.github.sqsreliable.internal.sqs.SqsBatcher;
import io.github.sqsreliable.observe.ConsumerEvent.ReleaseReason;
import io.github.sqsreliable.observe.ConsumerMetrics;
import io.github.sqsreliable.retry.RetryPolicy;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The {@link SqsConsumer}: wires the stages and runs the lifecycle. A message flows one way:
 * {@link Receiver receive} → {@link Dispatcher dispatch} → {@link HandlerInvoker handle} →
 * {@link FailureRouter classify} → {@link Settler settle} (delete, retry later, move, release), while the
 * {@link VisibilityExtender} keeps it invisible from receipt to settlement. The only thing flowing back is
 * the receive permit a settled message returns.
 */
public final class ConsumerEngine implements SqsConsumer {

    private static final Logger log = LoggerFactory.getLogger(ConsumerEngine.class);
    private static final Duration QUEUE_ATTRIBUTES_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration MIN_FLUSH_BUDGET = Duration.ofSeconds(1);
    /** How long close() waits for polls in flight when no handler keeps it longer. */
    private static final Duration POLL_GRACE = Duration.ofSeconds(1);
    /** How long ready messages may wait behind a quick handler's worker whose current message turned slow. */
    private static final long STALL_CHECK_MILLIS = 100;
    private static final Outcome ACKNOWLEDGE = new Outcome.Acknowledge();
    private static final int STACK_OVERFLOW_FRAMES = 20;

    private final ConsumerSettings settings;
    private final ConsumerEvents events;
    private final ByteBudget bytes;
    private final Object lifecycle = new Object();
    private volatile ConsumerState state = ConsumerState.NEW;

    // Built by start(), under the lifecycle lock.
    private ReceivePermits permits;
    private ThreadPoolExecutor ownedExecutor;
    // Hands on receive answers when handlers run on an executor the user gave, which the consumer cannot size.
    private ThreadPoolExecutor answerExecutor;
    private ScheduledThreadPoolExecutor ackScheduler;
    private ScheduledThreadPoolExecutor visibilityScheduler;
    private SqsBatcher deletes;
    private SqsBatcher visibilityChanges;
    private VisibilityExtender extender;
    private Settler settler;
    private Dispatcher<DispatchUnit> dispatcher;
    private HandlerInvoker invoker;
    private FailureRouter router;
    private IdempotencyGate gate;
    private HeldKeys heldKeys;
    private Receiver receiver;
    private PrefetchTuner tuner;
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private boolean fifo;
    private long visibilityTimeoutNanos;

    public ConsumerEngine(ConsumerSettings settings) {
        this(settings, new ConsumerEvents(settings.listeners()), new ByteBudget(settings.maxHeldBytes()));
    }

    /**
     * @param settings the configuration
     * @param events shared with the engines of the same consumer's other queues, so metrics add up
     * @param bytes shared with the engines of the same consumer's other queues, so the byte budget bounds them all
     */
    public ConsumerEngine(ConsumerSettings settings, ConsumerEvents events, ByteBudget bytes) {
        this.settings = settings;
        this.events = events;
        this.bytes = bytes;
    }

    /**
     * Builds the consumer a user asked for: one engine for the queue, plus one per retry queue of the policy when
     * the consumer consumes its retry queues itself.
     *
     * @param settings the validated configuration
     * @return the consumer
     */
    public static SqsConsumer create(ConsumerSettings settings) {
        List<String> retryQueues = settings.consumeRetryQueues()
                ? settings.retryPolicy().tiers().stream().filter(t -> !t.sameQueue()).map(RetryPolicy.Tier::queueUrl)
                        .filter(url -> !url.equals(settings.queueUrl())).toList()
                : List.of();
        if (retryQueues.isEmpty()) {
            return new ConsumerEngine(settings);
        }
        ConsumerEvents shared = new ConsumerEvents(settings.listeners());
        ByteBudget sharedBytes = new ByteBudget(settings.maxHeldBytes());
        List<ConsumerEngine> engines = new ArrayList<>();
        engines.add(new ConsumerEngine(settings, shared, sharedBytes));
        for (int i = 0; i < retryQueues.size(); i++) {
            engines.add(new ConsumerEngine(settings.forRetryQueue(retryQueues.get(i), i + 1), shared, sharedBytes));
        }
        return new MultiQueueConsumer(engines, shared);
    }

    @Override
    public void start() {
        synchronized (lifecycle) {
            if (state != ConsumerState.NEW) {
                throw new IllegalStateException("consumer " + settings.name() + " is " + state
                        + "; start() may be called once on a new consumer (build another to start again)");
            }
            try {
                startStages(QueueProfile.read(settings.sqsClient(), settings.queueUrl(), QUEUE_ATTRIBUTES_TIMEOUT));
            } catch (RuntimeException e) {
                state = ConsumerState.STOPPED;
                shutDownThreads();
                throw e;
            }
            state = ConsumerState.RUNNING;
        }
    }

    private void startStages(QueueProfile profile) {
        fifo = profile.fifo();
        Duration visibilityTimeout = settings.visibilityTimeout() != null ? settings.visibilityTimeout()
                : profile.visibilityTimeout();
        if (visibilityTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new SqsReliableException("queue " + settings.queueUrl() + " has a VisibilityTimeout of "
                    + visibilityTimeout + ", too short to hold a message while it is handled; set "
                    + "visibilityTimeout(...) on the builder or raise the queue's attribute");
        }
        Duration margin = settings.visibilityExtensionMargin() != null ? settings.visibilityExtensionMargin()
                : visibilityTimeout.dividedBy(2);
        if (margin.compareTo(visibilityTimeout) >= 0) {
            throw InvalidConfigurationException.of("visibilityExtensionMargin", "(" + margin
                    + ") must be less than the queue's visibility timeout (" + visibilityTimeout + ")");
        }
        RetryPolicy policy = settings.retryPolicy();
        if (fifo && policy.usesRetryQueues()) {
            throw InvalidConfigurationException.of("retryPolicy", "(" + policy + ") uses retry queues, which cannot "
                    + "keep the order of FIFO queue " + settings.queueUrl() + ": FIFO queues retry on the same queue only");
        }
        if (bytes.capacity() < profile.maxMessageBytes()) {
            throw InvalidConfigurationException.of("maxHeldBytes", "(" + bytes.capacity() + ") must hold at least "
                    + "one message of queue " + settings.queueUrl() + ", whose MaximumMessageSize is "
                    + profile.maxMessageBytes() + " bytes");
        }
        warnAboutDeadLettering(profile, policy);
        router = new FailureRouter(policy, settings.errorClassifier(), settings.queueUrl(), fifo,
                profile.hasRedrivePolicy(), Clock.systemUTC(), System::nanoTime);
        visibilityTimeoutNanos = visibilityTimeout.toNanos();
        String prefix = settings.threadPrefix();

        permits = new ReceivePermits(PrefetchTuner.initialCapacity(settings.maxConcurrency(), settings.prefetch()));
        tuner = new PrefetchTuner(permits, settings.maxConcurrency(), settings.prefetch(), visibilityTimeout,
                System.nanoTime());
        ackScheduler = singleThreadScheduler(prefix + "-acks", true);
        // Not a daemon: a running consumer keeps the JVM alive until close(), as users of a long-running consumer
        // expect (no other thread of the consumer lives from start() to close()).
        visibilityScheduler = singleThreadScheduler(prefix + "-visibility", false);
        // What depends on a delete is counting it, and, with listeners, telling them, which must not happen on
        // an SDK thread.
        deletes = SqsBatcher.deletes(settings.sqsClient(), settings.queueUrl(), ackScheduler,
                settings.batchFlushInterval(), Math.max(100, 2 * settings.capacity()), !events.hasListeners());
        visibilityChanges = SqsBatcher.visibilityChanges(settings.sqsClient(), settings.queueUrl(), ackScheduler,
                settings.batchFlushInterval());
        extender = new VisibilityExtender(visibilityChanges, events, System::nanoTime, visibilityTimeout, margin,
                settings.maxProcessingTime());
        Idempotency idempotency = settings.idempotency();
        // Keys are renewed on their own schedule, not after each extension SQS accepted: when SQS refuses
        // extensions, a copy delivered while the handler runs must still find the key held, and wait.
        heldKeys = idempotency == null ? HeldKeys.NONE
                : HeldKeys.renewed(idempotency.store(), new CompletionBatcher(idempotency.store(), idempotency.ttl(),
                        idempotency.storeTimeout(), events, ackScheduler, settings.batchFlushInterval(),
                        Math.max(100, 2 * settings.capacity())), events, visibilityTimeout, margin,
                        settings.maxProcessingTime(), idempotency.storeTimeout());
        extender.guardedByKeys(idempotency != null);
        extender.explainRefusals(settings.queueUrl(), whenVisibilityLapses(profile, visibilityTimeout,
                idempotency != null));
        settler = new Settler(deletes, visibilityChanges, new MessageMover(settings.sqsClient()), extender, permits,
                bytes, events, ackScheduler, heldKeys);
        if (idempotency != null) {
            gate = new IdempotencyGate(idempotency, settings.name(), visibilityTimeout, fifo, router, heldKeys,
                    events);
        }
        invoker = new HandlerInvoker(settings.handler(), settings.batchHandler(), settings.queueName());
        Executor executor = settings.executor();
        Executor answers;
        if (executor == null) {
            // Handlers, plus one thread per poller slot to hand on its receive's answer: that thread then runs
            // the first handler itself, so a receive costs one wake-up, not two.
            ownedExecutor = boundedPool(prefix + "-worker", settings.maxConcurrency() + settings.pollers());
            executor = ownedExecutor;
            answers = ownedExecutor;
        } else {
            answerExecutor = boundedPool(prefix + "-receive", settings.pollers());
            answers = answerExecutor;
        }
        dispatcher = new Dispatcher<>(settings.maxConcurrency(), fifo, executor, this::process, settler::release);
        extender.start(visibilityScheduler, VisibilityExtender.tickInterval(margin));
        heldKeys.start(visibilityScheduler, VisibilityExtender.tickInterval(margin));
        receiver = new Receiver(settings.sqsClient(), settings.queueUrl(), settings.waitTime(),
                settings.visibilityTimeout(), settings.systemAttributes(), permits, bytes, profile.maxMessageBytes(),
                tuner,
                new PollerActivity(settings.pollers()), dispatcher::starving, this::received, events, answers,
                visibilityScheduler);
        visibilityScheduler.scheduleAtFixedRate(() -> {
            dispatcher.startStalled();
            receiver.sendWhatFits(); // a safety net: every release of permits or poller slots already does this
        }, STALL_CHECK_MILLIS, STALL_CHECK_MILLIS, TimeUnit.MILLISECONDS);
        if (tuner.adjustable()) {
            visibilityScheduler.scheduleAtFixedRate(() -> tuner.tick(System.nanoTime()), PrefetchTuner.TICK_MILLIS,
                    PrefetchTuner.TICK_MILLIS, TimeUnit.MILLISECONDS);
        }
        receiver.sendWhatFits();
        log.info("consumer {} started on {} ({} queue, visibility timeout {}, max concurrency {}, prefetch {}, "
                        + "{} poller(s), {} MiB held at most, messages up to {} KiB)", settings.name(),
                settings.queueUrl(), fifo ? "FIFO" : "standard", visibilityTimeout, settings.maxConcurrency(),
                settings.prefetch(), settings.pollers(), bytes.capacity() >> 20, profile.maxMessageBytes() >> 10);
    }

    /**
     * Receive → (idempotency gate) → settle what the gate turned away, dispatch what it let through: on the thread
     * that hands on the receive's answer.
     *
     * @return the first handler to run on this thread, or null
     */
    private Runnable received(List<Message> messages, long leaseStartNanos) {
        List<InFlightMessage> batch = new ArrayList<>(messages.size());
        for (Message message : messages) {
            SqsMessage view = SqsMessage.builder()
                    .queueUrl(settings.queueUrl())
                    .messageId(message.messageId())
                    .body(message.body())
                    .attributes(message.attributesAsStrings())
                    .messageAttributes(message.messageAttributes())
                    .build();
            InFlightMessage inFlight = new InFlightMessage(message, view, fifo, leaseStartNanos, visibilityTimeoutNanos);
            bytes.hold(inFlight.sizeBytes());
            extender.track(inFlight);
            events.received(view);
            batch.add(inFlight);
        }
        if (gate == null) {
            return dispatch(batch, answersRunOnHandlerThreads());
        }
        List<InFlightMessage> toAdmit = batch;
        long holdUntil = 0;
        for (boolean first = true; ; first = false) {
            IdempotencyGate.Admission admission = gate.admit(toAdmit);
            for (IdempotencyGate.Settlement settlement : admission.toSettle()) {
                if (settlement instanceof IdempotencyGate.Settlement.Apply apply) {
                    settler.apply(apply.message(), apply.outcome());
                } else if (settlement instanceof IdempotencyGate.Settlement.Release release) {
                    settler.release(List.of(release.message()), release.reason());
                }
            }
            if (admission.held().isEmpty()) {
                return dispatch(admission.toDispatch(), first && answersRunOnHandlerThreads());
            }
            dispatch(admission.toDispatch(), false);
            // Failing closed: keep what the store could not admit invisible and owned (no new receive, which SQS
            // would count), and try again on this thread, whose receive keeps its poller slot meanwhile.
            if (first) {
                holdUntil = System.nanoTime() + settings.maxProcessingTime().toNanos() / 2;
            }
            boolean stopping = awaitStop(admission.pause());
            if (stopping || state != ConsumerState.RUNNING || System.nanoTime() > holdUntil) {
                if (!stopping && state == ConsumerState.RUNNING) {
                    log.warn("consumer {}: the idempotency store has been unavailable for half of maxProcessingTime; "
                            + "handing {} held message(s) back to the queue", settings.name(), admission.held().size());
                }
                settler.release(admission.held(), ReleaseReason.SHUTDOWN);
                return null;
            }
            toAdmit = admission.held();
        }
    }

    /**
     * @return whether receive answers are taken by threads of the handler pool (the consumer's own), which may
     *     then run the first handler themselves
     */
    private boolean answersRunOnHandlerThreads() {
        return ownedExecutor != null;
    }

    /** @return the first handler to run on this thread when {@code keepOne}, or null */
    private Runnable dispatch(List<InFlightMessage> messages, boolean keepOne) {
        if (messages.isEmpty()) {
            return null;
        }
        List<DispatchUnit> units = settings.batchHandler() == null ? List.copyOf(messages) : batchesOf(messages);
        if (keepOne) {
            return dispatcher.dispatchKeepingOne(units);
        }
        dispatcher.dispatch(units);
        return null;
    }

    /** @return whether the consumer began to stop while waiting */
    private boolean awaitStop(Duration wait) {
        try {
            return stopSignal.await(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    /** One batch per receive on a standard queue; one per message group, in order, on a FIFO queue. */
    private List<DispatchUnit> batchesOf(List<InFlightMessage> received) {
        Map<String, List<InFlightMessage>> byKey = new LinkedHashMap<>();
        for (InFlightMessage message : received) {
            String key = fifo ? message.dispatchKey() : received.get(0).dispatchKey();
            byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(message);
        }
        List<DispatchUnit> batches = new ArrayList<>();
        byKey.forEach((key, messages) -> batches.add(new MessageBatch(key, messages)));
        return batches;
    }

    /** The pipeline the dispatcher runs on a worker thread, for either kind of handler. */
    private boolean process(DispatchUnit unit) {
        return unit instanceof MessageBatch batch ? processBatch(batch) : process((InFlightMessage) unit);
    }

    /**
     * Handle → classify → settle: on a worker thread. Answers whether later messages of the same FIFO group may
     * go on (false when this one will be delivered again and must stay ahead of them).
     */
    private boolean process(InFlightMessage message) {
        // A message whose move failed before is moved again, not handled again.
        Outcome early = settler.pendingMove(message).or(() -> router.beforeHandling(message)).orElse(null);
        if (early != null) {
            settler.apply(message, early);
            return early.letsGroupContinue();
        }
        HandlerResult result;
        try {
            result = invoker.invoke(message.view());
        } catch (VirtualMachineError e) {
            // Return the permit and stop extending before the error goes on to the thread's handler.
            settler.apply(message, new Outcome.Redeliver(e));
            throw e;
        }
        tuner.handled(1, result.duration().toNanos());
        Outcome outcome;
        if (result.succeeded()) {
            events.succeeded(message.view(), result.duration());
            outcome = ACKNOWLEDGE;
        } else {
            events.failed(message.view(), result.error(), result.duration());
            outcome = router.afterFailure(message, result.error());
            log.warn("handler failed for message {} (receive {}): {}", message.view().messageId(),
                    message.view().receiveCount(), describe(outcome), loggable(result.error()));
        }
        settler.apply(message, outcome);
        return outcome.letsGroupContinue();
    }

    /**
     * Handle → classify → settle for a batch. Answers whether later units of the same FIFO group may go on.
     */
    private boolean processBatch(MessageBatch batch) {
        List<InFlightMessage> toHandle = new ArrayList<>();
        for (InFlightMessage message : batch.messages()) {
            Outcome early = settler.pendingMove(message).or(() -> router.beforeHandling(message)).orElse(null);
            if (early != null) {
                settler.apply(message, early);
            } else {
                toHandle.add(message);
            }
        }
        if (toHandle.isEmpty()) {
            return !fifo;
        }
        List<SqsMessage> views = new ArrayList<>(toHandle.size());
        toHandle.forEach(message -> views.add(message.view()));
        HandlerInvoker.BatchInvocation invocation;
        try {
            invocation = invoker.invokeBatch(views);
        } catch (VirtualMachineError e) {
            toHandle.forEach(message -> settler.apply(message, new Outcome.Redeliver(e)));
            throw e;
        }
        tuner.handled(toHandle.size(), invocation.duration().toNanos());
        Map<String, Throwable> failures = invocation.error() != null ? null
                : invocation.result().failuresByMessageId();
        boolean groupContinues = true;
        List<InFlightMessage> behindFailure = new ArrayList<>();
        for (InFlightMessage message : toHandle) {
            if (fifo && !groupContinues) {
                // Behind a failed message of its group: it must come back after it, whatever the handler did.
                behindFailure.add(message);
                continue;
            }
            Throwable error = failures == null ? invocation.error() : failures.get(message.view().messageId());
            Outcome outcome;
            if (error == null) {
                events.succeeded(message.view(), invocation.duration());
                outcome = ACKNOWLEDGE;
            } else {
                events.failed(message.view(), error, invocation.duration());
                outcome = router.afterFailure(message, error);
                log.warn("batch handler failed message {} (receive {}): {}", message.view().messageId(),
                        message.view().receiveCount(), describe(outcome), loggable(error));
            }
            settler.apply(message, outcome);
            groupContinues &= outcome.letsGroupContinue();
        }
        if (!behindFailure.isEmpty()) {
            settler.release(behindFailure, ReleaseReason.FIFO_GROUP_FAILED);
        }
        return groupContinues;
    }

    /**
     * A stack overflow's trace is a thousand copies of the same few frames: log its top frames only, so one bad
     * message does not write a megabyte to the log.
     */
    private static Throwable loggable(Throwable error) {
        if (!(error instanceof StackOverflowError)) {
            return error;
        }
        StackTraceElement[] frames = error.getStackTrace();
        String shown = "top " + Math.min(frames.length, STACK_OVERFLOW_FRAMES) + " of " + frames.length
                + " frames shown";
        StackOverflowError shortened = new StackOverflowError(error.getMessage() == null ? shown
                : error.getMessage() + " (" + shown + ")");
        shortened.setStackTrace(Arrays.copyOf(frames, Math.min(frames.length, STACK_OVERFLOW_FRAMES)));
        return shortened;
    }

    private static String describe(Outcome outcome) {
        if (outcome instanceof Outcome.RetryAfter retry) {
            return "attempt " + retry.attempt() + ", retrying in " + retry.delay();
        }
        if (outcome instanceof Outcome.Move move) {
            return (move.deadLetter() ? "dead-lettering to " : "moving to retry queue ") + move.queueUrl();
        }
        if (outcome instanceof Outcome.Release) {
            return "permanent failure; releasing it for the queue's RedrivePolicy";
        }
        return "it will be delivered again";
    }

    /**
     * What happens to a message whose visibility lapses while its handler still runs (SQS refuses extensions, or
     * maxProcessingTime is reached): said in the start-up warning and in the report of refused extensions.
     */
    private String whenVisibilityLapses(QueueProfile profile, Duration visibilityTimeout, boolean idempotent) {
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
    private void warnAboutDeadLettering(QueueProfile profile, RetryPolicy policy) {
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
                shutDownThreads();
                state = ConsumerState.STOPPED;
            }
        }
    }

    private void drain() {
        long started = System.nanoTime();
        long deadline = started + settings.shutdownTimeout().toNanos();
        // 1. Stop receiving; from now on the dispatcher releases whatever a poll in flight still returns.
        receiver.stop();
        stopSignal.countDown();
        // 2. Release the messages that were waiting for a handler.
        dispatcher.close();
        // 3. Let running handlers finish, up to the shutdown timeout. Polls in flight meanwhile answer, and the
        // dispatcher releases what they return.
        boolean idle = awaitHandlers(deadline);
        // A poll that has not answered within a second of close() (or by the time handlers finished) is waiting on
        // a quiet queue: it is left to finish on its own and hand back what it gets, instead of being waited out
        // for up to waitTime, or cancelled, which would not stop SQS from giving it the next message to arrive.
        long pollDeadline = Math.min(deadline, Math.max(System.nanoTime(), started + POLL_GRACE.toNanos()));
        if (!awaitPollers(pollDeadline)) {
            int detached = receiver.detachInFlight();
            log.info("consumer {}: left {} long poll(s) to finish without the consumer; a message one returns is "
                    + "handed back to the queue at once", settings.name(), detached);
        }
        if (!idle) {
            // Every message still unsettled is one a handler holds: waiting ones were released, and the receives
            // that returned have been handed on. The extender tracks exactly the unsettled ones.
            List<InFlightMessage> abandoned = extender.trackedMessages();
            log.warn("consumer {}: handlers still running at the shutdown timeout ({}) hold {} message(s); "
                    + "interrupting them; those messages reappear when their visibility lapses", settings.name(),
                    settings.shutdownTimeout(), abandoned.size());
            abandoned.forEach(settler::abandon);
            if (ownedExecutor != null) {
                ownedExecutor.shutdownNow();
            }
        }
        // 4. Flush acknowledgements and releases, sharing what is left of the timeout (at least a second): first
        // the idempotency keys still to complete, which then queue their messages' deletes. They get at most half,
        // so that a failing store cannot leave the deletes no time.
        long flushDeadline = Math.max(deadline, System.nanoTime() + MIN_FLUSH_BUDGET.toNanos());
        heldKeys.flushAndClose(Duration.ofNanos(Math.max(0, flushDeadline - System.nanoTime()) / 2));
        deletes.flushAndClose(Duration.ofNanos(Math.max(0, flushDeadline - System.nanoTime())));
        visibilityChanges.flushAndClose(Duration.ofNanos(Math.max(0, flushDeadline - System.nanoTime())));
        // 5. The extender stops with shutDownThreads().
        ConsumerMetrics metrics = events.snapshot();
        log.info("consumer {} closed in {} ms: {} received, {} succeeded, {} failed, {} deleted, {} released",
                settings.name(), Duration.ofNanos(System.nanoTime() - started).toMillis(), metrics.received(),
                metrics.succeeded(), metrics.failed(), metrics.deleted(), metrics.released());
    }

    private boolean awaitHandlers(long deadline) {
        try {
            return dispatcher.awaitIdle(Math.max(0, deadline - System.nanoTime()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private boolean awaitPollers(long deadline) {
        try {
            return receiver.awaitAnswered(Math.max(0, deadline - System.nanoTime()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void shutDownThreads() {
        if (visibilityScheduler != null) {
            visibilityScheduler.shutdownNow();
        }
        if (ackScheduler != null) {
            ackScheduler.shutdownNow();
        }
        if (ownedExecutor != null) {
            ownedExecutor.shutdown();
        }
        if (answerExecutor != null) {
            answerExecutor.shutdown();
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

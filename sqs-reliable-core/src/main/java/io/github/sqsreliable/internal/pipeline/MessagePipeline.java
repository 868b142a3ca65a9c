package io.github.sqsreliable.internal.pipeline;

import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.internal.classify.FailureRouter;
import io.github.sqsreliable.internal.classify.Outcome;
import io.github.sqsreliable.internal.dedupe.HandlerKeys;
import io.github.sqsreliable.internal.dedupe.IdempotencyGate;
import io.github.sqsreliable.internal.dispatch.Dispatcher;
import io.github.sqsreliable.internal.handle.HandlerInvoker;
import io.github.sqsreliable.internal.handle.HandlerResult;
import io.github.sqsreliable.internal.message.DispatchUnit;
import io.github.sqsreliable.internal.message.InFlightMessage;
import io.github.sqsreliable.internal.message.MessageBatch;
import io.github.sqsreliable.internal.observe.ConsumerEvents;
import io.github.sqsreliable.internal.settle.SettleStage;
import io.github.sqsreliable.observe.ConsumerEvent.ReleaseReason;
import io.github.sqsreliable.retry.FailureKind;
import io.github.sqsreliable.observe.MessageTracing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The path of a received message, the same for every driver (the polling consumer, a Lambda function):
 * {@link IdempotencyGate gate} → {@link Dispatcher dispatch} → {@link HandlerInvoker handle} →
 * {@link FailureRouter classify} → {@link SettleStage settle}. Stages decide; the settle stage is the one place
 * where decisions are applied to the queue.
 *
 * <p>Thread-safe: {@link #accept} runs on the threads that take receive answers, {@link #process} on the
 * dispatcher's workers.
 */
public final class MessagePipeline {

    private static final Logger log = LoggerFactory.getLogger(MessagePipeline.class);
    private static final Outcome ACKNOWLEDGE = new Outcome.Acknowledge();
    private static final int STACK_OVERFLOW_FRAMES = 20;

    private final IdempotencyGate gate;
    private final Dispatcher<DispatchUnit> dispatcher;
    private final HandlerInvoker invoker;
    private final FailureRouter router;
    private final SettleStage settler;
    private final Shape shape;
    private final ConsumerEvents events;
    private final CountDownLatch stopSignal = new CountDownLatch(1);

    /**
     * How the pipeline runs for one queue.
     *
     * @param name the consumer's name, for the logs
     * @param fifo whether the queue is FIFO: a message group's messages then run in order, and a failure holds the
     *     group's later messages back
     * @param batches whether handlers take batches (one per receive, or per FIFO group in a receive)
     * @param maxConcurrency the most handlers running at once
     * @param executor where handlers run
     * @param holdLimit how long messages are kept while the idempotency store is unavailable before they are
     *     handed back
     * @param handled told how long each handler call took, for how many messages
     */
    public record Shape(String name, boolean fifo, boolean batches, int maxConcurrency, Executor executor, Duration holdLimit,
                        HandlerTimer handled) {
    }

    /** Told how long handlers take, to size what the consumer receives ahead. */
    @FunctionalInterface
    public interface HandlerTimer {

        /** A timer that ignores the times. */
        HandlerTimer NONE = (messages, nanos) -> { };

        /**
         * @param messages the messages handed to the handler in one call
         * @param nanos how long the call took
         */
        void handled(int messages, long nanos);
    }

    /**
     * @param gate acquires idempotency keys and lets through only new work; null without idempotency
     * @param shape how handlers are dispatched
     * @param invoker calls the user's handler
     * @param router classifies failures and decides retry, move or release
     * @param settler applies every decision
     * @param events counts and reports what happens
     */
    public MessagePipeline(IdempotencyGate gate, Shape shape, HandlerInvoker invoker, FailureRouter router,
                           SettleStage settler, ConsumerEvents events) {
        this.gate = gate;
        this.dispatcher = new Dispatcher<>(shape.maxConcurrency(), shape.fifo(), shape.executor(), this::process,
                settler::release);
        this.invoker = invoker;
        this.router = router;
        this.settler = settler;
        this.shape = shape;
        this.events = events;
    }

    /** @return the dispatch stage, for the driver's lifecycle: waiting for handlers, starting stalled units */
    public Dispatcher<DispatchUnit> dispatcher() {
        return dispatcher;
    }

    /**
     * Gate → dispatch: takes one receive's messages, on the thread that took the receive's answer. While the
     * idempotency store is unavailable, keeps the messages it could not admit and tries again on this thread, for up
     * to the hold limit.
     *
     * @param received the messages, in received order
     * @param keepOne whether the caller is a thread of the handler pool with nothing else to do, which may then run
     *     the first handler itself
     * @return the first handler to run on this thread when {@code keepOne}, or null
     */
    public Runnable accept(List<InFlightMessage> received, boolean keepOne) {
        if (gate == null) {
            return dispatch(received, keepOne);
        }
        IdempotencyGate.Admission admission = admit(received);
        if (admission.held().isEmpty()) {
            return dispatch(admission.toDispatch(), keepOne);
        }
        dispatch(admission.toDispatch(), false);
        // Failing closed: keep what the store could not admit invisible and owned (no new receive, which SQS would
        // count), and try again on this thread, whose receive keeps its poller slot meanwhile.
        long holdUntil = System.nanoTime() + shape.holdLimit().toNanos();
        while (!admission.held().isEmpty()) {
            boolean stopping = awaitStop(admission.pause());
            if (stopping || System.nanoTime() > holdUntil) {
                if (!stopping) {
                    log.warn("consumer {}: the idempotency store has been unavailable for {}; handing {} held "
                            + "message(s) back to the queue", shape.name(), shape.holdLimit(), admission.held().size());
                }
                settler.release(admission.held(), ReleaseReason.SHUTDOWN);
                break;
            }
            admission = admit(admission.held());
            dispatch(admission.toDispatch(), false);
        }
        return null;
    }

    /**
     * Stops the pipeline: messages held for the idempotency store and those waiting for a handler are handed back.
     * Running handlers carry on.
     */
    public void close() {
        stopSignal.countDown();
        dispatcher.close();
    }

    /** The gate decides; its settlements are applied here, in received order, before anything is dispatched. */
    private IdempotencyGate.Admission admit(List<InFlightMessage> messages) {
        IdempotencyGate.Admission admission = gate.admit(messages);
        for (IdempotencyGate.Settlement settlement : admission.toSettle()) {
            if (settlement instanceof IdempotencyGate.Settlement.Apply apply) {
                settler.apply(apply.message(), apply.outcome());
            } else if (settlement instanceof IdempotencyGate.Settlement.Release release) {
                settler.release(List.of(release.message()), release.reason());
            }
        }
        return admission;
    }

    /** @return the first handler to run on this thread when {@code keepOne}, or null */
    private Runnable dispatch(List<InFlightMessage> messages, boolean keepOne) {
        if (messages.isEmpty()) {
            return null;
        }
        List<DispatchUnit> units = shape.batches() ? batchesOf(messages) : List.copyOf(messages);
        if (keepOne) {
            return dispatcher.dispatchKeepingOne(units);
        }
        dispatcher.dispatch(units);
        return null;
    }

    /** @return whether the pipeline began to stop while waiting */
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
            String key = shape.fifo() ? message.dispatchKey() : received.get(0).dispatchKey();
            byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(message);
        }
        List<DispatchUnit> batches = new ArrayList<>();
        byKey.forEach((key, messages) -> batches.add(new MessageBatch(key, messages)));
        return batches;
    }

    /**
     * Handle → classify → settle, on a worker thread, for either kind of handler. Answers whether later units of
     * the same FIFO group may go on (false when this one will be delivered again and must stay ahead of them).
     */
    private boolean process(DispatchUnit unit) {
        return unit instanceof MessageBatch batch ? processBatch(batch) : processOne((InFlightMessage) unit);
    }

    private boolean processOne(InFlightMessage message) {
        // A message whose move failed before is moved again, not handled again.
        Outcome early = settler.pendingMove(message).or(() -> router.beforeHandling(message)).orElse(null);
        if (early != null) {
            settler.apply(message, early);
            return early.letsGroupContinue();
        }
        events.handlerStarted(message.view(), message.arrivedNanos());
        HandlerResult result;
        HandlerKeys.Binding keyBound = HandlerKeys.bind(message.heldKey());
        try {
            result = invoker.invoke(message.view());
        } catch (VirtualMachineError e) {
            // Return the permit and stop extending before the error goes on to the thread's handler.
            settler.apply(message, new Outcome.Redeliver(e));
            throw e;
        } finally {
            keyBound.close();
        }
        shape.handled().handled(1, result.duration().toNanos());
        Outcome outcome = result.succeeded()
                ? succeeded(message.view(), result.duration())
                : failed(message, result.error(), result.duration(), "handler failed for message");
        message.traced(result.span());
        result.span().end(TraceOutcomes.of(outcome), result.error());
        settler.apply(message, outcome);
        return outcome.letsGroupContinue();
    }

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
            return !shape.fifo();
        }
        List<SqsMessage> views = new ArrayList<>(toHandle.size());
        toHandle.forEach(message -> views.add(message.view()));
        toHandle.forEach(message -> events.handlerStarted(message.view(), message.arrivedNanos()));
        HandlerInvoker.BatchInvocation invocation;
        try {
            invocation = invoker.invokeBatch(views);
        } catch (VirtualMachineError e) {
            toHandle.forEach(message -> settler.apply(message, new Outcome.Redeliver(e)));
            throw e;
        }
        shape.handled().handled(toHandle.size(), invocation.duration().toNanos());
        Map<String, Throwable> failures = invocation.error() != null ? null
                : invocation.result().failuresByMessageId();
        boolean groupContinues = true;
        boolean failedBefore = false;
        List<InFlightMessage> behindFailure = new ArrayList<>();
        MessageTracing.Span span = invocation.span();
        MessageTracing.Outcome traced = null;
        for (InFlightMessage message : toHandle) {
            if (shape.fifo() && failedBefore) {
                // Behind a failed message of its group: it must come back after it, whatever the handler did. Even
                // when the failed one was dead-lettered: a handler that stopped at the first failure, as it should,
                // did not process this one, so acknowledging it would lose it.
                behindFailure.add(message);
                traced = TraceOutcomes.merge(traced, MessageTracing.Outcome.RELEASED);
                continue;
            }
            Throwable error = failures == null ? invocation.error() : failures.get(message.view().messageId());
            Outcome outcome = error == null
                    ? succeeded(message.view(), invocation.duration())
                    : failed(message, error, invocation.duration(), "batch handler failed message");
            message.traced(span);
            traced = TraceOutcomes.merge(traced, TraceOutcomes.of(outcome));
            if (error != null && failures != null) {
                span.messageFailed(message.view(), TraceOutcomes.of(outcome), error);
            }
            settler.apply(message, outcome);
            groupContinues &= outcome.letsGroupContinue();
            failedBefore |= error != null;
        }
        if (!behindFailure.isEmpty()) {
            settler.release(behindFailure, ReleaseReason.FIFO_GROUP_FAILED);
        }
        span.end(traced, invocation.error());
        // Released messages come back from SQS: the group's later messages must not overtake them.
        return groupContinues && behindFailure.isEmpty();
    }

    private Outcome succeeded(SqsMessage view, Duration duration) {
        events.succeeded(view, duration);
        return ACKNOWLEDGE;
    }

    private Outcome failed(InFlightMessage message, Throwable error, Duration duration, String saying) {
        FailureKind kind = router.classify(error, message.view());
        events.failed(message.view(), error, duration, kind);
        Outcome outcome = router.afterFailure(message, error, kind);
        log.warn("{} {} (receive {}): {}", saying, message.view().messageId(),
                message.view().receiveCount(), describe(outcome), loggable(error));
        return outcome;
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
}

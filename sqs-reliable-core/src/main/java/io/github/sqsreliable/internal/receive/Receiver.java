package io.github.sqsreliable.internal.receive;

import io.github.resilience4j.core.IntervalFunction;
import io.github.sqsreliable.internal.sqs.SqsLimits;
import io.github.sqsreliable.internal.observe.ConsumerEvents;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequest;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

/**
 * The receive stage, with no thread of its own and none blocked while a long poll is in flight: a receive is
 * sent by whichever thread makes it possible (a handler's thread returning permits, the thread that handed on
 * the previous answer, or a timer), and its answer is handed to the answer executor, never handled on the SDK's
 * thread. A receive asks for a full batch of 10 whenever an active poller slot ({@link PollerActivity}) and 10
 * permits ({@link ReceivePermits}) are free; for fewer only when handlers are idle with nothing ready, no receive
 * is in flight to feed them, and no full batch freed up within {@value #BATCH_PERMIT_WAIT_MILLIS} ms.
 *
 * <p>A failed receive holds its slot for an exponential backoff with jitter (reset by the next success); the
 * first failure is logged as a warning with its stack trace, the following ones only every tenth time, so an
 * outage does not flood the log.
 */
public final class Receiver {

    private static final Logger log = LoggerFactory.getLogger(Receiver.class);

    /** How long a full batch of permits may take to free up before a receive may ask for fewer messages. */
    static final long BATCH_PERMIT_WAIT_MILLIS = 5;
    /** A receive with fewer messages than this puts its poller to sleep, unless it is the last one receiving. */
    static final int SHORT_RECEIVE = SqsLimits.MAX_RECEIVE_BATCH / 2;
    private static final IntervalFunction POLL_BACKOFF =
            IntervalFunction.ofExponentialRandomBackoff(Duration.ofMillis(200), 2.0, 0.5, Duration.ofSeconds(20));

    /** Where received messages go, on the answer executor's thread. */
    @FunctionalInterface
    public interface BatchSink {
        /**
         * Takes one receive's messages. It may keep the thread while it waits for something downstream (the
         * idempotency store); the receive's poller slot stays claimed meanwhile, so receiving slows down with it.
         *
         * @param messages the messages, in the order SQS returned them
         * @param leaseStartNanos {@link System#nanoTime()} when the receive was sent
         * @return work to run on this thread once the next receive has been sent (the first handler), or null
         */
        Runnable accept(List<Message> messages, long leaseStartNanos);
    }

    private final SqsAsyncClient client;
    private final String queueUrl;
    private final ReceiveMessageRequest baseRequest;
    /** The request for each batch size, made once: a receive is sent for every 10 messages. Index: size - 1. */
    private final ReceiveMessageRequest[] requestsBySize = new ReceiveMessageRequest[SqsLimits.MAX_RECEIVE_BATCH];
    private final ReceivePermits permits;
    private final ByteBudget bytes;
    private final long maxMessageBytes;
    private final PrefetchTuner tuner;
    private final PollerActivity activity;
    private final BooleanSupplier handlersStarving;
    private final BatchSink sink;
    private final ConsumerEvents events;
    private final Executor answers;
    private final ScheduledExecutorService timer;
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private final AtomicBoolean partialCheckScheduled = new AtomicBoolean();
    private final AtomicLong handedBack = new AtomicLong();
    private final Set<CompletableFuture<ReceiveMessageResponse>> inFlight = ConcurrentHashMap.newKeySet();
    private final Set<Backoff> backingOff = ConcurrentHashMap.newKeySet();
    private volatile boolean running = true;
    private volatile boolean detached;

    /**
     * @param visibilityTimeout requested with each receive, or {@code null} to use the queue's
     * @param systemAttributes the system attributes each receive asks for
     * @param bytes reserved for each receive as if it returned its messages at the queue's maximum size
     * @param maxMessageBytes the queue's {@code MaximumMessageSize}
     * @param tuner told the size and round trip of each receive that returned messages
     * @param activity how many receives may be in flight
     * @param handlersStarving whether a handler could start now but no message is ready for it
     * @param answers where answers are handed on; must not run tasks on the calling thread
     * @param timer runs backoffs and the wait for a full batch; its tasks must be quick
     */
    public Receiver(SqsAsyncClient client, String queueUrl, Duration waitTime, Duration visibilityTimeout,
                    List<MessageSystemAttributeName> systemAttributes, ReceivePermits permits, ByteBudget bytes,
                    long maxMessageBytes, PrefetchTuner tuner,
                    PollerActivity activity, BooleanSupplier handlersStarving, BatchSink sink, ConsumerEvents events,
                    Executor answers, ScheduledExecutorService timer) {
        this.client = client;
        this.queueUrl = queueUrl;
        this.permits = permits;
        this.bytes = bytes;
        this.maxMessageBytes = maxMessageBytes;
        this.tuner = tuner;
        this.activity = activity;
        this.handlersStarving = handlersStarving;
        this.sink = sink;
        this.events = events;
        this.answers = answers;
        this.timer = timer;
        ReceiveMessageRequest.Builder request = ReceiveMessageRequest.builder()
                .queueUrl(queueUrl)
                .waitTimeSeconds(SqsLimits.toSecondsRoundingUp(waitTime))
                .messageSystemAttributeNames(systemAttributes)
                .messageAttributeNames("All");
        if (visibilityTimeout != null) {
            request.visibilityTimeout(SqsLimits.toSecondsRoundingUp(visibilityTimeout));
        }
        this.baseRequest = request.build();
        for (int size = 1; size <= requestsBySize.length; size++) {
            requestsBySize[size - 1] = baseRequest.toBuilder().maxNumberOfMessages(size).build();
        }
        permits.onRelease(this::sendWhatFits);
        bytes.onRelease(this::sendWhatFits);
    }

    /**
     * Sends a receive for every active poller slot that is free while a full batch of permits is free. Called
     * whenever either may have freed up, and on a timer as a safety net; any thread but an SDK one; never blocks.
     */
    public void sendWhatFits() {
        while (running) {
            int wanted = Math.min(permits.batch(), bytes.receiveLimit(maxMessageBytes));
            if (permits.available() < wanted || !bytes.fits(wanted, maxMessageBytes) || !activity.hasRoom()) {
                schedulePartialCheck();
                return;
            }
            if (!activity.tryClaim()) {
                return; // the threads that hold the slots send or re-check when they give them back
            }
            if (permits.tryTake(wanted)) {
                if (bytes.tryReserve(wanted, maxMessageBytes)) {
                    send(wanted);
                    continue;
                }
                permits.release(wanted);
            }
            // Another thread took the permits or the bytes between the check and the claim. Going round again
            // re-checks with the slot given back, so a release that found this slot claimed is not lost.
            activity.receiveAnswered();
        }
    }

    /** Stops sending receives. Those in flight still answer and are handed on; backoffs end now. */
    public void stop() {
        running = false;
        for (Backoff backoff : backingOff) {
            backoff.end();
        }
    }

    /**
     * Leaves the receives still in flight to finish without the consumer: whatever they return is handed back to
     * the queue at once (visibility 0) by the SDK's own thread, not handled. Cancelling them instead would not
     * stop SQS: a long poll whose connection is gone still takes the next message that arrives, which then stays
     * invisible for a whole visibility timeout.
     *
     * @return how many receives were in flight
     */
    public int detachInFlight() {
        stop();
        detached = true;
        return inFlight.size();
    }

    /**
     * Waits until every receive sent has answered and been handed on.
     *
     * @param timeoutNanos how long to wait
     * @return whether all had in time
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean awaitAnswered(long timeoutNanos) throws InterruptedException {
        return activity.awaitNoneInFlight(timeoutNanos);
    }

    /**
     * A receive of fewer than 10 messages is worth its request only when a handler is idle with nothing ready,
     * and no receive in flight could feed it instead; and only after a full batch had a moment to free up.
     * Whether handlers starve is asked when the check runs: the release that schedules it comes just before its
     * handler counts as finished.
     */
    private void schedulePartialCheck() {
        if (permits.available() > 0 && activity.noReceiveInFlight()
                && partialCheckScheduled.compareAndSet(false, true)) {
            try {
                timer.schedule(this::sendPartialIfStarving, BATCH_PERMIT_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                partialCheckScheduled.set(false); // stopping
            }
        }
    }

    private void sendPartialIfStarving() {
        partialCheckScheduled.set(false);
        sendWhatFits();
        if (running && activity.noReceiveInFlight() && handlersStarving.getAsBoolean() && activity.tryClaim()) {
            int taken = permits.takeUpTo(Math.min(permits.batch(), bytes.receiveLimit(maxMessageBytes)));
            int reserved = taken > 0 ? bytes.reserveUpTo(taken, maxMessageBytes) : 0;
            permits.release(taken - reserved);
            if (reserved > 0) {
                send(reserved);
            } else {
                activity.receiveAnswered();
            }
        }
    }

    /** Caller holds a slot, {@code taken} permits and room for {@code taken} messages in the byte budget. */
    private void send(int taken) {
        long leaseStart = System.nanoTime();
        CompletableFuture<ReceiveMessageResponse> receive;
        try {
            receive = client.receiveMessage(request(taken));
        } catch (RuntimeException e) {
            // Some SDK failures (a bad endpoint, an interceptor) are thrown rather than returned.
            receive = CompletableFuture.failedFuture(e);
        }
        inFlight.add(receive);
        CompletableFuture<ReceiveMessageResponse> sent = receive;
        receive.whenComplete((response, error) -> {
            inFlight.remove(sent);
            handOn(taken, leaseStart, response, error);
        });
    }

    private ReceiveMessageRequest request(int messages) {
        return messages >= 1 && messages <= requestsBySize.length ? requestsBySize[messages - 1]
                : baseRequest.toBuilder().maxNumberOfMessages(messages).build();
    }

    /** On the SDK's thread: nothing but the hand-off. */
    private void handOn(int taken, long leaseStart, ReceiveMessageResponse response, Throwable error) {
        if (!detached) {
            try {
                answers.execute(() -> answered(taken, leaseStart, response, error));
                return;
            } catch (RejectedExecutionException e) {
                // The consumer shut its threads down meanwhile: hand the messages back without them.
            }
        }
        handBack(response);
        permits.release(taken);
        bytes.release(taken * maxMessageBytes);
        activity.receiveAnswered();
    }

    /**
     * Hands back what a receive returned after the consumer stopped, straight from the SDK's thread: one
     * asynchronous request, nothing waited for. If it fails, or the client is closed first, the messages reappear
     * when their visibility lapses.
     */
    private void handBack(ReceiveMessageResponse response) {
        if (response == null || response.messages().isEmpty()) {
            return;
        }
        List<Message> messages = response.messages();
        List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            entries.add(ChangeMessageVisibilityBatchRequestEntry.builder()
                    .id(Integer.toString(i))
                    .receiptHandle(messages.get(i).receiptHandle())
                    .visibilityTimeout(0)
                    .build());
        }
        handedBack.addAndGet(messages.size());
        try {
            client.changeMessageVisibilityBatch(ChangeMessageVisibilityBatchRequest.builder()
                            .queueUrl(queueUrl).entries(entries).build())
                    .whenComplete((answer, error) -> {
                        if (error != null || answer.hasFailed() && !answer.failed().isEmpty()) {
                            log.info("{} message(s) a receive returned after the consumer stopped could not be "
                                            + "handed back to {}; they reappear when their visibility lapses",
                                    error != null ? messages.size() : answer.failed().size(), queueUrl);
                        }
                    });
        } catch (RuntimeException e) {
            log.info("{} message(s) a receive returned after the consumer stopped could not be handed back to {}; "
                    + "they reappear when their visibility lapses: {}", messages.size(), queueUrl, e.toString());
        }
    }

    /** @return messages that receives returned after the consumer stopped, handed back unhandled */
    public long handedBack() {
        return handedBack.get();
    }

    private void answered(int taken, long leaseStart, ReceiveMessageResponse response, Throwable error) {
        Runnable first = null;
        boolean slotHeld = true;
        try {
            if (error != null) {
                permits.release(taken);
                bytes.release(taken * maxMessageBytes);
                slotHeld = !failed(error);
                return;
            }
            int failures = consecutiveFailures.getAndSet(0);
            if (failures > 0) {
                log.info("receiving from {} recovered after {} failed attempt(s)", queueUrl, failures);
            }
            List<Message> messages = response.messages();
            permits.release(taken - messages.size());
            if (messages.isEmpty()) {
                bytes.release(taken * maxMessageBytes);
            } else {
                tuner.received(messages.size(), taken, System.nanoTime() - leaseStart);
                // A full receive with room for another one means a backlog: one more poller can help drain it.
                if (messages.size() == SqsLimits.MAX_RECEIVE_BATCH
                        && permits.available() >= SqsLimits.MAX_RECEIVE_BATCH) {
                    activity.wakeOne();
                }
                try {
                    first = sink.accept(messages, leaseStart);
                } finally {
                    // The sink counted each message's own bytes: the reservation was only a bound until then.
                    bytes.release(taken * maxMessageBytes);
                }
            }
            // A receive under half full means the queue held little: fewer pollers keep up, and each extra long
            // poll would return a message or two, at the cost of a request on both ends of the wire. (Half, not
            // full: SQS itself often answers a long poll with fewer than 10 while a backlog waits.)
            if (messages.size() < SHORT_RECEIVE) {
                activity.shouldSleepAfterShortReceive();
            }
        } catch (RuntimeException e) {
            log.error("handing on a receive from {} failed unexpectedly", queueUrl, e);
        } finally {
            if (slotHeld) {
                giveBackSlot();
            }
        }
        if (first != null) {
            first.run();
        }
    }

    /** Gives back a slot whose receive is done (answered, or backed off), and sends the receive it now allows. */
    private void giveBackSlot() {
        activity.receiveAnswered();
        sendWhatFits();
    }

    /** @return whether the slot was passed on to a backoff */
    private boolean failed(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof CancellationException || !running) {
            return false;
        }
        int failures = consecutiveFailures.incrementAndGet();
        Duration backoff = Duration.ofMillis(POLL_BACKOFF.apply(Math.min(failures, 30)));
        events.pollFailed(queueUrl, cause, failures, backoff);
        if (failures == 1) {
            log.warn("receiving from {} failed; retrying in {} ms", queueUrl, backoff.toMillis(), cause);
        } else if (failures % 10 == 0) {
            log.warn("receiving from {} still failing after {} attempts; retrying in {} ms: {}", queueUrl,
                    failures, backoff.toMillis(), cause.toString());
        } else {
            log.debug("receiving from {} failed again ({}); retrying in {} ms", queueUrl, failures,
                    backoff.toMillis());
        }
        Backoff slot = new Backoff();
        backingOff.add(slot);
        try {
            timer.schedule(slot::end, backoff.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            slot.end();
        }
        if (!running) {
            slot.end(); // stop() may have run before this backoff was registered
        }
        return true;
    }

    /** A poller slot held through a backoff; given back once, when it ends or the consumer stops. */
    private final class Backoff {
        private final AtomicBoolean ended = new AtomicBoolean();

        void end() {
            if (ended.compareAndSet(false, true)) {
                backingOff.remove(this);
                giveBackSlot();
            }
        }
    }
}

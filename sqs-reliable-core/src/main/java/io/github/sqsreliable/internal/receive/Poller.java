package io.github.sqsreliable.internal.receive;

import io.github.resilience4j.core.IntervalFunction;
import io.github.sqsreliable.internal.SqsLimits;
import io.github.sqsreliable.internal.observe.ConsumerEvents;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

/**
 * One receive loop on its own thread: take permits, long-poll for at most that many messages, hand them on,
 * repeat. A failed receive backs off exponentially with jitter (reset by the next success); the first failure
 * is logged as a warning with its stack trace, the following ones only every tenth time, so an outage does not
 * flood the log.
 */
public final class Poller implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(Poller.class);

    /** How long a poller waits for a full batch of permits before it may receive fewer messages. */
    static final long BATCH_PERMIT_WAIT_MILLIS = 5;
    private static final long STOP_CHECK_MILLIS = 100;
    private static final IntervalFunction POLL_BACKOFF =
            IntervalFunction.ofExponentialRandomBackoff(Duration.ofMillis(200), 2.0, 0.5, Duration.ofSeconds(20));

    /**
     * Where received messages go, with the time the receive was sent. It may keep the poller's thread while it
     * waits for something downstream (the idempotency store), which keeps this poller from receiving more.
     */
    @FunctionalInterface
    public interface BatchSink {
        void accept(List<Message> messages, long leaseStartNanos);
    }

    private final SqsAsyncClient client;
    private final String queueUrl;
    private final ReceivePermits permits;
    private final PrefetchTuner tuner;
    private final PollerActivity activity;
    private final BooleanSupplier handlersStarving;
    private final BatchSink sink;
    private final ConsumerEvents events;
    private final CountDownLatch stopSignal;
    private final ReceiveMessageRequest.Builder request;
    /** A receive with fewer messages than this puts its poller to sleep, unless it is the last one receiving. */
    static final int SHORT_RECEIVE = SqsLimits.MAX_RECEIVE_BATCH / 2;

    private final AtomicReference<CompletableFuture<ReceiveMessageResponse>> inFlight = new AtomicReference<>();
    private volatile boolean running = true;

    /**
     * @param visibilityTimeout requested with each receive, or {@code null} to use the queue's
     * @param systemAttributes the system attributes each receive asks for
     * @param tuner told the size and round trip of each receive that returned messages
     * @param activity shared by the consumer's pollers: puts this one to sleep while the queue is idle
     * @param handlersStarving whether a handler could start now but no message is ready for it: only then, and
     *     with no receive in flight, does a receive ask for fewer than 10 messages
     * @param stopSignal counted down when the consumer stops, to cut a backoff short
     */
    public Poller(SqsAsyncClient client, String queueUrl, Duration waitTime, Duration visibilityTimeout,
                  List<MessageSystemAttributeName> systemAttributes, ReceivePermits permits, PrefetchTuner tuner,
                  PollerActivity activity, BooleanSupplier handlersStarving, BatchSink sink, ConsumerEvents events, CountDownLatch stopSignal) {
        this.client = client;
        this.queueUrl = queueUrl;
        this.permits = permits;
        this.tuner = tuner;
        this.activity = activity;
        this.handlersStarving = handlersStarving;
        this.sink = sink;
        this.events = events;
        this.stopSignal = stopSignal;
        this.request = ReceiveMessageRequest.builder()
                .queueUrl(queueUrl)
                .waitTimeSeconds(SqsLimits.toSecondsRoundingUp(waitTime))
                .messageSystemAttributeNames(systemAttributes)
                .messageAttributeNames("All");
        if (visibilityTimeout != null) {
            request.visibilityTimeout(SqsLimits.toSecondsRoundingUp(visibilityTimeout));
        }
    }

    @Override
    public void run() {
        int consecutiveFailures = 0;
        try {
            while (running) {
                int taken = permits.acquireBatch(SqsLimits.MAX_RECEIVE_BATCH, BATCH_PERMIT_WAIT_MILLIS,
                        STOP_CHECK_MILLIS, this::partialReceiveWorthIt);
                if (taken == 0) {
                    continue;
                }
                if (!running) {
                    permits.release(taken);
                    break;
                }
                long leaseStart = System.nanoTime();
                List<Message> messages;
                activity.receiveSent();
                try {
                    messages = receive(taken);
                } catch (CancellationException e) {
                    activity.receiveAnswered();
                    permits.release(taken);
                    break;
                } catch (ExecutionException e) {
                    activity.receiveAnswered();
                    permits.release(taken);
                    consecutiveFailures++;
                    backOff(e.getCause(), consecutiveFailures);
                    continue;
                }
                activity.receiveAnswered();
                if (consecutiveFailures > 0) {
                    log.info("receiving from {} recovered after {} failed attempt(s)", queueUrl, consecutiveFailures);
                    consecutiveFailures = 0;
                }
                permits.release(taken - messages.size());
                if (!messages.isEmpty()) {
                    tuner.received(messages.size(), taken, System.nanoTime() - leaseStart);
                    // A full receive with room for another one means a backlog: one more poller can help drain it.
                    if (messages.size() == SqsLimits.MAX_RECEIVE_BATCH
                            && permits.available() >= SqsLimits.MAX_RECEIVE_BATCH) {
                        activity.wakeOne();
                    }
                    sink.accept(messages, leaseStart);
                }
                // A receive under half full means the queue held little: fewer pollers keep up, and each extra long
                // poll would return a message or two, at the cost of a request on both ends of the wire. (Half,
                // not full: SQS itself often answers a long poll with fewer than 10 while a backlog waits.)
                if (messages.size() < SHORT_RECEIVE && activity.shouldSleepAfterShortReceive()) {
                    activity.awaitWake(() -> running);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("poller for {} stopped by an unexpected error", queueUrl, e);
        }
    }

    /**
     * A receive of fewer than 10 messages is worth its request only when a handler is idle with nothing ready,
     * and no receive in flight could feed it instead.
     */
    private boolean partialReceiveWorthIt() {
        return handlersStarving.getAsBoolean() && activity.noReceiveInFlight();
    }

    /** Stops after the receive in flight, if any, has returned and its messages were handed on. */
    public void stop() {
        running = false;
    }

    /** Abandons the receive in flight: messages SQS returned to it reappear when their visibility lapses. */
    public void cancelInFlight() {
        running = false;
        CompletableFuture<ReceiveMessageResponse> receive = inFlight.get();
        if (receive != null) {
            receive.cancel(true);
        }
    }

    private List<Message> receive(int maxMessages) throws ExecutionException, InterruptedException {
        CompletableFuture<ReceiveMessageResponse> receive;
        try {
            receive = client.receiveMessage(request.maxNumberOfMessages(maxMessages).build());
        } catch (RuntimeException e) {
            // Some SDK failures (a bad endpoint, an interceptor) are thrown rather than returned.
            throw new ExecutionException(e);
        }
        inFlight.set(receive);
        try {
            return receive.get().messages();
        } finally {
            inFlight.set(null);
        }
    }

    private void backOff(Throwable error, int consecutiveFailures) throws InterruptedException {
        Duration backoff = Duration.ofMillis(POLL_BACKOFF.apply(consecutiveFailures));
        events.pollFailed(queueUrl, error, consecutiveFailures, backoff);
        if (consecutiveFailures == 1) {
            log.warn("receiving from {} failed; retrying in {} ms", queueUrl, backoff.toMillis(), error);
        } else if (consecutiveFailures % 10 == 0) {
            log.warn("receiving from {} still failing after {} attempts; retrying in {} ms: {}", queueUrl,
                    consecutiveFailures, backoff.toMillis(), error.toString());
        } else {
            log.debug("receiving from {} failed again ({}); retrying in {} ms", queueUrl, consecutiveFailures,
                    backoff.toMillis());
        }
        stopSignal.await(backoff.toMillis(), TimeUnit.MILLISECONDS);
    }
}

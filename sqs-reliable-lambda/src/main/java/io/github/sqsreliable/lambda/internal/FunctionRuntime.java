package io.github.sqsreliable.lambda.internal;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.github.sqsreliable.BatchHandler;
import io.github.sqsreliable.MessageHandler;
import io.github.sqsreliable.idempotency.Idempotency;
import io.github.sqsreliable.internal.NamedThreadFactory;
import io.github.sqsreliable.internal.classify.FailureRouter;
import io.github.sqsreliable.internal.dedupe.HeldKeys;
import io.github.sqsreliable.internal.dedupe.IdempotencyGate;
import io.github.sqsreliable.internal.handle.HandlerInvoker;
import io.github.sqsreliable.internal.message.InFlightMessage;
import io.github.sqsreliable.internal.observe.ConsumerEvents;
import io.github.sqsreliable.internal.pipeline.MessagePipeline;
import io.github.sqsreliable.internal.settle.MessageMover;
import io.github.sqsreliable.internal.settle.PendingMoves;
import io.github.sqsreliable.lambda.InvocationListener;
import io.github.sqsreliable.observe.ConsumerListener;
import io.github.sqsreliable.observe.MessageTracing;
import io.github.sqsreliable.observe.ConsumerMetrics;
import io.github.sqsreliable.retry.ErrorClassifier;
import io.github.sqsreliable.retry.RetryPolicy;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * What a {@code SqsBatchFunction} runs for each invocation: the event's records become in-flight messages and go
 * through the same {@link MessagePipeline} as the polling consumer's, with a {@link LambdaSettler} as its settle
 * stage; the answer lists every message the settler did not mark deletable.
 *
 * <p>Lives as long as the execution environment: the SQS client, what is known of each queue, the moves that failed
 * and the metrics carry over from one invocation to the next.
 */
public final class FunctionRuntime {

    private static final Logger log = LoggerFactory.getLogger(FunctionRuntime.class);
    private static final Duration DEFAULT_MAX_MARGIN = Duration.ofSeconds(2);

    /**
     * The validated options of the function's builder.
     *
     * @param sqsClient the client, or null for the default one
     * @param queueUrl the event source queue's URL, or null to find it from the records
     * @param handler the handler, or null
     * @param batchHandler the batch handler, or null
     * @param name the name, or null for the Lambda function's
     * @param maxConcurrency messages of one batch handled at once
     * @param timeoutMargin how long before the timeout to stop, or null for the default
     * @param errorClassifier the classifier
     * @param retryPolicy the policy
     * @param idempotency the idempotency configuration, or null
     * @param listeners the listeners
     * @param tracing the tracing, {@code MessageTracing.none()} when off
     */
    public record Settings(SqsAsyncClient sqsClient, String queueUrl, MessageHandler handler, BatchHandler batchHandler,
                           String name, int maxConcurrency, Duration timeoutMargin, ErrorClassifier errorClassifier,
                           RetryPolicy retryPolicy, Idempotency idempotency, List<ConsumerListener> listeners,
                           MessageTracing tracing) {
    }

    private final Settings settings;
    private final ConsumerEvents events;
    private final PendingMoves pendingMoves = new PendingMoves(System::nanoTime);
    private final ScheduledThreadPoolExecutor deadlines;
    private final Executor handlers;
    // Created on the first invocation: a default client reads the Lambda environment, absent when building in tests.
    private volatile SqsAsyncClient client;
    private volatile EventQueues queues;
    private volatile MessageMover mover;
    // What listeners read between and during invocations (ObservedConsumer), and those told when one ends.
    private final List<InvocationListener> invocationListeners;
    private final Set<MessagePipeline> running = ConcurrentHashMap.newKeySet();
    private final AtomicLong heldBytes = new AtomicLong();
    private volatile FunctionView view;

    /** @param settings the validated options */
    public FunctionRuntime(Settings settings) {
        this.settings = settings;
        this.events = new ConsumerEvents(settings.listeners());
        this.deadlines = new ScheduledThreadPoolExecutor(1, new NamedThreadFactory("sqs-reliable-lambda-deadline",
                false, true));
        this.deadlines.setRemoveOnCancelPolicy(true);
        this.handlers = settings.maxConcurrency() == 1 ? Runnable::run : handlerPool(settings.maxConcurrency());
        this.invocationListeners = settings.listeners().stream().filter(InvocationListener.class::isInstance)
                .map(InvocationListener.class::cast).toList();
    }

    /** @return the metrics across invocations */
    public ConsumerMetrics metrics() {
        return events.snapshot();
    }

    /**
     * Handles one batch.
     *
     * @param event the batch
     * @param context the invocation's context
     * @return the messages that must not be deleted
     */
    public SQSBatchResponse handle(SQSEvent event, Context context) {
        long startNanos = System.nanoTime();
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        if (event == null || event.getRecords() == null || event.getRecords().isEmpty()) {
            return new SQSBatchResponse(failures);
        }
        long remainingMillis = context == null ? Duration.ofMinutes(15).toMillis() : context.getRemainingTimeInMillis();
        Duration margin = settings.timeoutMargin() != null ? settings.timeoutMargin()
                : min(DEFAULT_MAX_MARGIN, Duration.ofMillis(remainingMillis / 5));
        long deadlineNanos = startNanos + TimeUnit.MILLISECONDS.toNanos(remainingMillis) - margin.toNanos();
        // One event source mapping reads one queue, but an event put together by hand may mix them.
        Map<String, List<SQSEvent.SQSMessage>> byQueue = new LinkedHashMap<>();
        for (SQSEvent.SQSMessage record : event.getRecords()) {
            byQueue.computeIfAbsent(String.valueOf(record.getEventSourceArn()), arn -> new ArrayList<>()).add(record);
        }
        String name = settings.name() != null ? settings.name()
                : context != null && context.getFunctionName() != null ? context.getFunctionName() : "sqs-function";
        if (view == null && !settings.listeners().isEmpty()) {
            started(name, event.getRecords().get(0).getEventSourceArn());
        }
        for (List<SQSEvent.SQSMessage> records : byQueue.values()) {
            failures.addAll(handleQueue(records, name, deadlineNanos));
        }
        for (InvocationListener listener : invocationListeners) {
            try {
                listener.onInvocationFinished(view);
            } catch (RuntimeException e) {
                log.warn("function {}: listener {} failed at the end of the invocation", name, listener, e);
            }
        }
        if (!failures.isEmpty()) {
            log.info("function {}: {} of {} message(s) reported failed", name, failures.size(),
                    event.getRecords().size());
        }
        return new SQSBatchResponse(failures);
    }

    /** Tells the listeners, once, what they may read from the function; its name is known from the first context. */
    private synchronized void started(String name, String firstEventSourceArn) {
        if (view == null) {
            client();
            String queueUrl = settings.queueUrl() != null ? settings.queueUrl() : queues.of(firstEventSourceArn).url();
            view = new FunctionView(name, queueUrl, settings.maxConcurrency(), events,
                    () -> running.stream().mapToInt(pipeline -> pipeline.dispatcher().running()).sum(), heldBytes);
            events.consumerStarted(view);
        }
    }

    private List<SQSBatchResponse.BatchItemFailure> handleQueue(List<SQSEvent.SQSMessage> records, String name,
                                                                long deadlineNanos) {
        SqsAsyncClient client = client();
        EventQueues.EventQueue queue = queues.of(records.get(0).getEventSourceArn());
        boolean fifo = queue.profile().fifo();
        long receivedNanos = System.nanoTime();
        List<InFlightMessage> messages = new ArrayList<>(records.size());
        long bytes = 0;
        for (SQSEvent.SQSMessage record : records) {
            Message message = EventRecords.toMessage(record);
            InFlightMessage inFlight = new InFlightMessage(message, EventRecords.toView(message, queue.url()), fifo,
                    receivedNanos, queue.profile().visibilityTimeout().toNanos());
            events.received(inFlight.view());
            messages.add(inFlight);
            bytes += inFlight.sizeBytes();
        }
        Duration remaining = Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
        FailureRouter router = new FailureRouter(settings.retryPolicy(), settings.errorClassifier(), queue.url(), fifo,
                queue.profile().hasRedrivePolicy(), Clock.systemUTC(), System::nanoTime);
        LambdaSettler settler = new LambdaSettler(client, queue.url(), mover, pendingMoves, settings.idempotency(),
                events);
        Idempotency idempotency = settings.idempotency();
        // Keys are leased for what is left of the invocation: a key outlives its function only by the lease slack,
        // so the message's next delivery (after the visibility timeout) can always take it.
        IdempotencyGate gate = idempotency == null ? null : new IdempotencyGate(idempotency, name, remaining, fifo,
                router, new HeldKeys(idempotency.store(), null, events), events);
        MessagePipeline pipeline = new MessagePipeline(gate,
                new MessagePipeline.Shape(name, fifo, settings.batchHandler() != null, settings.maxConcurrency(),
                        handlers, remaining.dividedBy(2), MessagePipeline.HandlerTimer.NONE),
                new HandlerInvoker(settings.handler(), settings.batchHandler(), queue.name(), settings.tracing()), router,
                settler, events);
        // At the deadline, messages not started are handed back; those running are reported failed below.
        ScheduledFuture<?> stop = deadlines.schedule(pipeline::close, remaining.toNanos(), TimeUnit.NANOSECONDS);
        heldBytes.addAndGet(bytes);
        running.add(pipeline);
        try {
            pipeline.accept(messages, false);
            if (!awaitIdle(pipeline, deadlineNanos)) {
                pipeline.close();
                log.warn("function {}: handlers still running {} before the function's timeout; their messages are "
                        + "reported failed", name, Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime())));
            }
        } finally {
            stop.cancel(false);
            running.remove(pipeline);
            heldBytes.addAndGet(-bytes);
        }
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        for (InFlightMessage message : messages) {
            if (!settler.deletable(message.view().messageId())) {
                failures.add(new SQSBatchResponse.BatchItemFailure(message.view().messageId()));
            }
        }
        return failures;
    }

    private static boolean awaitIdle(MessagePipeline pipeline, long deadlineNanos) {
        try {
            return pipeline.dispatcher().awaitIdle(Math.max(0, deadlineNanos - System.nanoTime()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private SqsAsyncClient client() {
        SqsAsyncClient current = client;
        if (current == null) {
            synchronized (this) {
                if (client == null) {
                    SqsAsyncClient created = settings.sqsClient() != null ? settings.sqsClient()
                            : SqsAsyncClient.create();
                    queues = new EventQueues(created, settings.queueUrl(), settings.retryPolicy());
                    mover = new MessageMover(created);
                    client = created;
                }
                current = client;
            }
        }
        return current;
    }

    private static ThreadPoolExecutor handlerPool(int threads) {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(threads), new NamedThreadFactory("sqs-reliable-lambda-worker", true, true));
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}

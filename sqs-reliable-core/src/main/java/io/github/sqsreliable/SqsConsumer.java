package io.github.sqsreliable;

import io.github.sqsreliable.chain.ChainHandler;
import io.github.sqsreliable.chain.PayloadChainHandler;
import io.github.sqsreliable.idempotency.Idempotency;
import io.github.sqsreliable.internal.Consumers;
import io.github.sqsreliable.internal.ConsumerSettings;
import io.github.sqsreliable.internal.QueueUrls;
import io.github.sqsreliable.internal.chain.ChainSteps;
import io.github.sqsreliable.internal.dedupe.HandlerKeys;
import io.github.sqsreliable.internal.observe.HandlerListeners;
import io.github.sqsreliable.internal.payload.PayloadHandlers;
import io.github.sqsreliable.internal.sqs.SqsLimits;
import io.github.sqsreliable.observe.ConsumerListener;
import io.github.sqsreliable.observe.ConsumerMetrics;
import io.github.sqsreliable.observe.ObservedConsumer;
import io.github.sqsreliable.observe.MessageTracing;
import io.github.sqsreliable.payload.JsonPayloads;
import io.github.sqsreliable.payload.PayloadBatchHandler;
import io.github.sqsreliable.payload.PayloadHandler;
import io.github.sqsreliable.payload.PayloadReader;
import io.github.sqsreliable.publish.SqsPublisher;
import io.github.sqsreliable.retry.ErrorClassifier;
import io.github.sqsreliable.retry.RetryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * Consumes one SQS queue reliably: long-polls within a bounded capacity, runs the handler on a bounded
 * executor, extends each message's visibility while it is held, deletes in batches only after the handler
 * returned, and keeps FIFO message groups in order.
 *
 * <pre>{@code
 * try (SqsConsumer consumer = SqsConsumer.builder()
 *         .sqsClient(sqsAsyncClient)
 *         .queueUrl(queueUrl)
 *         .handler(message -> orders.apply(message.body()))
 *         .maxConcurrency(64)
 *         .build()) {
 *     consumer.start();
 *     awaitShutdownSignal();
 * }
 * }</pre>
 *
 * <p>A consumer runs once: {@link #start()} then {@link #close()}. It is thread-safe. It never closes the
 * {@link SqsAsyncClient} or an {@link Executor} it was given; it closes every thread it created itself.
 */
public interface SqsConsumer extends AutoCloseable, ObservedConsumer {

    /**
     * Starts a builder.
     *
     * @return a builder with every option at its default
     */
    static Builder builder() {
        return new Builder();
    }

    /**
     * Reads the queue's attributes (visibility timeout, FIFO) and starts receiving.
     *
     * @throws IllegalStateException if {@code start()} was called before, or the consumer was closed
     * @throws SqsReliableException if the queue's attributes cannot be read (missing queue, no permission)
     */
    void start();

    /**
     * Stops gracefully, in this order: stop receiving; release at once every received message whose handler has
     * not started (visibility 0), so that other consumers can take it; let running handlers finish, up to the
     * shutdown timeout (what polls in flight return meanwhile is released too); flush pending deletes and
     * releases; stop extending visibility. It does not wait out long polls: a poll still waiting one second after
     * {@code close()} began (or once handlers finished, if later) is left to finish on its own, and a message it
     * returns is handed back to the queue at once, from the client's thread. Only if the client is closed or the
     * JVM exits before that poll ends can such a message stay invisible until its visibility timeout lapses. So
     * on an idle queue {@code close()} returns in about a second.
     *
     * <p>At the shutdown timeout, handlers still running are given up:
     * the consumer's own worker threads are interrupted (threads of an executor you supplied are not), nothing
     * more is extended or deleted for them, and their messages reappear when their visibility lapses. Flushing
     * gets what is left of the timeout, but at least one second, so {@code close()} returns within about
     * {@code shutdownTimeout + 1 s}. Do not call it from a handler: it would wait for that handler.
     *
     * <p>Idempotent and safe to call from any thread; never throws. A consumer that was never started
     * simply becomes {@link ConsumerState#STOPPED}.
     */
    @Override
    void close();

    /** @return where the consumer is in its lifecycle */
    ConsumerState state();

    /** @return a snapshot of the consumer's counters and handler latencies */
    @Override
    ConsumerMetrics metrics();

    /** @return the queue this consumer reads */
    @Override
    String queueUrl();

    /**
     * Builds an {@link SqsConsumer}. Setters store values; {@link #build()} validates them all and names
     * the first field it rejects. Not thread-safe.
     */
    final class Builder {

        /** Default {@link #maxConcurrency(int)}: {@value}. */
        public static final int DEFAULT_MAX_CONCURRENCY = 32;
        /**
         * Default {@link #prefetch(int)} on a standard queue: at most {@value} messages, as many as the rate needs.
         */
        public static final int DEFAULT_PREFETCH = 300;
        /**
         * Default {@link #prefetch(int)} on a FIFO queue: at most {@value} messages. Lower than on a standard
         * queue because each held message keeps its whole group from every other receive.
         */
        public static final int DEFAULT_FIFO_PREFETCH = 100;
        /**
         * How far the default FIFO prefetch may grow when the network, not the CPU, makes the receive round trip
         * long: at most {@value} messages, as on a standard queue. It grows only as far as twice the messages
         * handled during the fastest receive round trip of late: on loopback that stays within
         * {@value #DEFAULT_FIFO_PREFETCH}; at 20 ms per request it takes more receives in flight to keep up.
         */
        public static final int DEFAULT_FIFO_PREFETCH_CEILING = 300;
        /** Default {@link #waitTime(Duration)}: 20 seconds, SQS's longest poll. */
        public static final Duration DEFAULT_WAIT_TIME = Duration.ofSeconds(20);
        /** Default {@link #maxProcessingTime(Duration)}: one hour. */
        public static final Duration DEFAULT_MAX_PROCESSING_TIME = Duration.ofHours(1);
        /** Default {@link #shutdownTimeout(Duration)}: 30 seconds. */
        public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);
        /** Default {@link #batchFlushInterval(Duration)}: 20 milliseconds. */
        public static final Duration DEFAULT_BATCH_FLUSH_INTERVAL = Duration.ofMillis(20);

        /**
         * Default {@link #maxHeldBytes(long)}: this fraction of the JVM's maximum heap ({@code -Xmx}), {@value}.
         */
        public static final double DEFAULT_HELD_BYTES_HEAP_FRACTION = 0.25;

        /** The most pollers the default derives: {@value}. */
        public static final int DEFAULT_MAX_POLLERS = 32;
        /** Default {@link #queueSampling(Duration)}: once a minute, as CloudWatch's standard resolution. */
        public static final Duration DEFAULT_QUEUE_SAMPLING = Duration.ofSeconds(60);

        static final int MAX_MAX_CONCURRENCY = 10_000;
        static final int MAX_PREFETCH = 1_000;
        static final int MAX_POLLERS = 64;
        static final long MIN_HELD_BYTES = 1024;
        static final Duration MAX_SHUTDOWN_TIMEOUT = Duration.ofHours(1);
        static final Duration MAX_BATCH_FLUSH_INTERVAL = Duration.ofSeconds(1);

        private SqsAsyncClient sqsClient;
        private String queueUrl;
        private MessageHandler handler;
        private BatchHandler batchHandler;
        private String name;
        private int maxConcurrency = DEFAULT_MAX_CONCURRENCY;
        private Integer prefetch;
        private Integer pollers;
        private Duration waitTime = DEFAULT_WAIT_TIME;
        private Long maxHeldBytes;
        private List<MessageSystemAttributeName> systemAttributes = List.of();
        private Duration visibilityTimeout;
        private Duration visibilityExtensionMargin;
        private Duration maxProcessingTime = DEFAULT_MAX_PROCESSING_TIME;
        private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
        private Duration batchFlushInterval = DEFAULT_BATCH_FLUSH_INTERVAL;
        private Executor executor;
        private final List<ConsumerListener> listeners = new ArrayList<>();
        private ErrorClassifier errorClassifier = ErrorClassifier.defaults();
        private RetryPolicy retryPolicy;
        private Consumer<RetryPolicy.Builder> retryCustomizer;
        private boolean retryPolicyRejected;
        private boolean consumeRetryQueues = true;
        private Idempotency idempotency;
        private Duration queueSampling = DEFAULT_QUEUE_SAMPLING;
        private MessageTracing tracing;
        private PayloadReader payloadReader;
        private boolean payloadReaderSet;
        private boolean snsEnvelopes;
        private ChainHandler chainHandler;
        private SqsPublisher publisher;

        private Builder() {
        }

        /**
         * The SQS client to use. Required. The consumer never closes it. Size its HTTP client's connection
         * pool for one connection per poller (each holds one through a long poll) plus the batched deletes and
         * visibility changes in flight: {@code pollers + 50} is ample.
         *
         * @param sqsClient the client
         * @return this builder
         */
        public Builder sqsClient(SqsAsyncClient sqsClient) {
            this.sqsClient = sqsClient;
            return this;
        }

        /**
         * The queue to consume. Required. A URL ending in {@code .fifo} (or a queue whose {@code FifoQueue}
         * attribute is true) is consumed with FIFO ordering.
         *
         * @param queueUrl the queue URL, as returned by GetQueueUrl or CreateQueue
         * @return this builder
         */
        public Builder queueUrl(String queueUrl) {
            this.queueUrl = queueUrl;
            return this;
        }

        /**
         * What to do with each message. Set one handler: this, a typed {@link #handler(Class, PayloadHandler)}, a
         * {@link #batchHandler(BatchHandler)} or a {@link #chainHandler(ChainHandler)}. A handler that also implements
         * {@link ConsumerListener} is registered as a listener too.
         *
         * @param handler the handler; must be thread-safe
         * @return this builder
         */
        public Builder handler(MessageHandler handler) {
            this.handler = handler;
            return this;
        }

        /**
         * Handles up to 10 messages per call, reporting which failed (partial batch failure). Set either this or
         * {@link #handler(MessageHandler)}. {@code maxConcurrency} then counts batches running at once.
         *
         * @param batchHandler the batch handler; must be thread-safe
         * @return this builder
         */
        public Builder batchHandler(BatchHandler batchHandler) {
            this.batchHandler = batchHandler;
            return this;
        }

        /**
         * What to do with each message, its body read as {@code type} by the {@link #payloadReader(PayloadReader)}
         * (JSON by default), e.g. {@code .handler(Order.class, (order, message) -> orders.apply(order))}. A body that
         * cannot be read never reaches the handler: it fails permanently with a
         * {@link io.github.sqsreliable.payload.MalformedPayloadException} (dead-lettered at once). Takes the place of
         * {@link #handler(MessageHandler)}; set this or a batch handler. A handler that also implements
         * {@link ConsumerListener} is registered as a listener too.
         *
         * @param type what to read each body as
         * @param handler the handler; must be thread-safe
         * @param <T> the payload type
         * @return this builder
         */
        public <T> Builder handler(Class<T> type, PayloadHandler<? super T> handler) {
            this.handler = PayloadHandlers.typed(type, handler);
            return this;
        }

        /**
         * Handles up to 10 messages per call, as {@link #batchHandler(BatchHandler)} does, each body read as
         * {@code type}. A message whose body cannot be read fails permanently on its own and the rest are handled
         * (on a FIFO queue, only those before it: see {@link PayloadBatchHandler}). Takes the place of
         * {@link #batchHandler(BatchHandler)}; set this or a single-message handler.
         *
         * @param type what to read each body as
         * @param batchHandler the batch handler; must be thread-safe
         * @param <T> the payload type
         * @return this builder
         */
        public <T> Builder batchHandler(Class<T> type, PayloadBatchHandler<T> batchHandler) {
            this.batchHandler = PayloadHandlers.typedBatch(type, batchHandler);
            return this;
        }

        /**
         * Reads bodies for the typed handlers ({@link #handler(Class, PayloadHandler)},
         * {@link #batchHandler(Class, PayloadBatchHandler)}). Default {@link JsonPayloads#create()}, which needs
         * jackson-databind on the class path (without it and without a reader of your own, {@link #build()} fails
         * naming this field). Setting a reader without a typed handler is an error too.
         *
         * @param payloadReader the reader; must be thread-safe
         * @return this builder
         */
        public Builder payloadReader(PayloadReader payloadReader) {
            this.payloadReader = payloadReader;
            this.payloadReaderSet = true;
            return this;
        }

        /**
         * Whether the queue is subscribed to SNS topics without raw message delivery, so that bodies are SNS
         * notification envelopes. When on, a body that is a {@code Notification} envelope is unwrapped before any
         * handler sees it: the body becomes the notification's {@code Message}, its SNS message attributes become
         * message attributes, and {@link SqsMessage#snsNotification()} describes it; the message id, receive count
         * and system attributes stay SQS's. Typed handlers read the unwrapped body. Any other body passes through
         * unchanged. A broken envelope, or a subscription confirmation, fails permanently (see
         * {@link io.github.sqsreliable.sns}). Retries and the dead-letter queue keep the envelope as it came.
         * Default {@code false}: a producer's own JSON that happened to look like an envelope must not change
         * meaning. Needs jackson-databind on the class path.
         *
         * @param snsEnvelopes whether to unwrap SNS envelopes
         * @return this builder
         */
        public Builder snsEnvelopes(boolean snsEnvelopes) {
            this.snsEnvelopes = snsEnvelopes;
            return this;
        }

        /**
         * A name for logs and thread names ({@code sqs-reliable-NAME-worker-1}). Default: the queue's name.
         *
         * @param name 1 to 80 characters
         * @return this builder
         */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /**
         * How many handlers may run at once. Default {@value #DEFAULT_MAX_CONCURRENCY}.
         *
         * @param maxConcurrency 1 to 10,000
         * @return this builder
         */
        public Builder maxConcurrency(int maxConcurrency) {
            this.maxConcurrency = maxConcurrency;
            return this;
        }

        /**
         * The most messages held beyond those being handled, so that the next handler starts without waiting for
         * a receive. The consumer holds only as many as the handlers need to hide the receive round trip: one
         * receive's worth (10, or this value if smaller) plus twice the messages handled during one receive, and
         * never more than the handlers start within a quarter of the visibility timeout (measured from their
         * mean duration). Fast handlers get deep prefetch and several receives in flight; slow handlers do not
         * hoard messages (docs/configuration.md states the bound). Prefetched messages have their visibility
         * extended like running ones, and take heap: with large messages, lower it. Default
         * {@value #DEFAULT_PREFETCH} on a standard queue and {@value #DEFAULT_FIFO_PREFETCH} on a FIFO queue, which
         * may grow up to {@value #DEFAULT_FIFO_PREFETCH_CEILING} when the network's round trip needs more receives
         * in flight (a value set here is never exceeded); 0 holds no message that is not being handled.
         *
         * @param prefetch 0 to 1,000
         * @return this builder
         */
        public Builder prefetch(int prefetch) {
            this.prefetch = prefetch;
            return this;
        }

        /**
         * The most receives in flight at once; a poller is a slot for one receive, not a thread (no thread waits
         * on a receive). Default: one per 10 messages of capacity ({@code maxConcurrency + prefetch}, with the
         * FIFO default's ceiling), at least 1
         * and at most {@value #DEFAULT_MAX_POLLERS}. Only as many receive as the queue keeps busy: a poller whose
         * long poll comes back empty sleeps (one always polls), and a full receive while another full receive
         * would fit wakes a sleeping one.
         *
         * @param pollers 1 to 64
         * @return this builder
         */
        public Builder pollers(int pollers) {
            this.pollers = pollers;
            return this;
        }

        /**
         * The most bytes of messages the consumer holds and may receive at once, counted as SQS counts a message
         * (body plus message attributes), and shared with the engines of its retry queues. Every receive reserves
         * room for ten messages (or as many as it asks for) at the queue's {@code MaximumMessageSize}, read at
         * {@link SqsConsumer#start()}, so the bound holds whatever SQS returns; its messages then count their
         * own size until they are deleted, released or moved (a move counts until its copy is sent). Large
         * messages thus slow receiving instead of filling the heap. A queue whose {@code MaximumMessageSize} is
         * 1 MiB costs 10 MiB of this budget per receive in flight: lower that attribute if your messages are
         * small and the budget is tight. Default: a quarter of the JVM's maximum heap, at least 10 MiB. If the
         * budget cannot hold one message of the queue's maximum size, {@code start()} fails naming this field.
         *
         * @param maxHeldBytes at least 1,024
         * @return this builder
         */
        public Builder maxHeldBytes(long maxHeldBytes) {
            this.maxHeldBytes = maxHeldBytes;
            return this;
        }

        /**
         * How long one ReceiveMessage call waits for messages (long polling). Default 20 s. {@code close()} does
         * not wait it out: a poll still waiting after about a second is left to finish on its own, and what it
         * returns is handed back to the queue at once.
         *
         * @param waitTime whole seconds, 0 to 20
         * @return this builder
         */
        public Builder waitTime(Duration waitTime) {
            this.waitTime = waitTime;
            return this;
        }

        /**
         * SQS system attributes to receive besides those the consumer reads itself, which it always asks for:
         * {@code ApproximateReceiveCount} ({@link SqsMessage#receiveCount()}, retry decisions),
         * {@code ApproximateFirstReceiveTimestamp} (the retry policy's age limit) and {@code MessageGroupId} (FIFO
         * order). Default none: each attribute costs the SQS server and the client work per message, about a tenth
         * of the throughput when all are asked for on a machine that runs both. For example
         * {@code systemAttributes(MessageSystemAttributeName.SENT_TIMESTAMP)} for {@link SqsMessage#sentTimestamp()},
         * or {@link MessageSystemAttributeName#ALL}. Message attributes (the producer's own) are always received.
         * Replaces the names of an earlier call.
         *
         * @param names system attribute names
         * @return this builder
         */
        public Builder systemAttributes(MessageSystemAttributeName... names) {
            this.systemAttributes = names == null ? null : Arrays.asList(names.clone());
            return this;
        }

        /**
         * The visibility timeout requested with each receive and used for each extension. Default: the queue's
         * {@code VisibilityTimeout} attribute, read by {@code start()}.
         *
         * @param visibilityTimeout whole seconds, 1 s to 12 h
         * @return this builder
         */
        public Builder visibilityTimeout(Duration visibilityTimeout) {
            this.visibilityTimeout = visibilityTimeout;
            return this;
        }

        /**
         * How much visibility must remain when the consumer extends it. Default: half the visibility timeout.
         *
         * @param visibilityExtensionMargin positive and less than the visibility timeout
         * @return this builder
         */
        public Builder visibilityExtensionMargin(Duration visibilityExtensionMargin) {
            this.visibilityExtensionMargin = visibilityExtensionMargin;
            return this;
        }

        /**
         * How long, counted from receipt, the consumer keeps extending a message's visibility. After that no
         * extension is sent, and the message reappears on the queue when its current visibility lapses, even if
         * its handler still runs. Default 1 h; SQS's own ceiling is 12 h.
         *
         * @param maxProcessingTime positive, at most 12 h
         * @return this builder
         */
        public Builder maxProcessingTime(Duration maxProcessingTime) {
            this.maxProcessingTime = maxProcessingTime;
            return this;
        }

        /**
         * How long {@code close()} lets running handlers finish before giving them up. Default 30 s. Polls in
         * flight are not waited out (see {@link SqsConsumer#close()}), so a consumer whose handlers are quick
         * closes in about a second whatever this is.
         *
         * @param shutdownTimeout zero to 1 h
         * @return this builder
         */
        public Builder shutdownTimeout(Duration shutdownTimeout) {
            this.shutdownTimeout = shutdownTimeout;
            return this;
        }

        /**
         * How long a partial batch of deletes or visibility changes waits for more entries before it is sent.
         * Full batches of 10 go at once. Default 20 ms.
         *
         * @param batchFlushInterval zero to 1 s
         * @return this builder
         */
        public Builder batchFlushInterval(Duration batchFlushInterval) {
            this.batchFlushInterval = batchFlushInterval;
            return this;
        }

        /**
         * Where handlers run. Default: a pool of {@code maxConcurrency + pollers} named daemon threads that the
         * consumer owns (handlers take at most {@code maxConcurrency}; the others take receive answers). With an
         * executor given, receive answers are taken by the consumer's own {@code -receive} threads, at most one
         * per poller, which hand the messages to it. A given executor is never shut down or interrupted by the
         * consumer, and never runs more than {@code maxConcurrency} handlers at once (a finishing task may submit
         * the next one just before it ends), so an unbounded one such as
         * {@code Executors.newVirtualThreadPerTaskExecutor()} (Java 21+) is safe.
         *
         * @param executor the executor
         * @return this builder
         */
        public Builder executor(Executor executor) {
            this.executor = executor;
            return this;
        }

        /**
         * Adds a listener; may be called several times.
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder listener(ConsumerListener listener) {
            this.listeners.add(listener);
            return this;
        }

        /**
         * Decides which failures are transient (retried) and which permanent (dead-lettered at once). Default
         * {@link ErrorClassifier#defaults()}.
         *
         * @param errorClassifier the classifier
         * @return this builder
         */
        public Builder errorClassifier(ErrorClassifier errorClassifier) {
            this.errorClassifier = errorClassifier;
            return this;
        }

        /**
         * What happens after a failure: attempts, backoff, retry queues, dead-letter queue. Default
         * {@link RetryPolicy#defaults()}: 5 attempts on the same queue with exponential backoff from 1 s, then the
         * queue's own RedrivePolicy decides. Replaces an earlier {@link #retry(Consumer)}.
         *
         * @param retryPolicy the policy
         * @return this builder
         */
        public Builder retryPolicy(RetryPolicy retryPolicy) {
            this.retryPolicy = retryPolicy;
            this.retryCustomizer = null;
            this.retryPolicyRejected = retryPolicy == null;
            return this;
        }

        /**
         * Describes the retry policy in place, e.g.
         * {@code retry(r -> r.onSameQueue(3, exponential(ofSeconds(1), 2.0)).thenQueue(retryUrl, 3, fixed(ofSeconds(30)))
         * .thenDeadLetter(dlqUrl))}. Validated by {@link #build()}. Replaces an earlier {@link #retryPolicy}.
         *
         * @param retry fills in a {@link RetryPolicy.Builder}
         * @return this builder
         */
        public Builder retry(Consumer<RetryPolicy.Builder> retry) {
            this.retryCustomizer = retry;
            this.retryPolicy = null;
            this.retryPolicyRejected = retry == null;
            return this;
        }

        /**
         * Whether this consumer also consumes the retry queues of its retry policy, with the same handler, policy
         * and options (each retry queue gets its own pollers and a share of nothing else: its own
         * {@code maxConcurrency}). Default {@code true}. Set {@code false} to consume them with separate consumers,
         * built with the same handler and policy and {@code queueUrl(retryQueueUrl)}.
         *
         * @param consumeRetryQueues whether to consume the retry queues too
         * @return this builder
         */
        public Builder consumeRetryQueues(boolean consumeRetryQueues) {
            this.consumeRetryQueues = consumeRetryQueues;
            return this;
        }

        /**
         * Handles each message once despite redeliveries and duplicate sends: see {@link Idempotency}. Default: off.
         *
         * @param idempotency the idempotency configuration, or {@code null} for none
         * @return this builder
         */
        public Builder idempotency(Idempotency idempotency) {
            this.idempotency = idempotency;
            return this;
        }

        /**
         * How often the consumer samples the depth of its queues (main, retry and dead-letter) for
         * {@link ObservedConsumer#queueDepths()}: one {@code GetQueueAttributes} call per queue per interval, never per
         * message. While sampling is on, receives also ask for {@code SentTimestamp}, for
         * {@link ObservedConsumer#oldestMessageAge()}. Default 60 s; {@link Duration#ZERO} turns sampling off.
         *
         * @param queueSampling zero, or 1 s to 1 h
         * @return this builder
         */
        public Builder queueSampling(Duration queueSampling) {
            this.queueSampling = queueSampling;
            return this;
        }

        /**
         * Traces each handler call and hands the trace context on to every copy the consumer sends (retry-queue
         * moves, dead-lettering), e.g. {@code tracing(OpenTelemetryTracing.create(openTelemetry))} from
         * {@code io.github.sqsreliable.tracing}. With tracing on, each receive also asks SQS for the
         * {@code AWSTraceHeader} system attribute. Default: off ({@link MessageTracing#none()}); see docs/tracing.md.
         *
         * @param tracing the tracing, or {@code null} for none
         * @return this builder
         */
        public Builder tracing(MessageTracing tracing) {
            this.tracing = tracing;
            return this;
        }

        /**
         * Runs a chain step: the handler names messages for the next queue(s), which are sent only if it returns, and
         * the input is deleted only once SQS confirmed every one (see {@link ChainHandler}). Set this, or
         * {@link #handler(MessageHandler)}, or {@link #batchHandler(BatchHandler)}. A chain handler that also
         * implements {@link ConsumerListener} is registered as a listener too.
         *
         * @param chainHandler the chain handler; must be thread-safe
         * @return this builder
         */
        public Builder chainHandler(ChainHandler chainHandler) {
            this.chainHandler = chainHandler;
            return this;
        }

        /**
         * Runs a chain step whose input body is read as {@code type} first, as a typed handler's is: a body that
         * cannot be read fails permanently, and nothing is sent for it. Otherwise as
         * {@link #chainHandler(ChainHandler)}.
         *
         * @param type what to read each input body as
         * @param chainHandler the chain handler; must be thread-safe
         * @param <T> the payload type
         * @return this builder
         */
        public <T> Builder chainHandler(Class<T> type, PayloadChainHandler<? super T> chainHandler) {
            this.chainHandler = PayloadHandlers.typedChain(type, chainHandler);
            return this;
        }

        /**
         * The publisher a {@link #chainHandler(ChainHandler)} sends its outputs with; the consumer never closes it.
         * Default: one the consumer creates on its own client, with the consumer's tracing, on the first output, and
         * closes once its handlers finished when it closes.
         *
         * @param publisher the publisher
         * @return this builder
         */
        public Builder publisher(SqsPublisher publisher) {
            this.publisher = publisher;
            return this;
        }

        /**
         * Validates every option and builds the consumer, which is {@link ConsumerState#NEW} until
         * {@link SqsConsumer#start()}.
         *
         * @return the consumer
         * @throws InvalidConfigurationException naming the first field it rejects and its value
         */
        public SqsConsumer build() {
            return Consumers.create(settings());
        }

        ConsumerSettings settings() {
            PayloadHandlers.Resolved handlers = PayloadHandlers.resolve(this.handler, batchHandler, chainHandler,
                    payloadReader, payloadReaderSet, snsEnvelopes);
            MessageHandler handler = ChainSteps.handler(handlers.handler(), handlers.chainHandler(), publisher,
                    () -> sqsClient, tracing(), name);
            require(sqsClient != null, "sqsClient", "must be set");
            require(queueUrl != null, "queueUrl", "must be set");
            String queueName = QueueUrls.requireQueueUrl("queueUrl", queueUrl);
            String storeProblem = HandlerKeys.storeProblem(this.handler, idempotency);
            require(storeProblem == null, "idempotency", storeProblem);
            require(handler != null || batchHandler != null, "handler",
                    "must be set (or batchHandler, or chainHandler)");
            require(handler == null || batchHandler == null, "batchHandler",
                    "must not be set together with handler: choose one");
            require(name == null || (!name.isBlank() && name.length() <= 80), "name",
                    "(" + name + ") must be 1 to 80 characters and not blank");
            require(maxConcurrency >= 1 && maxConcurrency <= MAX_MAX_CONCURRENCY, "maxConcurrency",
                    "(" + maxConcurrency + ") must be between 1 and " + MAX_MAX_CONCURRENCY);
            require(prefetch == null || (prefetch >= 0 && prefetch <= MAX_PREFETCH), "prefetch",
                    "(" + prefetch + ") must be between 0 and " + MAX_PREFETCH);
            require(pollers == null || (pollers >= 1 && pollers <= MAX_POLLERS), "pollers",
                    "(" + pollers + ") must be between 1 and " + MAX_POLLERS);
            requireWholeSeconds("waitTime", waitTime, Duration.ZERO, SqsLimits.MAX_WAIT_TIME);
            require(maxHeldBytes == null || maxHeldBytes >= MIN_HELD_BYTES, "maxHeldBytes",
                    "(" + maxHeldBytes + ") must be at least " + MIN_HELD_BYTES + ", SQS's smallest MaximumMessageSize");
            require(systemAttributes != null && systemAttributes.stream().allMatch(
                            name -> name != null && name != MessageSystemAttributeName.UNKNOWN_TO_SDK_VERSION),
                    "systemAttributes", "must be system attribute names, none null");
            if (visibilityTimeout != null) {
                requireWholeSeconds("visibilityTimeout", visibilityTimeout, Duration.ofSeconds(1),
                        SqsLimits.MAX_VISIBILITY_TIMEOUT);
            }
            if (visibilityExtensionMargin != null) {
                require(visibilityExtensionMargin.compareTo(Duration.ZERO) > 0, "visibilityExtensionMargin",
                        "(" + visibilityExtensionMargin + ") must be positive");
                require(visibilityTimeout == null || visibilityExtensionMargin.compareTo(visibilityTimeout) < 0,
                        "visibilityExtensionMargin", "(" + visibilityExtensionMargin
                                + ") must be less than visibilityTimeout (" + visibilityTimeout + ")");
            }
            requireNonNull("maxProcessingTime", maxProcessingTime);
            require(maxProcessingTime.compareTo(Duration.ZERO) > 0
                            && maxProcessingTime.compareTo(SqsLimits.MAX_VISIBILITY_TIMEOUT) <= 0,
                    "maxProcessingTime", "(" + maxProcessingTime + ") must be positive and at most "
                            + SqsLimits.MAX_VISIBILITY_TIMEOUT + " (SQS's limit counted from receipt)");
            requireBetween("shutdownTimeout", shutdownTimeout, Duration.ZERO, MAX_SHUTDOWN_TIMEOUT);
            requireBetween("batchFlushInterval", batchFlushInterval, Duration.ZERO, MAX_BATCH_FLUSH_INTERVAL);
            requireNonNull("queueSampling", queueSampling);
            require(queueSampling.isZero() || (queueSampling.compareTo(Duration.ofSeconds(1)) >= 0
                            && queueSampling.compareTo(Duration.ofHours(1)) <= 0), "queueSampling",
                    "(" + queueSampling + ") must be zero (off) or between 1 s and 1 h");
            for (ConsumerListener listener : listeners) {
                require(listener != null, "listener", "must not be null");
            }
            require(errorClassifier != null, "errorClassifier", "must not be null");
            require(!retryPolicyRejected, "retryPolicy", "must not be null (leave it unset for the default)");
            RetryPolicy policy = retryPolicy();
            boolean fifo = queueName.endsWith(".fifo");
            require(!fifo || !policy.usesRetryQueues(), "retryPolicy", "(" + policy + ") uses retry queues, which "
                    + "cannot keep a FIFO queue's order: FIFO queues retry on the same queue only");
            policy.deadLetterQueueUrl().ifPresent(dlq -> require(dlq.endsWith(".fifo") == fifo, "retryPolicy",
                    "dead-letter queue (" + dlq + ") must be " + (fifo ? "a FIFO queue, as " : "a standard queue, as ")
                            + queueUrl + " is"));
            int prefetch = this.prefetch != null ? this.prefetch : fifo ? DEFAULT_FIFO_PREFETCH : DEFAULT_PREFETCH;
            int prefetchCeiling = this.prefetch != null ? prefetch : fifo ? DEFAULT_FIFO_PREFETCH_CEILING : prefetch;
            // Pollers for the most the prefetch may grow to: the permits, not the pollers, bound the receives in
            // flight while the prefetch is smaller.
            int capacity = maxConcurrency + prefetchCeiling;
            int pollerCount = pollers != null ? pollers
                    : Math.max(1, Math.min(DEFAULT_MAX_POLLERS,
                            (capacity + SqsLimits.MAX_RECEIVE_BATCH - 1) / SqsLimits.MAX_RECEIVE_BATCH));
            return ConsumerSettings.builder()
                    .sqsClient(sqsClient)
                    .queueUrl(queueUrl)
                    .queueName(queueName)
                    .handler(handler)
                    .name(name != null ? name : queueName)
                    .maxConcurrency(maxConcurrency)
                    .prefetch(prefetch)
                    .prefetchCeiling(prefetchCeiling)
                    .pollers(pollerCount)
                    .waitTime(waitTime)
                    .visibilityTimeout(visibilityTimeout)
                    .visibilityExtensionMargin(visibilityExtensionMargin)
                    .maxProcessingTime(maxProcessingTime)
                    .shutdownTimeout(shutdownTimeout)
                    .batchFlushInterval(batchFlushInterval)
                    .executor(executor)
                    .listeners(HandlerListeners.with(listeners, handlers.userHandler(), handler))
                    .errorClassifier(errorClassifier)
                    .retryPolicy(policy)
                    .batchHandler(handlers.batchHandler())
                    .consumeRetryQueues(consumeRetryQueues)
                    .idempotency(idempotency)
                    .systemAttributes(receivedSystemAttributes())
                    .maxHeldBytes(maxHeldBytes != null ? maxHeldBytes : defaultHeldBytes())
                    .maxHeldBytesSet(maxHeldBytes != null)
                    .queueSampling(queueSampling)
                    .tracing(tracing())
                    .build();
        }

        private MessageTracing tracing() {
            return tracing != null ? tracing : MessageTracing.none();
        }

        /** A quarter of the heap, but room for at least one receive of ten 1 MiB messages. */
        private static long defaultHeldBytes() {
            return Math.max(10L << 20, (long) (Runtime.getRuntime().maxMemory() * DEFAULT_HELD_BYTES_HEAP_FRACTION));
        }

        /**
         * The consumer's own attributes first (with tracing on, {@code AWSTraceHeader} among them), then the user's,
         * each once; {@code ALL} alone when asked for.
         */
        private List<MessageSystemAttributeName> receivedSystemAttributes() {
            if (systemAttributes.contains(MessageSystemAttributeName.ALL)) {
                return List.of(MessageSystemAttributeName.ALL);
            }
            Set<MessageSystemAttributeName> names = new LinkedHashSet<>(List.of(
                    MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT,
                    MessageSystemAttributeName.APPROXIMATE_FIRST_RECEIVE_TIMESTAMP,
                    MessageSystemAttributeName.MESSAGE_GROUP_ID));
            if (!queueSampling.isZero()) {
                names.add(MessageSystemAttributeName.SENT_TIMESTAMP);
            }
            if (tracing().enabled()) {
                names.add(MessageSystemAttributeName.AWS_TRACE_HEADER);
            }
            names.addAll(systemAttributes);
            return List.copyOf(names);
        }

        private RetryPolicy retryPolicy() {
            if (retryCustomizer != null) {
                RetryPolicy.Builder builder = RetryPolicy.builder();
                retryCustomizer.accept(builder);
                return builder.build();
            }
            return retryPolicy != null ? retryPolicy : RetryPolicy.defaults();
        }

        private static void require(boolean condition, String field, String problem) {
            if (!condition) {
                throw InvalidConfigurationException.of(field, problem);
            }
        }

        private static void requireNonNull(String field, Duration value) {
            require(value != null, field, "must not be null");
        }

        private static void requireBetween(String field, Duration value, Duration min, Duration max) {
            requireNonNull(field, value);
            require(value.compareTo(min) >= 0 && value.compareTo(max) <= 0, field,
                    "(" + value + ") must be between " + min + " and " + max);
        }

        private static void requireWholeSeconds(String field, Duration value, Duration min, Duration max) {
            requireBetween(field, value, min, max);
            require(value.toNanos() % 1_000_000_000L == 0, field,
                    "(" + value + ") must be a whole number of seconds: SQS accepts no finer unit");
        }
    }
}

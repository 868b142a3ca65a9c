package io.github.sqsreliable.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.github.sqsreliable.BatchHandler;
import io.github.sqsreliable.InvalidConfigurationException;
import io.github.sqsreliable.MessageHandler;
import io.github.sqsreliable.SqsConsumer;
import io.github.sqsreliable.chain.ChainHandler;
import io.github.sqsreliable.chain.PayloadChainHandler;
import io.github.sqsreliable.idempotency.Idempotency;
import io.github.sqsreliable.internal.chain.ChainSteps;
import io.github.sqsreliable.internal.dedupe.HandlerKeys;
import io.github.sqsreliable.internal.observe.HandlerListeners;
import io.github.sqsreliable.internal.payload.PayloadHandlers;
import io.github.sqsreliable.lambda.internal.FunctionRuntime;
import io.github.sqsreliable.observe.ConsumerListener;
import io.github.sqsreliable.observe.MessageTracing;
import io.github.sqsreliable.observe.ConsumerMetrics;
import io.github.sqsreliable.payload.JsonPayloads;
import io.github.sqsreliable.payload.PayloadBatchHandler;
import io.github.sqsreliable.payload.PayloadHandler;
import io.github.sqsreliable.payload.PayloadReader;
import io.github.sqsreliable.retry.ErrorClassifier;
import io.github.sqsreliable.retry.RetryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * An AWS Lambda function for an SQS event source mapping with {@code ReportBatchItemFailures}: runs the same
 * handler, error classifier, retry policy and idempotency as an {@link SqsConsumer}, through the same pipeline.
 *
 * <p>What the function answers: a message that succeeded, or that the function moved to a retry queue or to the
 * dead-letter queue (after SQS confirmed the copy), is left out of {@code batchItemFailures}, so the event source
 * mapping deletes it. Every other message is reported failed: a transient failure after its visibility was set to
 * the policy's backoff, a permanent failure without a dead-letter queue after it was made visible for the queue's
 * RedrivePolicy, and on a FIFO queue every later message of a failed message's group, unprocessed. Messages not yet
 * started when the function nears its timeout are reported failed and made visible again.
 *
 * <p>Deploy it by subclassing with a public no-argument constructor:
 * <pre>{@code
 * public class ResizeFunction extends SqsBatchFunction {
 *     public ResizeFunction() {
 *         super(SqsBatchFunction.builder().handler(new ResizeHandler()).retry(r -> r.thenDeadLetter(dlqUrl)));
 *     }
 * }
 * }</pre>
 * or keep one built with {@link Builder#build()} in a static field of your own handler class and delegate to it.
 * One instance serves every invocation of its execution environment; it is thread-safe.
 */
public class SqsBatchFunction implements RequestHandler<SQSEvent, SQSBatchResponse> {

    private final FunctionRuntime runtime;

    /**
     * Builds the function from a builder, validating it as {@link Builder#build()} does.
     *
     * @param builder the configuration
     * @throws InvalidConfigurationException naming the first field it rejects
     */
    protected SqsBatchFunction(Builder builder) {
        this.runtime = builder.runtime();
    }

    /** @return a builder with the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Handles one batch and answers which messages the event source mapping must not delete.
     *
     * @param event the batch, as Lambda delivers it
     * @param context the invocation's context: its remaining time bounds the batch and the idempotency leases
     * @return the messages that failed, by message id
     */
    @Override
    public final SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        return runtime.handle(event, context);
    }

    /** @return counts of what this function instance has done, across its invocations */
    public final ConsumerMetrics metrics() {
        return runtime.metrics();
    }

    /** Configures a {@link SqsBatchFunction}; options mean what they mean on {@link SqsConsumer.Builder}. */
    public static final class Builder {

        static final int MAX_MAX_CONCURRENCY = 10;

        private SqsAsyncClient sqsClient;
        private String queueUrl;
        private MessageHandler handler;
        private BatchHandler batchHandler;
        private String name;
        private int maxConcurrency = 1;
        private Duration timeoutMargin;
        private ErrorClassifier errorClassifier = ErrorClassifier.defaults();
        private RetryPolicy retryPolicy;
        private Consumer<RetryPolicy.Builder> retryCustomizer;
        private boolean retryPolicyRejected;
        private Idempotency idempotency;
        private MessageTracing tracing;
        private ChainHandler chainHandler;
        private final List<ConsumerListener> listeners = new ArrayList<>();
        private PayloadReader payloadReader;
        private boolean payloadReaderSet;
        private boolean snsEnvelopes;

        private Builder() {
        }

        /**
         * The client for what the function does itself: visibility changes, moves to retry and dead-letter queues,
         * and reading the queue's attributes once. Default: {@code SqsAsyncClient.create()} (region and credentials
         * from the Lambda environment), created on the first invocation.
         *
         * @param sqsClient the client
         * @return this builder
         */
        public Builder sqsClient(SqsAsyncClient sqsClient) {
            this.sqsClient = sqsClient;
            return this;
        }

        /**
         * The URL of the queue the event source mapping reads, as the retry policy names it. Default: found from
         * each record's {@code eventSourceARN} (a queue the retry policy names is recognised by name and account;
         * any other is looked up once with GetQueueUrl).
         *
         * @param queueUrl the queue URL
         * @return this builder
         */
        public Builder queueUrl(String queueUrl) {
            this.queueUrl = queueUrl;
            return this;
        }

        /**
         * Handles one message at a time. Set this or {@link #batchHandler}.
         *
         * @param handler the handler
         * @return this builder
         */
        public Builder handler(MessageHandler handler) {
            this.handler = handler;
            return this;
        }

        /**
         * Handles the batch's messages in one call (on a FIFO queue, one call per message group). Set this or
         * {@link #handler}.
         *
         * @param batchHandler the batch handler
         * @return this builder
         */
        public Builder batchHandler(BatchHandler batchHandler) {
            this.batchHandler = batchHandler;
            return this;
        }

        /**
         * Handles one message at a time, its body read as {@code type}, as on
         * {@link SqsConsumer.Builder#handler(Class, PayloadHandler)}: a body that cannot be read fails permanently
         * without reaching the handler. Set this, {@link #handler}, or a batch handler.
         *
         * @param type what to read each body as
         * @param handler the handler
         * @param <T> the payload type
         * @return this builder
         */
        public <T> Builder handler(Class<T> type, PayloadHandler<? super T> handler) {
            this.handler = PayloadHandlers.typed(type, handler);
            return this;
        }

        /**
         * Handles the batch's messages in one call, each body read as {@code type}, as on
         * {@link SqsConsumer.Builder#batchHandler(Class, PayloadBatchHandler)}: a message that cannot be read fails
         * permanently on its own. Set this, {@link #batchHandler}, or a single-message handler.
         *
         * @param type what to read each body as
         * @param batchHandler the batch handler
         * @param <T> the payload type
         * @return this builder
         */
        public <T> Builder batchHandler(Class<T> type, PayloadBatchHandler<T> batchHandler) {
            this.batchHandler = PayloadHandlers.typedBatch(type, batchHandler);
            return this;
        }

        /**
         * Reads bodies for the typed handlers. Default {@link JsonPayloads#create()}, which needs jackson-databind on
         * the class path; setting a reader without a typed handler is an error.
         *
         * @param payloadReader the reader
         * @return this builder
         */
        public Builder payloadReader(PayloadReader payloadReader) {
            this.payloadReader = payloadReader;
            this.payloadReaderSet = true;
            return this;
        }

        /**
         * Whether bodies may be SNS notification envelopes, to unwrap before any handler sees them, as on
         * {@link SqsConsumer.Builder#snsEnvelopes(boolean)}. Default {@code false}. Needs jackson-databind.
         *
         * @param snsEnvelopes whether to unwrap SNS envelopes
         * @return this builder
         */
        public Builder snsEnvelopes(boolean snsEnvelopes) {
            this.snsEnvelopes = snsEnvelopes;
            return this;
        }

        /**
         * Runs a chain step: the handler names messages for the next queue(s), which are sent before the handler call
         * ends, and the input counts as handled only once SQS confirmed every one (see {@link ChainHandler}). Set this,
         * {@link #handler} or {@link #batchHandler}. The outputs are sent by a publisher the function creates on its
         * client ({@link #sqsClient}, else a default client of its own) on the first output.
         *
         * @param chainHandler the chain handler
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
         * Names the function in logs and, unless the idempotency configuration names one, the idempotency
         * namespace. Default: the Lambda function's name. Give the polling consumer of the same work the same
         * name if both share an idempotency store.
         *
         * @param name 1 to 80 characters
         * @return this builder
         */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /**
         * How many messages of one batch are handled at once. Default 1: one after another on the invocation's
         * thread. On a FIFO queue, messages of one group never run at once whatever this says.
         *
         * @param maxConcurrency 1 to 10
         * @return this builder
         */
        public Builder maxConcurrency(int maxConcurrency) {
            this.maxConcurrency = maxConcurrency;
            return this;
        }

        /**
         * How long before the function's timeout it stops starting messages and answers, reporting the ones not
         * handled as failed. Default: a fifth of the remaining time at the start of the invocation, at most 2 s.
         *
         * @param timeoutMargin at least zero, below 15 minutes
         * @return this builder
         */
        public Builder timeoutMargin(Duration timeoutMargin) {
            this.timeoutMargin = timeoutMargin;
            return this;
        }

        /**
         * Decides which failures are transient and which permanent. Default {@link ErrorClassifier#defaults()}.
         *
         * @param errorClassifier the classifier
         * @return this builder
         */
        public Builder errorClassifier(ErrorClassifier errorClassifier) {
            this.errorClassifier = errorClassifier;
            return this;
        }

        /**
         * What happens after a failure. Default {@link RetryPolicy#defaults()}. Replaces an earlier
         * {@link #retry(Consumer)}. A retry queue is consumed by giving this function an event source mapping on
         * it too.
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
         * Describes the retry policy in place, as on {@link SqsConsumer.Builder#retry(Consumer)}. Replaces an earlier
         * {@link #retryPolicy}.
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
         * Handles each message once despite redeliveries and duplicate sends. Keys are leased for the invocation's
         * remaining time. Default: off.
         *
         * @param idempotency the configuration, or null for none
         * @return this builder
         */
        public Builder idempotency(Idempotency idempotency) {
            this.idempotency = idempotency;
            return this;
        }

        /**
         * Traces each handler call and hands the trace context on to every copy the function sends (retry-queue
         * moves, dead-lettering), e.g. {@code tracing(OpenTelemetryTracing.create(openTelemetry))} from
         * {@code io.github.sqsreliable.tracing}. A record's context is its {@code traceparent} message attribute,
         * else the {@code AWSTraceHeader} attribute that the event source mapping passes on. Default: off; see
         * docs/tracing.md.
         *
         * @param tracing the tracing, or null for none
         * @return this builder
         */
        public Builder tracing(MessageTracing tracing) {
            this.tracing = tracing;
            return this;
        }

        /**
         * Adds a listener for the function's events, called on the invocation's threads.
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder listener(ConsumerListener listener) {
            require(listener != null, "listener", "must not be null");
            listeners.add(listener);
            return this;
        }

        /**
         * @return the function
         * @throws InvalidConfigurationException naming the first field it rejects
         */
        public SqsBatchFunction build() {
            return new SqsBatchFunction(this);
        }

        FunctionRuntime runtime() {
            PayloadHandlers.Resolved handlers = PayloadHandlers.resolve(this.handler, batchHandler, chainHandler,
                    payloadReader, payloadReaderSet, snsEnvelopes);
            MessageHandler handler = ChainSteps.handler(handlers.handler(), handlers.chainHandler(), null,
                    () -> sqsClient != null ? sqsClient : SqsAsyncClient.create(),
                    tracing != null ? tracing : MessageTracing.none(), name);
            String storeProblem = HandlerKeys.storeProblem(this.handler, idempotency);
            require(storeProblem == null, "idempotency", storeProblem);
            require(handler != null || batchHandler != null, "handler",
                    "must be set (or batchHandler, or chainHandler)");
            require(handler == null || batchHandler == null, "batchHandler",
                    "must not be set together with handler: choose one");
            require(name == null || (!name.isBlank() && name.length() <= 80), "name",
                    "must be 1 to 80 characters, was '" + name + "'");
            require(maxConcurrency >= 1 && maxConcurrency <= MAX_MAX_CONCURRENCY, "maxConcurrency",
                    "must be between 1 and " + MAX_MAX_CONCURRENCY + " (a batch holds at most 10 messages), was "
                            + maxConcurrency);
            require(timeoutMargin == null || (!timeoutMargin.isNegative()
                    && timeoutMargin.compareTo(Duration.ofMinutes(15)) < 0), "timeoutMargin",
                    "must be at least zero and below 15 minutes (Lambda's longest timeout), was " + timeoutMargin);
            require(errorClassifier != null, "errorClassifier", "must not be null");
            require(!retryPolicyRejected, "retryPolicy", "must not be null (leave it unset for the default)");
            RetryPolicy policy;
            try {
                policy = retryPolicy();
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw InvalidConfigurationException.of("retryPolicy", e.getMessage());
            }
            if (queueUrl != null) {
                require(queueUrl.startsWith("http://") || queueUrl.startsWith("https://"), "queueUrl",
                        "must be an SQS queue URL (http:// or https://), was '" + queueUrl + "'");
            }
            return new FunctionRuntime(new FunctionRuntime.Settings(sqsClient, queueUrl, handler,
                    handlers.batchHandler(), name,
                    maxConcurrency, timeoutMargin, errorClassifier, policy, idempotency,
                    HandlerListeners.with(listeners, handlers.userHandler(), handler),
                    tracing != null ? tracing : MessageTracing.none()));
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
    }
}

package io.github.sqsreliable.publish;

import io.github.sqsreliable.InvalidConfigurationException;
import io.github.sqsreliable.internal.publish.PublishSettings;
import io.github.sqsreliable.internal.publish.Publisher;
import io.github.sqsreliable.observe.MessageTracing;
import io.github.sqsreliable.retry.Backoff;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * Sends messages to SQS cheaply and reliably. Messages for one queue are collected into SendMessageBatch requests of
 * up to 10 entries and at most 1 MiB in all; a partial batch waits at most the {@linkplain Builder#linger linger}.
 * Each entry's answer is checked: a transient failure (throttling, an SQS server error, a request that got no answer)
 * is sent again after a backoff, up to {@linkplain Builder#maxAttempts the attempts}; a refusal that is the sender's
 * fault (an invalid parameter or body) fails that message's future at once, with SQS's code. Every future completes.
 *
 * <pre>{@code
 * try (SqsPublisher publisher = SqsPublisher.builder().sqsClient(sqs).build()) {
 *     publisher.publish(queueUrl, "hello")
 *             .thenAccept(result -> log.info("stored as {}", result.messageId()));
 * }
 * }</pre>
 *
 * <p>On a FIFO queue (a URL ending in {@code .fifo}) messages are sent in the order {@code publish} was called, one
 * batch per queue at a time, and a failed request is sent again before anything later, so each message group keeps
 * its order. SQS may also fail a single entry of a batch while it stores the others: to keep the order even then, set
 * {@link Builder#fifoStrictOrder(boolean)}.
 *
 * <p>The publisher holds at most {@linkplain Builder#maxPendingMessages a number of messages} and
 * {@linkplain Builder#maxPendingBytes of bytes} not yet confirmed; {@code publish} waits up to
 * {@linkplain Builder#maxBlock maxBlock} for room, then fails the message's future. Futures complete on the
 * publisher's own thread: dependants must be quick and must not block (use the {@code *Async} variants otherwise).
 *
 * <p>Thread-safe. It never closes the {@link SqsAsyncClient} it was given; {@link #close()} stops its one thread.
 */
public interface SqsPublisher extends AutoCloseable {

    /** @return a builder with every option at its default */
    static Builder builder() {
        return new Builder();
    }

    /**
     * Queues a message for a queue. Returns at once when the publisher has room, else waits up to
     * {@code maxBlock}; do not call it on an SDK response thread.
     *
     * @param queueUrl the queue's URL
     * @param message the message
     * @return completes with SQS's answer once the message is stored; fails with {@link PublishException} when SQS
     *     refused it, its attempts ran out, the publisher had no room within {@code maxBlock}, the message breaks a
     *     rule of a FIFO queue (no group id: {@code MissingParameter}; a delay: {@code InvalidParameterValue}), or the
     *     publisher was closed
     */
    CompletableFuture<PublishResult> publish(String queueUrl, OutgoingMessage message);

    /**
     * Queues a message with only a body: {@code publish(queueUrl, OutgoingMessage.of(body))}, except that an invalid
     * body fails the future rather than throwing.
     *
     * @param queueUrl the queue's URL (a standard queue: a FIFO one needs a group id)
     * @param body the body
     * @return as {@link #publish(String, OutgoingMessage)}
     */
    CompletableFuture<PublishResult> publish(String queueUrl, String body);

    /**
     * Stops accepting messages (later publishes fail with {@link PublishException#PUBLISHER_CLOSED}), sends every
     * pending message at once, waits up to the close timeout for SQS's answers (retries go on meanwhile), then
     * fails every message still unconfirmed and stops its thread. Idempotent; never throws. Do not call it from a
     * future's dependant: it would wait for itself.
     */
    @Override
    void close();

    /** Builds an {@link SqsPublisher}; {@link #build()} validates every option. Not thread-safe. */
    final class Builder {

        /** Default {@link #linger(Duration)}: 5 ms. */
        public static final Duration DEFAULT_LINGER = Duration.ofMillis(5);
        /** Default {@link #maxPendingMessages(int)}: {@value}. */
        public static final int DEFAULT_MAX_PENDING_MESSAGES = 1_000;
        /** Default {@link #maxPendingBytes(long)}: 32 MiB. */
        public static final long DEFAULT_MAX_PENDING_BYTES = 32L << 20;
        /** Default {@link #maxBlock(Duration)}: 10 s. */
        public static final Duration DEFAULT_MAX_BLOCK = Duration.ofSeconds(10);
        /** Default {@link #maxAttempts(int)}: {@value}. */
        public static final int DEFAULT_MAX_ATTEMPTS = 6;
        /** Default {@link #retryBackoff(Backoff)}: exponential from 50 ms, doubling, at most 5 s, jitter ±50 %. */
        public static final Backoff DEFAULT_RETRY_BACKOFF =
                Backoff.exponential(Duration.ofMillis(50), 2.0, Duration.ofSeconds(5), 0.5);
        /** Default {@link #closeTimeout(Duration)}: 30 s. */
        public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(30);

        static final Duration MAX_LINGER = Duration.ofSeconds(1);
        static final int MAX_MAX_ATTEMPTS = 100;
        static final int MAX_MAX_PENDING_MESSAGES = 1_000_000;
        static final Duration MAX_TIMEOUT = Duration.ofHours(1);

        private SqsAsyncClient sqsClient;
        private String name = "publisher";
        private Duration linger = DEFAULT_LINGER;
        private int maxPendingMessages = DEFAULT_MAX_PENDING_MESSAGES;
        private long maxPendingBytes = DEFAULT_MAX_PENDING_BYTES;
        private Duration maxBlock = DEFAULT_MAX_BLOCK;
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private Backoff retryBackoff = DEFAULT_RETRY_BACKOFF;
        private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;
        private MessageTracing tracing;
        private boolean fifoStrictOrder;

        private Builder() {
        }

        /**
         * The client to send with. Required; never closed by the publisher.
         *
         * @param sqsClient the client
         * @return this builder
         */
        public Builder sqsClient(SqsAsyncClient sqsClient) {
            this.sqsClient = sqsClient;
            return this;
        }

        /**
         * A name for the publisher's thread ({@code sqs-reliable-NAME}) and logs. Default {@code publisher}.
         *
         * @param name 1 to 80 characters
         * @return this builder
         */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /**
         * How long a partial batch waits for more messages of its queue before it is sent. A full batch (10 entries,
         * or no room for the next message within 1 MiB) goes at once. Longer lingers make fuller batches, hence fewer
         * requests, at the cost of latency. Zero sends every message at once, alone unless others wait for a FIFO
         * queue's batch in flight. Default 5 ms.
         *
         * @param linger 0 to 1 s
         * @return this builder
         */
        public Builder linger(Duration linger) {
            this.linger = linger;
            return this;
        }

        /**
         * The most messages held from {@code publish} until SQS's final answer, over all queues. Default
         * {@value #DEFAULT_MAX_PENDING_MESSAGES}.
         *
         * @param maxPendingMessages 1 to 1,000,000
         * @return this builder
         */
        public Builder maxPendingMessages(int maxPendingMessages) {
            this.maxPendingMessages = maxPendingMessages;
            return this;
        }

        /**
         * The most bytes (bodies plus attributes, as SQS counts them) held until SQS's final answer. Default 32 MiB.
         *
         * @param maxPendingBytes at least 1 MiB, so that the largest message fits
         * @return this builder
         */
        public Builder maxPendingBytes(long maxPendingBytes) {
            this.maxPendingBytes = maxPendingBytes;
            return this;
        }

        /**
         * How long {@code publish} waits for room when the publisher is full; then the message's future fails with
         * {@link PublishException#PUBLISHER_FULL}. Zero fails at once. Default 10 s.
         *
         * @param maxBlock 0 to 1 h
         * @return this builder
         */
        public Builder maxBlock(Duration maxBlock) {
            this.maxBlock = maxBlock;
            return this;
        }

        /**
         * How many times a message is sent at most while its failures are transient. The SDK client's own retries of
         * a request come on top. Default {@value #DEFAULT_MAX_ATTEMPTS}.
         *
         * @param maxAttempts 1 to 100
         * @return this builder
         */
        public Builder maxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
            return this;
        }

        /**
         * How long to wait before sending a message again after a transient failure. Default
         * {@link #DEFAULT_RETRY_BACKOFF}: about 50 ms, 100 ms, 200 ms, ... up to 5 s.
         *
         * @param retryBackoff the backoff
         * @return this builder
         */
        public Builder retryBackoff(Backoff retryBackoff) {
            this.retryBackoff = retryBackoff;
            return this;
        }

        /**
         * How long {@link SqsPublisher#close()} waits for SQS's answers. Default 30 s.
         *
         * @param closeTimeout 0 to 1 h
         * @return this builder
         */
        public Builder closeTimeout(Duration closeTimeout) {
            this.closeTimeout = closeTimeout;
            return this;
        }

        /**
         * Hands the trace context of the thread calling {@code publish} on to each message, as the consumer's copies
         * carry it: the {@code AWSTraceHeader} system attribute and, while the message has fewer than 10 message
         * attributes, W3C {@code traceparent}/{@code tracestate}. Default: none.
         *
         * @param tracing e.g. {@code OpenTelemetryTracing.create(openTelemetry)}, or {@code null} for none
         * @return this builder
         */
        public Builder tracing(MessageTracing tracing) {
            this.tracing = tracing;
            return this;
        }

        /**
         * Whether a batch for a FIFO queue holds at most one message per message group. Without it (the default), a
         * batch takes up to 10 consecutive messages, and if SQS fails one entry while it stores a later entry of the
         * same group, those two are stored out of order (whole requests that fail, the usual case, keep the order
         * either way). With it, no message is sent before the previous one of its group was stored, at the cost of
         * one request per message when all messages share one group.
         *
         * @param fifoStrictOrder whether to keep the order even when single entries fail
         * @return this builder
         */
        public Builder fifoStrictOrder(boolean fifoStrictOrder) {
            this.fifoStrictOrder = fifoStrictOrder;
            return this;
        }

        /**
         * @return the publisher, ready to publish
         * @throws InvalidConfigurationException naming the first field it rejects and its value
         */
        public SqsPublisher build() {
            require(sqsClient != null, "sqsClient", "must be set");
            require(name != null && !name.isBlank() && name.length() <= 80, "name",
                    "(" + name + ") must be 1 to 80 characters and not blank");
            requireBetween("linger", linger, Duration.ZERO, MAX_LINGER);
            require(maxPendingMessages >= 1 && maxPendingMessages <= MAX_MAX_PENDING_MESSAGES, "maxPendingMessages",
                    "(" + maxPendingMessages + ") must be between 1 and " + MAX_MAX_PENDING_MESSAGES);
            require(maxPendingBytes >= PublishSettings.MAX_BATCH_BYTES, "maxPendingBytes", "(" + maxPendingBytes
                    + ") must be at least " + PublishSettings.MAX_BATCH_BYTES + ", so that the largest message fits");
            requireBetween("maxBlock", maxBlock, Duration.ZERO, MAX_TIMEOUT);
            require(maxAttempts >= 1 && maxAttempts <= MAX_MAX_ATTEMPTS, "maxAttempts",
                    "(" + maxAttempts + ") must be between 1 and " + MAX_MAX_ATTEMPTS);
            require(retryBackoff != null, "retryBackoff", "must not be null");
            requireBetween("closeTimeout", closeTimeout, Duration.ZERO, MAX_TIMEOUT);
            return new Publisher(new PublishSettings(sqsClient, name, linger, maxPendingMessages, maxPendingBytes,
                    maxBlock, maxAttempts, retryBackoff, closeTimeout,
                    tracing != null ? tracing : MessageTracing.none(), fifoStrictOrder));
        }

        private static void requireBetween(String field, Duration value, Duration min, Duration max) {
            require(value != null, field, "must not be null");
            require(value.compareTo(min) >= 0 && value.compareTo(max) <= 0, field,
                    "(" + value + ") must be between " + min + " and " + max);
        }

        private static void require(boolean condition, String field, String problem) {
            if (!condition) {
                throw InvalidConfigurationException.of(field, problem);
            }
        }
    }
}

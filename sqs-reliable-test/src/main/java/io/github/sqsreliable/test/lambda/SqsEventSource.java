package io.github.sqsreliable.test.lambda;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.github.sqsreliable.test.internal.EmulatedLambdaContext;
import io.github.sqsreliable.test.internal.LambdaSerialization;
import io.github.sqsreliable.test.internal.OptionalDependency;
import io.github.sqsreliable.test.internal.SqsEventJson;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * An emulation of AWS Lambda's SQS event source mapping, to run a Lambda function's
 * {@code RequestHandler<SQSEvent, SQSBatchResponse>} against the embedded SQS (or any SQS) in a test, as Lambda
 * would run it:
 * <ol>
 *   <li>one ReceiveMessage of up to {@link Builder#batchSize(int) batchSize} messages, with every system attribute and
 *       every message attribute, long-polling for {@link Builder#waitTime(Duration) waitTime};</li>
 *   <li>the messages written as the JSON event Lambda sends ({@code Records[]} with {@code messageId},
 *       {@code receiptHandle}, {@code body}, {@code attributes}, {@code messageAttributes},
 *       {@code md5OfMessageAttributes}, {@code md5OfBody}, {@code eventSource} {@code aws:sqs}, the queue's real
 *       {@code eventSourceARN} and its {@code awsRegion}), read into an {@link SQSEvent} by the Lambda Java runtime's
 *       own serializer ({@code aws-lambda-java-serialization});</li>
 *   <li>the function called on its own thread with a {@link com.amazonaws.services.lambda.runtime.Context} whose
 *       remaining time counts down from {@link Builder#functionTimeout(Duration) functionTimeout};</li>
 *   <li>its {@link SQSBatchResponse} written to JSON and read back by that serializer, and Lambda's rules applied:
 *       the function threw or timed out → the whole batch failed and nothing is deleted; no response, or no
 *       {@code batchItemFailures} → every message is deleted; otherwise every message not listed is deleted, unless
 *       an {@code itemIdentifier} is null, empty or not a message id of the batch, which fails the whole batch. With
 *       {@link Builder#reportBatchItemFailures(boolean) reportBatchItemFailures(false)} any response means success.
 *       Deletes are one DeleteMessageBatch with the event's receipt handles. Failed messages stay on the queue and
 *       come back after their visibility timeout, as with Lambda.</li>
 * </ol>
 *
 * <pre>{@code
 * SqsEventSource source = SqsEventSource.builder()
 *         .sqsClient(client)
 *         .queueUrl(queue.url())
 *         .function(new ResizeFunction())
 *         .build();
 * List<SqsEventSource.Invocation> invocations = source.drain(Duration.ofSeconds(30));
 * }</pre>
 *
 * <p>What it does not emulate: it invokes one batch at a time, on the caller's schedule (no pollers scaling up, no
 * {@code MaximumConcurrency}, no backoff after errors, no batching window beyond the long poll, at most 10 messages a
 * batch, no event filtering). A function that times out is interrupted and abandoned; Lambda would stop its
 * execution environment, so code that ignores interrupts may still run on. Like Lambda, it refuses a queue whose
 * visibility timeout is shorter than the function's timeout.
 *
 * <p>The Lambda libraries are optional dependencies of the test kit: add {@code com.amazonaws:aws-lambda-java-core},
 * {@code aws-lambda-java-events} and {@code aws-lambda-java-serialization} to your test dependencies to use this
 * class (see docs/testing.md). Without them, {@link #builder()} throws an {@link IllegalStateException} naming the
 * missing artifact.
 *
 * <p>The SQS client is the caller's: it is never closed here. Not thread-safe: call {@link #pollOnce()} and
 * {@link #drain(Duration)} from one thread at a time.
 */
public final class SqsEventSource {

    /** The default {@link Builder#batchSize(int)}: 10, also the most one ReceiveMessage returns. */
    public static final int DEFAULT_BATCH_SIZE = 10;
    /** The default {@link Builder#functionTimeout(Duration)}: 30 s. */
    public static final Duration DEFAULT_FUNCTION_TIMEOUT = Duration.ofSeconds(30);
    /** The default {@link Builder#waitTime(Duration)}: 1 s. */
    public static final Duration DEFAULT_WAIT_TIME = Duration.ofSeconds(1);
    /** The default {@link Builder#functionName(String)}. */
    public static final String DEFAULT_FUNCTION_NAME = "function";

    private static final int MAX_BATCH_SIZE = 10;
    private static final Duration MAX_WAIT_TIME = Duration.ofSeconds(20);
    private static final Duration MAX_FUNCTION_TIMEOUT = Duration.ofMinutes(15);
    private static final Duration DRAIN_RECHECK = Duration.ofMillis(25);
    private static final AtomicLong THREADS = new AtomicLong();

    private final SqsAsyncClient sqsClient;
    private final String queueUrl;
    private final RequestHandler<SQSEvent, SQSBatchResponse> function;
    private final int batchSize;
    private final Duration functionTimeout;
    private final boolean reportBatchItemFailures;
    private final Duration waitTime;
    private final String functionName;
    private final LambdaSerialization serialization;
    private String queueArn;

    private SqsEventSource(Builder builder) {
        this.sqsClient = builder.sqsClient;
        this.queueUrl = builder.queueUrl;
        this.function = builder.function;
        this.batchSize = builder.batchSize;
        this.functionTimeout = builder.functionTimeout;
        this.reportBatchItemFailures = builder.reportBatchItemFailures;
        this.waitTime = builder.waitTime;
        this.functionName = builder.functionName;
        this.serialization = new LambdaSerialization(function.getClass().getClassLoader());
    }

    /**
     * @return a builder with the defaults
     * @throws IllegalStateException if a Lambda library is not on the classpath, naming the artifact to add
     */
    public static Builder builder() {
        for (int i = 0; i < LambdaSerialization.MARKER_CLASSES.size(); i++) {
            OptionalDependency.require(LambdaSerialization.MARKER_CLASSES.get(i),
                    LambdaSerialization.ARTIFACTS.get(i), "SqsEventSource");
        }
        return new Builder();
    }

    /**
     * Receives one batch and, if any message arrived, invokes the function with it and deletes what Lambda would
     * delete.
     *
     * @return what happened; {@link Invocation#invoked()} is false if the queue had nothing within the wait time
     * @throws IllegalStateException if the queue's visibility timeout is shorter than the function's timeout (Lambda
     *     refuses such a mapping), or SQS fails a receive
     */
    public Invocation pollOnce() {
        return poll(waitTime);
    }

    /**
     * Polls and invokes until the queue holds nothing (no message visible, in flight or delayed), as a mapping
     * would, one invocation at a time. Failed messages come back after their visibility timeout and are retried, so
     * keep test queues' visibility timeouts short; a queue with a RedrivePolicy moves them to its dead-letter queue
     * after {@code maxReceiveCount} receives.
     *
     * @param timeout how long to keep going
     * @return the invocations made, in order (polls that received nothing are left out)
     * @throws AssertionError if the queue still holds messages after {@code timeout}, showing its counts and how many
     *     invocations were made
     * @throws IllegalStateException as {@link #pollOnce()}
     */
    public List<Invocation> drain(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Invocation> invocations = new ArrayList<>();
        while (true) {
            Map<QueueAttributeName, String> counts = queueAttributes(
                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED);
            long visible = count(counts, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES);
            long inFlight = count(counts, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE);
            long delayed = count(counts, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED);
            if (visible + inFlight + delayed == 0) {
                return invocations;
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                throw new AssertionError("queue " + queueUrl + " not drained by " + functionName + " within "
                        + timeout + ": " + visible + " visible, " + inFlight + " in flight, " + delayed
                        + " delayed after " + invocations.size() + " invocations");
            }
            // Never long-poll past the deadline; a whole-second wait of 0 still returns what is visible.
            Duration wait = waitTime.compareTo(Duration.ofNanos(remaining)) > 0
                    ? Duration.ofSeconds(Duration.ofNanos(remaining).toSeconds()) : waitTime;
            Invocation invocation = poll(wait);
            if (invocation.invoked()) {
                invocations.add(invocation);
            } else if (wait.isZero()) {
                sleep(DRAIN_RECHECK);
            }
        }
    }

    private Invocation poll(Duration wait) {
        String arn = queueArn();
        List<Message> messages = sqsClient.receiveMessage(r -> r.queueUrl(queueUrl)
                .maxNumberOfMessages(batchSize)
                .waitTimeSeconds((int) wait.toSeconds())
                .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                .messageAttributeNames("All")).join().messages();
        if (messages.isEmpty()) {
            return Invocation.nothingReceived();
        }
        String eventJson = SqsEventJson.event(messages, arn);
        SQSEvent event = serialization.event(eventJson);
        String[] arnParts = arn.split(":");

        long start = System.nanoTime();
        EmulatedLambdaContext context = new EmulatedLambdaContext(functionName, arnParts[3], arnParts[4],
                functionTimeout);
        CompletableFuture<SQSBatchResponse> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                result.complete(function.handleRequest(event, context));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "sqs-event-source-" + functionName + "-" + THREADS.incrementAndGet());
        thread.setDaemon(true);
        thread.start();

        SQSBatchResponse returned = null;
        Throwable thrown = null;
        boolean timedOut = false;
        try {
            returned = result.get(functionTimeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            thrown = e.getCause();
        } catch (TimeoutException e) {
            timedOut = true;
            thread.interrupt();
        } catch (InterruptedException e) {
            thread.interrupt();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + functionName + " ran", e);
        }
        Duration duration = Duration.ofNanos(System.nanoTime() - start);

        String responseJson = null;
        SQSBatchResponse response = null;
        if (!timedOut && thrown == null) {
            responseJson = serialization.toJson(returned);
            response = serialization.response(responseJson);
        }
        List<String> batchIds = messages.stream().map(Message::messageId).toList();
        String batchFailure = timedOut ? functionName + " timed out after " + functionTimeout
                : thrown != null ? functionName + " threw " + thrown
                : reportBatchItemFailures ? invalidItemIdentifier(response, batchIds) : null;
        Set<String> failed = new HashSet<>();
        if (batchFailure != null) {
            failed.addAll(batchIds);
        } else if (reportBatchItemFailures && response != null && response.getBatchItemFailures() != null) {
            response.getBatchItemFailures().forEach(f -> failed.add(f.getItemIdentifier()));
        }
        List<Message> toDelete = messages.stream().filter(m -> !failed.contains(m.messageId())).toList();
        Map<String, String> deleteFailures = delete(toDelete);
        List<String> deleted = toDelete.stream().map(Message::messageId)
                .filter(id -> !deleteFailures.containsKey(id)).toList();
        List<String> left = batchIds.stream().filter(failed::contains).toList();
        return new Invocation(event, eventJson, response, responseJson, deleted, left, thrown, timedOut,
                batchFailure, deleteFailures, duration);
    }

    /** Lambda's rule: an itemIdentifier that names no message of the batch fails the whole batch. */
    private static String invalidItemIdentifier(SQSBatchResponse response, List<String> batchIds) {
        if (response == null || response.getBatchItemFailures() == null) {
            return null;
        }
        for (SQSBatchResponse.BatchItemFailure failure : response.getBatchItemFailures()) {
            String id = failure == null ? null : failure.getItemIdentifier();
            if (id == null || id.isEmpty() || !batchIds.contains(id)) {
                return "itemIdentifier " + (id == null ? "null" : "\"" + id + "\"")
                        + " is not a messageId of the batch " + batchIds;
            }
        }
        return null;
    }

    private Map<String, String> delete(List<Message> messages) {
        Map<String, String> failures = new LinkedHashMap<>();
        if (messages.isEmpty()) {
            return failures;
        }
        List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            entries.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(i))
                    .receiptHandle(messages.get(i).receiptHandle()).build());
        }
        DeleteMessageBatchResponse response;
        try {
            response = sqsClient.deleteMessageBatch(r -> r.queueUrl(queueUrl).entries(entries)).join();
        } catch (RuntimeException e) {
            messages.forEach(m -> failures.put(m.messageId(), String.valueOf(e.getCause() != null ? e.getCause() : e)));
            return failures;
        }
        for (BatchResultErrorEntry error : response.failed()) {
            failures.put(messages.get(Integer.parseInt(error.id())).messageId(),
                    error.code() + ": " + error.message());
        }
        return failures;
    }

    private String queueArn() {
        if (queueArn == null) {
            Map<QueueAttributeName, String> attributes = queueAttributes(QueueAttributeName.QUEUE_ARN,
                    QueueAttributeName.VISIBILITY_TIMEOUT);
            String arn = attributes.get(QueueAttributeName.QUEUE_ARN);
            SqsEventJson.regionOf(arn);
            Duration visibilityTimeout = Duration.ofSeconds(Long.parseLong(
                    attributes.getOrDefault(QueueAttributeName.VISIBILITY_TIMEOUT, "30")));
            if (visibilityTimeout.compareTo(functionTimeout) < 0) {
                throw new IllegalStateException("queue " + queueUrl + " has a visibility timeout ("
                        + visibilityTimeout + ") shorter than functionTimeout (" + functionTimeout
                        + "): Lambda refuses such an event source mapping");
            }
            queueArn = arn;
        }
        return queueArn;
    }

    private Map<QueueAttributeName, String> queueAttributes(QueueAttributeName... names) {
        return sqsClient.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(names)).join().attributes();
    }

    private static long count(Map<QueueAttributeName, String> counts, QueueAttributeName name) {
        return Long.parseLong(counts.getOrDefault(name, "0"));
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while draining", e);
        }
    }

    /**
     * What one poll did.
     *
     * @param event the event the function was given, as the runtime read it; null if nothing was received
     * @param eventJson the event as Lambda would send it; null if nothing was received
     * @param response what the function returned, written to JSON and read back as Lambda would read it; null if
     *     it returned null, threw, timed out or was not invoked
     * @param responseJson that JSON ({@code null} for a null response); null if it threw, timed out or was not
     *     invoked
     * @param deletedMessageIds the messages deleted from the queue, in event order
     * @param failedMessageIds the messages left on the queue, to come back after their visibility timeout, in event
     *     order
     * @param thrown what the function threw, or null
     * @param timedOut whether the function ran past its timeout (its thread was interrupted and abandoned)
     * @param batchFailure why the whole batch failed (threw, timed out, an invalid itemIdentifier), or null
     * @param deleteFailures messages that were to be deleted but whose delete SQS refused: message id to error
     * @param duration how long the function ran, up to its timeout; zero if it was not invoked
     */
    public record Invocation(SQSEvent event, String eventJson, SQSBatchResponse response, String responseJson,
                             List<String> deletedMessageIds, List<String> failedMessageIds, Throwable thrown,
                             boolean timedOut, String batchFailure, Map<String, String> deleteFailures,
                             Duration duration) {

        /**
         * Copies the lists and the map.
         *
         * @param event the event given to the function, or null
         * @param eventJson the event's JSON, or null
         * @param response the response read back, or null
         * @param responseJson the response's JSON, or null
         * @param deletedMessageIds the messages deleted
         * @param failedMessageIds the messages left on the queue
         * @param thrown what the function threw, or null
         * @param timedOut whether it timed out
         * @param batchFailure why the whole batch failed, or null
         * @param deleteFailures deletes SQS refused
         * @param duration how long the function ran
         */
        public Invocation {
            deletedMessageIds = List.copyOf(deletedMessageIds);
            failedMessageIds = List.copyOf(failedMessageIds);
            deleteFailures = Map.copyOf(deleteFailures);
            Objects.requireNonNull(duration, "duration");
        }

        static Invocation nothingReceived() {
            return new Invocation(null, null, null, null, List.of(), List.of(), null, false, null, Map.of(),
                    Duration.ZERO);
        }

        /** @return whether messages were received and the function invoked */
        public boolean invoked() {
            return event != null;
        }

        /** @return whether the function threw */
        public boolean threw() {
            return thrown != null;
        }

        /** @return the event's records, empty if nothing was received */
        public List<SQSEvent.SQSMessage> records() {
            return event == null || event.getRecords() == null ? List.of() : event.getRecords();
        }
    }

    /**
     * Configures an {@link SqsEventSource}; {@link #build()} validates. Not thread-safe.
     */
    public static final class Builder {

        private SqsAsyncClient sqsClient;
        private String queueUrl;
        private RequestHandler<SQSEvent, SQSBatchResponse> function;
        private int batchSize = DEFAULT_BATCH_SIZE;
        private Duration functionTimeout = DEFAULT_FUNCTION_TIMEOUT;
        private boolean reportBatchItemFailures = true;
        private Duration waitTime = DEFAULT_WAIT_TIME;
        private String functionName = DEFAULT_FUNCTION_NAME;

        private Builder() {
        }

        /**
         * @param sqsClient the client to receive and delete with; required, and never closed here
         * @return this builder
         */
        public Builder sqsClient(SqsAsyncClient sqsClient) {
            this.sqsClient = sqsClient;
            return this;
        }

        /**
         * @param queueUrl the queue the mapping reads; required
         * @return this builder
         */
        public Builder queueUrl(String queueUrl) {
            this.queueUrl = queueUrl;
            return this;
        }

        /**
         * @param function the Lambda function's handler; required
         * @return this builder
         */
        public Builder function(RequestHandler<SQSEvent, SQSBatchResponse> function) {
            this.function = function;
            return this;
        }

        /**
         * @param batchSize the most messages per event, 1 to 10; default {@value SqsEventSource#DEFAULT_BATCH_SIZE}
         * @return this builder
         */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /**
         * @param functionTimeout the function's timeout, above zero and at most 15 minutes, in whole milliseconds;
         *     default 30 s. No longer than the queue's visibility timeout, as Lambda requires.
         * @return this builder
         */
        public Builder functionTimeout(Duration functionTimeout) {
            this.functionTimeout = functionTimeout;
            return this;
        }

        /**
         * @param reportBatchItemFailures whether the mapping has {@code FunctionResponseTypes: [ReportBatchItemFailures]};
         *     default true. Without it a response is ignored and a batch succeeds unless the function throws or
         *     times out.
         * @return this builder
         */
        public Builder reportBatchItemFailures(boolean reportBatchItemFailures) {
            this.reportBatchItemFailures = reportBatchItemFailures;
            return this;
        }

        /**
         * @param waitTime how long each ReceiveMessage long-polls, whole seconds from 0 to 20; default 1 s (Lambda
         *     uses 20 s)
         * @return this builder
         */
        public Builder waitTime(Duration waitTime) {
            this.waitTime = waitTime;
            return this;
        }

        /**
         * @param functionName the function's name, for its context, its log and its thread; default
         *     {@value SqsEventSource#DEFAULT_FUNCTION_NAME}
         * @return this builder
         */
        public Builder functionName(String functionName) {
            this.functionName = functionName;
            return this;
        }

        /**
         * @return the event source
         * @throws IllegalArgumentException naming the setting and its value, if one is missing or out of range
         */
        public SqsEventSource build() {
            require(sqsClient != null, "sqsClient must be set");
            require(queueUrl != null && !queueUrl.isBlank(), "queueUrl (" + queueUrl + ") must be set");
            require(function != null, "function must be set");
            require(batchSize >= 1 && batchSize <= MAX_BATCH_SIZE,
                    "batchSize (" + batchSize + ") must be between 1 and " + MAX_BATCH_SIZE);
            require(functionTimeout != null && functionTimeout.compareTo(Duration.ofMillis(1)) >= 0
                            && functionTimeout.compareTo(MAX_FUNCTION_TIMEOUT) <= 0
                            && functionTimeout.getNano() % 1_000_000 == 0,
                    "functionTimeout (" + functionTimeout + ") must be whole milliseconds from PT0.001S to "
                            + MAX_FUNCTION_TIMEOUT);
            require(waitTime != null && !waitTime.isNegative() && waitTime.compareTo(MAX_WAIT_TIME) <= 0
                            && waitTime.getNano() == 0,
                    "waitTime (" + waitTime + ") must be whole seconds from PT0S to " + MAX_WAIT_TIME);
            require(functionName != null && functionName.matches("[A-Za-z0-9_-]{1,64}"),
                    "functionName (" + functionName + ") must be 1 to 64 letters, digits, hyphens or underscores");
            return new SqsEventSource(this);
        }

        private static void require(boolean condition, String message) {
            if (!condition) {
                throw new IllegalArgumentException(message);
            }
        }
    }
}

package io.github.sqsreliable.tools;

import io.github.sqsreliable.InvalidConfigurationException;
import io.github.sqsreliable.SqsReliableException;
import io.github.sqsreliable.internal.QueueUrls;
import io.github.sqsreliable.internal.sqs.SqsLimits;
import io.github.sqsreliable.retry.FailureRecord;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * Inspects a dead-letter queue that sqs-reliable fills, and moves its messages back to the queues they failed
 * on. Each dead-lettered message carries a {@link FailureRecord} in the {@value FailureRecord#ATTRIBUTE_NAME}
 * message attribute; a redrive sends the message back to the record's
 * {@link FailureRecord#originQueueUrl() origin queue} with its original body and attributes, but without the
 * record, so that it starts its retries afresh.
 *
 * <pre>{@code
 * DeadLetterRedrive redrive = DeadLetterRedrive.builder()
 *         .sqsClient(sqsAsyncClient)
 *         .deadLetterQueueUrl("https://sqs.eu-west-1.amazonaws.com/123456789012/orders-dlq")
 *         .build();
 *
 * for (DeadLetter letter : redrive.peek(20)) {                       // look, remove nothing
 *     System.out.println(letter.messageId() + " " + letter.failure().map(FailureRecord::errorClass).orElse("-"));
 * }
 *
 * RedriveResult result = redrive.redrive(RedriveRequest.builder()
 *         .errorClass("SocketTimeoutException")                       // only these
 *         .build(), progress -> System.err.println(progress.moved() + " moved"));
 * }</pre>
 *
 * <p><b>Nothing is lost.</b> A message is deleted from the dead-letter queue only after SQS confirmed its
 * copy at the target; a message whose send failed stays in the dead-letter queue and is made visible again
 * when the run ends. The price is at-least-once: if SQS refuses the delete after the send, the message is in
 * both queues ({@link RedriveResult#sentButNotDeleted()}).
 *
 * <p><b>FIFO.</b> When the target queue's URL ends with {@code .fifo}, the copy keeps the message's
 * MessageGroupId and gets a MessageDeduplicationId derived from its dead-letter message id. Messages are
 * received, sent and deleted one batch at a time, in the order SQS hands them out, which keeps each group in
 * order. If SQS refuses one message of a group, the run moves no later message of that group (an entry already
 * sent in the same request may have gone ahead of it).
 *
 * <p>Operations block the calling thread until SQS has answered. Instances are immutable and thread-safe, but
 * two runs on one queue at once compete for its messages. The {@link SqsAsyncClient} is never closed here: it
 * belongs to the caller.
 */
public final class DeadLetterRedrive {

    /**
     * How long {@link #peek(int)} hides the messages it looks at: they are released as soon as it has seen
     * them, and if that fails they reappear after this long anyway.
     */
    public static final Duration PEEK_VISIBILITY_TIMEOUT = Duration.ofSeconds(30);

    private final DeadLetterQueue queue;

    private DeadLetterRedrive(Builder builder) {
        this.queue = new DeadLetterQueue(builder.sqsClient, builder.deadLetterQueueUrl);
    }

    /** @return a builder; both its options are required */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the dead-letter queue this instance works on */
    public String deadLetterQueueUrl() {
        return queue.url();
    }

    /**
     * Looks at up to {@code max} messages without removing them: receives them with a
     * {@link #PEEK_VISIBILITY_TIMEOUT short visibility timeout}, then makes them visible again at once. Each
     * look counts as a receive in {@code ApproximateReceiveCount}. On a FIFO queue SQS hands out the first
     * messages of each group only.
     *
     * @param max the most messages to return, at least 1
     * @return the messages seen, in the order SQS returned them; fewer than {@code max} if the queue holds fewer
     *     visible messages
     * @throws IllegalArgumentException if {@code max} is less than 1
     * @throws SqsReliableException if SQS cannot be read (missing queue, no permission)
     */
    public List<DeadLetter> peek(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max (" + max + ") must be at least 1");
        }
        Map<String, DeadLetter> seen = new LinkedHashMap<>();
        Map<String, String> held = new LinkedHashMap<>();
        try {
            while (seen.size() < max) {
                List<Message> received = queue.receive(Math.min(SqsLimits.MAX_RECEIVE_BATCH, max - seen.size()),
                        PEEK_VISIBILITY_TIMEOUT);
                boolean anyNew = false;
                for (Message message : received) {
                    held.put(message.messageId(), message.receiptHandle());
                    if (seen.size() < max && !seen.containsKey(message.messageId())) {
                        seen.put(message.messageId(), toDeadLetter(message));
                        anyNew = true;
                    }
                }
                if (!anyNew) {
                    break;
                }
            }
        } finally {
            queue.release(held);
        }
        return List.copyOf(seen.values());
    }

    /**
     * Moves every message that carries a failure record back to its origin queue, reporting progress to no one.
     *
     * @param request what to move and where
     * @return what was moved, skipped and failed
     * @see #redrive(RedriveRequest, Consumer)
     */
    public RedriveResult redrive(RedriveRequest request) {
        return redrive(request, progress -> { });
    }

    /**
     * Moves messages from the dead-letter queue to their origin queue, or to the request's target.
     *
     * <p>Receives 10 at a time, holding each for the request's visibility timeout; sends them with
     * SendMessageBatch, one request per target; deletes from the dead-letter queue only the entries SQS
     * confirmed. It stops when a receive finds nothing or {@link RedriveRequest#maxMessages()} is reached, then
     * makes the messages it left in the queue visible again. A message stays in the dead-letter queue (skipped)
     * when its error class does not match the request's filter, or when it has no failure record (or an
     * unreadable one) and the request names no target.
     *
     * @param request what to move and where
     * @param progress told after each batch, on the calling thread
     * @return what was moved, skipped and failed
     * @throws InvalidConfigurationException if the request's target is the dead-letter queue itself
     * @throws SqsReliableException if the dead-letter queue cannot be received from; what was moved until then
     *     stays moved, and held messages are released
     */
    public RedriveResult redrive(RedriveRequest request, Consumer<RedriveProgress> progress) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(progress, "progress");
        if (request.targetQueueUrl().filter(queue.url()::equals).isPresent()) {
            throw InvalidConfigurationException.of("targetQueueUrl", "(" + queue.url()
                    + ") is the dead-letter queue itself: its messages would come back forever");
        }
        return new RedriveRun(queue, request, progress).run();
    }

    private static DeadLetter toDeadLetter(Message message) {
        Optional<FailureRecord> failure;
        Optional<String> problem;
        try {
            failure = FailureRecord.of(message.messageAttributes());
            problem = Optional.empty();
        } catch (IllegalArgumentException e) {
            failure = Optional.empty();
            problem = Optional.of(FailureRecord.sanitize(e.getMessage()));
        }
        Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>(message.messageAttributes());
        attributes.remove(FailureRecord.ATTRIBUTE_NAME);
        Map<MessageSystemAttributeName, String> system = message.attributes();
        String receiveCount = system.get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT);
        return new DeadLetter(message.messageId(), message.body(), attributes, failure, problem,
                Optional.ofNullable(system.get(MessageSystemAttributeName.MESSAGE_GROUP_ID)),
                receiveCount == null ? 1 : Integer.parseInt(receiveCount));
    }

    @Override
    public String toString() {
        return "DeadLetterRedrive[deadLetterQueueUrl=" + queue.url() + "]";
    }

    /** Builds a {@link DeadLetterRedrive}; not thread-safe. Options are checked by {@link #build()}. */
    public static final class Builder {
        private SqsAsyncClient sqsClient;
        private String deadLetterQueueUrl;

        private Builder() {
        }

        /**
         * The client every request goes through; required. It is never closed by {@link DeadLetterRedrive}.
         *
         * @param sqsClient the client
         * @return this builder
         */
        public Builder sqsClient(SqsAsyncClient sqsClient) {
            this.sqsClient = sqsClient;
            return this;
        }

        /**
         * The dead-letter queue to read; required.
         *
         * @param deadLetterQueueUrl an http(s) queue URL
         * @return this builder
         */
        public Builder deadLetterQueueUrl(String deadLetterQueueUrl) {
            this.deadLetterQueueUrl = deadLetterQueueUrl;
            return this;
        }

        /**
         * Checks the options and builds the tool. Contacts no queue.
         *
         * @return the tool
         * @throws InvalidConfigurationException naming the first option it rejects and its value
         */
        public DeadLetterRedrive build() {
            if (sqsClient == null) {
                throw InvalidConfigurationException.of("sqsClient", "must be set");
            }
            if (deadLetterQueueUrl == null) {
                throw InvalidConfigurationException.of("deadLetterQueueUrl", "must be set");
            }
            QueueUrls.requireQueueUrl("deadLetterQueueUrl", deadLetterQueueUrl);
            return new DeadLetterRedrive(this);
        }
    }
}

package io.github.sqsreliable.internal.publish;

import io.github.sqsreliable.InvalidConfigurationException;
import io.github.sqsreliable.internal.NamedThreadFactory;
import io.github.sqsreliable.internal.sqs.MessageSize;
import io.github.sqsreliable.internal.sqs.SqsLimits;
import io.github.sqsreliable.observe.MessageTracing;
import io.github.sqsreliable.publish.OutgoingMessage;
import io.github.sqsreliable.publish.PublishException;
import io.github.sqsreliable.publish.PublishResult;
import io.github.sqsreliable.publish.SqsPublisher;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * The {@link SqsPublisher}: checks a message against its queue, takes room for it, adds its trace context, and hands
 * it to its queue's {@link QueueLane}; at close, flushes the lanes, waits for the answers, and fails what is left.
 */
public final class Publisher implements SqsPublisher {

    private static final Logger log = LoggerFactory.getLogger(Publisher.class);

    private final PublishSettings settings;
    private final ScheduledThreadPoolExecutor scheduler;
    private final PendingLimit limit;
    private final Map<String, QueueLane> lanes = new ConcurrentHashMap<>();
    /** Every message without its final answer, so that close can fail each one wherever it waits. */
    private final Map<PendingMessage, String> unanswered = new ConcurrentHashMap<>();
    private final Object lifecycle = new Object();
    private volatile boolean closed;

    /** @param settings the validated configuration */
    public Publisher(PublishSettings settings) {
        this.settings = settings;
        this.limit = new PendingLimit(settings.maxPendingMessages(), settings.maxPendingBytes());
        this.scheduler = new ScheduledThreadPoolExecutor(1,
                new NamedThreadFactory("sqs-reliable-" + settings.name(), false, true));
        scheduler.setRemoveOnCancelPolicy(true);
    }

    @Override
    public CompletableFuture<PublishResult> publish(String queueUrl, String body) {
        OutgoingMessage message;
        try {
            message = OutgoingMessage.of(body);
        } catch (InvalidConfigurationException e) {
            return CompletableFuture.failedFuture(
                    PublishException.rejected(queueUrl, "InvalidMessageContents", e.getMessage(), true, 0));
        }
        return publish(queueUrl, message);
    }

    @Override
    public CompletableFuture<PublishResult> publish(String queueUrl, OutgoingMessage message) {
        java.util.Objects.requireNonNull(queueUrl, "queueUrl");
        java.util.Objects.requireNonNull(message, "message");
        if (closed) {
            return CompletableFuture.failedFuture(PublishException.closed(queueUrl, 0));
        }
        boolean fifo = queueUrl.endsWith(".fifo");
        if (fifo && message.messageGroupId().isEmpty()) {
            return CompletableFuture.failedFuture(PublishException.rejected(queueUrl, "MissingParameter",
                    "a message for a FIFO queue needs a message group id", true, 0));
        }
        if (fifo && message.delay().isPresent()) {
            return CompletableFuture.failedFuture(PublishException.rejected(queueUrl, "InvalidParameterValue",
                    "a FIFO queue takes no per-message delay (set the queue's DelaySeconds instead)", true, 0));
        }
        PendingMessage pending = pending(message);
        if (!limit.take(pending.size, settings.maxBlock().toNanos())) {
            return CompletableFuture.failedFuture(closed ? PublishException.closed(queueUrl, 0)
                    : PublishException.full(queueUrl, settings.maxBlock(), limit.messages(), limit.bytes()));
        }
        unanswered.put(pending, queueUrl);
        if (closed) {
            // close may have looked for unanswered messages before this one arrived there
            fail(pending, PublishException.closed(queueUrl, 0));
            return pending.result;
        }
        lanes.computeIfAbsent(queueUrl, url -> new QueueLane(url, settings, scheduler,
                request -> settings.sqsClient().sendMessageBatch(request), this::finished)).add(pending);
        return pending.result;
    }

    /** The message as it is sent: with the trace context of the calling thread, when tracing is on. */
    private PendingMessage pending(OutgoingMessage message) {
        Map<String, MessageAttributeValue> attributes = message.attributes();
        String traceHeader = null;
        MessageTracing.CopyContext trace = settings.tracing().enabled() ? settings.tracing().currentContext() : null;
        if (trace != null) {
            traceHeader = trace.awsTraceHeader();
            Map<String, MessageAttributeValue> traced = new LinkedHashMap<>(attributes);
            long size = message.size();
            for (Map.Entry<String, String> field : trace.messageAttributes().entrySet()) {
                MessageAttributeValue value = MessageAttributeValue.builder().dataType("String")
                        .stringValue(field.getValue()).build();
                long added = MessageSize.of("", Map.of(field.getKey(), value));
                // The sender's own context wins; the trace fits only where there is room for it.
                if (traced.containsKey(field.getKey()) || traced.size() >= SqsLimits.MAX_MESSAGE_ATTRIBUTES
                        || size + added > SqsLimits.MAX_MESSAGE_SIZE) {
                    break;
                }
                traced.put(field.getKey(), value);
                size += added;
            }
            attributes = traced;
        }
        long size = MessageSize.of(message.body(), attributes)
                + (traceHeader == null ? 0 : MessageSize.utf8Length(traceHeader));
        return new PendingMessage(message.body(), message.messageGroupId().orElse(null),
                message.deduplicationId().orElse(null),
                message.delay().map(SqsLimits::toSecondsRoundingUp).orElse(null), attributes, traceHeader,
                Math.min(size, PublishSettings.MAX_BATCH_BYTES));
    }

    private void finished(PendingMessage message) {
        unanswered.remove(message);
        limit.give(message.size);
    }

    private void fail(PendingMessage message, PublishException failure) {
        if (message.fail(failure)) {
            finished(message);
        }
    }

    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
            limit.close();
            long deadline = System.nanoTime() + settings.closeTimeout().toNanos();
            lanes.values().forEach(QueueLane::flush);
            if (!limit.awaitEmpty(deadline)) {
                Set<Map.Entry<PendingMessage, String>> left = Set.copyOf(unanswered.entrySet());
                log.warn("publisher {}: {} message(s) unconfirmed at the close timeout ({}); failing them",
                        settings.name(), left.size(), settings.closeTimeout());
                for (Map.Entry<PendingMessage, String> entry : left) {
                    fail(entry.getKey(), PublishException.closed(entry.getValue(), entry.getKey().attempts));
                }
            }
            scheduler.shutdownNow();
            try {
                scheduler.awaitTermination(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

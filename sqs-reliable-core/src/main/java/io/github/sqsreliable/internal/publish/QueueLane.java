package io.github.sqsreliable.internal.publish;

import io.github.sqsreliable.internal.sqs.BatchAnswers;
import io.github.sqsreliable.internal.sqs.SqsBatcher;
import io.github.sqsreliable.internal.sqs.SqsLimits;
import io.github.sqsreliable.publish.PublishException;
import io.github.sqsreliable.publish.PublishResult;
import io.github.sqsreliable.retry.Backoff;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeNameForSends;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResultEntry;

/**
 * The messages for one queue: collected into batches of up to 10 entries and {@link PublishSettings#MAX_BATCH_BYTES},
 * sent when a batch is full or its oldest message has waited the linger, answered per entry, and sent again after a
 * backoff when the failure was transient.
 *
 * <p>A FIFO queue has one batch in flight at a time, and a message that must be sent again goes back to the head of
 * the line, which waits out its backoff: so messages are sent in the order of {@code publish}, and a failed request
 * is sent again before anything later. Only a single entry that SQS fails while it stores a later entry of the same
 * group in the same batch gets out of order, unless batches hold one message per group ({@code fifoStrictOrder}). A standard
 * queue sends a batch as soon as it is ready, and a message to send again rejoins the line after its backoff.
 *
 * <p>Thread-safe: the line is guarded by this object's monitor; requests are sent outside it, by the thread that
 * filled a batch or by the publisher's scheduler, and answers are handled on the scheduler, never on an SDK thread.
 */
final class QueueLane {

    private static final Logger log = LoggerFactory.getLogger(QueueLane.class);

    /** Error codes SQS marks as the sender's fault that still pass with time. */
    private static final Set<String> THROTTLING_CODES = Set.of("RequestThrottled", "ThrottlingException",
            "Throttling", "KMS.ThrottlingException", "AWS.SimpleQueueService.RequestThrottled");

    private final String queueUrl;
    private final boolean fifo;
    private final boolean strictOrder;
    private final long lingerNanos;
    private final int maxAttempts;
    private final Backoff backoff;
    private final ScheduledExecutorService scheduler;
    private final Function<SendMessageBatchRequest, CompletableFuture<SendMessageBatchResponse>> sender;
    private final Consumer<PendingMessage> finished;

    private final Deque<PendingMessage> line = new ArrayDeque<>();
    private long lineBytes;
    private int batchesInFlight;
    private long blockedUntilNanos;
    private boolean wakeScheduled;
    private boolean flushing;

    /**
     * @param sender sends one request; may throw
     * @param finished told of every message that got its final answer here
     */
    QueueLane(String queueUrl, PublishSettings settings, ScheduledExecutorService scheduler,
              Function<SendMessageBatchRequest, CompletableFuture<SendMessageBatchResponse>> sender,
              Consumer<PendingMessage> finished) {
        this.queueUrl = queueUrl;
        this.fifo = queueUrl.endsWith(".fifo");
        this.strictOrder = fifo && settings.fifoStrictOrder();
        this.lingerNanos = settings.linger().toNanos();
        this.maxAttempts = settings.maxAttempts();
        this.backoff = settings.retryBackoff();
        this.scheduler = scheduler;
        this.sender = sender;
        this.finished = finished;
    }

    /** Adds a message at the end of the line; a batch it completes is sent on the calling thread. */
    void add(PendingMessage message) {
        List<List<PendingMessage>> ready;
        synchronized (this) {
            message.enqueuedNanos = System.nanoTime();
            line.addLast(message);
            lineBytes += message.size;
            ready = takeReady(message.enqueuedNanos);
        }
        sendAll(ready);
    }

    /** From now on every partial batch goes at once (the publisher is closing). */
    void flush() {
        List<List<PendingMessage>> ready;
        synchronized (this) {
            flushing = true;
            ready = takeReady(System.nanoTime());
        }
        sendAll(ready);
    }

    /** @return the messages waiting in line (not those in flight) */
    synchronized int waiting() {
        return line.size();
    }

    /** Runs on the scheduler: a linger or a FIFO backoff ran out. */
    private void wake() {
        List<List<PendingMessage>> ready;
        synchronized (this) {
            wakeScheduled = false;
            ready = takeReady(System.nanoTime());
        }
        sendAll(ready);
    }

    /** Under the monitor: the batches to send now, counted as in flight; schedules a wake-up for the rest. */
    private List<List<PendingMessage>> takeReady(long now) {
        List<List<PendingMessage>> ready = new ArrayList<>(1);
        while (!line.isEmpty() && mayStartBatch(now)) {
            boolean partialDue = flushing || now - line.peekFirst().enqueuedNanos >= lingerNanos;
            if (!partialDue && !hasFullBatch()) {
                break;
            }
            ready.add(takeBatch());
            batchesInFlight++;
        }
        // A FIFO line behind a batch in flight is woken by that batch's answer.
        if (!line.isEmpty() && !wakeScheduled && (!fifo || batchesInFlight == 0)) {
            long due = Math.max(line.peekFirst().enqueuedNanos + lingerNanos, fifo ? blockedUntilNanos : now);
            wakeScheduled = true;
            try {
                scheduler.schedule(this::wake, Math.max(0, due - now), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                wakeScheduled = false; // closed: the publisher fails what is left
            }
        }
        return ready;
    }

    private boolean mayStartBatch(long now) {
        return !fifo || (batchesInFlight == 0 && now - blockedUntilNanos >= 0);
    }

    private boolean hasFullBatch() {
        return line.size() >= SqsLimits.MAX_BATCH_ENTRIES || lineBytes > PublishSettings.MAX_BATCH_BYTES;
    }

    /**
     * Takes from the head as many messages as one request carries; in strict FIFO order at most one per group, so
     * that no message is sent beside an earlier one of its group whose entry SQS may fail.
     */
    private List<PendingMessage> takeBatch() {
        List<PendingMessage> batch = new ArrayList<>(SqsLimits.MAX_BATCH_ENTRIES);
        Set<String> groups = strictOrder ? new java.util.HashSet<>() : null;
        long bytes = 0;
        java.util.Iterator<PendingMessage> waiting = line.iterator();
        while (waiting.hasNext() && batch.size() < SqsLimits.MAX_BATCH_ENTRIES) {
            PendingMessage next = waiting.next();
            if (next.isFinished()) {
                waiting.remove(); // given up by close
                lineBytes -= next.size;
                continue;
            }
            if (!batch.isEmpty() && bytes + next.size > PublishSettings.MAX_BATCH_BYTES) {
                break;
            }
            if (groups != null && !groups.add(next.groupId)) {
                continue;
            }
            waiting.remove();
            lineBytes -= next.size;
            bytes += next.size;
            batch.add(next);
        }
        return batch;
    }

    private void sendAll(List<List<PendingMessage>> batches) {
        for (List<PendingMessage> batch : batches) {
            send(batch);
        }
    }

    private void send(List<PendingMessage> batch) {
        if (batch.isEmpty()) {
            answered(List.of(), Duration.ZERO);
            return;
        }
        List<SendMessageBatchRequestEntry> entries = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            PendingMessage message = batch.get(i);
            message.attempts++;
            entries.add(entry(Integer.toString(i), message));
        }
        CompletableFuture<SendMessageBatchResponse> answer;
        try {
            answer = sender.apply(SendMessageBatchRequest.builder().queueUrl(queueUrl).entries(entries).build());
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        try {
            answer.whenCompleteAsync((response, error) -> onAnswer(batch, response, error), scheduler);
        } catch (RejectedExecutionException e) {
            log.debug("publisher closed before the answer for {} came", queueUrl);
        }
    }

    private static SendMessageBatchRequestEntry entry(String id, PendingMessage message) {
        SendMessageBatchRequestEntry.Builder entry = SendMessageBatchRequestEntry.builder()
                .id(id)
                .messageBody(message.body)
                .messageGroupId(message.groupId)
                .messageDeduplicationId(message.deduplicationId)
                .delaySeconds(message.delaySeconds);
        if (!message.attributes.isEmpty()) {
            entry.messageAttributes(message.attributes);
        }
        if (message.traceHeader != null) {
            entry.messageSystemAttributes(Map.of(MessageSystemAttributeNameForSends.AWS_TRACE_HEADER,
                    MessageSystemAttributeValue.builder().dataType("String").stringValue(message.traceHeader).build()));
        }
        return entry.build();
    }

    /** Runs on the scheduler. */
    private void onAnswer(List<PendingMessage> batch, SendMessageBatchResponse response, Throwable error) {
        List<PendingMessage> again = new ArrayList<>();
        if (error != null) {
            Throwable cause = unwrap(error);
            boolean transientFailure = SqsBatcher.isRetryable(cause);
            String code = cause instanceof AwsServiceException service && service.awsErrorDetails() != null
                    ? service.awsErrorDetails().errorCode() : null;
            boolean senderFault = cause instanceof AwsServiceException service && service.statusCode() >= 400
                    && service.statusCode() < 500 && !transientFailure;
            for (PendingMessage message : batch) {
                if (transientFailure && message.attempts < maxAttempts) {
                    again.add(message);
                } else {
                    fail(message, PublishException.requestFailed(queueUrl, code, senderFault, message.attempts, cause));
                }
            }
            log.debug("SendMessageBatch to {} failed ({}); {} of {} message(s) to send again", queueUrl, cause,
                    again.size(), batch.size());
        } else {
            Map<String, SendMessageBatchResultEntry> stored = new java.util.HashMap<>();
            for (SendMessageBatchResultEntry entry : response.successful()) {
                stored.put(entry.id(), entry);
            }
            Map<String, BatchResultErrorEntry> refused = BatchAnswers.refusedById(response.failed());
            for (int i = 0; i < batch.size(); i++) {
                PendingMessage message = batch.get(i);
                String id = Integer.toString(i);
                BatchResultErrorEntry failure = refused.get(id);
                SendMessageBatchResultEntry success = stored.get(id);
                if (failure == null && success != null) {
                    if (message.succeed(new PublishResult(success.messageId(), success.sequenceNumber(),
                            message.attempts))) {
                        finished.accept(message);
                    }
                } else if (failure != null && !isTransient(failure) || message.attempts >= maxAttempts) {
                    fail(message, failure != null
                            ? PublishException.rejected(queueUrl, failure.code(), failure.message(),
                                    Boolean.TRUE.equals(failure.senderFault()), message.attempts)
                            : PublishException.rejected(queueUrl, "MissingFromResponse",
                                    "SQS answered neither success nor failure for this entry", false,
                                    message.attempts));
                } else {
                    again.add(message);
                }
            }
        }
        Duration wait = Duration.ZERO;
        for (PendingMessage message : again) {
            Duration delay = backoff.delayAfter(message.attempts);
            wait = delay.compareTo(wait) > 0 ? delay : wait;
        }
        answered(again, wait);
    }

    /** The answer of a batch in flight was handled; {@code again} are its messages to send again. */
    private void answered(List<PendingMessage> again, Duration wait) {
        List<List<PendingMessage>> ready;
        synchronized (this) {
            batchesInFlight--;
            long now = System.nanoTime();
            if (fifo) {
                // Back to the head, in their order, and the whole line waits: nothing may overtake them.
                for (int i = again.size() - 1; i >= 0; i--) {
                    PendingMessage message = again.get(i);
                    message.enqueuedNanos = now - lingerNanos;
                    line.addFirst(message);
                    lineBytes += message.size;
                }
                if (!again.isEmpty()) {
                    blockedUntilNanos = now + wait.toNanos();
                }
            }
            ready = takeReady(now);
        }
        sendAll(ready);
        if (!fifo && !again.isEmpty()) {
            // Together, so that they fill one batch rather than go one by one.
            try {
                scheduler.schedule(() -> rejoin(again), wait.toNanos(), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                log.debug("publisher closed; not sending again {} message(s) for {}", again.size(), queueUrl);
            }
        }
    }

    /** A standard queue's messages to send again, after their backoff: at the head, and at once. */
    private void rejoin(List<PendingMessage> again) {
        List<List<PendingMessage>> ready;
        synchronized (this) {
            long now = System.nanoTime();
            for (int i = again.size() - 1; i >= 0; i--) {
                PendingMessage message = again.get(i);
                if (!message.isFinished()) {
                    message.enqueuedNanos = now - lingerNanos;
                    line.addFirst(message);
                    lineBytes += message.size;
                }
            }
            ready = takeReady(now);
        }
        sendAll(ready);
    }

    private void fail(PendingMessage message, PublishException failure) {
        if (message.fail(failure)) {
            finished.accept(message);
        }
    }

    private static boolean isTransient(BatchResultErrorEntry failure) {
        return !Boolean.TRUE.equals(failure.senderFault()) || THROTTLING_CODES.contains(failure.code());
    }

    private static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}

package io.github.sqsreliable.internal.sqs;

import io.github.resilience4j.core.IntervalFunction;
import io.github.sqsreliable.BatchEntryFailedException;
import io.github.sqsreliable.internal.batch.BatchingCore;
import io.github.sqsreliable.internal.batch.Room;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequest;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchResultEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResultEntry;

/**
 * Collects deletes or visibility changes into batch requests of up to 10 entries. A full batch goes at once; a
 * partial one waits at most the flush interval. Every entry's own result is checked: server-side failures and
 * failed requests are retried with jittered backoff, refusals (a stale receipt handle) fail the entry at once.
 * Each entry's future completes with the final answer, on the batcher's scheduler thread, or on the SDK's
 * response thread for a batcher built to answer there (its callers' dependants must be quick and run no user code:
 * a delete batcher when no listener is registered).
 *
 * <p>Why not the SDK's {@code SqsAsyncBatchManager}: it completes futures on SDK response threads, does not
 * retry failed entries, and its {@code close()} neither sends a partial batch nor waits for answers; this class
 * needs all three, plus back pressure when too many entries are outstanding (see docs/concepts.md).
 *
 * <p>Thread-safe. A full batch is sent by the thread that filled it, a partial one by the scheduler thread.
 */
public final class SqsBatcher {

    private static final Logger log = LoggerFactory.getLogger(SqsBatcher.class);

    static final int MAX_ATTEMPTS = 5;
    /** The ids of a batch's entries, by position: made once rather than for each entry sent and answered. */
    private static final String[] ENTRY_IDS = new String[SqsLimits.MAX_BATCH_ENTRIES];

    static {
        for (int i = 0; i < ENTRY_IDS.length; i++) {
            ENTRY_IDS[i] = Integer.toString(i);
        }
    }
    private static final IntervalFunction RETRY_BACKOFF =
            IntervalFunction.ofExponentialRandomBackoff(Duration.ofMillis(100), 2.0, 0.5, Duration.ofSeconds(2));

    /** Sends one batch; implemented per SQS action. */
    interface BatchSender {
        CompletableFuture<BatchAnswer> send(String queueUrl, List<Entry> entries);
    }

    /** SQS's answer to a batch: ids that succeeded and the failed entries by id. */
    record BatchAnswer(Set<String> succeededIds, Map<String, BatchResultErrorEntry> failedById) {
    }

    /** One pending delete or visibility change. */
    static final class Entry {
        final String receiptHandle;
        final int visibilityTimeoutSeconds;
        final CompletableFuture<Void> result = new CompletableFuture<>();
        final boolean holdsSlot;
        int attempts;

        Entry(String receiptHandle, int visibilityTimeoutSeconds, boolean holdsSlot) {
            this.receiptHandle = receiptHandle;
            this.visibilityTimeoutSeconds = visibilityTimeoutSeconds;
            this.holdsSlot = holdsSlot;
        }
    }

    private final String action;
    private final String queueUrl;
    private final BatchSender sender;
    private final ScheduledExecutorService scheduler;
    private final boolean answerOnResponseThread;
    private final Semaphore slots;
    private final BatchingCore<Entry> batching;

    SqsBatcher(String action, String queueUrl, BatchSender sender, ScheduledExecutorService scheduler,
               Duration flushInterval, int maxOutstanding) {
        this(action, queueUrl, sender, scheduler, flushInterval, maxOutstanding, false);
    }

    SqsBatcher(String action, String queueUrl, BatchSender sender, ScheduledExecutorService scheduler,
               Duration flushInterval, int maxOutstanding, boolean answerOnResponseThread) {
        this.answerOnResponseThread = answerOnResponseThread;
        this.action = action;
        this.queueUrl = queueUrl;
        this.sender = sender;
        this.scheduler = scheduler;
        this.batching = new BatchingCore<>(scheduler, flushInterval, SqsLimits.MAX_BATCH_ENTRIES, this::send,
                this::giveUp);
        this.slots = maxOutstanding == Integer.MAX_VALUE ? null : new Semaphore(maxOutstanding);
    }

    /**
     * A batcher of DeleteMessageBatch requests. {@link #submit} blocks while {@code maxOutstanding} deletes are
     * unconfirmed: back pressure on the workers rather than an unbounded queue.
     *
     * @param answerOnResponseThread whether entries complete on the SDK's response thread rather than the
     *     scheduler's: saves a thread wake-up per batch, and is safe only when whatever depends on an entry is
     *     quick and runs no user code
     */
    public static SqsBatcher deletes(SqsAsyncClient client, String queueUrl, ScheduledExecutorService scheduler,
                                     Duration flushInterval, int maxOutstanding, boolean answerOnResponseThread) {
        BatchSender sender = (url, entries) -> client.deleteMessageBatch(DeleteMessageBatchRequest.builder()
                        .queueUrl(url)
                        .entries(indexed(entries, (id, e) -> DeleteMessageBatchRequestEntry.builder()
                                .id(id).receiptHandle(e.receiptHandle).build()))
                        .build())
                .thenApply(r -> new BatchAnswer(BatchAnswers.confirmedIds(r.successful(), DeleteMessageBatchResultEntry::id),
                        BatchAnswers.refusedById(r.failed())));
        return new SqsBatcher("DeleteMessageBatch", queueUrl, sender, scheduler, flushInterval, maxOutstanding,
                answerOnResponseThread);
    }

    /**
     * A batcher of ChangeMessageVisibilityBatch requests. Never blocks: each held message has at most one change
     * pending, so the held-message capacity already bounds it.
     */
    public static SqsBatcher visibilityChanges(SqsAsyncClient client, String queueUrl,
                                               ScheduledExecutorService scheduler, Duration flushInterval) {
        BatchSender sender = (url, entries) -> client.changeMessageVisibilityBatch(
                        ChangeMessageVisibilityBatchRequest.builder()
                                .queueUrl(url)
                                .entries(indexed(entries, (id, e) -> ChangeMessageVisibilityBatchRequestEntry.builder()
                                        .id(id).receiptHandle(e.receiptHandle)
                                        .visibilityTimeout(e.visibilityTimeoutSeconds).build()))
                                .build())
                .thenApply(r -> new BatchAnswer(BatchAnswers.confirmedIds(r.successful(),
                        ChangeMessageVisibilityBatchResultEntry::id), BatchAnswers.refusedById(r.failed())));
        return new SqsBatcher("ChangeMessageVisibilityBatch", queueUrl, sender, scheduler, flushInterval,
                Integer.MAX_VALUE);
    }

    /**
     * Queues one entry.
     *
     * @param receiptHandle the message's receipt handle
     * @param visibilityTimeoutSeconds the new visibility (visibility changes only)
     * @return completes when SQS confirmed the entry; fails with {@link BatchEntryFailedException}
     */
    public CompletableFuture<Void> submit(String receiptHandle, int visibilityTimeoutSeconds) {
        return submit(receiptHandle, visibilityTimeoutSeconds, true);
    }

    /**
     * Queues one entry without waiting for room: for callers that must not block (a delete that follows a
     * successful send, on a callback), whose entries the held-message capacity already bounds.
     *
     * @param receiptHandle the message's receipt handle
     * @param visibilityTimeoutSeconds the new visibility (visibility changes only)
     * @return completes when SQS confirmed the entry; fails with {@link BatchEntryFailedException}
     */
    public CompletableFuture<Void> submitWithoutWaiting(String receiptHandle, int visibilityTimeoutSeconds) {
        return submit(receiptHandle, visibilityTimeoutSeconds, false);
    }

    private CompletableFuture<Void> submit(String receiptHandle, int visibilityTimeoutSeconds, boolean waitForRoom) {
        Entry entry = new Entry(receiptHandle, visibilityTimeoutSeconds, waitForRoom && slots != null);
        if (batching.isClosed() || (entry.holdsSlot && !Room.acquire(slots, batching::isClosed))) {
            entry.result.completeExceptionally(BatchEntryFailedException.closedBeforeConfirmation(action, queueUrl));
            return entry.result;
        }
        batching.accept(entry);
        return entry.result;
    }

    /**
     * Sends everything pending now and waits until every outstanding entry has its answer, or the timeout.
     * Entries still unanswered then fail; entries submitted afterwards fail at once.
     *
     * @param timeout how long to wait for answers
     * @return whether every entry got its answer in time
     */
    public boolean flushAndClose(Duration timeout) {
        int leftOver = batching.drain(timeout);
        if (leftOver > 0) {
            log.warn("{} for queue {}: {} entries unconfirmed when the consumer closed; those messages reappear "
                    + "once their visibility lapses", action, queueUrl, leftOver);
        }
        return leftOver == 0;
    }

    /** @return completes once the answer was handled: on the SDK's response thread or the scheduler's */
    private CompletionStage<?> send(List<Entry> batch) {
        for (Entry entry : batch) {
            entry.attempts++;
        }
        CompletableFuture<BatchAnswer> answer;
        try {
            answer = sender.send(queueUrl, batch);
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        return answerOnResponseThread
                ? answer.whenComplete((result, error) -> onAnswer(batch, result, error))
                : answer.whenCompleteAsync((result, error) -> onAnswer(batch, result, error), scheduler);
    }

    private void onAnswer(List<Entry> batch, BatchAnswer answer, Throwable error) {
        if (error != null) {
            Throwable cause = unwrap(error);
            boolean retryable = isRetryable(cause);
            for (Entry entry : batch) {
                if (retryable && entry.attempts < MAX_ATTEMPTS) {
                    retryLater(entry);
                } else {
                    fail(entry, BatchEntryFailedException.requestFailed(action, queueUrl, entry.attempts, cause));
                }
            }
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            Entry entry = batch.get(i);
            String id = entryId(i);
            BatchResultErrorEntry failure = answer.failedById().get(id);
            if (failure == null && answer.succeededIds().contains(id)) {
                succeed(entry);
            } else if (failure == null) {
                fail(entry, BatchEntryFailedException.entryRejected(action, queueUrl, "MissingFromResponse",
                        "SQS answered neither success nor failure for this entry", false, entry.attempts));
            } else {
                BatchEntryFailedException rejection = BatchEntryFailedException.entryRejected(action, queueUrl,
                        failure.code(), failure.message(), Boolean.TRUE.equals(failure.senderFault()), entry.attempts);
                if (!rejection.senderFault() && !rejection.isReceiptHandleInvalid() && entry.attempts < MAX_ATTEMPTS) {
                    log.debug("{} entry failed with {} on attempt {}; retrying", action, failure.code(), entry.attempts);
                    retryLater(entry);
                } else {
                    fail(entry, rejection);
                }
            }
        }
    }

    private void retryLater(Entry entry) {
        batching.retryLater(entry, Duration.ofMillis(RETRY_BACKOFF.apply(entry.attempts)));
    }

    private boolean giveUp(Entry entry) {
        return fail(entry, BatchEntryFailedException.closedBeforeConfirmation(action, queueUrl));
    }

    private void succeed(Entry entry) {
        // Completing first runs the entry's dependants, which may submit more (a release after an extension),
        // before the outstanding count can reach zero and let flushAndClose return.
        if (entry.result.complete(null)) {
            finished(entry);
        }
    }

    /** @return whether this failed the entry (false when it already had its answer) */
    private boolean fail(Entry entry, BatchEntryFailedException failure) {
        if (entry.result.completeExceptionally(failure)) {
            finished(entry);
            return true;
        }
        return false;
    }

    private void finished(Entry entry) {
        if (entry.holdsSlot) {
            slots.release();
        }
        batching.answered();
    }

    /** @return whether a failed request may succeed when sent again: throttling, a server error, no answer */
    public static boolean isRetryable(Throwable cause) {
        if (cause instanceof AwsServiceException service) {
            return service.isThrottlingException() || service.statusCode() >= 500 || service.retryable();
        }
        if (cause instanceof SdkClientException) {
            return true;
        }
        return cause instanceof SdkException sdk && sdk.retryable();
    }

    private static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static String entryId(int index) {
        return index < ENTRY_IDS.length ? ENTRY_IDS[index] : Integer.toString(index);
    }

    private static <T> List<T> indexed(List<Entry> entries, java.util.function.BiFunction<String, Entry, T> build) {
        List<T> built = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            built.add(build.apply(entryId(i), entries.get(i)));
        }
        return built;
    }

}

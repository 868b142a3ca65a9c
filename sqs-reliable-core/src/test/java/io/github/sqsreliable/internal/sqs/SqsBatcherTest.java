package io.github.sqsreliable.internal.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.sqsreliable.BatchEntryFailedException;
import io.github.sqsreliable.internal.sqs.SqsBatcher.BatchAnswer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.SqsException;

class SqsBatcherTest {

    private static final String ACTION = "DeleteMessageBatch";
    private static final String QUEUE_URL = "http://localhost:9324/000000000000/orders";
    private static final Duration LONG_INTERVAL = Duration.ofSeconds(10);
    private static final Duration SHORT_INTERVAL = Duration.ofMillis(20);
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
    private final ExecutorService background = Executors.newSingleThreadExecutor();
    private final FakeSender sender = new FakeSender();

    @AfterEach
    void stopThreads() throws InterruptedException {
        scheduler.shutdownNow();
        background.shutdownNow();
        assertThat(scheduler.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        assertThat(background.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }

    // ---------------------------------------------------------------------------------------------------
    // Batching
    // ---------------------------------------------------------------------------------------------------

    @Test
    void sendsTenEntriesAsOneBatchWithoutWaitingForTheInterval() {
        // given: a batcher whose flush interval is far longer than the test may take
        SqsBatcher batcher = batcher(LONG_INTERVAL, Integer.MAX_VALUE);

        // when: ten entries are submitted
        submit(batcher, 0, 10);

        // then: they went out before the tenth submit returned, as one batch, in submission order, sent by the
        // submitting thread itself (waking the scheduler thread for each batch would cost more than the request)
        assertThat(sender.batches).hasSize(1);
        assertThat(sender.batches.get(0).handles()).containsExactlyElementsOf(handles(0, 10));
        assertThat(sender.batches.get(0).queueUrl()).isEqualTo(QUEUE_URL);
        assertThat(sender.batches.get(0).sentOn()).isSameAs(Thread.currentThread());
    }

    @Test
    void sendsEveryEntryOnceInFullBatchesWhenManyThreadsSubmitAtOnce() throws Exception {
        // given: a batcher whose flush interval is far longer than the test may take
        SqsBatcher batcher = batcher(LONG_INTERVAL, Integer.MAX_VALUE);
        ExecutorService submitters = Executors.newFixedThreadPool(4);

        // when: four threads submit 1,000 entries each at the same time
        CountDownLatch go = new CountDownLatch(1);
        Set<Thread> submitting = java.util.concurrent.ConcurrentHashMap.newKeySet();
        List<java.util.concurrent.Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int from = t * 1000;
            done.add(submitters.submit(() -> {
                submitting.add(Thread.currentThread());
                go.await();
                submit(batcher, from, from + 1000);
                return null;
            }));
        }
        go.countDown();
        for (java.util.concurrent.Future<?> future : done) {
            future.get(10, TimeUnit.SECONDS);
        }
        submitters.shutdown();

        // then: 400 full batches went out, by the submitting threads, with every entry exactly once
        assertThat(sender.batches).hasSize(400).allSatisfy(batch -> {
            assertThat(batch.handles()).hasSize(10);
            assertThat(submitting).contains(batch.sentOn());
        });
        assertThat(sender.batches.stream().flatMap(batch -> batch.handles().stream()))
                .containsExactlyInAnyOrderElementsOf(handles(0, 4000));
    }

    @Test
    void entriesCompleteOnTheSchedulerUnlessBuiltToAnswerOnTheResponseThread() throws Exception {
        for (boolean onResponseThread : List.of(false, true)) {
            // given: a batcher, and ten entries sent as one batch
            sender.batches.clear();
            SqsBatcher batcher = new SqsBatcher(ACTION, QUEUE_URL, sender, scheduler, LONG_INTERVAL,
                    Integer.MAX_VALUE, onResponseThread);
            List<CompletableFuture<Thread>> completedOn = submit(batcher, 0, 10).stream()
                    .map(result -> result.thenApply(ok -> Thread.currentThread())).toList();

            // when: SQS's answer arrives on another thread (the SDK's response thread)
            Thread responseThread = new Thread(() -> sender.batches.get(0).answer()
                    .complete(allSucceeded(handles(0, 10)).join()), "sdk-response");
            responseThread.start();
            responseThread.join(5_000);

            // then: the entries completed there, or on the scheduler
            for (CompletableFuture<Thread> thread : completedOn) {
                Thread completing = thread.get(5, TimeUnit.SECONDS);
                if (onResponseThread) {
                    assertThat(completing).isSameAs(responseThread);
                } else {
                    assertThat(completing).isNotSameAs(responseThread).isNotSameAs(Thread.currentThread());
                }
            }
        }
    }

    @Test
    void sendsAPartialBatchOnceTheFlushIntervalHasPassed() {
        // given: a batcher with a short flush interval
        Duration interval = Duration.ofMillis(200);
        SqsBatcher batcher = batcher(interval, Integer.MAX_VALUE);

        // when: three entries are submitted
        long submittedAt = System.nanoTime();
        submit(batcher, 0, 3);

        // then: they go out together, no sooner than the interval after the first submit
        awaitUpTo(WAIT).until(() -> sender.batches.size() == 1);
        assertThat(sender.batches.get(0).handles()).containsExactlyElementsOf(handles(0, 3));
        assertThat(Duration.ofNanos(sender.batches.get(0).sentAtNanos() - submittedAt))
                .isGreaterThanOrEqualTo(interval);
    }

    @Test
    void splitsTwentyFiveEntriesIntoBatchesOfTenTenAndFive() throws Exception {
        // given: a batcher with a long interval whose sender answers every entry with success
        sender.responder = SqsBatcherTest::allSucceeded;
        SqsBatcher batcher = batcher(LONG_INTERVAL, Integer.MAX_VALUE);

        // when: 25 entries are submitted
        List<CompletableFuture<Void>> results = submit(batcher, 0, 25);

        // then: two full batches go out at once, the remaining five wait for the interval
        awaitUpTo(Duration.ofSeconds(2)).until(() -> sender.batches.size() == 2);
        drainScheduler();
        assertThat(sender.batches).hasSize(2);

        // when: the batcher is flushed and closed
        boolean allAnswered = batcher.flushAndClose(WAIT);

        // then: the five went as a third batch and every entry succeeded
        assertThat(allAnswered).isTrue();
        assertThat(sender.batches).extracting(SentBatch::handles)
                .containsExactly(handles(0, 10), handles(10, 20), handles(20, 25));
        for (CompletableFuture<Void> result : results) {
            assertThat(result).isCompleted();
            result.get();
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Per-entry answers
    // ---------------------------------------------------------------------------------------------------

    @Test
    void aSuccessCompletesOnlyThatEntrysFuture() {
        // given: a full batch in flight (the long interval keeps retried entries from going out again)
        SqsBatcher batcher = batcher(LONG_INTERVAL, Integer.MAX_VALUE);
        List<CompletableFuture<Void>> results = submit(batcher, 0, 10);
        awaitUpTo(WAIT).until(() -> sender.batches.size() == 1);

        // when: SQS confirms entry 3 and reports a server-side failure for every other entry
        Map<String, BatchResultErrorEntry> failures = new HashMap<>();
        for (int i = 0; i < 10; i++) {
            if (i != 3) {
                failures.put(id(i), error(id(i), "InternalError", false));
            }
        }
        sender.batches.get(0).answer().complete(new BatchAnswer(Set.of("3"), failures));

        // then: entry 3 completes normally, the others are still pending their retry
        awaitUpTo(WAIT).until(() -> results.get(3).isDone());
        drainScheduler();
        assertThat(results.get(3)).isCompleted();
        for (int i = 0; i < 10; i++) {
            if (i != 3) {
                assertThat(results.get(i)).as("entry %d", i).isNotDone();
            }
        }
    }

    @Test
    void resendsAnEntryThatFailedOnTheServerSideAndCompletesItOnSuccess() {
        // given: two entries in flight
        SqsBatcher batcher = batcher(SHORT_INTERVAL, Integer.MAX_VALUE);
        List<CompletableFuture<Void>> results = submit(batcher, 0, 2);
        awaitUpTo(WAIT).until(() -> sender.batches.size() == 1);

        // when: entry 0 succeeds and entry 1 fails without sender fault
        sender.batches.get(0).answer().complete(
                new BatchAnswer(Set.of("0"), Map.of("1", error("1", "InternalError", false))));

        // then: entry 0 is done, entry 1 is resent alone in a later batch, as its second attempt
        awaitUpTo(WAIT).until(() -> sender.batches.size() == 2);
        assertThat(results.get(0)).isCompleted();
        assertThat(results.get(1)).isNotDone();
        SentBatch resend = sender.batches.get(1);
        assertThat(resend.handles()).containsExactly(handle(1));
        assertThat(resend.attempts()).containsExactly(2);

        // when: the resend succeeds
        resend.answer().complete(new BatchAnswer(Set.of("0"), Map.of()));

        // then: entry 1 completes normally
        awaitUpTo(WAIT).until(() -> results.get(1).isDone());
        assertThat(results.get(1)).isCompleted();
    }

    @Test
    void failsEntriesRefusedForSenderFaultOrAStaleHandleAtOnceAndNeverResendsThem() {
        // given: three entries in flight
        SqsBatcher batcher = batcher(SHORT_INTERVAL, Integer.MAX_VALUE);
        List<CompletableFuture<Void>> results = submit(batcher, 0, 3);
        awaitUpTo(WAIT).until(() -> sender.batches.size() == 1);

        // when: SQS blames the request for entry 0, refuses the receipt handle of entry 1 (without blaming the
        // sender), and fails entry 2 on its own side (the control, which is retried and then succeeds)
        sender.responder = SqsBatcherTest::allSucceeded;
        sender.batches.get(0).answer().complete(new BatchAnswer(Set.of(), Map.of(
                "0", error("0", "InvalidParameterValue", true),
                "1", error("1", "ReceiptHandleIsInvalid", false),
                "2", error("2", "InternalError", false))));

        // then: entries 0 and 1 fail at once with SQS's code after one attempt
        awaitUpTo(WAIT).until(() -> results.get(0).isDone() && results.get(1).isDone());
        BatchEntryFailedException senderFault = failure(results.get(0));
        assertThat(senderFault.errorCode()).isEqualTo("InvalidParameterValue");
        assertThat(senderFault.senderFault()).isTrue();
        assertThat(senderFault.attempts()).isEqualTo(1);
        BatchEntryFailedException staleHandle = failure(results.get(1));
        assertThat(staleHandle.errorCode()).isEqualTo("ReceiptHandleIsInvalid");
        assertThat(staleHandle.isReceiptHandleInvalid()).isTrue();
        assertThat(staleHandle.attempts()).isEqualTo(1);

        // then: only the control is ever sent again
        awaitUpTo(WAIT).until(() -> results.get(2).isDone());
        assertThat(results.get(2)).isCompleted();
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() ->
                sender.batches.stream().skip(1).allMatch(batch -> batch.handles().equals(List.of(handle(2)))));
    }

    @Test
    void failsAnEntryMissingFromBothLists() {
        // given: two entries in flight
        SqsBatcher batcher = batcher(SHORT_INTERVAL, Integer.MAX_VALUE);
        List<CompletableFuture<Void>> results = submit(batcher, 0, 2);
        awaitUpTo(WAIT).until(() -> sender.batches.size() == 1);

        // when: SQS confirms entry 0 and says nothing about entry 1
        sender.batches.get(0).answer().complete(new BatchAnswer(Set.of("0"), Map.of()));

        // then: entry 0 succeeds and entry 1 fails
        awaitUpTo(WAIT).until(() -> results.get(1).isDone());
        assertThat(results.get(0)).isCompleted();
        BatchEntryFailedException missing = failure(results.get(1));
        assertThat(missing.errorCode()).isEqualTo("MissingFromResponse");
        assertThat(missing.attempts()).isEqualTo(1);
    }

    // ---------------------------------------------------------------------------------------------------
    // Whole-request failures
    // ---------------------------------------------------------------------------------------------------

    @Test
    void retriesARequestFailingWithARetryableErrorUntilMaxAttempts() {
        // given: a sender whose every request fails with a client-side I/O error
        SdkClientException io = SdkClientException.create("io");
        sender.responder = handles -> CompletableFuture.failedFuture(io);
        SqsBatcher batcher = batcher(SHORT_INTERVAL, Integer.MAX_VALUE);

        // when: one entry is submitted
        CompletableFuture<Void> result = batcher.submit(handle(0), 0);

        // then: it was sent MAX_ATTEMPTS times and then failed, carrying the SDK's error
        awaitUpTo(Duration.ofSeconds(10)).until(result::isDone);
        BatchEntryFailedException failure = failure(result);
        assertThat(failure.attempts()).isEqualTo(SqsBatcher.MAX_ATTEMPTS).isEqualTo(5);
        assertThat(failure.errorCode()).isNull();
        assertThat(failure).hasCause(io);
        assertThat(sender.batches).hasSize(SqsBatcher.MAX_ATTEMPTS);
        assertThat(sender.batches).extracting(SentBatch::attempts)
                .containsExactly(List.of(1), List.of(2), List.of(3), List.of(4), List.of(5));
    }

    @Test
    void failsAtOnceWhenTheRequestFailsWithANonRetryableError() {
        // given: a sender whose request is refused for lack of permission
        SqsException denied = accessDenied();
        sender.responder = handles -> CompletableFuture.failedFuture(denied);
        SqsBatcher batcher = batcher(SHORT_INTERVAL, Integer.MAX_VALUE);

        // when: two entries are submitted
        List<CompletableFuture<Void>> results = submit(batcher, 0, 2);

        // then: both fail after the first attempt and nothing is sent again
        awaitUpTo(WAIT).until(() -> results.stream().allMatch(CompletableFuture::isDone));
        for (CompletableFuture<Void> result : results) {
            BatchEntryFailedException failure = failure(result);
            assertThat(failure.attempts()).isEqualTo(1);
            assertThat(failure).hasCause(denied);
        }
        assertThat(sender.batches).hasSize(1);
    }

    @Test
    void treatsASenderThatThrowsLikeAFailedRequest() {
        // given: a sender that throws instead of returning a future
        IllegalStateException bug = new IllegalStateException("sender bug");
        sender.responder = handles -> {
            throw bug;
        };
        SqsBatcher batcher = batcher(SHORT_INTERVAL, Integer.MAX_VALUE);

        // when: an entry is submitted
        CompletableFuture<Void> result = batcher.submit(handle(0), 0);

        // then: the entry fails with the thrown exception as cause (not retryable), and the scheduler survives
        awaitUpTo(WAIT).until(result::isDone);
        assertThat(failure(result)).hasCause(bug);
        assertThat(scheduler.isShutdown()).isFalse();
    }

    // ---------------------------------------------------------------------------------------------------
    // Closing
    // ---------------------------------------------------------------------------------------------------

    @Test
    void flushAndCloseSendsAPartialBatchAtOnceAndWaitsForItsAnswers() throws Exception {
        // given: three entries waiting for a long flush interval
        SqsBatcher batcher = batcher(LONG_INTERVAL, Integer.MAX_VALUE);
        List<CompletableFuture<Void>> results = submit(batcher, 0, 3);
        drainScheduler();
        assertThat(sender.batches).isEmpty();

        // when: the batcher is flushed and closed from another thread
        CompletableFuture<Boolean> closed =
                CompletableFuture.supplyAsync(() -> batcher.flushAndClose(WAIT), background);

        // then: the partial batch goes out at once, and the close waits for its answer
        awaitUpTo(Duration.ofSeconds(2)).until(() -> sender.batches.size() == 1);
        assertThat(sender.batches.get(0).handles()).containsExactlyElementsOf(handles(0, 3));
        assertThat(closed).isNotDone();

        // when: SQS answers
        sender.batches.get(0).answer().complete(allSucceeded(handles(0, 3)).join());

        // then: the close reports every entry answered, and every entry succeeded
        assertThat(closed.get(5, TimeUnit.SECONDS)).isTrue();
        for (CompletableFuture<Void> result : results) {
            assertThat(result).isCompleted();
        }
    }

    @Test
    void flushAndCloseGivesUpOnUnansweredEntriesAfterItsTimeout() {
        // given: two entries whose batch SQS never answers
        SqsBatcher batcher = batcher(LONG_INTERVAL, Integer.MAX_VALUE);
        List<CompletableFuture<Void>> results = submit(batcher, 0, 2);

        // when: the batcher is flushed and closed with a short timeout
        Duration timeout = Duration.ofMillis(100);
        long before = System.nanoTime();
        boolean allAnswered = batcher.flushAndClose(timeout);

        // then: it returns false after the timeout, and both entries failed as unconfirmed
        assertThat(allAnswered).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - before)).isGreaterThanOrEqualTo(timeout);
        assertThat(sender.batches).hasSize(1);
        for (CompletableFuture<Void> result : results) {
            BatchEntryFailedException failure = failure(result);
            assertThat(failure.errorCode()).isNull();
            assertThat(failure.attempts()).isZero();
        }
    }

    @Test
    void flushAndCloseFailsAnEntryWaitingForItsRetry() {
        // given: an entry whose first request failed with a retryable error, so that it waits for its backoff
        sender.responder = handles -> CompletableFuture.failedFuture(SdkClientException.create("io"));
        SqsBatcher batcher = batcher(SHORT_INTERVAL, Integer.MAX_VALUE);
        CompletableFuture<Void> result = batcher.submit(handle(0), 0);
        awaitUpTo(WAIT).until(() -> sender.batches.size() == 1);
        drainScheduler();

        // when: the batcher closes before the retry comes due (the first backoff is at least 50 ms)
        boolean allAnswered = batcher.flushAndClose(Duration.ofMillis(10));

        // then: the entry failed as unconfirmed, and it is never sent again
        assertThat(allAnswered).isFalse();
        BatchEntryFailedException failure = failure(result);
        assertThat(failure.errorCode()).isNull();
        assertThat(failure.getMessage()).contains("not confirmed before the consumer closed");
        awaitUpTo(WAIT).during(Duration.ofMillis(300)).until(() -> sender.batches.size() == 1);
    }

    @Test
    void failsSubmitsAfterCloseAtOnce() {
        // given: a closed batcher
        SqsBatcher batcher = batcher(SHORT_INTERVAL, Integer.MAX_VALUE);
        assertThat(batcher.flushAndClose(WAIT)).isTrue();

        // when: an entry is submitted
        CompletableFuture<Void> result = batcher.submit(handle(0), 0);

        // then: it has already failed, and nothing is sent
        assertThat(result).isCompletedExceptionally();
        assertThat(failure(result).attempts()).isZero();
        drainScheduler();
        assertThat(sender.batches).isEmpty();
    }

    // ---------------------------------------------------------------------------------------------------
    // Back pressure
    // ---------------------------------------------------------------------------------------------------

    @Test
    void blocksASubmitWhileMaxOutstandingEntriesAreUnanswered() throws Exception {
        // given: at most two outstanding entries, and two in flight
        SqsBatcher batcher = batcher(SHORT_INTERVAL, 2);
        List<CompletableFuture<Void>> first = submit(batcher, 0, 2);
        awaitUpTo(WAIT).until(() -> sender.batches.size() == 1);

        // when: a third entry is submitted from another thread
        CountDownLatch returned = new CountDownLatch(1);
        CompletableFuture<CompletableFuture<Void>> third = CompletableFuture.supplyAsync(() -> {
            CompletableFuture<Void> result = batcher.submit(handle(2), 0);
            returned.countDown();
            return result;
        }, background);

        // then: it stays blocked while nothing is answered
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> returned.getCount() == 1);

        // when: SQS answers the first batch
        sender.batches.get(0).answer().complete(allSucceeded(handles(0, 2)).join());

        // then: the third submit returns, and its entry goes out
        assertThat(returned.await(5, TimeUnit.SECONDS)).isTrue();
        awaitUpTo(WAIT).until(() -> first.stream().allMatch(CompletableFuture::isDone));
        assertThat(first).allSatisfy(result -> assertThat(result).isCompleted());
        awaitUpTo(WAIT).until(() -> sender.batches.size() == 2);
        assertThat(sender.batches.get(1).handles()).containsExactly(handle(2));
        assertThat(third.get(5, TimeUnit.SECONDS)).isNotDone();
    }

    // ---------------------------------------------------------------------------------------------------
    // isRetryable
    // ---------------------------------------------------------------------------------------------------

    @Test
    void throttlingIsRetryable() {
        // given: a throttling error code on a 400, and a bare 429
        SqsException throttledByCode = serviceException(400, "RequestThrottled");
        SqsException throttledByStatus = serviceException(429, "TooManyRequests");

        // when / then: both are throttling, hence retryable
        assertThat(throttledByCode.isThrottlingException()).isTrue();
        assertThat(SqsBatcher.isRetryable(throttledByCode)).isTrue();
        assertThat(throttledByStatus.isThrottlingException()).isTrue();
        assertThat(SqsBatcher.isRetryable(throttledByStatus)).isTrue();
    }

    @Test
    void serverErrorsAreRetryable() {
        // given / when / then: any 5xx is retryable
        assertThat(SqsBatcher.isRetryable(serviceException(500, "InternalError"))).isTrue();
        assertThat(SqsBatcher.isRetryable(serviceException(503, "ServiceUnavailable"))).isTrue();
    }

    @Test
    void clientErrorsAreNotRetryable() {
        // given: a refused request
        SqsException denied = accessDenied();

        // when / then: a 4xx that is not throttling is final
        assertThat(denied.isThrottlingException()).isFalse();
        assertThat(SqsBatcher.isRetryable(denied)).isFalse();
        assertThat(SqsBatcher.isRetryable(serviceException(404, "AWS.SimpleQueueService.NonExistentQueue")))
                .isFalse();
    }

    @Test
    void sdkClientExceptionsAreRetryable() {
        // given / when / then: client-side failures (I/O, timeouts) are retryable
        assertThat(SqsBatcher.isRetryable(SdkClientException.create("io"))).isTrue();
    }

    @Test
    void otherExceptionsAreRetryableOnlyWhenTheSdkSaysSo() {
        // given / when / then: a plain exception, or an SdkException not marked retryable, is final
        assertThat(SqsBatcher.isRetryable(new IllegalStateException("bug"))).isFalse();
        assertThat(SqsBatcher.isRetryable(SdkException.create("other", null))).isFalse();
    }

    // ---------------------------------------------------------------------------------------------------
    // Helpers
    // ---------------------------------------------------------------------------------------------------

    /** One batch the fake sender received. */
    private record SentBatch(String queueUrl, List<String> handles, List<Integer> attempts,
                             CompletableFuture<BatchAnswer> answer, long sentAtNanos, Thread sentOn) {
    }

    /** Records each batch; by default answers nothing until the test completes the batch's future. */
    private static final class FakeSender implements SqsBatcher.BatchSender {
        final List<SentBatch> batches = new CopyOnWriteArrayList<>();
        volatile Function<List<String>, CompletableFuture<BatchAnswer>> responder = handles -> new CompletableFuture<>();

        @Override
        public CompletableFuture<BatchAnswer> send(String queueUrl, List<SqsBatcher.Entry> entries) {
            long now = System.nanoTime();
            List<String> handles = entries.stream().map(e -> e.receiptHandle).toList();
            List<Integer> attempts = entries.stream().map(e -> e.attempts).toList();
            try {
                CompletableFuture<BatchAnswer> answer = responder.apply(handles);
                batches.add(new SentBatch(queueUrl, handles, attempts, answer, now, Thread.currentThread()));
                return answer;
            } catch (RuntimeException e) {
                batches.add(new SentBatch(queueUrl, handles, attempts, CompletableFuture.failedFuture(e), now,
                        Thread.currentThread()));
                throw e;
            }
        }
    }

    private SqsBatcher batcher(Duration flushInterval, int maxOutstanding) {
        return new SqsBatcher(ACTION, QUEUE_URL, sender, scheduler, flushInterval, maxOutstanding);
    }

    private static List<CompletableFuture<Void>> submit(SqsBatcher batcher, int from, int to) {
        List<CompletableFuture<Void>> results = new ArrayList<>();
        for (int i = from; i < to; i++) {
            results.add(batcher.submit(handle(i), 0));
        }
        return results;
    }

    /** Waits until every task already queued on the scheduler has run. */
    private void drainScheduler() {
        try {
            scheduler.submit(() -> { }).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("scheduler did not drain", e);
        }
    }

    private static CompletableFuture<BatchAnswer> allSucceeded(List<String> handles) {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < handles.size(); i++) {
            ids.add(id(i));
        }
        return CompletableFuture.completedFuture(new BatchAnswer(ids, Map.of()));
    }

    private static BatchEntryFailedException failure(CompletableFuture<Void> result) {
        assertThat(result).isCompletedExceptionally();
        Throwable cause = null;
        try {
            result.get();
        } catch (ExecutionException e) {
            cause = e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        assertThat(cause).isInstanceOf(BatchEntryFailedException.class);
        return (BatchEntryFailedException) cause;
    }

    private static BatchResultErrorEntry error(String id, String code, boolean senderFault) {
        return BatchResultErrorEntry.builder().id(id).code(code).senderFault(senderFault).message("test").build();
    }

    private static SqsException accessDenied() {
        return serviceException(400, "AccessDenied");
    }

    private static SqsException serviceException(int status, String code) {
        return (SqsException) SqsException.builder()
                .statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(code).build())
                .build();
    }

    private static String id(int position) {
        return Integer.toString(position);
    }

    private static String handle(int i) {
        return "rh-" + i;
    }

    private static List<String> handles(int from, int to) {
        return IntStream.range(from, to).mapToObj(SqsBatcherTest::handle).toList();
    }

    /** Awaitility polling often, so that a test waits no longer than its condition needs. */
    private static ConditionFactory awaitUpTo(Duration timeout) {
        return await().atMost(timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5));
    }
}

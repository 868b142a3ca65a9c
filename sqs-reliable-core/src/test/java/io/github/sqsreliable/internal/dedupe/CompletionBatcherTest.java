package io.github.sqsreliable.internal.dedupe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.idempotency.CompleteRequest;
import io.github.sqsreliable.idempotency.FencingToken;
import io.github.sqsreliable.idempotency.HeldKey;
import io.github.sqsreliable.idempotency.Idempotency;
import io.github.sqsreliable.idempotency.IdempotencyStore;
import io.github.sqsreliable.internal.message.InFlightMessage;
import io.github.sqsreliable.internal.NamedThreadFactory;
import io.github.sqsreliable.internal.observe.ConsumerEvents;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The completion batcher on a real single-thread scheduler, with a mocked store whose answers the tests control.
 * The follow-ups stand in for deletes: they record the message id and the thread they ran on.
 */
@Timeout(30)
class CompletionBatcherTest {

    private static final Duration TTL = Duration.ofHours(1);
    private static final Duration STORE_TIMEOUT = Duration.ofMillis(500);
    private static final Duration LONG_INTERVAL = Duration.ofMinutes(1);

    private final ScheduledThreadPoolExecutor scheduler =
            new ScheduledThreadPoolExecutor(1, new NamedThreadFactory("test-acks", false, true));
    private final IdempotencyStore store = mock(IdempotencyStore.class);
    private final ConsumerEvents events = new ConsumerEvents(List.of());
    private final List<String> deleted = new CopyOnWriteArrayList<>();
    private final List<String> deleteThreads = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    private CompletionBatcher batcher(Duration flushInterval, int maxOutstanding) {
        // No pause between attempts: the retry rule, not the backoff, is under test here.
        return new CompletionBatcher(store, TTL, STORE_TIMEOUT, events, scheduler, flushInterval, maxOutstanding,
                attempt -> Duration.ZERO);
    }

    private void submit(CompletionBatcher batcher, InFlightMessage message) {
        batcher.submit(message, () -> {
            deleted.add(message.view().messageId());
            deleteThreads.add(Thread.currentThread().getName());
            return CompletableFuture.completedFuture(null);
        });
    }

    private static InFlightMessage message(String id) {
        Message sdk = Message.builder().messageId(id).receiptHandle("receipt-" + id).body("body")
                .attributesWithStrings(Map.of("ApproximateReceiveCount", "1")).build();
        SqsMessage view = SqsMessage.builder().queueUrl("https://sqs.test/q").messageId(id).body("body")
                .attributes(sdk.attributesAsStrings()).build();
        InFlightMessage message = new InFlightMessage(sdk, view, false, System.nanoTime(), TimeUnit.SECONDS.toNanos(30));
        message.holdIdempotencyKey(new HeldKey("key-" + id, FencingToken.random(), Idempotency.DEFAULT_TTL));
        return message;
    }

    private static List<InFlightMessage> messages(int count) {
        List<InFlightMessage> messages = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            messages.add(message("m" + i));
        }
        return messages;
    }

    private void storeAnswersTrue() {
        when(store.completeAll(anyList(), any())).thenAnswer(call -> {
            List<?> requests = call.getArgument(0);
            return CompletableFuture.completedFuture(Collections.nCopies(requests.size(), true));
        });
    }

    @SuppressWarnings("unchecked")
    private List<List<CompleteRequest>> completeAllCalls(int expected) {
        ArgumentCaptor<List<CompleteRequest>> requests = ArgumentCaptor.forClass(List.class);
        verify(store, times(expected)).completeAll(requests.capture(), any());
        return requests.getAllValues();
    }

    @Test
    void aFullBatchIsCompletedInOneCallWithoutWaitingForTheInterval() {
        storeAnswersTrue();
        CompletionBatcher batcher = batcher(LONG_INTERVAL, 100);

        messages(CompletionBatcher.MAX_BATCH).forEach(message -> submit(batcher, message));

        await().atMost(Duration.ofSeconds(5)).until(() -> deleted.size() == CompletionBatcher.MAX_BATCH);
        List<List<CompleteRequest>> calls = completeAllCalls(1);
        assertThat(calls.get(0)).hasSize(CompletionBatcher.MAX_BATCH)
                .extracting(CompleteRequest::key).startsWith("key-m0", "key-m1");
        verify(store, never()).complete(any(), any(), any());
    }

    @Test
    void aPartialBatchIsCompletedOnceTheFlushIntervalHasPassed() {
        storeAnswersTrue();
        CompletionBatcher batcher = batcher(Duration.ofMillis(200), 100);
        long start = System.nanoTime();

        messages(3).forEach(message -> submit(batcher, message));

        await().atMost(Duration.ofSeconds(5)).until(() -> deleted.size() == 3);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(150));
        assertThat(completeAllCalls(1).get(0)).hasSize(3);
    }

    @Test
    void theDeleteWaitsForTheCompletionAndRunsOnTheSchedulerThread() {
        CompletableFuture<List<Boolean>> answer = new CompletableFuture<>();
        when(store.completeAll(anyList(), any())).thenReturn(answer);
        CompletionBatcher batcher = batcher(Duration.ZERO, 100);

        submit(batcher, message("m0"));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> verify(store).completeAll(anyList(), any()));
        assertThat(deleted).as("no delete before the store answered").isEmpty();
        // The store answers on a thread of its own, as Lettuce or the AWS SDK would.
        Thread storeThread = new Thread(() -> answer.complete(List.of(true)), "store-io");
        storeThread.start();

        await().atMost(Duration.ofSeconds(5)).until(() -> deleted.size() == 1);
        assertThat(deleteThreads).containsExactly("test-acks");
    }

    @Test
    void aKeyTheStoreRefusesIsDeletedAnywayWithoutRetrying() {
        when(store.completeAll(anyList(), any())).thenReturn(CompletableFuture.completedFuture(List.of(true, false)));
        CompletionBatcher batcher = batcher(LONG_INTERVAL, 100);
        messages(2).forEach(message -> submit(batcher, message));

        assertThat(batcher.flushAndClose(Duration.ofSeconds(5))).isTrue();

        assertThat(deleted).containsExactly("m0", "m1");
        completeAllCalls(1);
        assertThat(events.snapshot().idempotencyStoreFailures()).isZero();
    }

    @Test
    void aFailedCallIsRetriedAndAnsweredByTheSecondAttempt() {
        AtomicInteger calls = new AtomicInteger();
        when(store.completeAll(anyList(), any())).thenAnswer(call -> {
            List<?> requests = call.getArgument(0);
            return calls.incrementAndGet() == 1 ? CompletableFuture.failedFuture(new IllegalStateException("down"))
                    : CompletableFuture.completedFuture(Collections.nCopies(requests.size(), true));
        });
        CompletionBatcher batcher = batcher(Duration.ZERO, 100);

        submitTogether(batcher, messages(2));

        await().atMost(Duration.ofSeconds(5)).until(() -> deleted.size() == 2);
        List<List<CompleteRequest>> attempts = completeAllCalls(calls.get());
        assertThat(attempts.get(0)).hasSize(2);
        assertThat(attempts.stream().skip(1).mapToInt(List::size).sum()).as("keys retried").isEqualTo(2);
        assertThat(events.snapshot().idempotencyStoreFailures()).isEqualTo(1);
    }

    @Test
    void afterThreeFailedAttemptsTheFailureIsReportedAndTheMessageDeletedAnyway() {
        when(store.completeAll(anyList(), any()))
                .thenReturn(CompletableFuture.failedFuture(new IllegalStateException("down")));
        CompletionBatcher batcher = batcher(Duration.ZERO, 100);

        submit(batcher, message("m0"));

        await().atMost(Duration.ofSeconds(5)).until(() -> deleted.size() == 1);
        completeAllCalls(CompletionBatcher.MAX_ATTEMPTS);
        assertThat(events.snapshot().idempotencyStoreFailures()).isEqualTo(CompletionBatcher.MAX_ATTEMPTS);
    }

    @Test
    void aCallWithoutAnAnswerWithinTheStoreTimeoutCountsAsAFailedAttempt() {
        when(store.completeAll(anyList(), any()))
                .thenReturn(new CompletableFuture<>())
                .thenReturn(CompletableFuture.completedFuture(List.of(true)));
        CompletionBatcher batcher = batcher(Duration.ZERO, 100);

        submit(batcher, message("m0"));

        await().atMost(Duration.ofSeconds(5)).until(() -> deleted.size() == 1);
        completeAllCalls(2);
        assertThat(events.snapshot().idempotencyStoreFailures()).isEqualTo(1);
    }

    @Test
    void anAnswerOfTheWrongSizeCountsAsAFailedAttempt() {
        AtomicInteger calls = new AtomicInteger();
        when(store.completeAll(anyList(), any())).thenAnswer(call -> {
            List<?> requests = call.getArgument(0);
            return CompletableFuture.completedFuture(calls.incrementAndGet() == 1 ? List.of(true)
                    : Collections.nCopies(requests.size(), true));
        });
        CompletionBatcher batcher = batcher(Duration.ZERO, 100);

        submitTogether(batcher, messages(2));

        await().atMost(Duration.ofSeconds(5)).until(() -> deleted.size() == 2);
        assertThat(events.snapshot().idempotencyStoreFailures()).isEqualTo(1);
    }

    @Test
    void closingCompletesWhatIsPendingBeforeItReturns() {
        storeAnswersTrue();
        CompletionBatcher batcher = batcher(LONG_INTERVAL, 100);
        messages(3).forEach(message -> submit(batcher, message));

        boolean answered = batcher.flushAndClose(Duration.ofSeconds(5));

        assertThat(answered).isTrue();
        assertThat(deleted).containsExactly("m0", "m1", "m2");
        assertThat(completeAllCalls(1).get(0)).hasSize(3);
    }

    @Test
    void aKeyUnansweredWhenClosingTimesOutIsLeftUndeleted() {
        when(store.completeAll(anyList(), any())).thenReturn(new CompletableFuture<>());
        CompletionBatcher batcher = new CompletionBatcher(store, TTL, Duration.ofSeconds(10), events, scheduler,
                LONG_INTERVAL, 100);
        submit(batcher, message("m0"));

        boolean answered = batcher.flushAndClose(Duration.ofMillis(300));

        assertThat(answered).isFalse();
        assertThat(deleted).isEmpty();
        assertThat(events.snapshot().inFlight()).isEqualTo(-1); // counted as having left the consumer
    }

    @Test
    void aFullBatcherMakesTheWorkerWaitUntilADeleteIsAnswered() throws Exception {
        storeAnswersTrue();
        CompletionBatcher batcher = batcher(Duration.ZERO, 1);
        CompletableFuture<Void> firstDelete = new CompletableFuture<>();
        batcher.submit(message("m0"), () -> firstDelete);
        AtomicInteger secondSubmitted = new AtomicInteger();

        Thread worker = new Thread(() -> {
            submit(batcher, message("m1"));
            secondSubmitted.incrementAndGet();
        }, "worker");
        worker.start();

        Thread.sleep(300); // the absence of progress: there is nothing to await
        assertThat(secondSubmitted).hasValue(0);
        firstDelete.complete(null);
        worker.join(5_000);
        assertThat(secondSubmitted).hasValue(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> deleted.contains("m1"));
    }

    /** Submits the messages while the scheduler is busy, so that they go in one batch. */
    private void submitTogether(CompletionBatcher batcher, List<InFlightMessage> messages) {
        CountDownLatch release = new CountDownLatch(1);
        scheduler.execute(() -> {
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        messages.forEach(message -> submit(batcher, message));
        release.countDown();
    }
}

package io.github.sqsreliable.internal.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BatchingCoreTest {

    private static final Duration LONG_INTERVAL = Duration.ofHours(1);
    private static final Duration WAIT = Duration.ofSeconds(5);

    /** An entry answered at most once, by the test (as a batcher would on an answer) or by giving it up. */
    private static final class Entry {
        final String name;
        final AtomicBoolean answered = new AtomicBoolean();

        Entry(String name) {
            this.name = name;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** One batch handed to the send callback, and the stage that tells the core its answer was handled. */
    private record Sent(List<Entry> entries, CompletableFuture<Void> handled) {
    }

    private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
    private final List<Sent> sent = new CopyOnWriteArrayList<>();
    private final List<Entry> givenUp = new CopyOnWriteArrayList<>();
    private BatchingCore<Entry> batching;

    @AfterEach
    void stopScheduler() {
        scheduler.shutdownNow();
    }

    private BatchingCore<Entry> batching(Duration flushInterval, int batchSize) {
        batching = new BatchingCore<>(scheduler, flushInterval, batchSize, this::send, this::giveUp);
        return batching;
    }

    private CompletionStage<?> send(List<Entry> batch) {
        Sent batchSent = new Sent(List.copyOf(batch), new CompletableFuture<>());
        sent.add(batchSent);
        return batchSent.handled();
    }

    private boolean giveUp(Entry entry) {
        if (!entry.answered.compareAndSet(false, true)) {
            return false;
        }
        givenUp.add(entry);
        batching.answered();
        return true;
    }

    /** What a batcher does with an answer for the entry. */
    private void answer(Entry entry) {
        if (entry.answered.compareAndSet(false, true)) {
            batching.answered();
        }
    }

    @Test
    void sendsAFullBatchAtOnceOnTheAcceptingThread() {
        // given: batches of two
        BatchingCore<Entry> batching = batching(LONG_INTERVAL, 2);

        // when: two entries are accepted
        Entry a = new Entry("a");
        Entry b = new Entry("b");
        batching.accept(a);
        batching.accept(b);

        // then: the full batch went out before accept returned, without waiting for the flush interval
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).entries()).containsExactly(a, b);
    }

    @Test
    void drainSendsThePartialBatchAndWaitsForItsAnswers() throws Exception {
        // given: one entry waiting for a flush interval that never comes
        BatchingCore<Entry> batching = batching(LONG_INTERVAL, 10);
        Entry a = new Entry("a");
        batching.accept(a);
        assertThat(sent).isEmpty();

        // when: the batcher drains, and the partial batch's answer arrives meanwhile
        CompletableFuture<Integer> drained = CompletableFuture.supplyAsync(() -> batching.drain(WAIT));
        await().atMost(WAIT).until(() -> sent.size() == 1);
        assertThat(drained).isNotDone();
        answer(a);
        sent.get(0).handled().complete(null);

        // then: drain returns before its timeout, with nothing given up
        assertThat(drained.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isZero();
        assertThat(givenUp).isEmpty();
        assertThat(batching.isClosed()).isTrue();
    }

    @Test
    void drainGivesUpWhatIsStillUnansweredAtTheTimeout() {
        // given: a batch of two sent; only one of them gets its answer
        BatchingCore<Entry> batching = batching(LONG_INTERVAL, 2);
        Entry answered = new Entry("answered");
        Entry unanswered = new Entry("unanswered");
        batching.accept(answered);
        batching.accept(unanswered);
        answer(answered);

        // when
        int leftOver = batching.drain(Duration.ofMillis(100));

        // then: only the unanswered one is given up and counted
        assertThat(leftOver).isOne();
        assertThat(givenUp).containsExactly(unanswered);
    }

    @Test
    void drainGivesUpEntriesStillPendingWhenTheSchedulerHasStopped() {
        // given: an entry pending, and a scheduler that will never flush it
        BatchingCore<Entry> batching = batching(LONG_INTERVAL, 10);
        Entry pending = new Entry("pending");
        batching.accept(pending);
        scheduler.shutdown();

        // when
        int leftOver = batching.drain(Duration.ofMillis(100));

        // then
        assertThat(leftOver).isOne();
        assertThat(givenUp).containsExactly(pending);
        assertThat(sent).isEmpty();
    }

    @Test
    void givesUpAnEntryAcceptedAfterDrain() {
        // given: a drained batcher
        BatchingCore<Entry> batching = batching(Duration.ZERO, 10);
        assertThat(batching.drain(Duration.ZERO)).isZero();

        // when
        Entry late = new Entry("late");
        batching.accept(late);

        // then: given up at once, never sent
        assertThat(givenUp).containsExactly(late);
        assertThat(sent).isEmpty();
    }

    @Test
    void givesUpARetryWhenTheSchedulerHasStopped() {
        // given: an entry sent, and the scheduler stopped before its answer asks for a retry
        BatchingCore<Entry> batching = batching(LONG_INTERVAL, 1);
        Entry entry = new Entry("entry");
        batching.accept(entry);
        scheduler.shutdown();

        // when
        batching.retryLater(entry, Duration.ofMillis(1));

        // then
        assertThat(givenUp).containsExactly(entry);
    }

    @Test
    void drainGivesUpAnEntryWaitingForARetryAndNeverSendsItAgain() {
        // given: an entry whose batch failed, waiting for a retry that comes due after the drain
        BatchingCore<Entry> batching = batching(LONG_INTERVAL, 1);
        Entry entry = new Entry("entry");
        batching.accept(entry);
        batching.retryLater(entry, Duration.ofMillis(200));
        sent.get(0).handled().complete(null);

        // when: the batcher drains without waiting
        int leftOver = batching.drain(Duration.ZERO);

        // then: given up once, and not sent again when the retry comes due
        assertThat(leftOver).isOne();
        assertThat(givenUp).containsExactly(entry);
        await().during(Duration.ofMillis(400)).atMost(WAIT).until(() -> sent.size() == 1);
        assertThat(givenUp).containsExactly(entry);
    }
}

package io.github.sqsreliable.internal.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.internal.message.InFlightMessage;
import io.github.sqsreliable.observe.ConsumerEvent.ReleaseReason;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

class DispatcherTest {

    private static final String QUEUE_URL = "http://localhost:9324/000000000000/orders";
    private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(5);

    /** Messages the pipeline was called with, in call order. */
    private final List<String> handled = new CopyOnWriteArrayList<>();
    /** Every call of the releaser. */
    private final List<Release> releases = new CopyOnWriteArrayList<>();
    private final List<ExecutorService> pools = new ArrayList<>();

    @AfterEach
    void stopPools() throws InterruptedException {
        for (ExecutorService pool : pools) {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Concurrency limit and standard queues
    // ---------------------------------------------------------------------------------------------------

    @Test
    void neverHandsMoreThanMaxConcurrencyHandlersToTheExecutor() {
        // given: a dispatcher allowing 2 handlers, and a pipeline that checks the running count from inside
        ManualExecutor executor = new ManualExecutor();
        List<Integer> runningSeenByHandlers = new CopyOnWriteArrayList<>();
        AtomicReference<Dispatcher<InFlightMessage>> self = new AtomicReference<>();
        Dispatcher<InFlightMessage> dispatcher = new Dispatcher<>(2, false, executor, message -> {
            runningSeenByHandlers.add(self.get().running());
            handled.add(message.view().messageId());
            return true;
        }, this::recordRelease);
        self.set(dispatcher);

        // when: five standard-queue messages arrive at once
        dispatcher.dispatch(List.of(standard("m1"), standard("m2"), standard("m3"), standard("m4"), standard("m5")));

        // then: one worker was woken (it wakes the next as it starts); never more than two run
        assertThat(executor.queued()).isEqualTo(1);
        assertThat(dispatcher.running()).isEqualTo(1);
        while (executor.queued() > 0) {
            executor.runOldest();
            assertThat(executor.queued()).isLessThanOrEqualTo(2);
            assertThat(dispatcher.running()).isLessThanOrEqualTo(2);
        }
        // (the thread that ran m1 carried on with the waiting messages rather than handing them over)
        assertThat(handled).containsExactly("m1", "m3", "m4", "m5", "m2");
        assertThat(runningSeenByHandlers).allSatisfy(running -> assertThat(running).isBetween(1, 2));
        assertThat(dispatcher.running()).isZero();
        assertThat(releases).isEmpty();
    }

    @Test
    void theCallerMayKeepTheFirstUnitAndRunTheReadyOnesAfterItOnItsOwnThread() {
        // given: a dispatcher allowing 2 handlers
        ManualExecutor executor = new ManualExecutor();
        Dispatcher<InFlightMessage> dispatcher = new Dispatcher<>(2, false, executor, recordingPipeline(id -> true),
                this::recordRelease);

        // when: the thread that received three messages keeps the first to run
        Runnable first = dispatcher.dispatchKeepingOne(List.of(standard("m1"), standard("m2"), standard("m3")));

        // then: no worker was woken for it; running it hands one more to a worker and goes on with the rest
        assertThat(executor.queued()).isZero();
        assertThat(dispatcher.running()).isEqualTo(1);
        first.run();
        assertThat(handled).containsExactly("m1", "m3");
        executor.runOldest();
        assertThat(handled).containsExactly("m1", "m3", "m2");
        assertThat(dispatcher.running()).isZero();

        // and: once closed, nothing is kept, and the units are released
        dispatcher.close();
        assertThat(dispatcher.dispatchKeepingOne(List.of(standard("m4")))).isNull();
        assertThat(releases).hasSize(1);
    }

    @Test
    void quickUnitsRunOneAfterAnotherOnTheWorkerAlreadyRunningWithoutWakingMore() {
        // given: units that take 10 µs each by the dispatcher's clock, and one already timed
        ManualExecutor executor = new ManualExecutor();
        Dispatcher<InFlightMessage> dispatcher = timedDispatcher(executor, TimeUnit.MICROSECONDS.toNanos(10));

        // when: a receive of five arrives
        dispatcher.dispatch(List.of(standard("m1"), standard("m2"), standard("m3"), standard("m4"), standard("m5")));

        // then: one worker is woken, and it runs all five without handing any to another worker
        assertThat(executor.queued()).isEqualTo(1);
        executor.runOldest();
        assertThat(executor.queued()).isZero();
        assertThat(handled).containsExactly("m0", "m1", "m2", "m3", "m4", "m5");
        assertThat(dispatcher.running()).isZero();
    }

    @Test
    void slowUnitsWakeOneMoreWorkerAsEachStarts() {
        // given: units that take 5 ms each by the dispatcher's clock, and one already timed
        ManualExecutor executor = new ManualExecutor();
        Dispatcher<InFlightMessage> dispatcher = timedDispatcher(executor, TimeUnit.MILLISECONDS.toNanos(5));

        // when: a receive of three arrives and the woken worker starts
        dispatcher.dispatch(List.of(standard("m1"), standard("m2"), standard("m3")));
        executor.runOldest();

        // then: before running its unit, that worker handed the next ready one to another worker
        assertThat(executor.queued()).isEqualTo(1);
        executor.runAll();
        assertThat(handled).containsExactlyInAnyOrder("m0", "m1", "m2", "m3");
    }

    @Test
    void readyUnitsBehindAQuickWorkerStuckInASlowUnitStartOnTheNextStallCheck() throws Exception {
        // given: quick units so far, then a receive whose first unit blocks its worker
        ExecutorService pool = pool(4);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch stuckEntered = new CountDownLatch(1);
        AtomicLong clock = new AtomicLong();
        Dispatcher<InFlightMessage> dispatcher = new Dispatcher<>(4, false, pool, message -> {
            clock.addAndGet(TimeUnit.MICROSECONDS.toNanos(10));
            if (message.view().messageId().equals("stuck")) {
                stuckEntered.countDown();
                try {
                    release.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            handled.add(message.view().messageId());
            return true;
        }, this::recordRelease, clock::get);
        for (int i = 0; i < 20; i++) {
            dispatcher.dispatch(List.of(standard("warm" + i)));
            assertThat(dispatcher.awaitIdle(TIMEOUT_NANOS)).isTrue();
        }
        dispatcher.dispatch(List.of(standard("stuck"), standard("m1"), standard("m2")));
        assertThat(stuckEntered.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(handled).doesNotContain("m1", "m2");
        assertThat(dispatcher.starving()).isFalse();

        // when: a stall check finds no unit started since the previous one
        dispatcher.startStalled();
        dispatcher.startStalled();

        // then: the ready units start on other workers while the stuck one still runs
        await().atMost(Duration.ofSeconds(5))
                .until(() -> handled.contains("m1") && handled.contains("m2"));
        assertThat(handled).doesNotContain("stuck");
        release.countDown();
        assertThat(dispatcher.awaitIdle(TIMEOUT_NANOS)).isTrue();
        assertThat(handled).contains("stuck");
    }

    @Test
    void aStallCheckStartsNothingWhileUnitsAreStarting() {
        // given: a worker woken for a receive, which has not run yet (units started since the last check)
        ManualExecutor executor = new ManualExecutor();
        Dispatcher<InFlightMessage> dispatcher = new Dispatcher<>(8, false, executor, recordingPipeline(id -> true),
                this::recordRelease);
        dispatcher.dispatch(List.of(standard("m1"), standard("m2")));

        // when / then: the check sees progress and wakes nobody more
        dispatcher.startStalled();
        assertThat(executor.queued()).isEqualTo(1);
        executor.runAll();
        assertThat(handled).containsExactlyInAnyOrder("m1", "m2");
    }

    @Test
    void runsStandardQueueMessagesInParallel() throws InterruptedException {
        // given: a real pool and a pipeline that returns only once all three handlers are inside it at once
        ExecutorService pool = pool(3);
        CountDownLatch allInside = new CountDownLatch(3);
        Dispatcher<InFlightMessage> dispatcher = new Dispatcher<>(3, false, pool, message -> {
            allInside.countDown();
            try {
                boolean together = allInside.await(5, TimeUnit.SECONDS);
                if (together) {
                    handled.add(message.view().messageId());
                }
                return together;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }, this::recordRelease);

        // when: three standard-queue messages (each its own dispatch key) are dispatched
        dispatcher.dispatch(List.of(standard("m1"), standard("m2"), standard("m3")));

        // then: all three ran concurrently and succeeded
        assertThat(dispatcher.awaitIdle(TIMEOUT_NANOS)).isTrue();
        assertThat(handled).containsExactlyInAnyOrder("m1", "m2", "m3");
        assertThat(releases).isEmpty();
    }

    @Test
    void aFailedStandardQueueMessageReleasesNothingElse() {
        // given: a standard queue whose pipeline fails m1
        ManualExecutor executor = new ManualExecutor();
        Dispatcher<InFlightMessage> dispatcher = new Dispatcher<>(1, false, executor, recordingPipeline(id -> !id.equals("m1")),
                this::recordRelease);
        dispatcher.dispatch(List.of(standard("m1"), standard("m2")));

        // when: every started handler runs
        executor.runAll();

        // then: m2 ran after m1 failed, and nothing was released
        assertThat(handled).containsExactly("m1", "m2");
        assertThat(releases).isEmpty();
        assertThat(dispatcher.running()).isZero();
    }

    @Test
    void anUnkeyedDispatcherRunsUnitsOfTheSameKeyInParallelAndCloseReleasesTheWaitingOnes() {
        // given: an unkeyed dispatcher of 2 handlers, and three units that share one key
        ManualExecutor executor = new ManualExecutor();
        Dispatcher<InFlightMessage> dispatcher = new Dispatcher<>(2, false, executor, recordingPipeline(id -> true),
                this::recordRelease);
        dispatcher.dispatch(List.of(fifo("a1", "g1"), fifo("a2", "g1"), fifo("a3", "g1")));

        // when: the first worker starts
        executor.runNewest();

        // then: it handed a second unit of the same key to another worker before running its own
        assertThat(handled).containsExactly("a1", "a3");
        assertThat(executor.queued()).isEqualTo(1);
        assertThat(dispatcher.running()).isEqualTo(1);

        // when: the dispatcher closes with that unit started and nothing else waiting, then one more arrives
        dispatcher.close();
        dispatcher.dispatch(List.of(standard("late")));

        // then: only the late one is released; the started one still runs
        assertThat(releases).containsExactly(new Release(List.of("late"), ReleaseReason.SHUTDOWN));
        executor.runAll();
        assertThat(handled).containsExactly("a1", "a3", "a2");
        assertThat(dispatcher.running()).isZero();
    }

    @Test
    void closingAnUnkeyedDispatcherReleasesEveryReadyUnit() {
        // given: one handler slot taken by m1, with m2 and m3 ready
        ManualExecutor executor = new ManualExecutor();
        Dispatcher<InFlightMessage> dispatcher = new Dispatcher<>(1, false, executor, recordingPipeline(id -> true),
                this::recordRelease);
        dispatcher.dispatch(List.of(standard("m1"), standard("m2"), standard("m3")));

        // when: the dispatcher closes
        dispatcher.close();

        // then: the ready ones are released in one call; the started one runs
        assertThat(releases).containsExactly(new Release(List.of("m2", "m3"), ReleaseReason.SHUTDOWN));
        executor.runAll();
        assertThat(handled).containsExactly("m1");
        assertThat(dispatcher.running()).isZero();
    }

    // ---------------------------------------------------------------------------------------------------
    // FIFO groups
    // ---------------------------------------------------------------------------------------------------

    @Test
    void runsOneFifoGroupOneMessageAtATimeWhileGroupsRunInParallel() {
        // given: room for 4 handlers and two FIFO groups received interleaved
        ManualExecutor executor = new ManualExecutor();
        Dispatcher<InFlightMessage> dispatcher = new Dispatcher<>(4, true, executor, recordingPipeline(id -> true), this::recordRelease);

        // when: the messages are dispatched
        dispatcher.dispatch(List.of(fifo("a1", "g1"), fifo("b1", "g2"), fifo("a2", "g1"), fifo("a3", "g1"),
                fifo("b2", "g2")));

        // then: one worker was woken, for the head of the first group
        assertThat(executor.queued()).isEqualTo(1);
        assertThat(dispatcher.running()).isEqualTo(1);

        // when: the head of g1 finishes
        executor.runOldest();

        // then: it woke a worker for g2's head (only the head: a group runs one at a time), and went on with the
        // rest of g1 in order, while g2's head still waits for its thread
        assertThat(handled).containsExactly("a1", "a2", "a3");
        assertThat(executor.queued()).isEqualTo(1);
        assertThat(dispatcher.running()).isEqualTo(1);

        // when: everything else runs
        executor.runAll();

        // then: each group ran in received order, and nothing was released
        assertThat(handled).containsExactly("a1", "a2", "a3", "b1", "b2");
        assertThat(releases).isEmpty();
        assertThat(dispatcher.running()).isZero();
    }

    @Test
    void keepsEachFifoGroupInReceivedOrderWhateverOrderTheExecutorRunsTasksIn() {
        // given: an executor that always runs the most recently submitted task first
        ManualExecutor executor = new ManualExecutor();
        Dispatcher<InFlightMessage> dispatcher = new Dispatcher<>(2, true, executor, recordingPipeline(id -> true), this::recordRelease);
        dispatcher.dispatch(List.of(fifo("a1", "g1"), fifo("a2", "g1"), fifo("b1", "g2"), fifo("a3", "g1"),
                fifo("b2", "g2"), fifo("b3", "g2")));

        // when: the tasks run newest first, checking that a group never has two tasks outstanding
        while (executor.queued() > 0) {
            assertThat(executor.queued()).isLessThanOrEqualTo(2);
            executor.runNewest();
        }

        // then: within each group the received order held
        assertThat(handled.stream().filter(id -> id.startsWith("a"))).containsExactly("a1", "a2", "a3");
        assertThat(handled.stream().filter(id -> id.startsWith("b"))).containsExactly("b1", "b2", "b3");
        assertThat(releases).isEmpty();
    }

    @Test
    void aFailedFifoMessageReleasesTheRestOfItsGroupWhileOtherGroupsContinue() {
        // given: two FIFO groups, and a pipeline that fails a1
        ManualExecutor executor = new ManualExecutor();
        Dispatcher<InFlightMessage> dispatcher = new Dispatcher<>(4, true, executor, recordingPipeline(id -> !id.equals("a1")),
                this::recordRelease);
        dispatcher.dispatch(List.of(fifo("a1", "g1"), fifo("a2", "g1"), fifo("b1", "g2"), fifo("a3", "g1"),
                fifo("b2", "g2")));

        // when: a1 runs and fails
        executor.runOldest();

        // then: a2 and a3 are released with FIFO_GROUP_FAILED, in received order, without being started
        assertThat(releases).containsExactly(new Release(List.of("a2", "a3"), ReleaseReason.FIFO_GROUP_FAILED));

        // when: the rest runs
        executor.runAll();

        // then: group g2 carried on in order; g1's later messages never ran
        assertThat(handled).containsExactly("a1", "b1", "b2");
        assertThat(releases).hasSize(1);
        assertThat(dispatcher.running()).isZero();
    }

    @Test
    void aPipelineThatThrowsCountsAsAFailureOfTheFifoGroup() {
        // given: a pipeline that throws for a1
        ManualExecutor executor = new ManualExecutor();
        Dispatcher<InFlightMessage> dispatcher = new Dispatcher<>(2, true, executor, message -> {
            handled.add(message.view().messageId());
            if (message.view().messageId().equals("a1")) {
                throw new IllegalStateException("boom");
            }
            return true;
        }, this::recordRelease);
        dispatcher.dispatch(List.of(fifo("a1", "g1"), fifo("a2", "g1")));

        // when: a1 runs
        assertThatThrownBy(executor::runOldest).isInstanceOf(IllegalStateException.class);

        // then: a2 is released, and the running count went back to zero
        assertThat(releases).containsExactly(new Release(List.of("a2"), ReleaseReason.FIFO_GROUP_FAILED));
        assertThat(executor.queued()).isZero();
        assertThat(dispatcher.running()).isZero();
    }

    // ---------------------------------------------------------------------------------------------------
    // Close and idleness
    // ---------------------------------------------------------------------------------------------------

    @Test
    void closeReleasesEveryWaitingMessageAndLaterDispatchesAtOnce() {
        // given: one handler slot taken by a1, with a2, b1 and b2 waiting
        ManualExecutor executor = new ManualExecutor();
        Dispatcher<InFlightMessage> dispatcher = new Dispatcher<>(1, true, executor, recordingPipeline(id -> true), this::recordRelease);
        dispatcher.dispatch(List.of(fifo("a1", "g1"), fifo("a2", "g1"), fifo("b1", "g2"), fifo("b2", "g2")));
        assertThat(executor.queued()).isEqualTo(1);

        // when: the dispatcher closes
        dispatcher.close();

        // then: every waiting message is released for SHUTDOWN, in one call
        assertThat(releases).hasSize(1);
        assertThat(releases.get(0).reason()).isEqualTo(ReleaseReason.SHUTDOWN);
        assertThat(releases.get(0).ids()).containsExactlyInAnyOrder("a2", "b1", "b2");

        // when: more messages arrive after close
        dispatcher.dispatch(List.of(standard("late")));

        // then: they are released at once and never handed to the executor
        assertThat(releases).hasSize(2);
        assertThat(releases.get(1)).isEqualTo(new Release(List.of("late"), ReleaseReason.SHUTDOWN));
        assertThat(executor.queued()).isEqualTo(1);

        // when: the handler started before close runs
        executor.runOldest();

        // then: it was handled, and nothing further started
        assertThat(handled).containsExactly("a1");
        assertThat(executor.queued()).isZero();
        assertThat(dispatcher.running()).isZero();
    }

    @Test
    void closeEmptyDispatcherReleasesNothing() {
        // given: a dispatcher that never received anything
        Dispatcher<InFlightMessage> dispatcher = new Dispatcher<>(1, true, new ManualExecutor(), recordingPipeline(id -> true),
                this::recordRelease);

        // when: it closes
        dispatcher.close();

        // then: the releaser was not called
        assertThat(releases).isEmpty();
    }

    @Test
    void runningHandlersFinishAfterCloseAndAwaitIdleWaitsForThem() throws Exception {
        // given: a real pool, a handler blocked inside the pipeline, and a closed dispatcher
        ExecutorService pool = pool(1);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        Dispatcher<InFlightMessage> dispatcher = new Dispatcher<>(1, false, pool, message -> {
            started.countDown();
            try {
                boolean released = proceed.await(5, TimeUnit.SECONDS);
                handled.add(message.view().messageId());
                return released;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }, this::recordRelease);
        dispatcher.dispatch(List.of(standard("m1")));
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        dispatcher.close();

        // when: awaiting idleness for a short time while the handler still runs
        long shortTimeout = TimeUnit.MILLISECONDS.toNanos(50);
        long before = System.nanoTime();
        boolean idleTooSoon = dispatcher.awaitIdle(shortTimeout);

        // then: it reports false, after the timeout
        assertThat(idleTooSoon).isFalse();
        assertThat(System.nanoTime() - before).isGreaterThanOrEqualTo(shortTimeout);
        assertThat(dispatcher.running()).isEqualTo(1);

        // when: someone waits for idleness and the handler is let go
        ExecutorService waiter = pool(1);
        CompletableFuture<Boolean> idle = CompletableFuture.supplyAsync(() -> {
            try {
                return dispatcher.awaitIdle(TIMEOUT_NANOS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }, waiter);
        proceed.countDown();

        // then: the handler completed despite the close, and the waiter is woken with true
        assertThat(idle.get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(handled).containsExactly("m1");
        assertThat(dispatcher.running()).isZero();
        assertThat(releases).isEmpty();
    }

    @Test
    void awaitIdleReturnsTrueAtOnceWhenNothingRuns() throws InterruptedException {
        // given: an idle dispatcher
        Dispatcher<InFlightMessage> dispatcher = new Dispatcher<>(1, false, new ManualExecutor(), recordingPipeline(id -> true),
                this::recordRelease);

        // when / then: awaiting idleness with no time to spare still succeeds
        assertThat(dispatcher.awaitIdle(0)).isTrue();
    }

    // ---------------------------------------------------------------------------------------------------
    // Executor rejection
    // ---------------------------------------------------------------------------------------------------

    @Test
    void rejectedTasksAreReleasedWithExecutorRejectedWithoutLeakingTheRunningCount()
            throws InterruptedException {
        // given: an executor that rejects everything
        Dispatcher<InFlightMessage> dispatcher = new Dispatcher<>(2, true, task -> {
            throw new RejectedExecutionException("full");
        }, recordingPipeline(id -> true), this::recordRelease);

        // when: a FIFO group of two and a second group arrive
        dispatcher.dispatch(List.of(fifo("a1", "g1"), fifo("a2", "g1"), fifo("b1", "g2")));

        // then: everything is released as EXECUTOR_REJECTED (a1's group with it), nothing ran, nothing counts
        assertThat(releases).containsExactly(
                new Release(List.of("a1", "a2"), ReleaseReason.EXECUTOR_REJECTED),
                new Release(List.of("b1"), ReleaseReason.EXECUTOR_REJECTED));
        assertThat(handled).isEmpty();
        assertThat(dispatcher.running()).isZero();
        assertThat(dispatcher.awaitIdle(0)).isTrue();
    }

    @Test
    void aRejectionFreesItsSlotForTheNextMessage() {
        // given: one handler slot and an executor that rejects only its first task
        ManualExecutor accepting = new ManualExecutor();
        AtomicBoolean rejectedOnce = new AtomicBoolean();
        Dispatcher<InFlightMessage> dispatcher = new Dispatcher<>(1, false, task -> {
            if (rejectedOnce.compareAndSet(false, true)) {
                throw new RejectedExecutionException("full");
            }
            accepting.execute(task);
        }, recordingPipeline(id -> true), this::recordRelease);

        // when: two standard messages arrive
        dispatcher.dispatch(List.of(standard("m1"), standard("m2")));

        // then: m1 is released, m2 took the slot
        assertThat(releases).containsExactly(new Release(List.of("m1"), ReleaseReason.EXECUTOR_REJECTED));
        assertThat(dispatcher.running()).isEqualTo(1);

        // when: m2 runs
        accepting.runAll();

        // then: m2 was handled and the count is back to zero
        assertThat(handled).containsExactly("m2");
        assertThat(dispatcher.running()).isZero();
    }

    // ---------------------------------------------------------------------------------------------------
    // Helpers
    // ---------------------------------------------------------------------------------------------------

    private record Release(List<String> ids, ReleaseReason reason) {
    }

    private void recordRelease(List<InFlightMessage> messages, ReleaseReason reason) {
        releases.add(new Release(messages.stream().map(m -> m.view().messageId()).toList(), reason));
    }

    /**
     * A dispatcher of up to 8 handlers whose units each take {@code unitNanos} by its clock, after one unit ("m0")
     * has run, so that it knows how long units take.
     */
    private Dispatcher<InFlightMessage> timedDispatcher(ManualExecutor executor, long unitNanos) {
        long[] clock = {0};
        Dispatcher<InFlightMessage> dispatcher = new Dispatcher<>(8, false, executor, message -> {
            clock[0] += unitNanos;
            handled.add(message.view().messageId());
            return true;
        }, this::recordRelease, () -> clock[0]);
        dispatcher.dispatch(List.of(standard("m0")));
        executor.runAll();
        return dispatcher;
    }

    /** A pipeline that records the message and answers {@code succeeds} for its id. */
    private Predicate<InFlightMessage> recordingPipeline(Predicate<String> succeeds) {
        return message -> {
            handled.add(message.view().messageId());
            return succeeds.test(message.view().messageId());
        };
    }

    private ExecutorService pool(int threads) {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        pools.add(pool);
        return pool;
    }

    private static InFlightMessage standard(String id) {
        return inFlight(Message.builder().messageId(id).receiptHandle("rh-" + id).body("body-" + id).build(), false);
    }

    private static InFlightMessage fifo(String id, String group) {
        return inFlight(Message.builder().messageId(id).receiptHandle("rh-" + id).body("body-" + id)
                .attributesWithStrings(Map.of("MessageGroupId", group)).build(), true);
    }

    private static InFlightMessage inFlight(Message message, boolean fifo) {
        SqsMessage view = SqsMessage.builder()
                .queueUrl(QUEUE_URL)
                .messageId(message.messageId())
                .body(message.body())
                .attributes(message.attributesAsStrings())
                .build();
        return new InFlightMessage(message, view, fifo, 0L, TimeUnit.SECONDS.toNanos(30));
    }

    /** An executor that only queues tasks; the test decides when, and in which order, they run. */
    private static final class ManualExecutor implements Executor {
        private final Deque<Runnable> tasks = new ArrayDeque<>();

        @Override
        public synchronized void execute(Runnable task) {
            tasks.add(task);
        }

        synchronized int queued() {
            return tasks.size();
        }

        void runOldest() {
            Runnable task;
            synchronized (this) {
                task = tasks.pollFirst();
            }
            assertThat(task).as("a queued task").isNotNull();
            task.run();
        }

        void runNewest() {
            Runnable task;
            synchronized (this) {
                task = tasks.pollLast();
            }
            assertThat(task).as("a queued task").isNotNull();
            task.run();
        }

        void runAll() {
            while (queued() > 0) {
                runOldest();
            }
        }
    }
}

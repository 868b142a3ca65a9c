package io.github.sqsreliable.internal.receive;

import static org.assertj.core.api.Assertions.assertThat;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReceivePermitsTest {

    private static final BooleanSupplier ALLOWED = () -> true;
    private static final BooleanSupplier NOT_ALLOWED = () -> false;

    /** One thread per waiting poller: the common pool may have fewer threads than the pollers a test starts. */
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    @Test
    void takesAFullBatchWhenFree() throws InterruptedException {
        ReceivePermits permits = new ReceivePermits(42);

        assertThat(permits.acquireBatch(10, 5, 100, ALLOWED)).isEqualTo(10);
        assertThat(permits.available()).isEqualTo(32);
    }

    @Test
    void takesWhatIsFreeAfterTheBatchWait() throws InterruptedException {
        ReceivePermits permits = new ReceivePermits(12);
        permits.acquireBatch(10, 5, 100, ALLOWED);

        assertThat(permits.acquireBatch(10, 5, 100, ALLOWED)).isEqualTo(2);
        assertThat(permits.acquireBatch(10, 5, 20, ALLOWED)).isZero();
    }

    @Test
    void waitsForAFullBatchWhileAPartialOneIsNotWorthIt() throws Exception {
        // given: 4 of 12 permits free, and handlers busy (a partial receive would not start anything sooner)
        ReceivePermits permits = new ReceivePermits(12);
        permits.acquireBatch(10, 5, 100, ALLOWED);
        permits.release(2);

        // then: nothing is taken within the wait
        assertThat(permits.acquireBatch(10, 5, 50, NOT_ALLOWED)).isZero();
        assertThat(permits.available()).isEqualTo(4);

        // when: a full batch frees up while a poller waits, it gets all of it
        CompletableFuture<Integer> taken = CompletableFuture.supplyAsync(() -> acquire(permits, NOT_ALLOWED), threads);
        await().atMost(Duration.ofSeconds(5)).until(() -> permits.waiters() == 1);
        permits.release(6);
        assertThat(taken.get(5, TimeUnit.SECONDS)).isEqualTo(10);
    }

    @Test
    void permitsComingBackOneAtATimeWakeAWaitingPollerOnlyOnceItsBatchIsFree() throws Exception {
        // given: a poller waiting for a batch of 10, none free
        ReceivePermits permits = new ReceivePermits(10);
        permits.acquireBatch(10, 5, 100, ALLOWED);
        CompletableFuture<Integer> taken = CompletableFuture.supplyAsync(() -> acquireWaiting(permits), threads);
        await().atMost(Duration.ofSeconds(5)).until(() -> permits.waiters() == 1);

        // when: nine handlers finish, one by one
        for (int i = 0; i < 9; i++) {
            permits.release(1);
        }

        // then: the poller was not woken for any of them; the tenth wakes it once, with its whole batch
        assertThat(permits.wakeUps()).isZero();
        assertThat(taken).isNotDone();
        permits.release(1);
        assertThat(taken.get(5, TimeUnit.SECONDS)).isEqualTo(10);
        assertThat(permits.wakeUps()).isEqualTo(1);
    }

    @Test
    void aReleaseWakesAsManyWaitingPollersAsItsPermitsCover() throws Exception {
        // given: three pollers waiting for a batch of 10 each
        ReceivePermits permits = new ReceivePermits(30);
        permits.acquireBatch(10, 5, 100, ALLOWED);
        permits.acquireBatch(10, 5, 100, ALLOWED);
        permits.acquireBatch(10, 5, 100, ALLOWED);
        CompletableFuture<Integer> first = CompletableFuture.supplyAsync(() -> acquireWaiting(permits), threads);
        CompletableFuture<Integer> second = CompletableFuture.supplyAsync(() -> acquireWaiting(permits), threads);
        CompletableFuture<Integer> third = CompletableFuture.supplyAsync(() -> acquireWaiting(permits), threads);
        await().atMost(Duration.ofSeconds(5)).until(() -> permits.waiters() == 3);

        // when: 25 permits come back at once (a capacity increase, or a release of a whole receive)
        permits.release(25);

        // then: two pollers get a batch each and only they were woken; the third waits for 5 more
        await().atMost(Duration.ofSeconds(5)).until(() -> permits.waiters() == 1);
        assertThat(permits.wakeUps()).isEqualTo(2);
        assertThat(permits.available()).isEqualTo(5);
        permits.release(5);
        assertThat(first.get(5, TimeUnit.SECONDS) + second.get(5, TimeUnit.SECONDS) + third.get(5, TimeUnit.SECONDS))
                .isEqualTo(30);
        assertThat(permits.wakeUps()).isEqualTo(3);
    }

    @Test
    void aWaitingPollerIsInterruptible() throws Exception {
        ReceivePermits permits = new ReceivePermits(10);
        permits.acquireBatch(10, 5, 100, ALLOWED);
        CompletableFuture<Thread> waiter = new CompletableFuture<>();
        CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> {
            waiter.complete(Thread.currentThread());
            try {
                permits.acquireBatch(10, 60_000, 60_000, NOT_ALLOWED);
                return null;
            } catch (InterruptedException e) {
                return e;
            }
        }, threads);
        await().atMost(Duration.ofSeconds(5)).until(() -> permits.waiters() == 1);

        waiter.get().interrupt();

        assertThat(outcome.get(5, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
        assertThat(permits.waiters()).isZero();
        assertThat(permits.available()).isZero();
    }

    @Test
    void takesAPartialBatchOnceHandlersStarve() throws Exception {
        ReceivePermits permits = new ReceivePermits(12);
        permits.acquireBatch(10, 5, 100, ALLOWED);
        permits.release(3);
        AtomicBoolean starving = new AtomicBoolean();

        CompletableFuture<Integer> taken = CompletableFuture.supplyAsync(() -> acquire(permits, starving::get), threads);
        await().atMost(Duration.ofSeconds(5)).until(() -> permits.waiters() == 1);
        assertThat(taken).isNotDone();
        starving.set(true);

        assertThat(taken.get(5, TimeUnit.SECONDS)).isEqualTo(5);
    }

    @Test
    void neverAsksForMoreThanTheCapacity() throws InterruptedException {
        ReceivePermits permits = new ReceivePermits(3);

        assertThat(permits.acquireBatch(10, 5, 100, ALLOWED)).isEqualTo(3);
    }

    @Test
    void growingFreesPermitsAtOnce() throws InterruptedException {
        ReceivePermits permits = new ReceivePermits(10);
        permits.acquireBatch(10, 5, 100, ALLOWED);

        permits.resize(30);

        assertThat(permits.capacity()).isEqualTo(30);
        assertThat(permits.available()).isEqualTo(20);
        assertThat(permits.acquireBatch(10, 5, 100, ALLOWED)).isEqualTo(10);
    }

    @Test
    void shrinkingWithdrawsPermitsAsTheyComeBack() throws InterruptedException {
        // given: 40 permits, 30 of them held by messages in flight
        ReceivePermits permits = new ReceivePermits(40);
        for (int i = 0; i < 3; i++) {
            permits.acquireBatch(10, 5, 100, ALLOWED);
        }

        // when: the capacity drops to 20
        permits.resize(20);

        // then: nothing is free until more than 10 of the held ones came back
        assertThat(permits.available()).isEqualTo(-10);
        assertThat(permits.acquireBatch(10, 1, 10, ALLOWED)).isZero();
        permits.release(15);
        assertThat(permits.available()).isEqualTo(5);
        permits.release(15);
        assertThat(permits.available()).isEqualTo(20);
    }

    private static int acquire(ReceivePermits permits, BooleanSupplier partialAllowed) {
        try {
            return permits.acquireBatch(10, 5, 5_000, partialAllowed);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits up to a minute for a full batch, never settling for less. */
    private static int acquireWaiting(ReceivePermits permits) {
        try {
            return permits.acquireBatch(10, 60_000, 60_000, NOT_ALLOWED);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

package io.github.sqsreliable.internal.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PendingEntriesTest {

    @Test
    void takesAFullBatchOnlyOnceItIsFullAndAPartialOneOnlyWhenAsked() {
        // given: three entries waiting, batches of four
        PendingEntries<Integer> pending = new PendingEntries<>(4);
        assertThat(pending.add(1)).isEqualTo(1);
        pending.add(2);
        assertThat(pending.add(3)).isEqualTo(3);

        // then: no full batch is due, a partial one is, oldest first
        assertThat(pending.takeBatch(false)).isNull();
        assertThat(pending.takeBatch(true)).containsExactly(1, 2, 3);
        assertThat(pending.size()).isZero();
        assertThat(pending.takeBatch(true)).isNull();

        // when: six more arrive
        IntStream.rangeClosed(4, 9).forEach(pending::add);

        // then: one full batch of the oldest four, and the two left wait
        assertThat(pending.takeBatch(false)).containsExactly(4, 5, 6, 7);
        assertThat(pending.takeBatch(false)).isNull();
        assertThat(pending.size()).isEqualTo(2);
    }

    @Test
    void clearDropsWhatWaits() {
        PendingEntries<Integer> pending = new PendingEntries<>(10);
        IntStream.range(0, 5).forEach(pending::add);

        pending.clear();

        assertThat(pending.size()).isZero();
        assertThat(pending.takeBatch(true)).isNull();
    }

    @Test
    void threadsAddingAndTakingAtOnceTakeEveryEntryExactlyOnceInBatchesOfAtMostTen() throws Exception {
        // given: four threads that each add 25,000 entries and take full batches as they go, as the batchers'
        // submitting threads do
        PendingEntries<Integer> pending = new PendingEntries<>(10);
        ConcurrentLinkedQueue<List<Integer>> taken = new ConcurrentLinkedQueue<>();
        ExecutorService threads = Executors.newFixedThreadPool(4);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int from = t * 25_000;
            done.add(threads.submit(() -> {
                go.await();
                for (int i = from; i < from + 25_000; i++) {
                    if (pending.add(i) >= 10) {
                        for (List<Integer> batch = pending.takeBatch(false); batch != null;
                                batch = pending.takeBatch(false)) {
                            taken.add(batch);
                        }
                    }
                }
                return null;
            }));
        }

        // when: they run at once, and what is left is taken as partial batches
        go.countDown();
        for (Future<?> future : done) {
            future.get(30, TimeUnit.SECONDS);
        }
        threads.shutdown();
        for (List<Integer> batch = pending.takeBatch(true); batch != null; batch = pending.takeBatch(true)) {
            taken.add(batch);
        }

        // then: every entry was taken exactly once, and no batch held more than ten or none
        assertThat(taken).allSatisfy(batch -> assertThat(batch).hasSizeBetween(1, 10));
        assertThat(taken.stream().flatMap(List::stream).sorted().toList())
                .isEqualTo(IntStream.range(0, 100_000).boxed().toList());
        assertThat(pending.size()).isZero();
    }
}

package io.github.sqsreliable.internal.settle;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqsreliable.internal.classify.Outcome;
import io.github.sqsreliable.retry.FailureRecord.DeadLetterReason;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** {@link PendingMoves}: failed moves remembered so their messages are moved again, not handled again. */
class PendingMovesTest {

    private final AtomicLong now = new AtomicLong();
    private final PendingMoves pending = new PendingMoves(now::get);
    private final Outcome.Move move = new Outcome.Move("https://sqs/dlq", Duration.ZERO, null,
            DeadLetterReason.PERMANENT_FAILURE, 1, new IllegalStateException("boom"));

    @Test
    void aFailedMoveIsPendingUntilItSucceeds() {
        assertThat(pending.pending("m1")).isEmpty();

        pending.failed("m1", move);

        assertThat(pending.pending("m1")).contains(move);
        assertThat(pending.pending("m2")).isEmpty();
        pending.moved("m1");
        assertThat(pending.pending("m1")).isEmpty();
    }

    @Test
    void theBackoffStartsAtOneSecondAndDoublesUpToFiveMinutes() {
        assertThat(pending.failed("m1", move)).isEqualTo(Duration.ofSeconds(1));
        assertThat(pending.failed("m1", move)).isEqualTo(Duration.ofSeconds(2));
        assertThat(pending.failed("m1", move)).isEqualTo(Duration.ofSeconds(4));
        assertThat(pending.failures("m1")).isEqualTo(3);
        assertThat(PendingMoves.backoff(9)).isEqualTo(Duration.ofSeconds(256));
        assertThat(PendingMoves.backoff(10)).isEqualTo(Duration.ofMinutes(5));
        assertThat(PendingMoves.backoff(1_000)).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void anEntryExpiresFifteenMinutesAfterItsRetryTime() {
        pending.failed("m1", move);

        now.addAndGet(Duration.ofSeconds(1).plusMinutes(15).minusNanos(1).toNanos());
        assertThat(pending.pending("m1")).isPresent();
        now.addAndGet(1);
        assertThat(pending.pending("m1")).isEmpty();
    }

    @Test
    void theMemoryIsBoundedByEvictingTheOldest() {
        for (int i = 0; i <= PendingMoves.MAX_ENTRIES; i++) {
            pending.failed("m" + i, move);
        }

        assertThat(pending.size()).isEqualTo(PendingMoves.MAX_ENTRIES);
        assertThat(pending.pending("m0")).isEmpty();
        assertThat(pending.pending("m" + PendingMoves.MAX_ENTRIES)).isPresent();
    }
}

package io.github.sqsreliable.internal.receive;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ByteBudgetTest {

    private static final long MIB = 1_048_576;

    @Test
    void aReceiveReservesItsMessagesAtTheQueuesMaximumSizeOnlyIfAllFit() {
        ByteBudget budget = new ByteBudget(25 * MIB);

        assertThat(budget.tryReserve(10, MIB)).isTrue();
        assertThat(budget.tryReserve(10, MIB)).isTrue();
        assertThat(budget.fits(10, MIB)).isFalse();
        assertThat(budget.tryReserve(10, MIB)).isFalse();
        assertThat(budget.used()).isEqualTo(20 * MIB);
    }

    @Test
    void aPartialReserveTakesWhatFits() {
        ByteBudget budget = new ByteBudget(25 * MIB);
        budget.tryReserve(20, MIB);

        assertThat(budget.reserveUpTo(10, MIB)).isEqualTo(5);
        assertThat(budget.reserveUpTo(10, MIB)).isZero();
    }

    @Test
    void heldMessagesCountTheirOwnSizeOnceTheReservationIsGivenBack() {
        // given a receive of 10 that returned three messages of 1 KiB
        ByteBudget budget = new ByteBudget(25 * MIB);
        AtomicInteger releases = new AtomicInteger();
        budget.onRelease(releases::incrementAndGet);
        budget.tryReserve(10, MIB);

        // when they are counted and the reservation ends
        budget.hold(3 * 1024);
        budget.release(10 * MIB);

        // then only they count, and the release was reported
        assertThat(budget.used()).isEqualTo(3 * 1024);
        assertThat(releases).hasValue(1);
    }

    @Test
    void aReceiveAsksForAsManyAsTheWholeBudgetHoldsUpToTen() {
        assertThat(new ByteBudget(100 * MIB).receiveLimit(MIB)).isEqualTo(10);
        assertThat(new ByteBudget(4 * MIB).receiveLimit(MIB)).isEqualTo(4);
        assertThat(new ByteBudget(MIB).receiveLimit(MIB)).isEqualTo(1);
    }
}

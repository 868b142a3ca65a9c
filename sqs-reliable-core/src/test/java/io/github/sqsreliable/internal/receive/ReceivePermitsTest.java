package io.github.sqsreliable.internal.receive;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ReceivePermitsTest {

    @Test
    void takesAFullBatchOnlyWhenThatManyAreFree() {
        ReceivePermits permits = new ReceivePermits(12);

        assertThat(permits.tryTake(10)).isTrue();
        assertThat(permits.tryTake(10)).isFalse();
        assertThat(permits.available()).isEqualTo(2);
    }

    @Test
    void takesWhatIsFreeUpToTheWant() {
        ReceivePermits permits = new ReceivePermits(12);
        permits.tryTake(10);

        assertThat(permits.takeUpTo(10)).isEqualTo(2);
        assertThat(permits.takeUpTo(10)).isZero();
    }

    @Test
    void aBatchIsTenOrTheWholeCapacityWhenSmaller() {
        assertThat(new ReceivePermits(42).batch()).isEqualTo(10);
        assertThat(new ReceivePermits(3).batch()).isEqualTo(3);
    }

    @Test
    void everyReleaseAndEveryGrowthIsReported() {
        ReceivePermits permits = new ReceivePermits(10);
        AtomicInteger reports = new AtomicInteger();
        permits.onRelease(reports::incrementAndGet);
        permits.tryTake(10);

        permits.release(1);
        permits.release(0);
        permits.resize(30);
        permits.resize(5);

        assertThat(reports).hasValue(2);
    }

    @Test
    void growingFreesPermitsAtOnce() {
        ReceivePermits permits = new ReceivePermits(10);
        permits.tryTake(10);

        permits.resize(30);

        assertThat(permits.capacity()).isEqualTo(30);
        assertThat(permits.available()).isEqualTo(20);
        assertThat(permits.tryTake(10)).isTrue();
    }

    @Test
    void shrinkingWithdrawsPermitsAsTheyComeBack() {
        // given: 40 permits, 30 of them held by messages in flight
        ReceivePermits permits = new ReceivePermits(40);
        for (int i = 0; i < 3; i++) {
            permits.tryTake(10);
        }

        // when: the capacity drops to 20
        permits.resize(20);

        // then: nothing is free until more than 10 of the held ones came back
        assertThat(permits.available()).isEqualTo(-10);
        assertThat(permits.takeUpTo(10)).isZero();
        permits.release(15);
        assertThat(permits.available()).isEqualTo(5);
        permits.release(15);
        assertThat(permits.available()).isEqualTo(20);
    }
}

package io.github.sqsreliable.internal.receive;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReceivePermitsTest {

    @Test
    void takesAFullBatchWhenFree() throws InterruptedException {
        ReceivePermits permits = new ReceivePermits(42);

        assertThat(permits.acquireBatch(10, 5, 100)).isEqualTo(10);
        assertThat(permits.available()).isEqualTo(32);
    }

    @Test
    void takesWhatIsFreeAfterTheBatchWait() throws InterruptedException {
        ReceivePermits permits = new ReceivePermits(12);
        permits.acquireBatch(10, 5, 100);

        assertThat(permits.acquireBatch(10, 5, 100)).isEqualTo(2);
        assertThat(permits.acquireBatch(10, 5, 20)).isZero();
    }

    @Test
    void neverAsksForMoreThanTheCapacity() throws InterruptedException {
        ReceivePermits permits = new ReceivePermits(3);

        assertThat(permits.acquireBatch(10, 5, 100)).isEqualTo(3);
    }

    @Test
    void growingFreesPermitsAtOnce() throws InterruptedException {
        ReceivePermits permits = new ReceivePermits(10);
        permits.acquireBatch(10, 5, 100);

        permits.resize(30);

        assertThat(permits.capacity()).isEqualTo(30);
        assertThat(permits.available()).isEqualTo(20);
        assertThat(permits.acquireBatch(10, 5, 100)).isEqualTo(10);
    }

    @Test
    void shrinkingWithdrawsPermitsAsTheyComeBack() throws InterruptedException {
        // given: 40 permits, 30 of them held by messages in flight
        ReceivePermits permits = new ReceivePermits(40);
        for (int i = 0; i < 3; i++) {
            permits.acquireBatch(10, 5, 100);
        }

        // when: the capacity drops to 20
        permits.resize(20);

        // then: nothing is free until more than 10 of the held ones came back
        assertThat(permits.available()).isEqualTo(-10);
        assertThat(permits.acquireBatch(10, 1, 10)).isZero();
        permits.release(15);
        assertThat(permits.available()).isEqualTo(5);
        permits.release(15);
        assertThat(permits.available()).isEqualTo(20);
    }
}

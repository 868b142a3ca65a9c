package io.github.sqsreliable.internal.receive;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PrefetchTunerTest {

    private static final long TICK = TimeUnit.MILLISECONDS.toNanos(PrefetchTuner.TICK_MILLIS);
    private static final long MILLI = TimeUnit.MILLISECONDS.toNanos(1);

    private final ReceivePermits permits = new ReceivePermits(PrefetchTuner.initialCapacity(32, 100));
    private final PrefetchTuner tuner = new PrefetchTuner(permits, 32, 100, 0);
    private long now;

    @Test
    void startsAtOneReceiveWorth() {
        assertThat(PrefetchTuner.initialCapacity(32, 100)).isEqualTo(42);
        assertThat(PrefetchTuner.initialCapacity(32, 4)).isEqualTo(36);
        assertThat(PrefetchTuner.initialCapacity(32, 0)).isEqualTo(32);
        assertThat(tuner.adjustable()).isTrue();
        assertThat(new PrefetchTuner(permits, 32, 10, 0).adjustable()).isFalse();
    }

    @Test
    void keepsOneReceiveWorthPlusTwiceTheMessagesHandledDuringOneReceive() {
        // 5,000 msg/s with 4 ms round trips: 20 messages per round trip, 40 with the headroom, plus 10
        int prefetch = runAt(5_000, 4);

        assertThat(prefetch).isEqualTo(50);
        assertThat(permits.capacity()).isEqualTo(82);
    }

    @Test
    void staysAtTheFloorForSlowHandlers() {
        // 32 handlers of one second each: 32 msg/s, 20 ms round trips: 1.3 messages with the headroom
        assertThat(runAt(32, 20)).isEqualTo(11);
        assertThat(runAt(0.5, 20)).isEqualTo(10);
        assertThat(permits.capacity()).isEqualTo(42);
    }

    @Test
    void neverExceedsTheMaximum() {
        assertThat(runAt(50_000, 5)).isEqualTo(100);
        assertThat(permits.capacity()).isEqualTo(132);
    }

    @Test
    void shrinksGraduallyWhenTheRateDrops() {
        runAt(50_000, 5);

        // an empty interval: a quarter of the way down each tick, to the floor
        int first = tickWith(0, 0, 0);
        int second = tickWith(0, 0, 0);
        for (int i = 0; i < 20; i++) {
            tickWith(0, 0, 0);
        }

        assertThat(first).isEqualTo(77); // 100 - ceil(90 / 4)
        assertThat(second).isEqualTo(60); // 77 - ceil(67 / 4)
        assertThat(tickWith(0, 0, 0)).isEqualTo(10);
        assertThat(permits.capacity()).isEqualTo(42);
    }

    @Test
    void ignoresTheDurationOfShortReceives() {
        // receives that came back short waited for messages: 200 ms long polls must not inflate the estimate
        tuner.received(10, 10, 2 * MILLI);
        for (int i = 0; i < 20; i++) {
            tuner.received(3, 10, 200 * MILLI);
        }
        now += TICK;

        // 70 messages in 0.1 s = 700 msg/s × 2 ms × 2 = 2.8 (not 700 × 200 ms × 2 = 280)
        assertThat(tuner.tick(now)).isEqualTo(13);
    }

    /** Ticks until the prefetch settles at a steady rate, with full receives of the given round trip. */
    private int runAt(double messagesPerSecond, long roundTripMillis) {
        int prefetch = 0;
        for (int i = 0; i < 10; i++) {
            int messages = (int) Math.round(messagesPerSecond * PrefetchTuner.TICK_MILLIS / 1000.0);
            prefetch = tickWith(messages, 10, roundTripMillis * MILLI);
        }
        return prefetch;
    }

    private int tickWith(int messages, int perReceive, long roundTripNanos) {
        for (int sent = 0; sent < messages; sent += perReceive) {
            tuner.received(Math.min(perReceive, messages - sent), Math.min(perReceive, messages - sent),
                    roundTripNanos);
        }
        now += TICK;
        return tuner.tick(now);
    }
}

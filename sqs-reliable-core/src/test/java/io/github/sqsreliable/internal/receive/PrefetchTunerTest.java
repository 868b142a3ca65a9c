package io.github.sqsreliable.internal.receive;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PrefetchTunerTest {

    private static final long TICK = TimeUnit.MILLISECONDS.toNanos(PrefetchTuner.TICK_MILLIS);
    private static final long MILLI = TimeUnit.MILLISECONDS.toNanos(1);
    private static final Duration VISIBILITY = Duration.ofSeconds(30);

    private ReceivePermits permits;
    private PrefetchTuner tuner;
    private long now;

    @Test
    void startsAtOneReceiveWorth() {
        assertThat(PrefetchTuner.initialCapacity(32, 100)).isEqualTo(42);
        assertThat(PrefetchTuner.initialCapacity(32, 4)).isEqualTo(36);
        assertThat(PrefetchTuner.initialCapacity(32, 0)).isEqualTo(32);
        assertThat(tuner(32, 100).adjustable()).isTrue();
        // a prefetch at the floor can still shrink for slow handlers; none has nothing to tune
        assertThat(tuner(32, 10).adjustable()).isTrue();
        assertThat(tuner(32, 0).adjustable()).isFalse();
    }

    @Test
    void keepsOneReceiveWorthPlusTwiceTheMessagesHandledDuringOneReceive() {
        // given: 32 handlers of 1 ms (32,000 msg/s when all are busy), handling 5,000 msg/s
        tuner(32, 100);

        // when: receives take 4 ms
        int prefetch = runAt(5_000, 1, 4);

        // then: 20 messages per round trip, 40 with the headroom, plus 10
        assertThat(prefetch).isEqualTo(50);
        assertThat(permits.capacity()).isEqualTo(82);
    }

    @Test
    void fastHandlersGrowToWhatTheRateNeeds() {
        // given: 200 handlers of 50 ms, all busy: 4,000 msg/s
        tuner(200, 300);

        // when: receives take 20 ms
        int prefetch = runAt(4_000, 50, 20);

        // then: 80 messages per round trip, 160 with the headroom, plus 10
        assertThat(prefetch).isEqualTo(170);
        assertThat(permits.capacity()).isEqualTo(370);
    }

    @Test
    void neverExceedsTheMaximum() {
        tuner(32, 100);

        assertThat(runAt(50_000, 0.1, 5)).isEqualTo(100);
        assertThat(permits.capacity()).isEqualTo(132);
    }

    @Test
    void growsPastTheMaximumUpToTheCeilingWhenTheNetworkNeedsIt() {
        // given: the FIFO default, 100 that may grow to 300; fast handlers, 5,000 msg/s
        tunerWithCeiling(32, 100, 300);

        // when: every receive takes at least 20 ms, as over a network
        int prefetch = runAt(5_000, 0.1, 20);

        // then: 100 messages per round trip, 200 with the headroom, plus 10
        assertThat(prefetch).isEqualTo(210);
        assertThat(permits.capacity()).isEqualTo(242);
        assertThat(tuner.networkSeconds()).isEqualTo(0.020, org.assertj.core.data.Offset.offset(1e-9));

        // and never past the ceiling
        assertThat(runAt(20_000, 0.1, 20)).isEqualTo(300);
    }

    @Test
    void aLongMeanRoundTripOnAFastNetworkKeepsTheMaximum() {
        // given: the FIFO default on loopback, with the cores saturated: receives take 10 ms on average, but
        // the fastest of each tick takes 1 ms
        tunerWithCeiling(32, 100, 300);

        // when
        int prefetch = 0;
        for (int i = 0; i < 10; i++) {
            tuner.received(10, 10, MILLI);
            for (int sent = 10; sent < 500; sent += 10) {
                tuner.received(10, 10, 10 * MILLI);
            }
            handled(500, 0.1);
            prefetch = tick();
        }

        // then: the mean round trip asks for 10 + 2 × 5,000 × 0.01 = 110, the network for only 20
        assertThat(prefetch).isEqualTo(100);
        assertThat(permits.capacity()).isEqualTo(132);
    }

    @Test
    void aGrantDoesNotInflateTheNextWhenHandlersAreBusy() {
        // given: 4 handlers of 170 ms and receives of 100 ms, the slow network: 23.5 msg/s at most
        tuner(4, 300);
        double completions = 0;
        int held = 0;
        int mostHeld = 0;
        int mostCapacity = 0;

        // when: for 30 s, every free permit is received at once (a backlog), in full receives of 10, and the
        // handlers finish what they can
        for (int t = 0; t < 300; t++) {
            int free = permits.capacity() - held;
            for (int receive = 0; receive < free / 10; receive++) {
                tuner.received(10, 10, 100 * MILLI);
                held += 10;
            }
            mostHeld = Math.max(mostHeld, held);
            completions += 4 / 0.170 * PrefetchTuner.TICK_MILLIS / 1000.0;
            int finished = Math.min(held, (int) completions);
            completions -= finished;
            for (int i = 0; i < finished; i++) {
                tuner.handled(1, 170 * MILLI);
            }
            held -= finished;
            now += TICK;
            tuner.tick(now);
            mostCapacity = Math.max(mostCapacity, permits.capacity());
        }

        // then: the prefetch stays at most 10 + ceil(2 × 23.5 × 0.1) = 15, however much each grant brought in
        assertThat(mostCapacity).isEqualTo(4 + 15);
        assertThat(mostHeld).isLessThanOrEqualTo(4 + 15);
    }

    @Test
    void staysNearTheFloorForSlowHandlers() {
        // given: 8 handlers of 1.5 s and receives of 20 ms
        tuner(8, 300);

        // when: completions come in bursts (8 in one tick, then none for 14 ticks)
        int most = 0;
        for (int t = 0; t < 150; t++) {
            if (t % 15 == 0) {
                handled(8, 1_500);
            }
            tuner.received(10, 10, 20 * MILLI);
            now += TICK;
            most = Math.max(most, tuner.tick(now));
        }

        // then: the rate counts as no more than 8 / 1.5 s = 5.3 msg/s, not the 80 msg/s of a burst's tick:
        // 10 + ceil(2 × 5.3 × 0.02)
        assertThat(most).isEqualTo(11);
    }

    @Test
    void holdsNothingBeyondTheRunningMessageWhenHandlersTakeAMinute() {
        // given: one handler that takes a minute, and a 30 s visibility timeout
        tuner(1, 300);
        assertThat(permits.capacity()).isEqualTo(11);

        // when: the first message is handled
        handled(1, 60_000);
        tick();

        // then: a held message would wait 60 s, more than a quarter of the visibility timeout: none is held, at once
        assertThat(permits.capacity()).isEqualTo(1);
        for (int t = 0; t < 600; t++) {
            tick();
        }
        assertThat(permits.capacity()).isEqualTo(1);
    }

    @Test
    void holdsWhatTheHandlersStartWithinAQuarterOfTheVisibilityTimeout() {
        // given: 4 handlers of 10 s (0.4 msg/s when busy), a 30 s visibility timeout
        tuner(4, 300);

        // when: they finish
        handled(4, 10_000);

        // then: 0.4 msg/s × 7.5 s = 3 held beyond the running ones, below the floor of 10
        assertThat(tick()).isEqualTo(3);
    }

    @Test
    void aBatchHandlerStartsEveryMessageOfItsCall() {
        // given: 2 batch handlers whose calls take 10 s for 10 messages: 2 msg/s when both are busy
        tuner(2, 300);

        // when
        tuner.handled(10, 10_000 * MILLI);

        // then: 2 msg/s × 7.5 s = 15; the floor of 10 is below that
        assertThat(tick()).isEqualTo(10);
        // when: the calls turn slower, 40 s for 10 messages
        for (int t = 0; t < 30; t++) {
            tuner.handled(10, 40_000 * MILLI);
            tick();
        }

        // then: 2 msg / 4 s × 7.5 s = 3.75
        assertThat(tick()).isEqualTo(3);
    }

    @Test
    void followsHandlersThatTurnSlowWithinAFewTicks() {
        // given: a long run of 32 quick handlers at 50,000 msg/s, at the maximum prefetch
        tuner(32, 100);
        for (int t = 0; t < 10; t++) {
            runAt(50_000, 0.1, 5);
        }

        // when: they turn slow: a minute each, one finishing per tick
        int prefetch = 0;
        for (int t = 0; t < 5; t++) {
            handled(1, 60_000);
            prefetch = tick();
        }

        // then: after 5 ticks the average is 60 s × (1 - 0.8^5) = 40 s: 0.8 msg/s × 7.5 s = 5.9, where shrinking a
        // quarter of the way per tick would still be at 31
        assertThat(prefetch).isEqualTo(5);
    }

    @Test
    void shrinksGraduallyWhenTheRateDrops() {
        tuner(32, 100);
        runAt(50_000, 0.1, 5);

        // an empty interval: a quarter of the way down each tick, to the floor
        int first = tick();
        int second = tick();
        for (int i = 0; i < 20; i++) {
            tick();
        }

        assertThat(first).isEqualTo(77); // 100 - ceil(90 / 4)
        assertThat(second).isEqualTo(60); // 77 - ceil(67 / 4)
        assertThat(tick()).isEqualTo(10);
        assertThat(permits.capacity()).isEqualTo(42);
    }

    @Test
    void ignoresTheDurationOfShortReceives() {
        // given: 700 msg/s handled by quick handlers
        tuner(32, 100);
        handled(70, 1);

        // when: receives that came back short waited for messages: 200 ms long polls must not inflate the estimate
        tuner.received(10, 10, 2 * MILLI);
        for (int i = 0; i < 20; i++) {
            tuner.received(3, 10, 200 * MILLI);
        }

        // then: 700 msg/s × 2 ms × 2 = 2.8, rounded up (not 700 × 200 ms × 2 = 280)
        assertThat(tick()).isEqualTo(13);
    }

    private PrefetchTuner tuner(int maxConcurrency, int maxPrefetch) {
        permits = new ReceivePermits(PrefetchTuner.initialCapacity(maxConcurrency, maxPrefetch));
        tuner = new PrefetchTuner(permits, maxConcurrency, maxPrefetch, VISIBILITY, now);
        return tuner;
    }

    /** Ticks until the prefetch settles at a steady rate, with full receives of the given round trip. */
    private PrefetchTuner tunerWithCeiling(int maxConcurrency, int maxPrefetch, int ceiling) {
        permits = new ReceivePermits(PrefetchTuner.initialCapacity(maxConcurrency, maxPrefetch));
        tuner = new PrefetchTuner(permits, maxConcurrency, maxPrefetch, ceiling, VISIBILITY, now);
        return tuner;
    }

    private int runAt(double messagesPerSecond, double handlerMillis, long roundTripMillis) {
        int prefetch = 0;
        for (int i = 0; i < 10; i++) {
            int messages = (int) Math.round(messagesPerSecond * PrefetchTuner.TICK_MILLIS / 1000.0);
            for (int sent = 0; sent < messages; sent += 10) {
                tuner.received(10, 10, roundTripMillis * MILLI);
            }
            handled(messages, handlerMillis);
            prefetch = tick();
        }
        return prefetch;
    }

    /** Reports {@code messages} single-message handler calls of {@code handlerMillis} each. */
    private void handled(int messages, double handlerMillis) {
        for (int i = 0; i < messages; i++) {
            tuner.handled(1, Math.round(handlerMillis * MILLI));
        }
    }

    private int tick() {
        now += TICK;
        return tuner.tick(now);
    }
}

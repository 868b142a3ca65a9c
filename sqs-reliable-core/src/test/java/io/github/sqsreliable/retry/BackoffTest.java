package io.github.sqsreliable.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** {@link Backoff}'s fixed and exponential curves, jitter bounds with an injected random, and validation. */
class BackoffTest {

    private static final Duration SECOND = Duration.ofSeconds(1);
    private static final double ALMOST_ONE = 0.999_999_999;

    @Test
    void fixedReturnsTheSameDelayAfterEveryAttempt() {
        Backoff backoff = Backoff.fixed(Duration.ofSeconds(7));

        assertThat(IntStream.of(1, 2, 3, 50, 1000).mapToObj(backoff::delayAfter))
                .containsOnly(Duration.ofSeconds(7));
    }

    @Test
    void fixedAcceptsZero() {
        assertThat(Backoff.fixed(Duration.ZERO).delayAfter(3)).isZero();
    }

    @Test
    void fixedRejectsANegativeDelay() {
        assertThatThrownBy(() -> Backoff.fixed(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("delay (PT-1S) must not be negative");
        assertThatThrownBy(() -> Backoff.fixed(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void exponentialGrowsByTheMultiplierWithoutJitter() {
        Backoff backoff = Backoff.exponential(SECOND, 2.0, Duration.ofMinutes(15), 0.0);

        assertThat(IntStream.rangeClosed(1, 5).mapToObj(backoff::delayAfter)).containsExactly(
                Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(8),
                Duration.ofSeconds(16));
    }

    @Test
    void exponentialWithAFractionalMultiplier() {
        Backoff backoff = Backoff.exponential(Duration.ofMillis(200), 1.5, Duration.ofMinutes(1), 0.0);

        assertThat(IntStream.rangeClosed(1, 3).mapToObj(backoff::delayAfter))
                .containsExactly(Duration.ofMillis(200), Duration.ofMillis(300), Duration.ofMillis(450));
    }

    @Test
    void exponentialStopsGrowingAtTheCap() {
        Backoff backoff = Backoff.exponential(SECOND, 2.0, Duration.ofSeconds(10), 0.0);

        assertThat(IntStream.rangeClosed(1, 7).mapToObj(backoff::delayAfter)).containsExactly(
                Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(8),
                Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(10));
        // a very late attempt neither overflows nor exceeds the cap
        assertThat(backoff.delayAfter(1000)).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void multiplierOneIsAConstantDelay() {
        Backoff backoff = Backoff.exponential(Duration.ofSeconds(3), 1.0, Duration.ofSeconds(3), 0.0);

        assertThat(IntStream.rangeClosed(1, 4).mapToObj(backoff::delayAfter)).containsOnly(Duration.ofSeconds(3));
    }

    @Test
    void attemptZeroIsTreatedAsTheFirst() {
        Backoff backoff = Backoff.exponential(SECOND, 2.0, Duration.ofMinutes(1), 0.0);

        assertThat(backoff.delayAfter(0)).isEqualTo(SECOND);
    }

    @Test
    void jitterAtTheLowestRandomTakesOffTheWholeJitter() {
        Backoff backoff = Backoff.exponential(SECOND, 2.0, Duration.ofMinutes(15), 0.5, () -> 0.0);

        assertThat(backoff.delayAfter(1)).isEqualTo(Duration.ofMillis(500));
        assertThat(backoff.delayAfter(3)).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void jitterAtTheHighestRandomAddsTheWholeJitter() {
        Backoff backoff = Backoff.exponential(SECOND, 2.0, Duration.ofMinutes(15), 0.5, () -> ALMOST_ONE);

        assertThat(backoff.delayAfter(1)).isEqualTo(Duration.ofMillis(1500));
        assertThat(backoff.delayAfter(3)).isEqualTo(Duration.ofSeconds(6));
    }

    @Test
    void jitterAtTheMiddleRandomIsTheExactCurve() {
        Backoff backoff = Backoff.exponential(SECOND, 2.0, Duration.ofMinutes(15), 0.5, () -> 0.5);

        assertThat(backoff.delayAfter(2)).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void theCapIsAppliedBeforeTheJitter() {
        // a capped delay may still be drawn above the cap, by up to the jitter
        Backoff high = Backoff.exponential(SECOND, 2.0, Duration.ofSeconds(10), 0.2, () -> ALMOST_ONE);
        Backoff low = Backoff.exponential(SECOND, 2.0, Duration.ofSeconds(10), 0.2, () -> 0.0);

        assertThat(high.delayAfter(10)).isEqualTo(Duration.ofSeconds(12));
        assertThat(low.delayAfter(10)).isEqualTo(Duration.ofSeconds(8));
    }

    @Test
    void fullJitterCanDrawZero() {
        Backoff backoff = Backoff.exponential(SECOND, 2.0, Duration.ofMinutes(1), 1.0, () -> 0.0);

        assertThat(backoff.delayAfter(4)).isZero();
    }

    @Test
    void theTwoArgumentFormUsesHalfJitterAndAFifteenMinuteCap() {
        Backoff backoff = Backoff.exponential(SECOND, 2.0);

        for (int i = 0; i < 200; i++) {
            assertThat(backoff.delayAfter(1)).isBetween(Duration.ofMillis(500), Duration.ofMillis(1500));
            assertThat(backoff.delayAfter(30)).isBetween(Duration.ofMinutes(15).dividedBy(2),
                    Duration.ofMinutes(15).multipliedBy(3).dividedBy(2));
        }
        assertThat(Backoff.DEFAULT_MAX_DELAY).isEqualTo(Duration.ofMinutes(15));
        assertThat(Backoff.DEFAULT_JITTER).isEqualTo(0.5);
    }

    @Test
    void rejectsAnInitialDelayUnderOneMillisecond() {
        assertThatThrownBy(() -> Backoff.exponential(Duration.ZERO, 2.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("initial (PT0S) must be at least 1 ms");
        assertThatThrownBy(() -> Backoff.exponential(Duration.ofSeconds(-1), 2.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("initial (PT-1S) must be at least 1 ms");
        assertThatThrownBy(() -> Backoff.exponential(Duration.ofNanos(500_000), 2.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("initial (PT0.0005S) must be at least 1 ms");
    }

    @Test
    void rejectsAMultiplierBelowOne() {
        assertThatThrownBy(() -> Backoff.exponential(SECOND, 0.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("multiplier (0.5) must be at least 1");
        assertThatThrownBy(() -> Backoff.exponential(SECOND, Double.NaN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("multiplier (NaN) must be at least 1");
    }

    @Test
    void rejectsAMaxBelowTheInitialDelay() {
        assertThatThrownBy(() -> Backoff.exponential(SECOND, 2.0, Duration.ofMillis(500), 0.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("max (PT0.5S) must be at least initial (PT1S)");
    }

    @Test
    void rejectsJitterOutsideZeroToOne() {
        assertThatThrownBy(() -> Backoff.exponential(SECOND, 2.0, Duration.ofMinutes(1), -0.1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("jitter (-0.1) must be between 0 and 1");
        assertThatThrownBy(() -> Backoff.exponential(SECOND, 2.0, Duration.ofMinutes(1), 1.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("jitter (1.5) must be between 0 and 1");
        assertThatThrownBy(() -> Backoff.exponential(SECOND, 2.0, Duration.ofMinutes(1), Double.NaN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("jitter (NaN) must be between 0 and 1");
    }

    @Test
    void rejectsNullArguments() {
        assertThatThrownBy(() -> Backoff.exponential(null, 2.0))
                .isInstanceOf(NullPointerException.class).hasMessage("initial must not be null");
        assertThatThrownBy(() -> Backoff.exponential(SECOND, 2.0, null, 0.0))
                .isInstanceOf(NullPointerException.class).hasMessage("max must not be null");
        assertThatThrownBy(() -> Backoff.exponential(SECOND, 2.0, Duration.ofMinutes(1), 0.0, null))
                .isInstanceOf(NullPointerException.class).hasMessage("random must not be null");
    }

    @Test
    void retryLaterExceptionRejectsANegativeDelay() {
        assertThatThrownBy(() -> new RetryLaterException(Duration.ofSeconds(-5), "too soon"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("delay (PT-5S) must not be negative");
        assertThatThrownBy(() -> new RetryLaterException(null, "no delay"))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void retryLaterExceptionCarriesItsDelayAndIsTransient() {
        IllegalStateException cause = new IllegalStateException("429");
        RetryLaterException error = new RetryLaterException(Duration.ofSeconds(30), "partner said wait", cause);

        assertThat(error.delay()).isEqualTo(Duration.ofSeconds(30));
        assertThat(error).isInstanceOf(TransientFailureException.class).hasMessage("partner said wait").hasCause(cause);
        assertThat(new RetryLaterException(Duration.ZERO, "now").delay()).isZero();
    }

    @Test
    void fixedDescribesItsDelay() {
        assertThat(Backoff.fixed(Duration.ofSeconds(30))).hasToString("fixed(PT30S)");
        assertThat(Backoff.fixed(Duration.ZERO)).hasToString("fixed(PT0S)");
    }

    @Test
    void exponentialDescribesItsCurveWithTheDefaultCapAndJitter() {
        assertThat(Backoff.exponential(Duration.ofMillis(200), 1.5))
                .hasToString("exponential(PT0.2S, x1.5, max PT15M, jitter 0.5)");
    }

    @Test
    void exponentialDescribesItsOwnCapAndJitterButNotItsRandomSource() {
        assertThat(Backoff.exponential(SECOND, 2.0, Duration.ofMinutes(5), 0.0))
                .hasToString("exponential(PT1S, x2.0, max PT5M, jitter 0.0)");
        assertThat(Backoff.exponential(SECOND, 3.0, Duration.ofHours(1), 0.2, () -> 0.5))
                .hasToString("exponential(PT1S, x3.0, max PT1H, jitter 0.2)");
    }
}

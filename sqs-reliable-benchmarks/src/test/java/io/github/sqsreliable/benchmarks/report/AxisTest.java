package io.github.sqsreliable.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AxisTest {

    @Test
    void roundsUpToAWholeNumberOfRoundSteps() {
        Axis axis = Axis.covering(10_600);

        assertThat(axis.step()).isEqualTo(2000);
        assertThat(axis.max()).isEqualTo(12_000);
        assertThat(axis.ticks()).containsExactly(0.0, 2000.0, 4000.0, 6000.0, 8000.0, 10_000.0, 12_000.0);
        assertThat(axis.label(12_000)).isEqualTo("12,000");
    }

    @Test
    void keepsAMaximumThatIsAlreadyRound() {
        assertThat(Axis.covering(5000).max()).isEqualTo(5000);
    }

    @Test
    void givesZeroOrMissingValuesTheAxisZeroToOne() {
        assertThat(Axis.covering(0).max()).isEqualTo(1);
        assertThat(Axis.covering(Double.NaN).max()).isEqualTo(1);
        assertThat(Axis.covering(0).label(0.2)).isEqualTo("0.2");
    }

    @Test
    void placesValuesAsAFractionOfTheAxisWithinItsBounds() {
        Axis axis = Axis.covering(1000);

        assertThat(axis.fraction(500)).isEqualTo(0.5);
        assertThat(axis.fraction(-1)).isZero();
        assertThat(axis.fraction(Double.NaN)).isZero();
        assertThat(axis.fraction(2000)).isEqualTo(1);
    }
}

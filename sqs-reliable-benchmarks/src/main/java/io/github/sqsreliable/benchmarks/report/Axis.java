package io.github.sqsreliable.benchmarks.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A value axis from zero to a round maximum, with ticks at 1, 2 or 5 times a power of ten.
 *
 * @param max the axis end, above zero
 * @param step the distance between ticks
 */
record Axis(double max, double step) {

    /** About this many intervals; the round step decides the exact number. */
    private static final int TARGET_TICKS = 5;

    /** An axis that holds {@code largest}; a non-positive or missing value gets the axis 0 to 1. */
    static Axis covering(double largest) {
        // An all-zero run still needs a non-empty axis, or every bar length divides by zero.
        double top = Double.isFinite(largest) && largest > 0 ? largest : 1;
        double step = roundStep(top / TARGET_TICKS);
        return new Axis(Math.ceil(top / step - 1e-9) * step, step);
    }

    /** The tick values from 0 to {@link #max()}. */
    List<Double> ticks() {
        long count = Math.round(max / step);
        List<Double> ticks = new ArrayList<>();
        for (long i = 0; i <= count; i++) {
            ticks.add(i * step);
        }
        return ticks;
    }

    /** A tick's label: thousands separators, and only as many decimals as the step needs. */
    String label(double tick) {
        int decimals = (int) Math.max(0, -Math.floor(Math.log10(step)));
        return String.format(Locale.ROOT, "%,." + decimals + "f", tick);
    }

    /** {@code value} as a fraction of the axis, 0 for missing or negative values, at most 1. */
    double fraction(double value) {
        return Double.isFinite(value) ? Math.min(1, Math.max(0, value / max)) : 0;
    }

    private static double roundStep(double rough) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(rough)));
        double leading = rough / magnitude;
        // The nearest round number, not the next one up: rounding up could leave only two or three ticks.
        double round = leading < 1.5 ? 1 : leading < 3 ? 2 : leading < 7 ? 5 : 10;
        return round * magnitude;
    }
}

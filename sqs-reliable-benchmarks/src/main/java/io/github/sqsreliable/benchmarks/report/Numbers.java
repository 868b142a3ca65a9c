package io.github.sqsreliable.benchmarks.report;

import java.util.Locale;

/** How the reports write figures, the same in the Markdown and the chart. A missing figure is an en dash. */
final class Numbers {

    /** Stands for a figure that was not measured ({@code NaN}). */
    static final String MISSING = "–";

    private Numbers() {}

    /** Whole messages per second with thousands separators: {@code 12,345}. */
    static String messagesPerSecond(double value) {
        return format("%,.0f", value);
    }

    /** Two decimals and a times sign: {@code 1.03×}. */
    static String ratio(double value) {
        return format("%.2f×", value);
    }

    /** Requests or round trips per message, three decimals: {@code 0.105}. */
    static String perMessage(double value) {
        return format("%.3f", value);
    }

    /** Latency in milliseconds, two decimals, since sub-millisecond hand-offs are the interesting ones. */
    static String millis(double value) {
        return format("%.2f", value);
    }

    /** Milliseconds as seconds, two decimals and a unit: {@code 1.05 s}. */
    static String seconds(double millis) {
        return Double.isFinite(millis) ? format("%.2f s", millis / 1000) : MISSING;
    }

    /** A figure that needs no decimals, e.g. megabytes. */
    static String whole(double value) {
        return format("%.0f", value);
    }

    /** One decimal, e.g. CPU microseconds per message. */
    static String oneDecimal(double value) {
        return format("%.1f", value);
    }

    private static String format(String pattern, double value) {
        // Locale.ROOT: the docs must not change with the machine that ran the benchmark.
        return Double.isFinite(value) ? String.format(Locale.ROOT, pattern, value) : MISSING;
    }
}

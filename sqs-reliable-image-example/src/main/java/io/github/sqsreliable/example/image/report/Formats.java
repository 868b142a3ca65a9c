package io.github.sqsreliable.example.image.report;

import java.time.Duration;
import java.util.Locale;

/** Number formats shared by the console table and the HTML report, so both print the same figures. */
final class Formats {

    private Formats() {
    }

    /** A latency in milliseconds: {@code "842 ms"}, {@code "12,345 ms"}, {@code "3.4 ms"} below 10 ms. */
    static String millis(Duration duration) {
        double millis = duration.toNanos() / 1_000_000.0;
        return millis < 10
                ? String.format(Locale.ROOT, "%.1f ms", millis)
                : String.format(Locale.ROOT, "%,d ms", Math.round(millis));
    }

    /** A duration in seconds with one decimal: {@code "12.3 s"}. */
    static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.1f s", duration.toNanos() / 1_000_000_000.0);
    }

    /** A count with thousands separators: {@code "12,345"}. */
    static String count(long count) {
        return String.format(Locale.ROOT, "%,d", count);
    }

    /** A size for people: {@code "512 B"}, {@code "48.2 KB"}, {@code "3.1 MB"} (binary multiples). */
    static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        return bytes < 1024 * 1024
                ? String.format(Locale.ROOT, "%.1f KB", bytes / 1024.0)
                : String.format(Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024));
    }

    /** A rate with one decimal: {@code "7.5 img/s"}. */
    static String throughput(double imagesPerSecond) {
        return String.format(Locale.ROOT, "%.1f img/s", imagesPerSecond);
    }
}

package io.github.sqsreliable.benchmarks.report;

import java.util.List;
import java.util.Objects;

/**
 * How long one contender's {@code close()} (or {@code stop()}) took with its default settings, on an idle queue and
 * while consuming at full speed, and what it left behind.
 *
 * @param contender the lead table's column: {@code "sqs-reliable"}, {@code "raw"}, {@code "sca"} or
 *     {@code "sca-tuned"}
 * @param title what ran, e.g. {@code "SqsConsumer, default settings"}
 * @param idleMillis each repetition's close time on an idle queue, its consumer long-polling
 * @param loadedMillis each repetition's close time while consuming a full queue
 * @param messagesLeftInvisible the most messages, over the repetitions, that stayed invisible after the consumer
 *     and its client were closed: taken by a long poll nobody waited for; -1 when not measured
 * @param notes anything needed to read the figures
 */
public record CloseResult(String contender, String title, List<Double> idleMillis, List<Double> loadedMillis,
        long messagesLeftInvisible, List<String> notes) {

    /** Validates and copies the components. */
    public CloseResult {
        Objects.requireNonNull(contender, "contender");
        Objects.requireNonNull(title, "title");
        idleMillis = List.copyOf(idleMillis);
        loadedMillis = List.copyOf(loadedMillis);
        notes = List.copyOf(notes);
    }

    /** The median close time on an idle queue, or NaN when not measured. */
    public double idleMedianMillis() {
        return median(idleMillis);
    }

    /** The median close time under load, or NaN when not measured. */
    public double loadedMedianMillis() {
        return median(loadedMillis);
    }

    private static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}

package io.github.sqsreliable.example.image.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The demo's headline figures as rows, and those rows as an aligned plain-text table for the console. The
 * {@link HtmlReport} shows the same {@link #rows(DemoSummary) rows}, so the console and the report never disagree.
 *
 * <pre>{@code
 * System.out.println(SummaryTable.render(summary));
 * }</pre>
 *
 * <p>Thread-safe (stateless).
 */
public final class SummaryTable {

    private SummaryTable() {
    }

    /**
     * One figure.
     *
     * @param label what it is, e.g. {@code "Done"}
     * @param value the formatted figure; when not {@code ok} it says what is wrong
     * @param ok {@code false} when the figure shows a broken guarantee (recorded twice, order violated)
     */
    public record Row(String label, String value, boolean ok) {

        /** Validates the components. */
        public Row {
            Objects.requireNonNull(label, "label");
            Objects.requireNonNull(value, "value");
        }
    }

    /** The figures of {@code summary}, in the order the demo prints them. */
    public static List<Row> rows(DemoSummary summary) {
        List<Row> rows = new ArrayList<>();
        rows.add(new Row("Elapsed", Formats.seconds(summary.elapsed()), true));
        rows.add(new Row("Uploaded", Formats.count(summary.uploaded()), true));
        rows.add(new Row("Rejected (4xx)", Formats.count(summary.rejected()), true));
        rows.add(new Row("Done", Formats.count(summary.done()), true));
        rows.add(new Row("Dead-lettered", Formats.count(summary.deadLettered()), true));
        rows.add(new Row("Retries", Formats.count(summary.retries()), true));
        rows.add(new Row("Duplicates skipped", Formats.count(summary.duplicatesSkipped()), true));
        boolean once = summary.recordedTwice() == 0;
        rows.add(new Row("Recorded twice", Formats.count(summary.recordedTwice()) + (once ? "" : " (must be 0)"),
                once));
        rows.add(new Row("Throughput", Formats.throughput(summary.throughput()), true));
        rows.add(new Row("Latency p50 (upload to done)", Formats.millis(summary.latencyP50()), true));
        rows.add(new Row("Latency p99 (upload to done)", Formats.millis(summary.latencyP99()), true));
        rows.add(new Row("Per-user order", orderCheck(summary), summary.orderHeld()));
        rows.add(new Row("Crashes / restarts", Formats.count(summary.crashes()), true));
        return List.copyOf(rows);
    }

    /**
     * The rows of {@code summary} as a boxed two-column table, labels left and values right, one line each,
     * lines separated by {@code \n} and no trailing newline. A row that is not OK ends with {@code "  <-- !"}.
     */
    public static String render(DemoSummary summary) {
        List<Row> rows = rows(summary);
        int labelWidth = rows.stream().mapToInt(row -> row.label().length()).max().orElse(0);
        int valueWidth = rows.stream().mapToInt(row -> row.value().length()).max().orElse(0);
        String rule = "+" + "-".repeat(labelWidth + 2) + "+" + "-".repeat(valueWidth + 2) + "+";
        StringBuilder table = new StringBuilder(rule).append('\n');
        for (Row row : rows) {
            table.append("| ").append(padRight(row.label(), labelWidth))
                    .append(" | ").append(padLeft(row.value(), valueWidth)).append(" |")
                    .append(row.ok() ? "" : "  <-- !")
                    .append('\n');
        }
        return table.append(rule).toString();
    }

    /** {@code "OK"}, or the users whose images finished out of order with how many, by user. */
    static String orderCheck(DemoSummary summary) {
        if (summary.orderHeld()) {
            return "OK";
        }
        return summary.orderViolations().entrySet().stream()
                .filter(entry -> entry.getValue() != 0)
                .sorted(Map.Entry.comparingByKey())
                .map(entry -> entry.getKey() + ": " + entry.getValue())
                .collect(Collectors.joining(", ", "out of order: ", ""));
    }

    private static String padRight(String text, int width) {
        return text + " ".repeat(width - text.length());
    }

    private static String padLeft(String text, int width) {
        return " ".repeat(width - text.length()) + text;
    }
}

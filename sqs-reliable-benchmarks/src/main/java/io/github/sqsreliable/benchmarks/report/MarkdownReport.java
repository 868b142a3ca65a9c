package io.github.sqsreliable.benchmarks.report;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Renders a {@link BenchmarkRun} as a Markdown section for the docs: a heading with the date and mode, the
 * environment, the targets, one results row per baseline and scenario, the rows' notes, and a reference to the
 * chart that {@link SvgChart} draws.
 *
 * <p>Figures not measured ({@code NaN}, or -1 order violations) show as {@code –}. Stateless and thread-safe.
 */
public final class MarkdownReport {

    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    /** SQS API names as the results table shortens them; others are shown as they are. */
    private static final Map<String, String> SHORT_API_NAMES = Map.of(
            "ReceiveMessage", "Receive",
            "DeleteMessageBatch", "DeleteBatch",
            "DeleteMessage", "Delete",
            "ChangeMessageVisibilityBatch", "CMVBatch",
            "ChangeMessageVisibility", "CMV",
            "SendMessageBatch", "SendBatch",
            "SendMessage", "Send");

    private MarkdownReport() {}

    /**
     * The section, ending with a newline.
     *
     * @param svgFileName the chart's file name (or path relative to the Markdown file)
     */
    public static String render(BenchmarkRun run, String svgFileName) {
        return render(run, null, svgFileName);
    }

    /**
     * The section, ending with a newline: the lead table and its chart first (when {@code leadChartFileName} is
     * not null), then the details.
     *
     * @param leadChartFileName the lead chart's file name, which {@link LeadChart} draws, or {@code null}
     * @param svgFileName the detailed chart's file name (or path relative to the Markdown file)
     */
    public static String render(BenchmarkRun run, String leadChartFileName, String svgFileName) {
        Objects.requireNonNull(run, "run");
        Objects.requireNonNull(svgFileName, "svgFileName");
        StringBuilder out = new StringBuilder();
        out.append("## Results of ").append(DATE.format(run.startedAt()))
                .append(" (").append(run.mode()).append(" mode)\n");
        String lead = LeadTable.render(run);
        if (!lead.isEmpty()) {
            out.append('\n').append(lead);
            if (leadChartFileName != null) {
                out.append("\n![throughput against the raw loop, per scenario](")
                        .append(linkDestination(leadChartFileName)).append(")\n");
            }
        }
        appendEnvironment(out, run.environment());
        appendTargets(out, run.targets());
        appendResults(out, run);
        appendCloseResults(out, run.closeResults());
        appendNotes(out, Rows.of(run));
        out.append("\n![throughput chart](").append(linkDestination(svgFileName)).append(")\n");
        return out.toString();
    }

    private static void appendCloseResults(StringBuilder out, List<CloseResult> closeResults) {
        if (closeResults.isEmpty()) {
            return;
        }
        out.append("\n### close() with default settings\n\n")
                .append("| Contender | Idle queue, median (max) | Under load, median (max) | Messages left invisible |\n")
                .append("|---|--:|--:|--:|\n");
        for (CloseResult close : closeResults) {
            out.append("| ").append(cell(close.title()))
                    .append(" | ").append(Numbers.seconds(close.idleMedianMillis())).append(" (")
                    .append(Numbers.seconds(max(close.idleMillis()))).append(")")
                    .append(" | ").append(Numbers.seconds(close.loadedMedianMillis())).append(" (")
                    .append(Numbers.seconds(max(close.loadedMillis()))).append(")")
                    .append(" | ").append(close.messagesLeftInvisible() < 0 ? Numbers.MISSING
                            : Long.toString(close.messagesLeftInvisible()))
                    .append(" |\n");
        }
        List<String> notes = closeResults.stream()
                .flatMap(close -> close.notes().stream().map(note -> "- **" + close.contender() + "**: "
                        + note.replace('\n', ' ')))
                .toList();
        if (!notes.isEmpty()) {
            out.append('\n');
            notes.forEach(note -> out.append(note).append('\n'));
        }
    }

    private static double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    private static void appendEnvironment(StringBuilder out, Map<String, String> environment) {
        if (environment.isEmpty()) {
            return;
        }
        out.append("\n### Environment\n\n");
        environment.forEach((name, value) -> out.append("- ").append(name).append(": ").append(value).append('\n'));
    }

    private static void appendTargets(StringBuilder out, Map<String, Boolean> targets) {
        if (targets.isEmpty()) {
            return;
        }
        out.append("\n### Targets\n\n| Target | Met |\n|---|:-:|\n");
        targets.forEach((target, met) -> out.append("| ").append(cell(target)).append(" | ")
                .append(Boolean.TRUE.equals(met) ? "✅" : "❌").append(" |\n"));
    }

    private static void appendResults(StringBuilder out, BenchmarkRun run) {
        out.append("\n### Results\n\n")
                .append("| Id | Scenario | msg/s median (min–max) | Ratio | SQS req/msg | Redis RT/msg"
                        + " | Receive→handler p50 / p99 ms | Peak heap MB | CPU µs/msg consumer (×" + cpuBaseline(run)
                        + ") / servers | Order violations |\n")
                .append("|---|---|--:|--:|---|--:|--:|--:|--:|--:|\n");
        for (ScenarioResult row : Rows.of(run)) {
            out.append("| ").append(cell(row.id()))
                    .append(" | ").append(cell(row.title()))
                    .append(" | ").append(throughput(row))
                    .append(" | ").append(Rows.ratioLabel(run, row))
                    .append(" | ").append(sqsRequests(row.sqsRequestsPerMessage(), row.sqsRequestsPerMessageTotal()))
                    .append(" | ").append(Numbers.perMessage(row.redisRoundTripsPerMessage()))
                    .append(" | ").append(latency(row))
                    .append(" | ").append(Numbers.whole(row.peakHeapMegabytes()))
                    .append(" | ").append(Numbers.oneDecimal(row.cpuMicrosPerMessage()))
                    .append(cpuRatio(run, row))
                    .append(" / ").append(Numbers.oneDecimal(row.serverCpuMicrosPerMessage()))
                    .append(" | ").append(row.orderViolations() < 0 ? Numbers.MISSING : row.orderViolations())
                    .append(" |\n");
        }
    }

    private static String cpuBaseline(BenchmarkRun run) {
        return run.cpuBaselineId() == null ? "raw loop with workers" : run.cpuBaselineId();
    }

    /**
     * {@code " (1.13×)"}: the row's consumer CPU per message against the CPU baseline's, or nothing. Only rows of the
     * baseline's workload (as many small messages per run, on loopback: the raw loops, A, C and D) are compared;
     * slow handlers, large messages and a network's latency change what a message costs.
     */
    private static String cpuRatio(BenchmarkRun run, ScenarioResult row) {
        if (run.cpuBaselineId() == null || row.id().equals(run.cpuBaselineId())) {
            return "";
        }
        return run.row(run.cpuBaselineId())
                .filter(base -> base.messagesPerRun() == row.messagesPerRun())
                .map(base -> row.cpuMicrosPerMessage() / base.cpuMicrosPerMessage())
                .filter(Double::isFinite)
                .map(ratio -> " (" + Numbers.ratio(ratio) + ")").orElse("");
    }

    private static void appendNotes(StringBuilder out, List<ScenarioResult> rows) {
        if (rows.stream().allMatch(row -> row.notes().isEmpty())) {
            return;
        }
        out.append("\n### Notes\n\n");
        for (ScenarioResult row : rows) {
            for (String note : row.notes()) {
                out.append("- **").append(row.id()).append("**: ").append(note.replace('\n', ' ')).append('\n');
            }
        }
    }

    private static String throughput(ScenarioResult row) {
        return Numbers.messagesPerSecond(row.median())
                + " (" + Numbers.messagesPerSecond(row.min()) + "–" + Numbers.messagesPerSecond(row.max()) + ")";
    }

    /** {@code 0.210 (Receive 0.100, DeleteBatch 0.100, CMVBatch 0.010)}. */
    static String sqsRequests(Map<String, Double> perApi, double total) {
        if (perApi.isEmpty()) {
            return Numbers.perMessage(total);
        }
        return perApi.entrySet().stream()
                .map(api -> SHORT_API_NAMES.getOrDefault(api.getKey(), api.getKey()) + " "
                        + Numbers.perMessage(api.getValue()))
                .collect(Collectors.joining(", ", Numbers.perMessage(total) + " (", ")"));
    }

    private static String latency(ScenarioResult row) {
        if (Double.isNaN(row.receiveToHandlerP50Millis()) && Double.isNaN(row.receiveToHandlerP99Millis())) {
            return Numbers.MISSING;
        }
        return Numbers.millis(row.receiveToHandlerP50Millis())
                + " / " + Numbers.millis(row.receiveToHandlerP99Millis());
    }

    /** Keeps a table cell in its cell: a pipe would end it and a line break would end the table. */
    private static String cell(String text) {
        return text.replace("|", "\\|").replace('\n', ' ');
    }

    /** CommonMark needs angle brackets around a destination with spaces or parentheses. */
    private static String linkDestination(String fileName) {
        return fileName.matches(".*[\\s()].*") ? "<" + fileName + ">" : fileName;
    }
}

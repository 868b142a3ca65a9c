package io.github.sqsreliable.benchmarks.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The table the benchmarks page leads with: per scenario, the library with its defaults against the raw SDK loop
 * and Spring Cloud AWS (defaults and tuned), each cell giving throughput, consumer CPU per message and SQS requests
 * per message; and a last row with each contender's close time. A scenario or contender the run did not measure
 * is left out or shown as {@link Numbers#MISSING}. Stateless and thread-safe.
 */
public final class LeadTable {

    /**
     * A scenario of the lead table.
     *
     * @param label what a user reads, e.g. {@code "A: no-op handler, loopback"}
     * @param libraryId the library's row; its baseline is the raw column, and {@code <id>-sca} and
     *     {@code <id>-sca-tuned} are Spring Cloud AWS's
     */
    public record Scenario(String label, String libraryId) {}

    /** The scenarios in the order the table shows them. */
    public static final List<Scenario> SCENARIOS = List.of(
            new Scenario("A: no-op handler, loopback", "A"),
            new Scenario("N: no-op handler, 20 ms per request", "N"),
            new Scenario("B: 50 ms handler, 200 at once", "B"),
            new Scenario("C: FIFO, 100 groups, loopback", "C"),
            new Scenario("N-fifo: FIFO, 50 groups, 20 ms per request", "N-fifo"),
            new Scenario("F: 200 KiB messages, 128 MiB heap", "F"),
            new Scenario("F-64: 64 KiB messages, 128 MiB heap", "F-64"));

    static final String SCA_DEFAULTS = "-sca";
    static final String SCA_TUNED = "-sca-tuned";

    private LeadTable() {}

    /** The table as Markdown, with the line that explains its cells; empty when the run has none of its rows. */
    public static String render(BenchmarkRun run) {
        List<String> lines = new ArrayList<>();
        for (Scenario scenario : SCENARIOS) {
            Optional<ScenarioResult> library = run.row(scenario.libraryId());
            if (library.isEmpty()) {
                continue;
            }
            ScenarioResult row = library.get();
            Optional<ScenarioResult> scaTuned = run.row(row.id() + SCA_TUNED);
            lines.add("| " + scenario.label()
                    + " | **" + cell(run, row) + "**"
                    + " | " + rawCell(run, row)
                    + " | " + run.row(row.id() + SCA_DEFAULTS).map(sca -> cell(run, sca)).orElse(Numbers.MISSING)
                    + " | " + scaTuned.map(sca -> cell(run, sca)).orElse(Numbers.MISSING)
                    + " | " + scaTuned.map(sca -> Numbers.ratio(row.median() / sca.median())).orElse(Numbers.MISSING)
                    + " |");
        }
        if (!run.closeResults().isEmpty()) {
            lines.add("| close() with defaults: idle queue / under load"
                    + " | **" + closeCell(run, "sqs-reliable") + "**"
                    + " | " + closeCell(run, "raw")
                    + " | " + closeCell(run, "sca")
                    + " | " + closeCell(run, "sca-tuned")
                    + " | " + Numbers.MISSING + " |");
        }
        if (lines.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        out.append("Each cell: throughput as a multiple of the scenario's raw SDK loop (B: of its Little's-law ideal)")
                .append(" · the consumer's CPU per message · SQS requests per message. The raw column gives the")
                .append(" loop's own messages per second. Higher is better for the first figure, lower for the")
                .append(" others.\n\n")
                .append("| Scenario | sqs-reliable, defaults | raw SDK loop | Spring Cloud AWS, defaults")
                .append(" | Spring Cloud AWS, tuned | sqs-reliable ÷ tuned |\n")
                .append("|---|--:|--:|--:|--:|--:|\n");
        lines.forEach(line -> out.append(line).append('\n'));
        return out.toString();
    }

    /** {@code 0.95× · 26.1 µs · 0.201}. */
    static String cell(BenchmarkRun run, ScenarioResult row) {
        return Numbers.ratio(row.ratio()) + " · " + Numbers.oneDecimal(row.cpuMicrosPerMessage()) + " µs · "
                + Numbers.perMessage(row.sqsRequestsPerMessageTotal());
    }

    /** The library row's baseline: its own figures, or the ideal it is measured against. */
    private static String rawCell(BenchmarkRun run, ScenarioResult library) {
        if (Double.isFinite(library.idealMessagesPerSecond())) {
            return "ideal " + Numbers.messagesPerSecond(library.idealMessagesPerSecond()) + " msg/s";
        }
        return Optional.ofNullable(library.baselineId()).flatMap(run::row)
                .filter(raw -> raw.id().startsWith("raw-"))
                .map(raw -> Numbers.messagesPerSecond(raw.median()) + " msg/s · "
                        + Numbers.oneDecimal(raw.cpuMicrosPerMessage()) + " µs · "
                        + Numbers.perMessage(raw.sqsRequestsPerMessageTotal()))
                .orElse(Numbers.MISSING);
    }

    private static String closeCell(BenchmarkRun run, String contender) {
        return run.closeResults().stream().filter(close -> close.contender().equals(contender)).findFirst()
                .map(close -> Numbers.seconds(close.idleMedianMillis()) + " / "
                        + Numbers.seconds(close.loadedMedianMillis())
                        + (close.messagesLeftInvisible() > 0
                                ? " · " + close.messagesLeftInvisible() + " left invisible" : ""))
                .orElse(Numbers.MISSING);
    }
}

package io.github.sqsreliable.benchmarks.report;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** The rows of a run as both reports show them, and each row's ratio label. */
final class Rows {

    private Rows() {}

    /** Baselines first, then scenarios, each in run order. */
    static List<ScenarioResult> of(BenchmarkRun run) {
        return Stream.concat(run.baselines().stream(), run.scenarios().stream()).toList();
    }

    /** The row named by {@link BenchmarkRun#baselineId()}, if the run has it. */
    static Optional<ScenarioResult> baseline(BenchmarkRun run) {
        return of(run).stream().filter(row -> row.id().equals(run.baselineId())).findFirst();
    }

    /**
     * The row's ratio as text: {@code 1.03×}, {@code 0.97× ideal} when measured against a Little's-law ideal,
     * {@code — (baseline)} for the run's baseline, or {@link Numbers#MISSING}.
     */
    static String ratioLabel(BenchmarkRun run, ScenarioResult row) {
        if (Double.isFinite(row.ratio())) {
            String label = Numbers.ratio(row.ratio());
            return Double.isFinite(row.idealMessagesPerSecond()) ? label + " ideal" : label;
        }
        if (row.id().equals(run.baselineId())) {
            return "— (baseline)";
        }
        // A row others are compared with (the raw FIFO loop) says so; rows measured for something other than
        // throughput (extension calls, latency) have no ratio.
        java.util.List<String> comparedWithIt = run.scenarios().stream()
                .filter(scenario -> row.id().equals(scenario.baselineId())).map(ScenarioResult::id).toList();
        return comparedWithIt.isEmpty() ? Numbers.MISSING
                : "— (baseline of " + String.join(", ", comparedWithIt) + ")";
    }
}

package io.github.sqsreliable.benchmarks.report;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A whole benchmark run: where it ran and every row.
 *
 * @param startedAt when it started
 * @param mode {@code "quick"} or {@code "full"}
 * @param environment facts about the machine and JVM: cores, memory, OS, JVM vendor and version, GC, SDK
 *     version, ElasticMQ version and how it ran
 * @param baselines the raw SDK loops, one per HTTP client, and which one is the baseline
 * @param scenarios the library's scenarios
 * @param baselineId the id of the best raw loop, which standard-queue scenarios compare with
 * @param targets each target's description to whether it was met, e.g. {@code "A >= 1.0x raw" -> true}
 * @param cpuBaselineId the raw loop that hands messages to worker threads, whose consumer CPU per message every
 *     row's is compared with, or {@code null} when the run did not measure it
 * @param closeResults each contender's close time, when measured
 */
public record BenchmarkRun(
        Instant startedAt,
        String mode,
        Map<String, String> environment,
        List<ScenarioResult> baselines,
        List<ScenarioResult> scenarios,
        String baselineId,
        Map<String, Boolean> targets,
        String cpuBaselineId,
        List<CloseResult> closeResults) {

    /** A run without a CPU baseline or close times. */
    public BenchmarkRun(Instant startedAt, String mode, Map<String, String> environment,
            List<ScenarioResult> baselines, List<ScenarioResult> scenarios, String baselineId,
            Map<String, Boolean> targets) {
        this(startedAt, mode, environment, baselines, scenarios, baselineId, targets, null, List.of());
    }

    /** Validates and copies the components. */
    public BenchmarkRun {
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(mode, "mode");
        environment = Collections.unmodifiableMap(new LinkedHashMap<>(environment));
        baselines = List.copyOf(baselines);
        scenarios = List.copyOf(scenarios);
        targets = Collections.unmodifiableMap(new LinkedHashMap<>(targets));
        closeResults = List.copyOf(closeResults);
    }

    /** The row with this id, baseline or scenario, if the run has it. */
    public java.util.Optional<ScenarioResult> row(String id) {
        return java.util.stream.Stream.concat(baselines.stream(), scenarios.stream())
                .filter(row -> row.id().equals(id)).findFirst();
    }
}

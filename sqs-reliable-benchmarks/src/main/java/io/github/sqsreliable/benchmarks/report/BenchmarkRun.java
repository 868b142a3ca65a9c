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
 */
public record BenchmarkRun(
        Instant startedAt,
        String mode,
        Map<String, String> environment,
        List<ScenarioResult> baselines,
        List<ScenarioResult> scenarios,
        String baselineId,
        Map<String, Boolean> targets) {

    /** Validates and copies the components. */
    public BenchmarkRun {
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(mode, "mode");
        environment = Collections.unmodifiableMap(new LinkedHashMap<>(environment));
        baselines = List.copyOf(baselines);
        scenarios = List.copyOf(scenarios);
        targets = Collections.unmodifiableMap(new LinkedHashMap<>(targets));
    }
}

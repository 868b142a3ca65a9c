package io.github.sqsreliable.benchmarks.report;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Runs and rows for the report tests. */
final class TestRuns {

    static final Instant STARTED_AT = Instant.parse("2025-03-04T05:06:07Z");

    private TestRuns() {}

    /** Two raw loops (the CRT one is the baseline), a plain scenario, a FIFO scenario and a slow-handler one. */
    static BenchmarkRun typical() {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("cores", "2");
        environment.put("JVM", "Eclipse Adoptium 17.0.12");
        environment.put("GC", "G1");
        Map<String, Boolean> targets = new LinkedHashMap<>();
        targets.put("A >= 1.0x raw", true);
        targets.put("C >= 0.9x ideal", false);
        return new BenchmarkRun(
                STARTED_AT,
                "quick",
                environment,
                List.of(
                        raw("raw-apache", "raw loop, Apache client", List.of(9000.0, 9500.0, 9200.0)),
                        raw("raw-crt", "raw loop, CRT client", List.of(10000.0, 10500.0, 9800.0))),
                List.of(
                        scenarioA(),
                        new ScenarioResult("B", "B: FIFO, 10 groups", 5000, List.of(4000.0, 4100.0),
                                "raw-crt", 0.4, Double.NaN, apis(0.1, 0.1, 0.0), 2.0, 1.5, 9.25, 180.0, 35.5, 80.0,
                                0, List.of()),
                        new ScenarioResult("C", "C: 50 ms handler", 2000, List.of(970.0), "raw-crt", 0.97,
                                1000.0, apis(0.1, 0.1, 0.01), Double.NaN, Double.NaN, Double.NaN, 150.0, 20.0, Double.NaN,
                                -1, List.of("extends visibility every 20 s"))),
                "raw-crt",
                targets);
    }

    /** A run with only one row. */
    static BenchmarkRun single(ScenarioResult row) {
        return new BenchmarkRun(STARTED_AT, "full", Map.of(), List.of(row), List.of(), row.id(), Map.of());
    }

    static ScenarioResult raw(String id, String title, List<Double> messagesPerSecond) {
        return new ScenarioResult(id, title, 10_000, messagesPerSecond, null, Double.NaN, Double.NaN,
                apis(0.1, 0.1, 0.0), Double.NaN, Double.NaN, Double.NaN, 120.0, 12.5, 60.0, -1, List.of());
    }

    static ScenarioResult scenarioA() {
        return new ScenarioResult("A", "A: no-op handler, default settings (Netty)", 10_000,
                List.of(10300.0, 10100.0, 10600.0), "raw-crt", 1.03, Double.NaN, apis(0.1, 0.1, 0.01),
                Double.NaN, 0.42, 3.1, 210.0, 40.0, 70.5, -1, List.of("prefetch 2 batches"));
    }

    static Map<String, Double> apis(double receive, double deleteBatch, double cmvBatch) {
        Map<String, Double> apis = new LinkedHashMap<>();
        apis.put("ReceiveMessage", receive);
        apis.put("DeleteMessageBatch", deleteBatch);
        apis.put("ChangeMessageVisibilityBatch", cmvBatch);
        return apis;
    }
}

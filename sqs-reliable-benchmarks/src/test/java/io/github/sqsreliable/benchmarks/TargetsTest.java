package io.github.sqsreliable.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqsreliable.benchmarks.report.ScenarioResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TargetsTest {

    private static ScenarioResult row(String id, double ratio, double median, double cpu) {
        return new ScenarioResult(id, id, 1_000, List.of(median), null, ratio, Double.NaN,
                Map.of("ReceiveMessage", 0.1, "DeleteMessageBatch", 0.1), Double.NaN, Double.NaN, Double.NaN, 100,
                cpu, 50, 0, List.of());
    }

    @Test
    void checksCpuPerMessageAgainstTheRawLoopWithWorkers() {
        Map<String, ScenarioResult> rows = new LinkedHashMap<>();
        rows.put("A", row("A", 1.0, 20_000, 24.0));
        rows.put("C", row("C", 0.9, 15_000, 24.1));

        Map<String, Boolean> targets = Targets.evaluate(rows, Map.of(), row("raw-crt-32-workers", 1, 20_000, 20.0));

        assertThat(targets).containsEntry("A: consumer CPU per message <= 1.2x raw-crt-32-workers's", true)
                .containsEntry("C: consumer CPU per message <= 1.2x raw-crt-32-workers's", false);
    }

    @Test
    void checksTheNetworkScenarioAgainstSpringCloudAwsDefaults() {
        Map<String, ScenarioResult> rows = new LinkedHashMap<>();
        rows.put("N", row("N", 0.96, 9_000, 30));
        rows.put("N-sca", row("N-sca", 0.3, 3_100, 60));

        assertThat(Targets.evaluate(rows, Map.of(), null))
                .containsEntry("N >= 0.95x the best raw loop at 20 ms", true)
                .containsEntry("N >= 3x Spring Cloud AWS defaults at 20 ms", false)
                .doesNotContainKey("A: consumer CPU per message <= 1.2x raw-crt-32-workers's");
    }

    @Test
    void checksTheHeapOfLargeMessageRowsAgainstTheirRawLoops() {
        Map<String, Boolean> targets = Targets.evaluate(Map.of(), Map.of(
                "F", new Targets.HeldHeap(31, 124),
                "F-64", new Targets.HeldHeap(101, 100)), null);

        assertThat(targets).containsEntry("F: heap after a collection below the raw loop's (the byte budget bounds it)",
                        true)
                .containsEntry("F-64: heap after a collection below the raw loop's (the byte budget bounds it)", false);
    }
}

package io.github.sqsreliable.example.image.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SummaryTableTest {

    @Test
    void rendersEveryFigureInAnAlignedBox() {
        String table = SummaryTable.render(Samples.summary(List.of()));

        List<String> lines = table.lines().toList();
        assertThat(lines).hasSize(SummaryTable.rows(Samples.summary(List.of())).size() + 2);
        assertThat(lines).allSatisfy(line -> assertThat(line).hasSameSizeAs(lines.get(0)));
        assertThat(lines.get(0)).matches("\\+-+\\+-+\\+");
        assertThat(table)
                .containsPattern("\\| Elapsed +\\| +12\\.3 s \\|")
                .containsPattern("\\| Uploaded +\\| +100 \\|")
                .containsPattern("\\| Rejected \\(4xx\\) +\\| +6 \\|")
                .containsPattern("\\| Done +\\| +92 \\|")
                .containsPattern("\\| Dead-lettered +\\| +2 \\|")
                .containsPattern("\\| Retries +\\| +14 \\|")
                .containsPattern("\\| Duplicates skipped +\\| +3 \\|")
                .containsPattern("\\| Recorded twice +\\| +0 \\|")
                .containsPattern("\\| Throughput +\\| +7\\.5 img/s \\|")
                .containsPattern("\\| Latency p50 \\(upload to done\\) +\\| +842 ms \\|")
                .containsPattern("\\| Latency p99 \\(upload to done\\) +\\| +12,345 ms \\|")
                .containsPattern("\\| Per-user order +\\| +OK \\|")
                .containsPattern("\\| Crashes / restarts +\\| +1 \\|")
                .doesNotContain("<--");
    }

    @Test
    void flagsImagesRecordedTwice() {
        DemoSummary summary = withRecordedTwiceAndViolations(2, Map.of());

        assertThat(SummaryTable.rows(summary)).filteredOn(row -> row.label().equals("Recorded twice"))
                .singleElement()
                .satisfies(row -> {
                    assertThat(row.value()).isEqualTo("2 (must be 0)");
                    assertThat(row.ok()).isFalse();
                });
        assertThat(SummaryTable.render(summary)).containsPattern("\\| 2 \\(must be 0\\) \\|  <-- !");
    }

    @Test
    void listsOrderViolationsByUser() {
        DemoSummary summary = withRecordedTwiceAndViolations(0, Map.of("bob", 1, "alice", 2, "carol", 0));

        assertThat(SummaryTable.rows(summary)).filteredOn(row -> row.label().equals("Per-user order"))
                .singleElement()
                .satisfies(row -> {
                    assertThat(row.value()).isEqualTo("out of order: alice: 2, bob: 1");
                    assertThat(row.ok()).isFalse();
                });
    }

    @Test
    void rendersAnEmptyRunWithoutFailing() {
        assertThat(SummaryTable.render(Samples.empty()))
                .containsPattern("\\| Throughput +\\| +0\\.0 img/s \\|")
                .containsPattern("\\| Latency p50 \\(upload to done\\) +\\| +0\\.0 ms \\|")
                .doesNotContain("NaN");
    }

    @Test
    void showsSubMillisecondLatenciesWithADecimal() {
        DemoSummary base = Samples.summary(List.of());
        DemoSummary summary = new DemoSummary(base.startedAt(), base.elapsed(), 1, 0, 1, 0, 0, 0, 0, 1,
                Duration.ofNanos(2_500_000), Duration.ofMillis(9), Map.of(), 0, List.of(), Map.of(), Map.of(),
                List.of());

        assertThat(SummaryTable.render(summary)).contains("2.5 ms").contains("9.0 ms");
    }

    private static DemoSummary withRecordedTwiceAndViolations(int recordedTwice, Map<String, Integer> violations) {
        DemoSummary base = Samples.summary(List.of());
        return new DemoSummary(base.startedAt(), base.elapsed(), base.uploaded(), base.rejected(), base.done(),
                base.deadLettered(), base.retries(), base.duplicatesSkipped(), recordedTwice, base.throughput(),
                base.latencyP50(), base.latencyP99(), violations, base.crashes(), base.images(), base.metrics(),
                base.settings(), base.queueDepths());
    }
}

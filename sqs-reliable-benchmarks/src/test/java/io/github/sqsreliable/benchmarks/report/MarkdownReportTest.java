package io.github.sqsreliable.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MarkdownReportTest {

    private final String markdown = MarkdownReport.render(TestRuns.typical(), "benchmark-results.svg");

    @Test
    void startsWithAHeadingWithTheDateAndMode() {
        assertThat(markdown).startsWith("## Results of 2025-03-04 05:06 UTC (quick mode)\n");
    }

    @Test
    void listsTheEnvironmentInOrder() {
        assertThat(markdown).contains("### Environment\n\n- cores: 2\n- JVM: Eclipse Adoptium 17.0.12\n- GC: G1\n");
    }

    @Test
    void showsEachTargetAndWhetherItWasMet() {
        assertThat(markdown)
                .contains("| A >= 1.0x raw | ✅ |")
                .contains("| C >= 0.9x ideal | ❌ |");
    }

    @Test
    void hasOneResultsRowPerBaselineAndScenarioInOrder() {
        List<String> ids = resultRows().stream().map(row -> row.split(" \\| ")[0].substring(2)).toList();

        assertThat(ids).containsExactly("raw-apache", "raw-crt", "A", "B", "C");
    }

    @Test
    void formatsAScenarioRow() {
        assertThat(row("A")).isEqualTo("| A | A: no-op handler, default settings (Netty)"
                + " | 10,300 (10,100–10,600) | 1.03×"
                + " | 0.210 (Receive 0.100, DeleteBatch 0.100, CMVBatch 0.010)"
                + " | – | 0.42 / 3.10 | 210 | 40.0 / 70.5 | – |");
    }

    @Test
    void marksTheBaselineAndLeavesRowsWithoutARatioBlank() {
        assertThat(row("raw-crt")).contains("| — (baseline) |");
        // The program gives the other raw loops their ratio; a row without one gets no invented figure.
        assertThat(row("raw-apache")).contains("| – |");
    }

    @Test
    void saysIdealForRowsMeasuredAgainstTheirIdeal() {
        assertThat(row("C")).contains("| 0.97× ideal |");
    }

    @Test
    void showsADashForFiguresNotMeasured() {
        assertThat(row("C")).endsWith("| – | – | 150 | 20.0 / – | – |");
        assertThat(row("B")).endsWith("| 2.000 | 1.50 / 9.25 | 180 | 35.5 / 80.0 | 0 |");
    }

    @Test
    void listsTheNotesOfEachRow() {
        assertThat(markdown)
                .contains("### Notes\n\n- **A**: prefetch 2 batches\n- **C**: extends visibility every 20 s\n");
    }

    @Test
    void endsWithTheChart() {
        assertThat(markdown).endsWith("\n![throughput chart](benchmark-results.svg)\n");
    }

    @Test
    void shortensTheSqsApiNamesAndKeepsOthers() {
        Map<String, Double> perApi = new LinkedHashMap<>();
        perApi.put("SendMessage", 0.1);
        perApi.put("SendMessageBatch", 0.1);
        perApi.put("DeleteMessage", 1.0);
        perApi.put("ChangeMessageVisibility", 0.5);
        perApi.put("GetQueueAttributes", 0.001);

        assertThat(MarkdownReport.sqsRequests(perApi, 1.701))
                .isEqualTo("1.701 (Send 0.100, SendBatch 0.100, Delete 1.000, CMV 0.500, GetQueueAttributes 0.001)");
    }

    @Test
    void keepsPipesInTitlesInsideTheirCell() {
        ScenarioResult row = new ScenarioResult("P", "P: a | b", 1, List.of(1.0), null, Double.NaN, Double.NaN,
                Map.of(), Double.NaN, Double.NaN, Double.NaN, 1, 1, Double.NaN, -1, List.of());

        assertThat(MarkdownReport.render(TestRuns.single(row), "chart.svg")).contains("| P | P: a \\| b |");
    }

    @Test
    void bracketsAChartFileNameWithSpaces() {
        assertThat(MarkdownReport.render(TestRuns.typical(), "my chart.svg"))
                .contains("![throughput chart](<my chart.svg>)");
    }

    private List<String> resultRows() {
        String table = markdown.substring(markdown.indexOf("### Results"), markdown.indexOf("### Notes"));
        return table.lines().filter(line -> line.startsWith("| ")).skip(1).toList();
    }

    private String row(String id) {
        return resultRows().stream().filter(line -> line.startsWith("| " + id + " |")).findFirst().orElseThrow();
    }
}

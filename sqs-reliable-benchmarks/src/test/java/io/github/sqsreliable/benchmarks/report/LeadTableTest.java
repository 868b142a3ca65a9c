package io.github.sqsreliable.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class LeadTableTest {

    private static ScenarioResult row(String id, String baselineId, double ratio, double ideal, double median,
            double cpu) {
        return new ScenarioResult(id, id + " title", 1_000, List.of(median), baselineId, ratio, ideal,
                TestRuns.apis(0.1, 0.1, 0.0), Double.NaN, Double.NaN, Double.NaN, 100.0, cpu, 50.0, -1, List.of());
    }

    private static BenchmarkRun run(List<CloseResult> closes) {
        List<ScenarioResult> baselines = List.of(
                row("raw-crt-32", null, Double.NaN, Double.NaN, 20_000, 20.0),
                row("raw-crt-32-workers", null, 0.9, Double.NaN, 18_000, 22.0));
        List<ScenarioResult> scenarios = List.of(
                row("A", "raw-crt-32", 0.95, Double.NaN, 19_000, 26.4),
                row("A-sca", "raw-crt-32", 0.10, Double.NaN, 2_000, 80.0),
                row("A-sca-tuned", "raw-crt-32", 0.40, Double.NaN, 8_000, 40.0),
                row("B", null, 0.99, 4_000, 3_960, 90.0),
                row("E", null, Double.NaN, Double.NaN, 66, 500.0));
        return new BenchmarkRun(TestRuns.STARTED_AT, "full", Map.of(), baselines, scenarios, "raw-crt-32", Map.of(),
                "raw-crt-32-workers", closes);
    }

    @Test
    void showsEachScenarioAgainstItsRawLoopAndSpringCloudAws() {
        String table = LeadTable.render(run(List.of()));

        assertThat(table).contains("| A: no-op handler, loopback | **0.95× · 26.4 µs · 0.200** | 20,000 msg/s · "
                + "20.0 µs · 0.200 | 0.10× · 80.0 µs · 0.200 | 0.40× · 40.0 µs · 0.200 | 2.38× |");
        assertThat(table).contains("| B: 50 ms handler, 200 at once | **0.99× · 90.0 µs · 0.200** | ideal 4,000 msg/s "
                + "| – | – | – |");
        // Scenarios the run did not measure, and rows that are not in the lead table (E), are left out.
        assertThat(table).doesNotContain("FIFO", "E title", "close()");
    }

    @Test
    void endsWithTheCloseTimes() {
        String table = LeadTable.render(run(List.of(
                new CloseResult("sqs-reliable", "SqsConsumer", List.of(1010.0, 1020.0, 1500.0),
                        List.of(1100.0), 0, List.of()),
                new CloseResult("sca", "Spring Cloud AWS", List.of(10_000.0), List.of(20_000.0), 3, List.of()))));

        assertThat(table).contains("| close() with defaults: idle queue / under load | **1.02 s / 1.10 s** | – "
                + "| 10.00 s / 20.00 s · 3 left invisible | – | – |");
    }

    @Test
    void isEmptyWithoutItsScenarios() {
        BenchmarkRun run = TestRuns.single(row("raw-apache", null, Double.NaN, Double.NaN, 1, 1));

        assertThat(LeadTable.render(run)).isEmpty();
    }

    @Test
    void detailedTableComparesCpuWithTheRawLoopWithWorkers() {
        String markdown = MarkdownReport.render(run(List.of()), "lead.svg", "rows.svg");

        assertThat(markdown).contains("CPU µs/msg consumer (×raw-crt-32-workers) / servers");
        assertThat(markdown).contains("| 26.4 (1.20×) / 50.0 |");
        assertThat(markdown).contains("![throughput against the raw loop, per scenario](lead.svg)");
        // The lead table comes before the details.
        assertThat(markdown.indexOf("| A: no-op handler")).isLessThan(markdown.indexOf("### Results"));
    }

    @Test
    void chartDrawsOneBarPerContenderAndTheRawLine() throws Exception {
        Document svg = DocumentBuilderFactory.newDefaultNSInstance().newDocumentBuilder().parse(
                new ByteArrayInputStream(LeadChart.render(run(List.of())).getBytes(StandardCharsets.UTF_8)));

        NodeList groups = svg.getElementsByTagNameNS("*", "g");
        assertThat(groups.getLength()).isEqualTo(4); // A, A-sca, A-sca-tuned, B
        Element first = (Element) groups.item(0);
        Element rect = (Element) first.getElementsByTagNameNS("*", "rect").item(0);
        Element last = (Element) ((Element) groups.item(3)).getElementsByTagNameNS("*", "rect").item(0);
        // Bars are as long as their ratio: A's 0.95 against B's 0.99.
        assertThat(Double.parseDouble(rect.getAttribute("width")) / Double.parseDouble(last.getAttribute("width")))
                .isBetween(0.95 / 0.99 - 0.01, 0.95 / 0.99 + 0.01);
        assertThat(LeadChart.render(run(List.of()))).contains("class=\"raw\"", "0.40×", "Spring Cloud AWS, tuned");
    }
}

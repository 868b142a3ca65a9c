package io.github.sqsreliable.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class SvgChartTest {

    @Test
    void isWellFormedSvgAbout900PixelsWide() throws Exception {
        Element svg = parse(SvgChart.render(TestRuns.typical())).getDocumentElement();

        assertThat(svg.getLocalName()).isEqualTo("svg");
        assertThat(svg.getNamespaceURI()).isEqualTo("http://www.w3.org/2000/svg");
        assertThat(svg.getAttribute("width")).isEqualTo("900");
    }

    @Test
    void drawsOneBarPerRowBaselinesFirst() throws Exception {
        Document svg = parse(SvgChart.render(TestRuns.typical()));

        List<Element> bars = withClass(svg, "rect", "bar");
        assertThat(bars).hasSize(5);
        assertThat(withClass(svg, "path", "whisker")).hasSize(5);
        List<String> labels = withClass(svg, "g", "row").stream()
                .map(row -> row.getElementsByTagNameNS("*", "title").item(0).getTextContent())
                .toList();
        assertThat(labels).hasSize(5);
        assertThat(labels.get(0)).startsWith("raw loop, Apache client");
        assertThat(labels.get(4)).startsWith("C: 50 ms handler");
    }

    @Test
    void makesBarsAsLongAsTheirMedian() throws Exception {
        List<Element> bars = withClass(parse(SvgChart.render(TestRuns.typical())), "rect", "bar");

        double rawCrt = width(bars.get(1));
        double a = width(bars.get(2));
        assertThat(a / rawCrt).isBetween(1.02, 1.04);
    }

    @Test
    void showsTheRatioAtEachBarEndAndTheBaselineLine() throws Exception {
        String svg = SvgChart.render(TestRuns.typical());
        Document document = parse(svg);

        assertThat(svg).contains("10,300 · 1.03×", "970 · 0.97× ideal", "10,000 · — (baseline)", "raw baseline");
        assertThat(withClass(document, "line", "baseline")).singleElement()
                .satisfies(line -> assertThat(line.getAttribute("stroke-dasharray")).isNotEmpty());
    }

    @Test
    void hasRoundedAxisTicks() {
        assertThat(SvgChart.render(TestRuns.typical())).contains(">0</text>", ">4,000</text>", ">12,000</text>");
    }

    @Test
    void escapesTitles() throws Exception {
        ScenarioResult row = row("x", "D: <fast> & \"cheap\"", 100.0);

        String svg = SvgChart.render(TestRuns.single(row));

        assertThat(svg).contains("D: &lt;fast&gt; &amp; &quot;cheap&quot;");
        assertThat(parse(svg).getDocumentElement().getTextContent()).contains("D: <fast> & \"cheap\"");
    }

    @Test
    void drawsASingleRow() throws Exception {
        String svg = SvgChart.render(TestRuns.single(row("only", "only row", 250.0)));

        assertThat(withClass(parse(svg), "rect", "bar")).hasSize(1);
        assertThat(svg).doesNotContain("NaN", "Infinity");
    }

    @Test
    void drawsZeroThroughputWithoutDividingByZero() throws Exception {
        String svg = SvgChart.render(TestRuns.single(row("zero", "nothing consumed", 0.0)));

        List<Element> bars = withClass(parse(svg), "rect", "bar");
        assertThat(bars).hasSize(1);
        assertThat(width(bars.get(0))).isZero();
        assertThat(svg).doesNotContain("NaN", "Infinity");
    }

    @Test
    void drawsAZeroScenarioBesideOthers() throws Exception {
        BenchmarkRun run = TestRuns.typical();
        BenchmarkRun withZero = new BenchmarkRun(run.startedAt(), run.mode(), run.environment(), run.baselines(),
                List.of(row("Z", "Z: stalled", 0.0)), run.baselineId(), run.targets());

        String svg = SvgChart.render(withZero);

        assertThat(withClass(parse(svg), "rect", "bar")).hasSize(3);
        assertThat(svg).doesNotContain("NaN", "Infinity");
    }

    @Test
    void cutsLongTitlesAndKeepsThemWholeInTheTooltip() {
        String title = "E: a scenario whose title is far too long to fit left of the bars";

        String svg = SvgChart.render(TestRuns.single(row("E", title, 10.0)));

        assertThat(svg).contains(">E: a scenario whose title is far too long to…</text>", "<title>" + title);
    }

    private static ScenarioResult row(String id, String title, double messagesPerSecond) {
        return new ScenarioResult(id, title, 100, List.of(messagesPerSecond), null, Double.NaN, Double.NaN,
                Map.of(), Double.NaN, Double.NaN, Double.NaN, 10, 1, Double.NaN, -1, List.of());
    }

    private static Document parse(String svg) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<Element> withClass(Document document, String tag, String cssClass) {
        NodeList nodes = document.getElementsByTagNameNS("http://www.w3.org/2000/svg", tag);
        List<Element> matching = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            Element element = (Element) nodes.item(i);
            if (cssClass.equals(element.getAttribute("class"))) {
                matching.add(element);
            }
        }
        return matching;
    }

    private static double width(Element bar) {
        return Double.parseDouble(bar.getAttribute("width"));
    }
}

package io.github.sqsreliable.example.image.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqsreliable.example.image.monitoring.QueueDepthHistory;
import io.github.sqsreliable.observe.QueueDepth;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class QueueDepthChartTest {

    private static final Pattern LINE = Pattern.compile(
            "<polyline class=\"depth (visible|in-flight)\" data-queue=\"([^\"]+)\"[^>]* points=\"([^\"]*)\"");

    @Test
    void drawsAVisibleAndAnInFlightLinePerQueueWithAPointPerSample() {
        String svg = QueueDepthChart.render(Samples.queueDepths(), Samples.START);

        List<MatchResult> lines = lines(svg);
        assertThat(lines).extracting(line -> line.group(1) + " " + line.group(2)).containsExactly(
                "visible images-resize.fifo", "in-flight images-resize.fifo",
                "visible images-resize-dlq.fifo", "in-flight images-resize-dlq.fifo");
        assertThat(lines).allSatisfy(line -> assertThat(points(line)).hasSize(5));
        assertThat(svg).startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\"").endsWith("</svg>")
                .contains("images-resize.fifo (main)").contains("images-resize-dlq.fifo (dead-letter)");
    }

    @Test
    void placesLaterSamplesRightAndDeeperQueuesHigher() {
        List<double[]> visible = points(lines(QueueDepthChart.render(Samples.queueDepths(), Samples.START)).get(0));

        for (int i = 1; i < visible.size(); i++) {
            assertThat(visible.get(i)[0]).isGreaterThan(visible.get(i - 1)[0]);
        }
        // Samples 0, 12, 6, 1, 0 visible: y grows downwards in SVG.
        assertThat(visible.get(1)[1]).isLessThan(visible.get(2)[1]);
        assertThat(visible.get(2)[1]).isLessThan(visible.get(3)[1]);
        assertThat(visible.get(0)[1]).isEqualTo(visible.get(4)[1]);
    }

    @Test
    void drawsSamplesBeforeTheStartAtZero() {
        String svg = QueueDepthChart.render(Samples.queueDepths(), Samples.START.plusSeconds(3));

        List<double[]> visible = points(lines(svg).get(0));
        assertThat(visible.get(0)[0]).isEqualTo(visible.get(1)[0]);
        assertThat(visible.get(2)[0]).isGreaterThan(visible.get(1)[0]);
    }

    @Test
    void saysSoWhenThereAreNoSamples() {
        String svg = QueueDepthChart.render(List.of(), Samples.START);

        assertThat(lines(svg)).isEmpty();
        assertThat(svg).contains("No queue samples").doesNotContain("NaN").doesNotContain("Infinity");
    }

    @Test
    void escapesQueueNames() {
        QueueDepthHistory history = QueueDepthHistory.create();
        history.record("c", List.of(new QueueDepth("http://q/<b>", QueueDepth.QueueRole.MAIN, 1, 0, 0,
                Samples.START)));

        assertThat(QueueDepthChart.render(history.snapshot(), Samples.START)).doesNotContain("<b>")
                .contains("&lt;b&gt;");
    }

    private static List<MatchResult> lines(String svg) {
        return LINE.matcher(svg).results().toList();
    }

    private static List<double[]> points(MatchResult line) {
        List<double[]> points = new ArrayList<>();
        for (String pair : line.group(3).split(" ")) {
            String[] xy = pair.split(",");
            points.add(new double[] {Double.parseDouble(xy[0]), Double.parseDouble(xy[1])});
        }
        return points;
    }
}

package io.github.sqsreliable.example.image.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import io.github.sqsreliable.example.image.pipeline.ImageRecord;
import java.time.Duration;
import java.util.List;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class LatencyChartTest {

    private static final Pattern DOT = Pattern.compile(
            "<circle class=\"dot (done|failed)\" data-image-id=\"([^\"]+)\" cx=\"([0-9.]+)\" cy=\"([0-9.]+)\"");

    @Test
    void drawsOneDotPerFinishedImageColouredByStatus() {
        List<ImageRecord> images = List.of(
                Samples.done("a", "alice", 1, 0, 800),
                Samples.done("b", "alice", 2, 500, 900),
                Samples.failed("c", "bob", 1, 700, 300, "not an image"),
                Samples.queued("d", "bob", 2, 900),
                Samples.done("e", "carol", 1, 1_200, 1_500));

        String svg = render(images);

        assertThat(dots(svg)).extracting(dot -> dot.group(2)).containsExactly("a", "b", "c", "e");
        assertThat(svg).containsOnlyOnce("class=\"dot failed\"");
        assertThat(count(svg, "class=\"dot done\"")).isEqualTo(3);
        assertThat(svg).startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\"").endsWith("</svg>");
    }

    @Test
    void placesLaterUploadsRightAndSlowerImagesHigher() {
        String svg = render(List.of(Samples.done("early-fast", "u", 1, 0, 100),
                Samples.done("late-slow", "u", 2, 5_000, 2_000)));

        List<MatchResult> dots = dots(svg);
        double earlyX = Double.parseDouble(dots.get(0).group(3));
        double lateX = Double.parseDouble(dots.get(1).group(3));
        double fastY = Double.parseDouble(dots.get(0).group(4));
        double slowY = Double.parseDouble(dots.get(1).group(4));
        assertThat(lateX).isGreaterThan(earlyX);
        assertThat(slowY).isLessThan(fastY); // SVG's y grows downwards
    }

    @Test
    void drawsPercentileLinesWithTheirValues() {
        String svg = LatencyChart.render(List.of(Samples.done("a", "u", 1, 0, 800)), Samples.START,
                Duration.ofMillis(842), Duration.ofMillis(2_310));

        assertThat(svg).contains("class=\"percentile p50\"").contains(">p50 842 ms</text>")
                .contains("class=\"percentile p99\"").contains(">p99 2,310 ms</text>");
    }

    @Test
    void labelsBothAxesWithTicks() {
        String svg = render(List.of(Samples.done("a", "u", 1, 9_300, 4_200)));

        assertThat(svg).contains("upload time since start (s)").contains("upload-to-finish latency (ms)")
                .contains(">0</text>").contains(">10</text>") // x: 0..10 s in steps of 2
                .contains(">5,000</text>"); // y: up to 5,000 ms
    }

    @Test
    void rendersZeroImagesWithoutDividingByZero() {
        String svg = LatencyChart.render(List.of(), Samples.START, Duration.ZERO, Duration.ZERO);

        assertThat(dots(svg)).isEmpty();
        assertThat(svg).contains("No finished images").doesNotContain("NaN").doesNotContain("Infinity");
    }

    @Test
    void escapesUserIdsInTooltips() {
        String svg = render(List.of(Samples.done("a", "<b>x</b>", 1, 0, 800)));

        assertThat(svg).contains("&lt;b&gt;x&lt;/b&gt; #1").doesNotContain("<b>");
    }

    @Test
    void choosesRoundAxisSteps() {
        assertThat(LatencyChart.Axis.of(9.3)).isEqualTo(new LatencyChart.Axis(2, 5));
        assertThat(LatencyChart.Axis.of(12_345).max()).isEqualTo(15_000);
        LatencyChart.Axis sub = LatencyChart.Axis.of(1);
        assertThat(sub.step()).isCloseTo(0.2, offset(1e-12));
        assertThat(sub.label(0.4)).isEqualTo("0.4");
    }

    private static String render(List<ImageRecord> images) {
        return LatencyChart.render(images, Samples.START, Duration.ofMillis(800), Duration.ofMillis(1_500));
    }

    private static List<MatchResult> dots(String svg) {
        return DOT.matcher(svg).results().toList();
    }

    private static int count(String text, String part) {
        return text.split(Pattern.quote(part), -1).length - 1;
    }
}

package io.github.sqsreliable.example.image.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqsreliable.example.image.pipeline.ImageRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlReportTest {

    private static final Function<ImageRecord, Optional<String>> THUMBNAILS =
            image -> Optional.ofNullable(image.variants().get("small")).map(key -> "blobs/" + key);

    @TempDir
    Path dir;

    private final List<ImageRecord> images = List.of(
            Samples.done("img-a", "alice", 1, 0, 800),
            Samples.done("img-b", "alice", 2, 400, 950),
            Samples.failed("img-c", "bob", 1, 600, 300, "unsupported format <script>alert(1)</script>"),
            Samples.queued("img-d", "bob", 2, 900));

    @Test
    void writesTheFileCreatingItsDirectories() throws IOException {
        Path file = dir.resolve("demo/out/report.html");

        Path written = HtmlReport.write(Samples.summary(images), file, THUMBNAILS);

        assertThat(written).isEqualTo(file).isRegularFile();
        assertThat(Files.readString(file, StandardCharsets.UTF_8)).startsWith("<!DOCTYPE html>")
                .contains("<title>Image pipeline demo report</title>").endsWith("</html>\n");
    }

    @Test
    void showsACardPerImageAndADotPerFinishedImage() throws IOException {
        String html = write(Samples.summary(images));

        assertThat(count(html, "<article class=\"card ")).isEqualTo(4);
        assertThat(html).contains("data-image-id=\"img-d\" data-status=\"QUEUED\"")
                .contains("<span class=\"badge failed\">FAILED</span>");
        assertThat(count(html, "<circle class=\"dot ")).isEqualTo(3);
    }

    @Test
    void linksThumbnailsThroughTheGivenFunction() throws IOException {
        String html = write(Samples.summary(images));

        assertThat(html).contains("<img class=\"thumb\" src=\"blobs/variants/img-a/small.png\" alt=\"alice #1\">");
        assertThat(count(html, "<img class=\"thumb\"")).isEqualTo(2);
        assertThat(count(html, "<span class=\"placeholder\">no thumbnail</span>")).isEqualTo(2);
    }

    @Test
    void showsTheSummaryFiguresAndSettings() throws IOException {
        String html = write(Samples.summary(images));

        for (SummaryTable.Row row : SummaryTable.rows(Samples.summary(images))) {
            assertThat(html).contains("<th>" + Html.escape(row.label()) + "</th><td class=\"num\">"
                    + Html.escape(row.value()) + "</td>");
        }
        assertThat(html).contains("7.5 img/s").contains("842 ms").contains("12,345 ms")
                .contains("<th class=\"mono\">workers</th><td class=\"mono\">4</td>")
                .doesNotContain("<tr class=\"bad\">");
    }

    @Test
    void showsEachConsumersMetricsSortedByName() throws IOException {
        String html = write(Samples.summary(images));

        assertThat(html).containsPattern(Pattern.compile(
                "<tr><th>catalog</th><td class=\"num\">92</td><td class=\"num\">92</td><td class=\"num\">0</td>.*"
                        + "<tr><th>resize</th><td class=\"num\">120</td><td class=\"num\">110</td>"
                        + "<td class=\"num\">10</td><td class=\"num\">3</td><td class=\"num\">1</td>"
                        + "<td class=\"num\">2</td><td class=\"num\">5</td><td class=\"num\">4</td>"
                        + "<td class=\"num\">40 ms</td><td class=\"num\">180 ms</td></tr>", Pattern.DOTALL));
    }

    @Test
    void listsDeadLetterReasonsEscaped() throws IOException {
        String html = write(Samples.summary(images));

        assertThat(html).contains("<h2>Dead-lettered (1)</h2>")
                .contains("<code>img-c</code> &middot; bob #1 &middot; <span class=\"reason\">"
                        + "unsupported format &lt;script&gt;alert(1)&lt;/script&gt;</span>")
                .doesNotContain("<script");
    }

    @Test
    void drawsTheRunsQueueDepthCurves() throws IOException {
        String html = write(Samples.summary(images));

        assertThat(html).contains("<h2>Queue depth</h2>").contains("<svg xmlns=\"http://www.w3.org/2000/svg\" "
                + "class=\"queue-depth-chart\"");
        assertThat(count(html, "<polyline class=\"depth ")).isEqualTo(4);
    }

    @Test
    void writesAReportOfZeroImages() throws IOException {
        String html = write(Samples.empty());

        assertThat(html).contains("No images were uploaded.").contains("No finished images")
                .contains("No consumer metrics recorded.").contains("<h2>Dead-lettered (0)</h2>")
                .doesNotContain("NaN").doesNotContain("Infinity");
        assertThat(count(html, "<circle class=\"dot ")).isZero();
        assertThat(html).contains("No queue samples");
    }

    private String write(DemoSummary summary) throws IOException {
        return Files.readString(HtmlReport.write(summary, dir.resolve("report.html"), THUMBNAILS));
    }

    private static int count(String text, String part) {
        return text.split(Pattern.quote(part), -1).length - 1;
    }
}

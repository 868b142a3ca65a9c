package io.github.sqsreliable.example.image.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqsreliable.example.image.imaging.ImageFormat;
import io.github.sqsreliable.example.image.imaging.ImageMetadata;
import io.github.sqsreliable.example.image.pipeline.ImageRecord;
import io.github.sqsreliable.example.image.pipeline.ImageStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class GalleryPageTest {

    private static final Instant T0 = Instant.parse("2024-05-17T10:00:00Z");
    private static final String REFRESH = "<meta http-equiv=\"refresh\" content=\"2\">";

    @Test
    void refreshesWhileAnyImageIsUnfinished() {
        for (ImageStatus unfinished : List.of(ImageStatus.QUEUED, ImageStatus.PROCESSING, ImageStatus.RESIZED)) {
            List<ImageRecord> images = List.of(done("a", "alice", 1), queued("b", "bob", 1).withStatus(unfinished));

            String html = GalleryPage.render(images);

            assertThat(html).as(unfinished.name()).contains(REFRESH);
        }
    }

    @Test
    void holdsStillOnceEveryImageIsFinished() {
        String html = GalleryPage.render(List.of(done("a", "alice", 1),
                queued("b", "bob", 1).failed("not an image", T0.plusSeconds(1))));

        assertThat(html).doesNotContain("http-equiv").contains("all finished");
    }

    @Test
    void showsOneCardPerImageInTheGivenOrder() {
        String html = GalleryPage.render(List.of(done("first", "alice", 1), queued("second", "bob", 1),
                done("third", "alice", 2)));

        assertThat(Pattern.compile("data-image-id=\"([^\"]+)\" data-status").matcher(html).results()
                .map(match -> match.group(1))).containsExactly("first", "second", "third");
        assertThat(html).contains("<article class=\"card queued\" data-image-id=\"second\" data-status=\"QUEUED\">");
    }

    @Test
    void showsAThumbnailOnlyWhenTheSmallVariantExists() {
        String html = GalleryPage.render(List.of(done("a", "alice", 1), queued("b", "bob", 7)));

        assertThat(html).contains("<img class=\"thumb\" src=\"/images/a/small\" alt=\"alice #1\">")
                .containsOnlyOnce("class=\"thumb\"")
                .contains("<span class=\"placeholder\">queued</span>")
                .contains("<a href=\"/images/a\">JSON</a><a href=\"/images/a/large\">large</a>")
                .contains("<a href=\"/images/b\">JSON</a></div>");
    }

    @Test
    void showsDimensionsFormatAndFailureReason() {
        ImageRecord failed = queued("b", "bob", 2).failed("decoding failed: truncated", T0.plusSeconds(2));

        String html = GalleryPage.render(List.of(done("a", "alice", 1), failed));

        assertThat(html).contains("JPEG &middot; 640&times;480").contains("bob #2")
                .contains("<span class=\"badge failed\">FAILED</span>")
                .contains("<div class=\"reason\">decoding failed: truncated</div>");
    }

    @Test
    void countsImagesPerStatusInTheHeader() {
        String html = GalleryPage.render(List.of(done("a", "u", 1), done("b", "u", 2), queued("c", "u", 3)));

        assertThat(html).contains("<span class=\"count\" data-status=\"DONE\"><span class=\"badge done\">DONE</span>"
                        + "<strong>2</strong></span>")
                .contains("data-status=\"QUEUED\"><span class=\"badge queued\">QUEUED</span><strong>1</strong>")
                .contains("data-status=\"FAILED\"><span class=\"badge failed\">FAILED</span><strong>0</strong>");
    }

    @Test
    void escapesEverythingThatCameFromOutside() {
        ImageRecord hostile = ImageRecord.queued("x", "<img src=x onerror=alert(1)>", 1, 10, T0)
                .failed("bad \"reason\" <script>alert('x')</script> & more", T0.plusSeconds(1));

        String html = GalleryPage.render(List.of(hostile));

        assertThat(html).containsOnlyOnce("<script").doesNotContain("<img src=x")
                .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more")
                .contains("&lt;img src=x onerror=alert(1)&gt; #1");
    }

    @Test
    void rendersAnEmptyGalleryWithAHint() {
        String html = GalleryPage.render(List.of());

        assertThat(html).contains("No images yet").doesNotContain("<article").doesNotContain("http-equiv");
    }

    @Test
    void loadsNothingFromElsewhere() {
        String html = GalleryPage.render(List.of(done("a", "alice", 1)));

        assertThat(html).doesNotContain("<script src").doesNotContain("http://").doesNotContain("https://")
                .doesNotContain("<link rel=\"stylesheet\"");
    }

    @Test
    void drawsTheQueueChartFromTheHistoryEndpointEveryRefreshInterval() {
        String html = GalleryPage.render(List.of(done("a", "alice", 1)));

        assertThat(html).contains("<div id=\"queue-depth-chart\"></div>").containsOnlyOnce("<script>")
                .contains("fetch('/metrics/history')").contains("setInterval(poll, 2000)")
                .contains("<a href=\"/metrics?format=prometheus\">");
    }

    private static ImageRecord queued(String id, String user, long sequence) {
        return ImageRecord.queued(id, user, sequence, 2048, T0.plusMillis(sequence));
    }

    private static ImageRecord done(String id, String user, long sequence) {
        ImageMetadata metadata = new ImageMetadata(ImageFormat.JPEG, 640, 480, Optional.empty(), Optional.empty(),
                Optional.empty(), OptionalInt.empty());
        Instant finished = T0.plusSeconds(1);
        return queued(id, user, sequence)
                .resized(Map.of("small", "variants/" + id + "/small.png", "large", "variants/" + id + "/large.png"),
                        metadata, finished)
                .done(finished);
    }
}

package io.github.sqsreliable.example.image.report;

import io.github.sqsreliable.example.image.pipeline.ImageRecord;
import io.github.sqsreliable.example.image.pipeline.ImageStatus;
import io.github.sqsreliable.observe.ConsumerMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Writes the demo's report: one self-contained HTML file (inline CSS and SVG, no scripts, nothing fetched) with
 * the settings, the {@link SummaryTable} figures, the dead-letter reasons, each consumer's metrics, a thumbnail
 * grid with status badges, a {@link LatencyChart} and the run's {@link QueueDepthChart}. Every text from the run
 * is escaped with {@link Html}.
 *
 * <pre>{@code
 * Path blobs = store.root();
 * HtmlReport.write(summary, reportFile, image -> Optional.ofNullable(image.variants().get("small"))
 *         .map(key -> reportFile.getParent().relativize(blobs.resolve(key)).toString().replace('\\', '/')));
 * }</pre>
 *
 * <p>Thread-safe (stateless).
 */
public final class HtmlReport {

    private static final String REPORT_CSS = """
            .facts { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
            .facts section { flex: 1 1 320px; }
            .facts table { width: 100%; }
            .chart { background: var(--surface); border: 1px solid var(--border); border-radius: 10px;
                     padding: 12px; overflow-x: auto; }
            .chart svg { display: block; width: 100%; max-width: 1100px; height: auto; }
            ul.reasons { margin: 0; padding: 0; list-style: none; background: var(--surface);
                         border: 1px solid var(--border); border-radius: 10px; }
            ul.reasons li { padding: 8px 12px; border-bottom: 1px solid var(--border); }
            ul.reasons li:last-child { border-bottom: 0; }
            ul.reasons .reason { color: var(--failed); }
            """;

    private HtmlReport() {
    }

    /**
     * Writes the report, creating the parent directories and replacing an existing file.
     *
     * @param summary what the demo measured
     * @param reportFile where to write, e.g. {@code target/demo/report.html}
     * @param thumbnailHref an image's small thumbnail as a URL relative to the report file (or absolute), or empty
     *     for a placeholder
     * @return {@code reportFile}
     * @throws UncheckedIOException if the file cannot be written
     */
    public static Path write(DemoSummary summary, Path reportFile,
            Function<ImageRecord, Optional<String>> thumbnailHref) {
        String html = render(summary, thumbnailHref);
        try {
            Path parent = reportFile.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(reportFile, html, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write report " + reportFile, e);
        }
        return reportFile;
    }

    /** The report as an HTML document. */
    static String render(DemoSummary summary, Function<ImageRecord, Optional<String>> thumbnailHref) {
        Objects.requireNonNull(summary, "summary");
        Objects.requireNonNull(thumbnailHref, "thumbnailHref");
        StringBuilder html = new StringBuilder(16_384 + summary.images().size() * 600);
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>Image pipeline demo report</title>\n")
                .append("<style>\n").append(Html.baseCss()).append(REPORT_CSS).append("</style>\n")
                .append("</head>\n<body>\n<header class=\"page\">\n<h1>Image pipeline demo report</h1>\n")
                .append("<p class=\"subtitle\">Started ")
                .append(DateTimeFormatter.ISO_INSTANT.format(summary.startedAt().truncatedTo(ChronoUnit.SECONDS)))
                .append(" &middot; ").append(Formats.seconds(summary.elapsed())).append(" &middot; ")
                .append(summary.images().size()).append(" images</p>\n</header>\n<main>\n");
        html.append("<div class=\"facts\">\n");
        appendSummary(html, summary);
        appendSettings(html, summary.settings());
        html.append("</div>\n");
        appendLatency(html, summary);
        appendQueueDepths(html, summary);
        appendDeadLetters(html, summary.images());
        appendConsumers(html, summary.metrics());
        appendThumbnails(html, summary.images(), thumbnailHref);
        return html.append("</main>\n</body>\n</html>\n").toString();
    }

    private static void appendSummary(StringBuilder html, DemoSummary summary) {
        html.append("<section>\n<h2>Summary</h2>\n<table class=\"summary\">\n");
        for (SummaryTable.Row row : SummaryTable.rows(summary)) {
            html.append(row.ok() ? "<tr>" : "<tr class=\"bad\">")
                    .append("<th>").append(Html.escape(row.label())).append("</th>")
                    .append("<td class=\"num\">").append(Html.escape(row.value())).append("</td></tr>\n");
        }
        html.append("</table>\n</section>\n");
    }

    private static void appendSettings(StringBuilder html, Map<String, String> settings) {
        html.append("<section>\n<h2>Settings</h2>\n");
        if (settings.isEmpty()) {
            html.append("<p class=\"empty\">No settings recorded.</p>\n</section>\n");
            return;
        }
        html.append("<table class=\"settings\">\n");
        new TreeMap<>(settings).forEach((name, value) -> html.append("<tr><th class=\"mono\">")
                .append(Html.escape(name)).append("</th><td class=\"mono\">").append(Html.escape(value))
                .append("</td></tr>\n"));
        html.append("</table>\n</section>\n");
    }

    private static void appendLatency(StringBuilder html, DemoSummary summary) {
        html.append("<h2>Latency</h2>\n<div class=\"chart\">\n")
                .append(LatencyChart.render(summary.images(), summary.startedAt(), summary.latencyP50(),
                        summary.latencyP99()))
                .append("\n</div>\n");
    }

    private static void appendQueueDepths(StringBuilder html, DemoSummary summary) {
        html.append("<h2>Queue depth</h2>\n<div class=\"chart\">\n")
                .append(QueueDepthChart.render(summary.queueDepths(), summary.startedAt()))
                .append("\n</div>\n");
    }

    private static void appendDeadLetters(StringBuilder html, List<ImageRecord> images) {
        List<ImageRecord> failed = images.stream().filter(image -> image.status() == ImageStatus.FAILED).toList();
        html.append("<h2>Dead-lettered (").append(failed.size()).append(")</h2>\n");
        if (failed.isEmpty()) {
            html.append("<p class=\"empty\">None: every image that was accepted finished.</p>\n");
            return;
        }
        html.append("<ul class=\"reasons\">\n");
        for (ImageRecord image : failed) {
            html.append("<li data-image-id=\"").append(Html.escape(image.id())).append("\"><code>")
                    .append(Html.escape(image.id())).append("</code> &middot; ")
                    .append(Html.escape(image.userId())).append(" #").append(image.sequence())
                    .append(" &middot; <span class=\"reason\">")
                    .append(Html.escape(Objects.requireNonNullElse(image.failureReason(), "no reason recorded")))
                    .append("</span></li>\n");
        }
        html.append("</ul>\n");
    }

    private static void appendConsumers(StringBuilder html, Map<String, ConsumerMetrics> metrics) {
        html.append("<h2>Consumers</h2>\n");
        if (metrics.isEmpty()) {
            html.append("<p class=\"empty\">No consumer metrics recorded.</p>\n");
            return;
        }
        html.append("<table class=\"consumers\">\n<tr><th>Consumer</th><th class=\"num\">Received</th>")
                .append("<th class=\"num\">Succeeded</th><th class=\"num\">Failed</th>")
                .append("<th class=\"num\">Retries scheduled</th><th class=\"num\">Moved to retry queue</th>")
                .append("<th class=\"num\">Dead-lettered</th><th class=\"num\">Duplicates skipped</th>")
                .append("<th class=\"num\">Visibility extensions</th><th class=\"num\">Handler p50</th>")
                .append("<th class=\"num\">Handler p99</th></tr>\n");
        new TreeMap<>(metrics).forEach((name, m) -> {
            html.append("<tr><th>").append(Html.escape(name)).append("</th>");
            for (long value : new long[] {m.received(), m.succeeded(), m.failed(), m.retriesScheduled(),
                    m.movedToRetryQueue(), m.deadLettered(), m.duplicatesSkipped(), m.visibilityExtensions()}) {
                html.append("<td class=\"num\">").append(Formats.count(value)).append("</td>");
            }
            html.append("<td class=\"num\">").append(Formats.millis(m.handlerLatencyP50())).append("</td>")
                    .append("<td class=\"num\">").append(Formats.millis(m.handlerLatencyP99())).append("</td></tr>\n");
        });
        html.append("</table>\n");
    }

    private static void appendThumbnails(StringBuilder html, List<ImageRecord> images,
            Function<ImageRecord, Optional<String>> thumbnailHref) {
        html.append("<h2>Images (").append(images.size()).append(")</h2>\n");
        if (images.isEmpty()) {
            html.append("<p class=\"empty\">No images were uploaded.</p>\n");
            return;
        }
        html.append("<div class=\"grid\">\n");
        for (ImageRecord image : images) {
            String status = Html.statusClass(image.status());
            html.append("<article class=\"card ").append(status).append("\" data-image-id=\"")
                    .append(Html.escape(image.id())).append("\" data-status=\"").append(image.status().name())
                    .append("\">\n<div class=\"frame\">");
            Optional<String> href = thumbnailHref.apply(image);
            if (href.isPresent()) {
                html.append("<img class=\"thumb\" src=\"").append(Html.escape(href.get())).append("\" alt=\"")
                        .append(Html.escape(image.userId())).append(" #").append(image.sequence()).append("\">");
            } else {
                html.append("<span class=\"placeholder\">no thumbnail</span>");
            }
            html.append("</div>\n<div class=\"body\">\n<div class=\"title\"><span class=\"user\">")
                    .append(Html.escape(image.userId())).append(" #").append(image.sequence()).append("</span>")
                    .append(Html.badge(image.status())).append("</div>\n<div class=\"meta\">")
                    .append(Html.facts(image)).append("</div>\n");
            if (image.status() == ImageStatus.FAILED) {
                html.append("<div class=\"reason\">").append(Html.escape(image.failureReason())).append("</div>\n");
            }
            html.append("</div>\n</article>\n");
        }
        html.append("</div>\n");
    }
}

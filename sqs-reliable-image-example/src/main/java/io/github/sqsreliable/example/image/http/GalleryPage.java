package io.github.sqsreliable.example.image.http;

import io.github.sqsreliable.example.image.pipeline.ImageRecord;
import io.github.sqsreliable.example.image.pipeline.ImageStatus;
import io.github.sqsreliable.example.image.report.Html;
import java.util.List;
import java.util.Map;

/**
 * The live gallery at {@code GET /}: counts per status, then one card per image in the given order (the
 * {@link io.github.sqsreliable.example.image.pipeline.StatusBoard} gives upload order) with its thumbnail, user,
 * number, status and facts. While any image is unfinished the page reloads itself every
 * {@value #REFRESH_SECONDS} seconds; once all are {@linkplain ImageStatus#finished() finished} it stops, so a
 * finished gallery holds still for screenshots and browser tests.
 *
 * <p>Above the cards, a small live chart of each queue's depth over the last minutes (solid: visible, dashed: in
 * flight), drawn by a few lines of inline script from {@code GET /metrics/history} every {@value #REFRESH_SECONDS}
 * seconds, also once the page holds still.
 *
 * <p>For tests: each card is an {@code <article class="card" data-image-id="..." data-status="...">}, each
 * thumbnail an {@code <img class="thumb">}; the chart is {@code <div id="queue-depth-chart">}, each of its lines a
 * {@code <polyline class="depth visible|inFlight" data-queue="...">}. The page is self-contained (inline CSS, one
 * inline script, nothing from other origins). Thread-safe (stateless).
 */
public final class GalleryPage {

    /** How often an unfinished gallery reloads itself: {@value} seconds. */
    public static final int REFRESH_SECONDS = 2;

    private static final String GALLERY_CSS = """
            header.page { display: flex; flex-wrap: wrap; justify-content: space-between; align-items: flex-end;
                          gap: 16px; }
            header.page nav { display: flex; gap: 16px; font-size: 13px; }
            .count .badge { font-size: 10px; }
            .empty code { background: var(--surface); border: 1px solid var(--border); border-radius: 6px;
                          padding: 2px 6px; }
            section.queues { background: var(--surface); border: 1px solid var(--border); border-radius: 10px;
                             padding: 8px 12px; margin-bottom: 16px; max-width: 760px; }
            section.queues h2 { margin: 0 0 4px; font-size: 13px; color: var(--muted); font-weight: 600; }
            #queue-depth-chart svg { display: block; width: 100%; height: auto; }
            #queue-depth-chart .legend { display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: 12px; }
            """;

    /**
     * Draws {@code GET /metrics/history} into {@code #queue-depth-chart}: the last samples of every queue scaled
     * to the newest one, at least a minute wide. Queue names come from our own API; they are escaped anyway.
     */
    private static final String CHART_SCRIPT = """
            (function () {
              var chart = document.getElementById('queue-depth-chart');
              var colours = ['#2563eb', '#c81e1e', '#15803d', '#b54708', '#7c3aed', '#0e7490'];
              var W = 720, H = 150, L = 34, R = 8, T = 8, B = 18;
              function esc(s) {
                return String(s).replace(/[&<>"']/g, function (c) { return '&#' + c.charCodeAt(0) + ';'; });
              }
              function text(x, y, anchor, s) {
                return '<text x="' + x + '" y="' + y + '" text-anchor="' + anchor
                    + '" font-size="10" fill="#475467">' + esc(s) + '</text>';
              }
              function draw(history) {
                var t0 = Infinity, t1 = -Infinity, max = 5;
                history.queues.forEach(function (q) { q.points.forEach(function (p) {
                  t0 = Math.min(t0, p.at); t1 = Math.max(t1, p.at); max = Math.max(max, p.visible, p.inFlight); }); });
                var span = Math.max(t1 - t0, 60000);
                var svg = '<svg viewBox="0 0 ' + W + ' ' + H + '" role="img" aria-label="queue depth">'
                    + '<line x1="' + L + '" y1="' + (H - B) + '" x2="' + (W - R) + '" y2="' + (H - B)
                    + '" stroke="#98a2b3"/>'
                    + text(L - 4, T + 8, 'end', max) + text(L - 4, H - B, 'end', 0);
                var legend = '';
                if (t0 === Infinity) {
                  svg += text(W / 2, H / 2, 'middle', 'no queue samples yet');
                } else {
                  svg += text(L, H - 4, 'start', '-' + Math.round(span / 1000) + ' s')
                      + text(W - R, H - 4, 'end', 'latest');
                }
                history.queues.forEach(function (q, i) {
                  var colour = colours[i % colours.length];
                  ['visible', 'inFlight'].forEach(function (measure) {
                    var points = q.points.map(function (p) {
                      return (L + (W - L - R) * (p.at - t1 + span) / span).toFixed(1) + ','
                          + (H - B - (H - B - T) * p[measure] / max).toFixed(1);
                    }).join(' ');
                    svg += '<polyline class="depth ' + measure + '" data-queue="' + esc(q.queue)
                        + '" points="' + points + '" fill="none" stroke="' + colour + '" stroke-width="1.5"'
                        + (measure === 'inFlight' ? ' stroke-dasharray="4 3"' : '') + '/>';
                  });
                  legend += '<span style="color:' + colour + '">&#9632; ' + esc(q.queue) + '</span>';
                });
                chart.innerHTML = svg + '</svg><div class="legend">' + legend
                    + '<span>solid: visible &middot; dashed: in flight</span></div>';
              }
              function poll() {
                fetch('/metrics/history').then(function (r) { return r.json(); }).then(draw).catch(function () {});
              }
              poll();
              setInterval(poll, REFRESH_MILLIS);
            })();
            """.replace("REFRESH_MILLIS", Integer.toString(REFRESH_SECONDS * 1000));

    private GalleryPage() {
    }

    /** The gallery of {@code images} as an HTML document. */
    public static String render(List<ImageRecord> images) {
        boolean live = images.stream().anyMatch(image -> !image.status().finished());
        StringBuilder html = new StringBuilder(8192 + images.size() * 700);
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        if (live) {
            html.append("<meta http-equiv=\"refresh\" content=\"").append(REFRESH_SECONDS).append("\">\n");
        }
        html.append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                // An empty icon, so browsers do not ask for /favicon.ico and log a 404.
                .append("<link rel=\"icon\" href=\"data:,\">\n")
                .append("<title>Image pipeline gallery</title>\n")
                .append("<style>\n").append(Html.baseCss()).append(GALLERY_CSS).append("</style>\n")
                .append("</head>\n<body>\n");
        appendHeader(html, images, live);
        html.append("<main>\n<section class=\"queues\">\n<h2>Queue depth</h2>\n")
                .append("<div id=\"queue-depth-chart\"></div>\n</section>\n");
        if (images.isEmpty()) {
            html.append("<p class=\"empty\">No images yet. Upload one with <code>curl --data-binary @photo.jpg ")
                    .append("-H &#39;Content-Type: image/jpeg&#39; &#39;http://HOST/images?user=alice&#39;</code>")
                    .append(" and reload.</p>\n");
        } else {
            html.append("<div class=\"grid\">\n");
            images.forEach(image -> appendCard(html, image));
            html.append("</div>\n");
        }
        return html.append("</main>\n<script>\n").append(CHART_SCRIPT).append("</script>\n</body>\n</html>\n")
                .toString();
    }

    private static void appendHeader(StringBuilder html, List<ImageRecord> images, boolean live) {
        html.append("<header class=\"page\">\n<div>\n<h1>Image pipeline</h1>\n<p class=\"subtitle\">")
                .append(images.size()).append(images.size() == 1 ? " image" : " images").append(" &middot; ")
                .append(live ? "refreshing every " + REFRESH_SECONDS + " s while images are in flight"
                        : "all finished")
                .append("</p>\n<div class=\"counts\">\n");
        for (Map.Entry<ImageStatus, Integer> count : StatusCounts.of(images).entrySet()) {
            html.append("<span class=\"count\" data-status=\"").append(count.getKey().name()).append("\">")
                    .append(Html.badge(count.getKey())).append("<strong>").append(count.getValue())
                    .append("</strong></span>\n");
        }
        html.append("</div>\n</div>\n<nav><a href=\"/images\">records (JSON)</a>")
                .append("<a href=\"/metrics\">metrics (JSON)</a>")
                .append("<a href=\"/metrics?format=prometheus\">metrics (Prometheus)</a>")
                .append("<a href=\"/metrics/history\">queue depth (JSON)</a></nav>\n</header>\n");
    }

    private static void appendCard(StringBuilder html, ImageRecord image) {
        String id = Html.escape(image.id());
        String name = Html.escape(image.userId()) + " #" + image.sequence();
        boolean large = image.variants().containsKey("large");
        html.append("<article class=\"card ").append(Html.statusClass(image.status())).append("\" data-image-id=\"")
                .append(id).append("\" data-status=\"").append(image.status().name()).append("\">\n")
                .append("<div class=\"frame\">");
        if (image.variants().containsKey("small")) {
            html.append("<img class=\"thumb\" src=\"/images/").append(id).append("/small\" alt=\"").append(name)
                    .append("\">");
        } else {
            html.append("<span class=\"placeholder\">").append(placeholder(image.status())).append("</span>");
        }
        html.append("</div>\n<div class=\"body\">\n<div class=\"title\"><span class=\"user\">").append(name)
                .append("</span>").append(Html.badge(image.status())).append("</div>\n<div class=\"meta\">")
                .append(Html.facts(image)).append("</div>\n");
        if (image.status() == ImageStatus.FAILED) {
            html.append("<div class=\"reason\">").append(Html.escape(image.failureReason())).append("</div>\n");
        }
        html.append("<div class=\"links\"><a href=\"/images/").append(id).append("\">JSON</a>");
        if (large) {
            html.append("<a href=\"/images/").append(id).append("/large\">large</a>");
        }
        html.append("</div>\n</div>\n</article>\n");
    }

    private static String placeholder(ImageStatus status) {
        return switch (status) {
            case QUEUED -> "queued";
            case PROCESSING -> "resizing&hellip;";
            case RESIZED, DONE -> "no thumbnail";
            case FAILED -> "no preview";
        };
    }
}

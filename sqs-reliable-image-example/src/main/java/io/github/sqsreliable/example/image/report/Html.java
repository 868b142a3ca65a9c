package io.github.sqsreliable.example.image.report;

import io.github.sqsreliable.example.image.imaging.ImageMetadata;
import io.github.sqsreliable.example.image.pipeline.ImageRecord;
import io.github.sqsreliable.example.image.pipeline.ImageStatus;
import java.util.Locale;

/**
 * HTML helpers shared by the demo's {@link HtmlReport} and the API's live gallery: escaping, status badges and
 * one stylesheet, so the two pages look like one product. Everything a page shows goes through {@link
 * #escape(String)}: user ids and failure reasons come from uploads and messages, and must never become markup.
 *
 * <p>Thread-safe (stateless).
 */
public final class Html {

    private static final String BASE_CSS = """
            :root {
              --bg: #f5f6f8; --surface: #ffffff; --text: #1f2933; --muted: #667085; --border: #e2e5ea;
              --accent: #2f6fde;
              --queued: #64748b; --processing: #2563eb; --resized: #7c3aed; --done: #15803d; --failed: #c81e1e;
            }
            * { box-sizing: border-box; }
            body {
              margin: 0; background: var(--bg); color: var(--text);
              font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
            }
            a { color: var(--accent); text-decoration: none; }
            a:hover { text-decoration: underline; }
            header.page { background: var(--surface); border-bottom: 1px solid var(--border); padding: 20px 32px; }
            header.page h1 { margin: 0 0 4px; font-size: 22px; font-weight: 650; }
            header.page .subtitle { margin: 0; color: var(--muted); }
            main { max-width: 1200px; margin: 0 auto; padding: 24px 32px 48px; }
            h2 { font-size: 16px; margin: 32px 0 12px; }
            code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
            .counts { display: flex; flex-wrap: wrap; gap: 8px; margin-top: 12px; }
            .count {
              display: inline-flex; align-items: center; gap: 6px; padding: 4px 10px;
              background: var(--bg); border: 1px solid var(--border); border-radius: 999px; font-size: 13px;
            }
            .count strong { font-variant-numeric: tabular-nums; }
            .badge {
              display: inline-block; padding: 1px 8px; border-radius: 999px; color: #fff;
              font-size: 11px; font-weight: 600; letter-spacing: .04em; text-transform: uppercase;
            }
            .badge.queued { background: var(--queued); }
            .badge.processing { background: var(--processing); }
            .badge.resized { background: var(--resized); }
            .badge.done { background: var(--done); }
            .badge.failed { background: var(--failed); }
            .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(190px, 1fr)); gap: 16px; }
            .card {
              background: var(--surface); border: 1px solid var(--border); border-radius: 10px; overflow: hidden;
              box-shadow: 0 1px 2px rgba(16, 24, 40, .05);
            }
            .card.failed { border-color: #f3b4b4; }
            .frame {
              height: 150px; display: flex; align-items: center; justify-content: center;
              background: #eceff3; border-bottom: 1px solid var(--border);
            }
            .frame img.thumb { max-width: 100%; max-height: 150px; object-fit: contain; display: block; }
            .placeholder { color: var(--muted); font-size: 12px; text-align: center; padding: 0 12px; }
            .card .body { padding: 10px 12px 12px; }
            .card .title { display: flex; justify-content: space-between; align-items: center; gap: 8px; }
            .card .user { font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
            .card .meta { color: var(--muted); font-size: 12px; margin-top: 4px; }
            .card .reason { color: var(--failed); font-size: 12px; margin-top: 6px; overflow-wrap: anywhere; }
            .card .links { display: flex; gap: 12px; font-size: 12px; margin-top: 8px; }
            table { border-collapse: collapse; background: var(--surface); border: 1px solid var(--border); }
            th, td { padding: 6px 12px; border-bottom: 1px solid var(--border); text-align: left; }
            th { background: #f0f2f5; font-weight: 600; font-size: 12px; color: #344054; }
            td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
            tr.bad td { color: var(--failed); font-weight: 600; }
            .empty { color: var(--muted); }
            """;

    private Html() {
    }

    /**
     * {@code text} with {@code & < > " '} replaced by entities, safe inside elements and quoted attributes;
     * {@code null} becomes the empty string.
     */
    public static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder escaped = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> escaped.append("&amp;");
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&#39;");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }

    /** The CSS class of a status, e.g. {@code "done"}; the stylesheet colours badges and cards by it. */
    public static String statusClass(ImageStatus status) {
        return status.name().toLowerCase(Locale.ROOT);
    }

    /** A coloured badge naming {@code status}, e.g. {@code <span class="badge done">DONE</span>}. */
    public static String badge(ImageStatus status) {
        return "<span class=\"badge " + statusClass(status) + "\">" + status.name() + "</span>";
    }

    /**
     * What is known about an image as one escaped line: format and dimensions once decoded, the upload size,
     * and the upload-to-finish latency once finished, e.g. {@code JPEG · 640×480 · 48.2 KB · 842 ms}.
     */
    public static String facts(ImageRecord image) {
        StringBuilder line = new StringBuilder();
        ImageMetadata metadata = image.metadata();
        if (metadata != null) {
            line.append(metadata.format().name()).append(" &middot; ").append(metadata.width()).append("&times;")
                    .append(metadata.height()).append(" &middot; ");
        }
        line.append(Formats.bytes(image.sizeBytes()));
        image.latency().ifPresent(latency -> line.append(" &middot; ").append(Formats.millis(latency)));
        return line.toString();
    }

    /** The stylesheet both pages start from: page header, badges, the card grid and tables. */
    public static String baseCss() {
        return BASE_CSS;
    }
}

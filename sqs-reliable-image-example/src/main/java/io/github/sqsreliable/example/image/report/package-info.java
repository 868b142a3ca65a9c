/**
 * What the image demo reports when it has run: the {@link io.github.sqsreliable.example.image.report.DemoSummary}
 * of everything it measured, a plain-text {@link io.github.sqsreliable.example.image.report.SummaryTable} for the
 * console, and a self-contained {@link io.github.sqsreliable.example.image.report.HtmlReport} with a thumbnail
 * grid and an SVG {@link io.github.sqsreliable.example.image.report.LatencyChart}. {@link
 * io.github.sqsreliable.example.image.report.Html} holds the escaping and the stylesheet that the report and the
 * API's live gallery share, so both pages look alike.
 */
package io.github.sqsreliable.example.image.report;

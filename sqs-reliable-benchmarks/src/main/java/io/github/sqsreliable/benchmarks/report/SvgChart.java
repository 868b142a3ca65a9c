package io.github.sqsreliable.benchmarks.report;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Draws a {@link BenchmarkRun} as a self-contained SVG horizontal bar chart, about 900 pixels wide: one bar
 * per row (baselines first, then scenarios) as long as its median throughput, whiskers from the slowest to the
 * fastest repetition, the median and ratio at the bar's end, and a dashed line at the baseline's median.
 *
 * <p>Needs no fonts, scripts or files besides itself, so it renders the same in a browser and on GitHub.
 * Stateless and thread-safe.
 */
public final class SvgChart {

    private static final int WIDTH = 900;
    private static final int PLOT_LEFT = 330;
    /** Room right of the plot for the longest end label, e.g. {@code 12,345 · 0.97× ideal}. */
    private static final int PLOT_RIGHT = WIDTH - 160;
    private static final int PLOT_WIDTH = PLOT_RIGHT - PLOT_LEFT;
    private static final int PLOT_TOP = 58;
    private static final int ROW_HEIGHT = 30;
    private static final int BAR_HEIGHT = 18;
    /** Longer titles are cut to fit left of the plot at 13 px; the full title is the row's tooltip. */
    private static final int MAX_LABEL_CHARS = 46;
    /** A generous average glyph width at 12 px, to size the box behind an end label without measuring text. */
    private static final double END_LABEL_CHAR_WIDTH = 6.8;

    private static final String SCENARIO_FILL = "#4c78a8";
    private static final String BASELINE_FILL = "#6b7785";
    private static final String OTHER_RAW_FILL = "#aab4bf";
    private static final String FONTS = "-apple-system, 'Segoe UI', Helvetica, Arial, sans-serif";

    private SvgChart() {}

    /** The SVG document, with its XML declaration, ending with a newline. */
    public static String render(BenchmarkRun run) {
        Objects.requireNonNull(run, "run");
        List<ScenarioResult> rows = Rows.of(run);
        Axis axis = Axis.covering(rows.stream().mapToDouble(row -> Math.max(row.median(), row.max()))
                .filter(Double::isFinite).max().orElse(0));
        int plotBottom = PLOT_TOP + rows.size() * ROW_HEIGHT;
        int height = plotBottom + 52;

        StringBuilder svg = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        add(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
                + " font-family=\"%s\" font-size=\"13\" fill=\"#24292f\">", WIDTH, height, WIDTH, height, FONTS);
        // An opaque background keeps the dark text readable on dark-themed pages.
        add(svg, "  <rect width=\"100%%\" height=\"100%%\" fill=\"#ffffff\"/>");
        add(svg, "  <text x=\"16\" y=\"24\" font-size=\"15\" font-weight=\"bold\">Throughput, messages per second"
                + " (%s run; bar: median, whiskers: min–max)</text>", escape(run.mode()));
        appendAxis(svg, axis, plotBottom);
        // Under the rows, so that their end labels can cover it.
        Rows.baseline(run).ifPresent(baseline -> appendBaselineLine(svg, x(axis, baseline.median()), plotBottom));
        for (int i = 0; i < rows.size(); i++) {
            appendRow(svg, run, rows.get(i), axis, PLOT_TOP + i * ROW_HEIGHT + ROW_HEIGHT / 2.0);
        }
        return svg.append("</svg>\n").toString();
    }

    private static void appendAxis(StringBuilder svg, Axis axis, int plotBottom) {
        add(svg, "  <g class=\"axis\" font-size=\"12\" fill=\"#57606a\">");
        for (double tick : axis.ticks()) {
            double x = x(axis, tick);
            add(svg, "    <line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#d0d7de\"/>",
                    x, PLOT_TOP - 4, x, plotBottom);
            add(svg, "    <text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>",
                    x, plotBottom + 18, axis.label(tick));
        }
        add(svg, "    <line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#57606a\"/>",
                PLOT_LEFT, plotBottom, PLOT_RIGHT, plotBottom);
        add(svg, "    <text x=\"%d\" y=\"%d\" text-anchor=\"middle\">messages per second</text>",
                PLOT_LEFT + PLOT_WIDTH / 2, plotBottom + 38);
        add(svg, "  </g>");
    }

    private static void appendBaselineLine(StringBuilder svg, double x, int plotBottom) {
        add(svg, "  <line class=\"baseline\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#cf222e\""
                + " stroke-width=\"1.5\" stroke-dasharray=\"5 4\"/>", x, PLOT_TOP - 8, x, plotBottom);
        add(svg, "  <text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" font-size=\"12\" fill=\"#cf222e\">"
                + "raw baseline</text>", x, PLOT_TOP - 12);
    }

    private static void appendRow(StringBuilder svg, BenchmarkRun run, ScenarioResult row, Axis axis, double centre) {
        double barEnd = x(axis, row.median());
        double whiskerStart = x(axis, row.min());
        double whiskerEnd = x(axis, row.max());
        String ratio = Rows.ratioLabel(run, row);
        String throughput = Numbers.messagesPerSecond(row.median());
        String endLabel = throughput + " · " + ratio;
        double labelStart = Math.max(barEnd, whiskerEnd) + 6;

        add(svg, "  <g class=\"row\">");
        add(svg, "    <title>%s: %s msg/s (%s–%s), %s</title>", escape(row.title()), throughput,
                Numbers.messagesPerSecond(row.min()), Numbers.messagesPerSecond(row.max()), escape(ratio));
        add(svg, "    <text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>",
                PLOT_LEFT - 8, centre + 4.5, escape(shorten(row.title())));
        add(svg, "    <rect class=\"bar\" x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>",
                PLOT_LEFT, centre - BAR_HEIGHT / 2.0, barEnd - PLOT_LEFT, BAR_HEIGHT, fill(run, row));
        add(svg, "    <path class=\"whisker\" d=\"M%.1f %.1f H%.1f M%.1f %.1f v10 M%.1f %.1f v10\" stroke=\"#24292f\""
                        + " stroke-width=\"1.5\" fill=\"none\"/>",
                whiskerStart, centre, whiskerEnd, whiskerStart, centre - 5, whiskerEnd, centre - 5);
        // A white box under the end label hides the baseline line where it would cross the text.
        add(svg, "    <rect class=\"label-background\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"16\""
                + " fill=\"#ffffff\"/>", labelStart - 2, centre - 8, endLabel.length() * END_LABEL_CHAR_WIDTH + 4);
        add(svg, "    <text x=\"%.1f\" y=\"%.1f\" font-size=\"12\">%s</text>",
                labelStart, centre + 4.5, escape(endLabel));
        add(svg, "  </g>");
    }

    /** Appends one line; {@link Locale#ROOT} so coordinates use a dot whatever the machine's locale. */
    private static void add(StringBuilder svg, String pattern, Object... args) {
        svg.append(String.format(Locale.ROOT, pattern, args)).append('\n');
    }

    private static double x(Axis axis, double value) {
        return PLOT_LEFT + axis.fraction(value) * PLOT_WIDTH;
    }

    /** The run's baseline stands out from the other raw loops, and both from the library's scenarios. */
    private static String fill(BenchmarkRun run, ScenarioResult row) {
        if (row.id().equals(run.baselineId())) {
            return BASELINE_FILL;
        }
        return run.baselines().contains(row) ? OTHER_RAW_FILL : SCENARIO_FILL;
    }

    private static String shorten(String title) {
        if (title.length() <= MAX_LABEL_CHARS) {
            return title;
        }
        int cut = MAX_LABEL_CHARS - 1;
        // Never split a surrogate pair: half of one is not a character, and not valid XML.
        return title.substring(0, Character.isHighSurrogate(title.charAt(cut - 1)) ? cut - 1 : cut).stripTrailing()
                + "…";
    }

    /** Escapes text for XML content and attribute values. */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}

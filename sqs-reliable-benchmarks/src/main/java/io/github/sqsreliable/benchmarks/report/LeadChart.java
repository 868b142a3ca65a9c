package io.github.sqsreliable.benchmarks.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Draws the lead table's throughput as a self-contained SVG: per scenario, one bar per contender (sqs-reliable with
 * its defaults, Spring Cloud AWS with its defaults and tuned) as long as its throughput over the scenario's raw SDK
 * loop (B: over its Little's-law ideal), with a dashed line at 1.0, where the raw loop is. Needs no fonts, scripts
 * or files besides itself. Stateless and thread-safe.
 */
public final class LeadChart {

    private static final int WIDTH = 900;
    private static final int PLOT_LEFT = 300;
    private static final int PLOT_RIGHT = WIDTH - 70;
    private static final int PLOT_TOP = 70;
    private static final int BAR_HEIGHT = 14;
    private static final int BAR_GAP = 3;
    private static final int GROUP_GAP = 16;
    private static final String FONTS = "-apple-system, 'Segoe UI', Helvetica, Arial, sans-serif";

    /** A contender: the suffix of its row id after the library's, its name and colour. */
    private record Contender(String suffix, String name, String fill) {}

    private static final List<Contender> CONTENDERS = List.of(
            new Contender("", "sqs-reliable, defaults", "#4c78a8"),
            new Contender(LeadTable.SCA_DEFAULTS, "Spring Cloud AWS, defaults", "#e0a458"),
            new Contender(LeadTable.SCA_TUNED, "Spring Cloud AWS, tuned", "#b5651d"));

    private LeadChart() {}

    /** The SVG document, with its XML declaration, ending with a newline. */
    public static String render(BenchmarkRun run) {
        Objects.requireNonNull(run, "run");
        record Bar(String label, Contender contender, double ratio) {}
        List<List<Bar>> groups = new ArrayList<>();
        for (LeadTable.Scenario scenario : LeadTable.SCENARIOS) {
            List<Bar> bars = new ArrayList<>();
            for (Contender contender : CONTENDERS) {
                Optional<ScenarioResult> row = run.row(scenario.libraryId() + contender.suffix());
                row.filter(r -> Double.isFinite(r.ratio()))
                        .ifPresent(r -> bars.add(new Bar(scenario.label(), contender, r.ratio())));
            }
            if (!bars.isEmpty()) {
                groups.add(bars);
            }
        }
        double largest = groups.stream().flatMap(List::stream).mapToDouble(Bar::ratio).max().orElse(1);
        Axis axis = Axis.covering(Math.max(1.2, largest));
        int height = PLOT_TOP;
        for (List<Bar> bars : groups) {
            height += bars.size() * (BAR_HEIGHT + BAR_GAP) + GROUP_GAP;
        }
        int plotBottom = height;
        height += 48;

        StringBuilder svg = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        add(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
                + " font-family=\"%s\" font-size=\"13\" fill=\"#24292f\">", WIDTH, height, WIDTH, height, FONTS);
        add(svg, "  <rect width=\"100%%\" height=\"100%%\" fill=\"#ffffff\"/>");
        add(svg, "  <text x=\"16\" y=\"24\" font-size=\"15\" font-weight=\"bold\">Throughput over the raw SDK loop"
                + " (B: over its ideal), %s run</text>", SvgChart.escape(run.mode()));
        double legendX = 16;
        for (Contender contender : CONTENDERS) {
            add(svg, "  <rect x=\"%.1f\" y=\"38\" width=\"12\" height=\"12\" fill=\"%s\"/>", legendX,
                    contender.fill());
            add(svg, "  <text x=\"%.1f\" y=\"48\" font-size=\"12\">%s</text>", legendX + 16,
                    SvgChart.escape(contender.name()));
            legendX += 30 + contender.name().length() * 6.5;
        }
        for (double tick : axis.ticks()) {
            double x = x(axis, tick);
            add(svg, "  <line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#d0d7de\"/>", x, PLOT_TOP - 6, x,
                    plotBottom);
            add(svg, "  <text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" font-size=\"12\" fill=\"#57606a\">%s×</text>",
                    x, plotBottom + 18, axis.label(tick));
        }
        double one = x(axis, 1.0);
        add(svg, "  <line class=\"raw\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#cf222e\""
                + " stroke-width=\"1.5\" stroke-dasharray=\"5 4\"/>", one, PLOT_TOP - 8, one, plotBottom);
        add(svg, "  <text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" font-size=\"12\" fill=\"#57606a\">"
                + "throughput ÷ the raw loop's</text>", (PLOT_LEFT + PLOT_RIGHT) / 2.0, plotBottom + 38);
        double y = PLOT_TOP;
        for (List<Bar> bars : groups) {
            double groupHeight = bars.size() * (BAR_HEIGHT + BAR_GAP);
            add(svg, "  <text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>", PLOT_LEFT - 8,
                    y + groupHeight / 2 + 4, SvgChart.escape(bars.get(0).label()));
            for (Bar bar : bars) {
                double end = x(axis, bar.ratio());
                add(svg, "  <g class=\"bar\"><title>%s, %s: %s</title>", SvgChart.escape(bar.label()),
                        SvgChart.escape(bar.contender().name()), Numbers.ratio(bar.ratio()));
                add(svg, "    <rect x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>", PLOT_LEFT, y,
                        end - PLOT_LEFT, BAR_HEIGHT, bar.contender().fill());
                add(svg, "    <text x=\"%.1f\" y=\"%.1f\" font-size=\"11\">%s</text>", end + 4, y + BAR_HEIGHT - 3,
                        Numbers.ratio(bar.ratio()));
                add(svg, "  </g>");
                y += BAR_HEIGHT + BAR_GAP;
            }
            y += GROUP_GAP;
        }
        return svg.append("</svg>\n").toString();
    }

    private static double x(Axis axis, double value) {
        return PLOT_LEFT + axis.fraction(value) * (PLOT_RIGHT - PLOT_LEFT);
    }

    /** Appends one line; {@link Locale#ROOT} so coordinates use a dot whatever the machine's locale. */
    private static void add(StringBuilder svg, String pattern, Object... args) {
        svg.append(String.format(Locale.ROOT, pattern, args)).append('\n');
    }
}

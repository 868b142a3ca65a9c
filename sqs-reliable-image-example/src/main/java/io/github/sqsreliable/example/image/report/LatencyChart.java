package io.github.sqsreliable.example.image.report;

import io.github.sqsreliable.example.image.pipeline.ImageRecord;
import io.github.sqsreliable.example.image.pipeline.ImageStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Renders upload-to-finish latency as an inline SVG scatter plot: x is when the image was uploaded (seconds
 * since the demo started), y its latency in milliseconds, one dot per finished image (green when done, red when
 * failed), with dashed lines at the p50 and p99 and labelled axes. Plain SVG with no scripts or external
 * resources, so the report opens offline and the chart survives being copied into other documents.
 *
 * <p>Each dot is a {@code <circle class="dot done|failed" data-image-id="...">} with a tooltip. Thread-safe
 * (stateless).
 */
public final class LatencyChart {

    static final int WIDTH = 880;
    static final int HEIGHT = 340;

    private static final int LEFT = 72;
    private static final int RIGHT = WIDTH - 104;
    private static final int TOP = 36;
    private static final int BOTTOM = HEIGHT - 52;
    private static final PlotArea AREA = new PlotArea(LEFT, RIGHT, TOP, BOTTOM);
    private static final int TICKS = 5;
    // Empty or instant runs still get readable axes rather than a zero-width domain.
    private static final double MIN_X_SECONDS = 1;
    private static final double MIN_Y_MILLIS = 10;
    private static final String DONE_COLOUR = "#15803d";
    private static final String FAILED_COLOUR = "#c81e1e";
    private static final String AXIS_COLOUR = "#98a2b3";
    private static final String LABEL_COLOUR = "#475467";

    private LatencyChart() {
    }

    /**
     * The chart as an {@code <svg>} element.
     *
     * @param images the images; those not finished (no {@link ImageRecord#latency()}) are left out
     * @param startedAt the origin of the x axis; earlier uploads are drawn at 0
     * @param p50 where to draw the median line
     * @param p99 where to draw the 99th percentile line
     */
    public static String render(List<ImageRecord> images, Instant startedAt, Duration p50, Duration p99) {
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(p50, "p50");
        Objects.requireNonNull(p99, "p99");
        List<ImageRecord> finished = images.stream().filter(image -> image.latency().isPresent()).toList();
        double maxX = MIN_X_SECONDS;
        double maxY = Math.max(MIN_Y_MILLIS, Math.max(millis(p50), millis(p99)));
        for (ImageRecord image : finished) {
            maxX = Math.max(maxX, secondsSince(startedAt, image));
            maxY = Math.max(maxY, millis(image.latency().orElseThrow()));
        }
        Axis x = Axis.of(maxX);
        Axis y = Axis.of(maxY);

        StringBuilder svg = new StringBuilder(4096 + finished.size() * 160);
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"latency-chart\" viewBox=\"0 0 ")
                .append(WIDTH).append(' ').append(HEIGHT).append("\" width=\"").append(WIDTH)
                .append("\" height=\"").append(HEIGHT).append("\" role=\"img\" font-family=\"system-ui, sans-serif\"")
                .append(" font-size=\"11\">\n")
                .append("<title>Upload-to-finish latency of ").append(finished.size())
                .append(" finished images</title>\n")
                .append("<rect x=\"").append(LEFT).append("\" y=\"").append(TOP).append("\" width=\"")
                .append(RIGHT - LEFT).append("\" height=\"").append(BOTTOM - TOP).append("\" fill=\"#ffffff\"/>\n");
        AREA.appendGrid(svg, x, y);
        appendAxes(svg);
        for (ImageRecord image : finished) {
            appendDot(svg, image, AREA.px(x, secondsSince(startedAt, image)),
                    AREA.py(y, millis(image.latency().orElseThrow())));
        }
        appendPercentile(svg, y, "p50", p50, "#344054");
        appendPercentile(svg, y, "p99", p99, "#b54708");
        appendLegend(svg);
        if (finished.isEmpty()) {
            svg.append("<text x=\"").append((LEFT + RIGHT) / 2).append("\" y=\"").append((TOP + BOTTOM) / 2)
                    .append("\" text-anchor=\"middle\" fill=\"").append(LABEL_COLOUR)
                    .append("\" font-size=\"13\">No finished images</text>\n");
        }
        return svg.append("</svg>").toString();
    }

    private static void appendAxes(StringBuilder svg) {
        svg.append("<line x1=\"").append(LEFT).append("\" y1=\"").append(BOTTOM).append("\" x2=\"").append(RIGHT)
                .append("\" y2=\"").append(BOTTOM).append("\" stroke=\"").append(AXIS_COLOUR).append("\"/>\n")
                .append("<line x1=\"").append(LEFT).append("\" y1=\"").append(TOP).append("\" x2=\"").append(LEFT)
                .append("\" y2=\"").append(BOTTOM).append("\" stroke=\"").append(AXIS_COLOUR).append("\"/>\n")
                .append("<text x=\"").append((LEFT + RIGHT) / 2).append("\" y=\"").append(HEIGHT - 12)
                .append("\" text-anchor=\"middle\" fill=\"").append(LABEL_COLOUR)
                .append("\">upload time since start (s)</text>\n")
                .append("<text transform=\"translate(16 ").append((TOP + BOTTOM) / 2).append(") rotate(-90)\"")
                .append(" text-anchor=\"middle\" fill=\"").append(LABEL_COLOUR)
                .append("\">upload-to-finish latency (ms)</text>\n");
    }

    private static void appendDot(StringBuilder svg, ImageRecord image, double cx, double cy) {
        boolean failed = image.status() == ImageStatus.FAILED;
        svg.append("<circle class=\"dot ").append(failed ? "failed" : "done").append("\" data-image-id=\"")
                .append(Html.escape(image.id())).append("\" cx=\"").append(PlotArea.number(cx)).append("\" cy=\"")
                .append(PlotArea.number(cy)).append("\" r=\"4\" fill=\"").append(failed ? FAILED_COLOUR : DONE_COLOUR)
                .append("\" fill-opacity=\"0.75\"><title>").append(Html.escape(image.userId())).append(" #")
                .append(image.sequence()).append(": ").append(Formats.millis(image.latency().orElseThrow()))
                .append(" (").append(image.status().name()).append(")</title></circle>\n");
    }

    private static void appendPercentile(StringBuilder svg, Axis y, String name, Duration value, String colour) {
        String py = PlotArea.number(AREA.py(y, millis(value)));
        svg.append("<line class=\"percentile ").append(name).append("\" x1=\"").append(LEFT).append("\" y1=\"")
                .append(py).append("\" x2=\"").append(RIGHT).append("\" y2=\"").append(py).append("\" stroke=\"")
                .append(colour).append("\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>")
                .append("<text x=\"").append(RIGHT + 8).append("\" y=\"").append(py)
                .append("\" dy=\"4\" fill=\"").append(colour).append("\" font-weight=\"600\">").append(name)
                .append(' ').append(Formats.millis(value)).append("</text>\n");
    }

    private static void appendLegend(StringBuilder svg) {
        int top = TOP - 16;
        svg.append("<circle cx=\"").append(LEFT + 6).append("\" cy=\"").append(top).append("\" r=\"4\" fill=\"")
                .append(DONE_COLOUR).append("\"/><text x=\"").append(LEFT + 16).append("\" y=\"").append(top)
                .append("\" dy=\"4\" fill=\"").append(LABEL_COLOUR).append("\">done</text>")
                .append("<circle cx=\"").append(LEFT + 66).append("\" cy=\"").append(top).append("\" r=\"4\" fill=\"")
                .append(FAILED_COLOUR).append("\"/><text x=\"").append(LEFT + 76).append("\" y=\"").append(top)
                .append("\" dy=\"4\" fill=\"").append(LABEL_COLOUR).append("\">failed (dead-lettered)</text>\n");
    }

    private static double secondsSince(Instant start, ImageRecord image) {
        return Math.max(0, Duration.between(start, image.uploadedAt()).toNanos() / 1e9);
    }

    private static double millis(Duration duration) {
        return duration.toNanos() / 1e6;
    }

    /** An axis from 0 to a round maximum, with about {@value #TICKS} ticks at 1, 2 or 5 times a power of 10. */
    record Axis(double step, int ticks) {

        static Axis of(double maxValue) {
            double raw = maxValue / TICKS;
            double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
            double residual = raw / magnitude;
            double step = (residual <= 1 ? 1 : residual <= 2 ? 2 : residual <= 5 ? 5 : 10) * magnitude;
            // The small epsilon stops 4.0000001 steps from becoming 5 ticks through floating-point noise.
            return new Axis(step, (int) Math.ceil(maxValue / step - 1e-9));
        }

        double max() {
            return step * ticks;
        }

        String label(double value) {
            if (step >= 1) {
                return String.format(Locale.ROOT, "%,d", Math.round(value));
            }
            int decimals = (int) Math.ceil(-Math.log10(step) - 1e-9);
            return String.format(Locale.ROOT, "%." + decimals + "f", value);
        }
    }
}

package io.github.sqsreliable.example.image.report;

import io.github.sqsreliable.example.image.monitoring.QueueDepthHistory;
import io.github.sqsreliable.example.image.monitoring.QueueDepthHistory.Point;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Renders the queue depths of a run as an inline SVG line chart: x is seconds since the demo started, y messages;
 * each queue has a colour, a solid line for its visible messages and a dashed one for those in flight. Plain SVG, no
 * scripts, like the {@link LatencyChart}.
 *
 * <p>Each line is a {@code <polyline class="depth visible|in-flight" data-queue="<queue name>" points="...">}
 * with one point per sample. Thread-safe (stateless).
 */
public final class QueueDepthChart {

    static final int WIDTH = 880;
    static final int HEIGHT = 300;

    private static final int LEFT = 72;
    private static final int RIGHT = WIDTH - 24;
    private static final int TOP = 56;
    private static final int BOTTOM = HEIGHT - 52;
    private static final PlotArea AREA = new PlotArea(LEFT, RIGHT, TOP, BOTTOM);
    // An instant run or empty queues still get readable axes rather than a zero-height domain.
    private static final double MIN_X_SECONDS = 1;
    private static final double MIN_Y_MESSAGES = 5;
    private static final String[] COLOURS = {"#2563eb", "#c81e1e", "#15803d", "#b54708", "#7c3aed", "#0e7490"};
    private static final String AXIS_COLOUR = "#98a2b3";
    private static final String LABEL_COLOUR = "#475467";

    private QueueDepthChart() {
    }

    /**
     * The chart as an {@code <svg>} element.
     *
     * @param queues each queue's samples, as {@link QueueDepthHistory#snapshot()} gives them
     * @param startedAt the origin of the x axis; earlier samples are drawn at 0
     */
    public static String render(List<QueueDepthHistory.Series> queues, Instant startedAt) {
        Objects.requireNonNull(queues, "queues");
        Objects.requireNonNull(startedAt, "startedAt");
        double maxX = MIN_X_SECONDS;
        double maxY = MIN_Y_MESSAGES;
        int points = 0;
        for (QueueDepthHistory.Series queue : queues) {
            for (Point point : queue.points()) {
                maxX = Math.max(maxX, secondsSince(startedAt, point.at()));
                maxY = Math.max(maxY, Math.max(point.visible(), point.inFlight()));
                points++;
            }
        }
        LatencyChart.Axis x = LatencyChart.Axis.of(maxX);
        LatencyChart.Axis y = LatencyChart.Axis.of(maxY);

        StringBuilder svg = new StringBuilder(4096 + points * 24);
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"queue-depth-chart\" viewBox=\"0 0 ")
                .append(WIDTH).append(' ').append(HEIGHT).append("\" width=\"").append(WIDTH)
                .append("\" height=\"").append(HEIGHT).append("\" role=\"img\" font-family=\"system-ui, sans-serif\"")
                .append(" font-size=\"11\">\n")
                .append("<title>Queue depth of ").append(queues.size()).append(" queues, ").append(points)
                .append(" samples</title>\n")
                .append("<rect x=\"").append(LEFT).append("\" y=\"").append(TOP).append("\" width=\"")
                .append(RIGHT - LEFT).append("\" height=\"").append(BOTTOM - TOP).append("\" fill=\"#ffffff\"/>\n");
        AREA.appendGrid(svg, x, y);
        appendAxes(svg);
        for (int i = 0; i < queues.size(); i++) {
            QueueDepthHistory.Series queue = queues.get(i);
            String colour = COLOURS[i % COLOURS.length];
            appendLine(svg, queue, "visible", colour, "", x, y, startedAt);
            appendLine(svg, queue, "in-flight", colour, " stroke-dasharray=\"5 3\"", x, y, startedAt);
            appendLegend(svg, queue, i, colour);
        }
        if (points == 0) {
            svg.append("<text x=\"").append((LEFT + RIGHT) / 2).append("\" y=\"").append((TOP + BOTTOM) / 2)
                    .append("\" text-anchor=\"middle\" fill=\"").append(LABEL_COLOUR).append("\" font-size=\"13\">")
                    .append("No queue samples (no workers in this process)</text>\n");
        }
        return svg.append("</svg>").toString();
    }

    private static void appendLine(StringBuilder svg, QueueDepthHistory.Series queue, String measure, String colour,
            String dash, LatencyChart.Axis x, LatencyChart.Axis y, Instant startedAt) {
        svg.append("<polyline class=\"depth ").append(measure).append("\" data-queue=\"")
                .append(Html.escape(queue.queueName())).append("\" fill=\"none\" stroke=\"").append(colour)
                .append("\" stroke-width=\"1.5\"").append(dash).append(" points=\"");
        String separator = "";
        for (Point point : queue.points()) {
            long value = measure.equals("visible") ? point.visible() : point.inFlight();
            svg.append(separator).append(PlotArea.number(AREA.px(x, secondsSince(startedAt, point.at())))).append(',')
                    .append(PlotArea.number(AREA.py(y, value)));
            separator = " ";
        }
        svg.append("\"><title>").append(Html.escape(queue.queueName())).append(' ')
                .append(measure.equals("visible") ? "visible" : "in flight").append("</title></polyline>\n");
    }

    private static void appendLegend(StringBuilder svg, QueueDepthHistory.Series queue, int index, String colour) {
        int column = index % 3;
        int row = index / 3;
        int left = LEFT + column * 260;
        int top = 14 + row * 16;
        svg.append("<line x1=\"").append(left).append("\" y1=\"").append(top).append("\" x2=\"").append(left + 18)
                .append("\" y2=\"").append(top).append("\" stroke=\"").append(colour).append("\" stroke-width=\"2\"/>")
                .append("<text x=\"").append(left + 24).append("\" y=\"").append(top).append("\" dy=\"4\" fill=\"")
                .append(LABEL_COLOUR).append("\">").append(Html.escape(queue.queueName())).append(" (")
                .append(queue.role().name().toLowerCase(Locale.ROOT).replace('_', '-')).append(")</text>\n");
    }

    private static void appendAxes(StringBuilder svg) {
        svg.append("<line x1=\"").append(LEFT).append("\" y1=\"").append(BOTTOM).append("\" x2=\"").append(RIGHT)
                .append("\" y2=\"").append(BOTTOM).append("\" stroke=\"").append(AXIS_COLOUR).append("\"/>\n")
                .append("<line x1=\"").append(LEFT).append("\" y1=\"").append(TOP).append("\" x2=\"").append(LEFT)
                .append("\" y2=\"").append(BOTTOM).append("\" stroke=\"").append(AXIS_COLOUR).append("\"/>\n")
                .append("<text x=\"").append((LEFT + RIGHT) / 2).append("\" y=\"").append(HEIGHT - 12)
                .append("\" text-anchor=\"middle\" fill=\"").append(LABEL_COLOUR)
                .append("\">time since start (s) &middot; solid: visible, dashed: in flight</text>\n")
                .append("<text transform=\"translate(16 ").append((TOP + BOTTOM) / 2).append(") rotate(-90)\"")
                .append(" text-anchor=\"middle\" fill=\"").append(LABEL_COLOUR).append("\">messages</text>\n");
    }

    private static double secondsSince(Instant start, Instant at) {
        return Math.max(0, Duration.between(start, at).toNanos() / 1e9);
    }
}

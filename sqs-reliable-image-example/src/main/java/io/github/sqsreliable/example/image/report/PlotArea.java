package io.github.sqsreliable.example.image.report;

import java.util.Locale;

/**
 * Where a chart plots, in SVG pixels: turns axis values into positions and draws the grid with its tick labels. Shared
 * by the report's charts, which differ only in size and in what they plot.
 *
 * @param left the x of the y axis
 * @param right the x where the x axis ends
 * @param top the y where the y axis ends
 * @param bottom the y of the x axis
 */
record PlotArea(int left, int right, int top, int bottom) {

    static final String GRID_COLOUR = "#eaecf0";
    static final String LABEL_COLOUR = "#475467";

    double px(LatencyChart.Axis x, double value) {
        return left + (right - left) * value / x.max();
    }

    double py(LatencyChart.Axis y, double value) {
        return bottom - (bottom - top) * value / y.max();
    }

    /** A grid line and a label at every tick of both axes. */
    void appendGrid(StringBuilder svg, LatencyChart.Axis x, LatencyChart.Axis y) {
        for (int i = 0; i <= x.ticks(); i++) {
            double value = i * x.step();
            String px = number(px(x, value));
            svg.append("<line x1=\"").append(px).append("\" y1=\"").append(top).append("\" x2=\"").append(px)
                    .append("\" y2=\"").append(bottom).append("\" stroke=\"").append(GRID_COLOUR).append("\"/>")
                    .append("<text x=\"").append(px).append("\" y=\"").append(bottom + 16)
                    .append("\" text-anchor=\"middle\" fill=\"").append(LABEL_COLOUR).append("\">")
                    .append(x.label(value)).append("</text>\n");
        }
        for (int i = 0; i <= y.ticks(); i++) {
            double value = i * y.step();
            String py = number(py(y, value));
            svg.append("<line x1=\"").append(left).append("\" y1=\"").append(py).append("\" x2=\"").append(right)
                    .append("\" y2=\"").append(py).append("\" stroke=\"").append(GRID_COLOUR).append("\"/>")
                    .append("<text x=\"").append(left - 8).append("\" y=\"").append(py)
                    .append("\" dy=\"4\" text-anchor=\"end\" fill=\"").append(LABEL_COLOUR).append("\">")
                    .append(y.label(value)).append("</text>\n");
        }
    }

    /** @return a coordinate with one decimal, whatever the locale */
    static String number(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }
}

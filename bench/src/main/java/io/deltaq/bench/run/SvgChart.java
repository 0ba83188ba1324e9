package io.deltaq.bench.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A line chart as SVG text, drawn by hand: linear x, logarithmic y (or linear from 0 with
 * {@link #linearY()}), one polyline (with dots) per series, grid lines, a legend. Points with a
 * NaN y are left out, and on a log axis those with a non-positive y (it has no place for them).
 */
final class SvgChart {

    record Point(double x, double y) {
    }

    record Series(String name, String color, String dash, List<Point> points) {
    }

    private static final int WIDTH = 900;
    private static final int HEIGHT = 520;
    private static final int LEFT = 80;
    private static final int RIGHT = 190;
    private static final int TOP = 50;
    private static final int BOTTOM = 60;

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final List<Series> series = new ArrayList<>();
    private double xFrom = Double.NaN;
    private boolean linearY;

    SvgChart(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    /** Starts the x axis at {@code x} even when the data starts later (a gap is then visible). */
    SvgChart xFrom(double x) {
        this.xFrom = x;
        return this;
    }

    /** A linear y axis from 0, for figures whose trend matters more than their orders of magnitude. */
    SvgChart linearY() {
        this.linearY = true;
        return this;
    }

    SvgChart add(Series s) {
        series.add(s);
        return this;
    }

    String render() {
        double minX = Double.MAX_VALUE;
        double maxX = -Double.MAX_VALUE;
        double minY = Double.MAX_VALUE;
        double maxY = -Double.MAX_VALUE;
        for (Series s : series) {
            for (Point p : s.points()) {
                if (!plottable(p)) {
                    continue;
                }
                minX = Math.min(minX, p.x());
                maxX = Math.max(maxX, p.x());
                minY = Math.min(minY, p.y());
                maxY = Math.max(maxY, p.y());
            }
        }
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT));
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.append(text(WIDTH / 2.0, 28, "middle", 16, title));
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\""
                + " stroke=\"#444\"/>%n", LEFT, TOP, plotW, plotH));
        if (minX == Double.MAX_VALUE) {
            svg.append(text(LEFT + plotW / 2.0, TOP + plotH / 2.0, "middle", 14, "no data"));
            return svg.append("</svg>\n").toString();
        }
        if (!Double.isNaN(xFrom) && xFrom < minX) {
            minX = xFrom;
        }
        if (maxX == minX) {
            minX -= 1;
            maxX += 1;
        }
        final double x0 = minX;
        final double x1 = maxX;
        java.util.function.DoubleUnaryOperator sx = x -> LEFT + (x - x0) / (x1 - x0) * plotW;
        java.util.function.DoubleUnaryOperator sy;
        if (linearY) {
            List<Double> yTicks = ticks(0, maxY > 0 ? maxY : 1);
            double step = yTicks.size() > 1 ? yTicks.get(1) - yTicks.get(0) : 1;
            double last = yTicks.get(yTicks.size() - 1);
            final double top = last < maxY ? last + step : last;
            sy = y -> TOP + plotH - y / top * plotH;
            for (double t = 0; t <= top + step * 1e-9; t += step) {
                double y = sy.applyAsDouble(t);
                svg.append(line(LEFT, y, LEFT + plotW, y, "#ddd", ""));
                svg.append(text(LEFT - 8, y + 4, "end", 12, formatNumber(t)));
            }
        } else {
            double lowDecade = Math.floor(Math.log10(minY));
            double highDecade = Math.ceil(Math.log10(maxY));
            if (highDecade == lowDecade) {
                highDecade += 1;
            }
            final double d0 = lowDecade;
            final double d1 = highDecade;
            sy = y -> TOP + plotH - (Math.log10(y) - d0) / (d1 - d0) * plotH;
            decades(svg, sy, lowDecade, highDecade, plotW);
        }
        axes(svg, sx, sy, minX, maxX, plotW, plotH);
        return svg.append("</svg>\n").toString();
    }

    private static void decades(StringBuilder svg, java.util.function.DoubleUnaryOperator sy, double lowDecade,
            double highDecade, int plotW) {
        for (double d = lowDecade; d <= highDecade; d++) {
            double y = sy.applyAsDouble(Math.pow(10, d));
            svg.append(line(LEFT, y, LEFT + plotW, y, "#ddd", ""));
            svg.append(text(LEFT - 8, y + 4, "end", 12, formatNumber(Math.pow(10, d))));
            for (int m = 2; m < 10 && d < highDecade; m++) {
                double ym = sy.applyAsDouble(m * Math.pow(10, d));
                svg.append(line(LEFT, ym, LEFT + 5, ym, "#999", ""));
            }
        }
    }

    private void axes(StringBuilder svg, java.util.function.DoubleUnaryOperator sx, java.util.function.DoubleUnaryOperator sy,
            double minX, double maxX, int plotW, int plotH) {
        for (double x : ticks(minX, maxX)) {
            double px = sx.applyAsDouble(x);
            svg.append(line(px, TOP + plotH, px, TOP + plotH + 5, "#444", ""));
            svg.append(line(px, TOP, px, TOP + plotH, "#f0f0f0", ""));
            svg.append(text(px, TOP + plotH + 20, "middle", 12, formatNumber(x)));
        }
        svg.append(text(LEFT + plotW / 2.0, HEIGHT - 15, "middle", 13, xLabel));
        svg.append(String.format(Locale.ROOT, "<text x=\"20\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"13\""
                + " transform=\"rotate(-90 20 %.1f)\">%s</text>%n", TOP + plotH / 2.0, TOP + plotH / 2.0, escape(yLabel)));

        int legendY = TOP + 10;
        for (Series s : series) {
            StringBuilder points = new StringBuilder();
            StringBuilder dots = new StringBuilder();
            for (Point p : s.points()) {
                if (!plottable(p)) {
                    continue;
                }
                double px = sx.applyAsDouble(p.x());
                double py = sy.applyAsDouble(p.y());
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
                dots.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"/>%n", px, py,
                        s.color()));
            }
            svg.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.8\"%s"
                    + " points=\"%s\"/>%n", s.color(), dashAttribute(s.dash()), points.toString().trim()));
            svg.append(dots);
            svg.append(line(LEFT + plotW + 15, legendY, LEFT + plotW + 45, legendY, s.color(), s.dash()));
            svg.append(text(LEFT + plotW + 52, legendY + 4, "start", 12, s.name()));
            legendY += 20;
        }
    }

    private boolean plottable(Point p) {
        return Double.isFinite(p.x()) && Double.isFinite(p.y()) && (linearY ? p.y() >= 0 : p.y() > 0);
    }

    /** About six round tick values covering [min, max]. */
    static List<Double> ticks(double min, double max) {
        double span = max - min;
        double raw = span / 6;
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = magnitude;
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * magnitude >= raw) {
                step = m * magnitude;
                break;
            }
        }
        List<Double> ticks = new ArrayList<>();
        for (double t = Math.ceil(min / step) * step; t <= max + step * 1e-9; t += step) {
            ticks.add(t);
        }
        return ticks;
    }

    static String formatNumber(double v) {
        if (v >= 1_000_000 && v % 1_000_000 == 0) {
            return String.format(Locale.ROOT, "%.0fM", v / 1_000_000);
        }
        if (v >= 1_000 && v % 1_000 == 0) {
            return String.format(Locale.ROOT, "%.0fk", v / 1_000);
        }
        if (v >= 1 && v == Math.rint(v)) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        return String.format(Locale.ROOT, "%s", (float) v);
    }

    private static String line(double x1, double y1, double x2, double y2, String color, String dash) {
        return String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"%s/>%n",
                x1, y1, x2, y2, color, dashAttribute(dash));
    }

    private static String dashAttribute(String dash) {
        return dash == null || dash.isEmpty() ? "" : " stroke-dasharray=\"" + dash + "\"";
    }

    private static String text(double x, double y, String anchor, int size, String content) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\">%s</text>%n",
                x, y, anchor, size, escape(content));
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}

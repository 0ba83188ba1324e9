package io.deltaq.bench.run;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Whether a soak figure grows: a least-squares line through the last two thirds of its samples
 * (the first third is the topic filling up to its steady state: retention, compaction and log
 * cleanup only start to act after their ages), and the rise of that line across the window
 * compared with the window's median. Growing when the rise is more than {@link #RELATIVE} of the
 * median and more than the figure's absolute floor (so that a figure near zero, e.g. a few files,
 * is not called growing for a step of one); flat otherwise. Noise moves the fitted line little:
 * a fit over many samples averages it out, where comparing two samples would not.
 */
final class Trend {

    /** The fitted rise that counts as growth, as a fraction of the window's median. */
    static final double RELATIVE = 0.20;
    /** Fewer samples in the window than this cannot show a trend. */
    static final int MIN_SAMPLES = 3;

    enum Kind { FLAT, GROWING, UNKNOWN }

    /**
     * @param rise the fitted line's rise across the window (negative: falling)
     * @param median the median of the window's values
     * @param samples samples in the window
     */
    record Verdict(Kind kind, double rise, double median, int samples) {

        String word() {
            return switch (kind) {
                case FLAT -> "flat";
                case GROWING -> "growing";
                case UNKNOWN -> "n/a";
            };
        }
    }

    private Trend() {
    }

    /**
     * Judges {@code values}, sampled at {@code times} (NaN values are left out: a figure not known at
     * that sample), with {@code floor} the least rise, in the figure's unit, that can count as growth.
     */
    static Verdict judge(double[] times, double[] values, double floor) {
        List<double[]> known = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            if (Double.isFinite(values[i]) && Double.isFinite(times[i])) {
                known.add(new double[] {times[i], values[i]});
            }
        }
        int from = known.size() / 3;
        List<double[]> window = known.subList(from, known.size());
        int n = window.size();
        if (n < MIN_SAMPLES) {
            return new Verdict(Kind.UNKNOWN, Double.NaN, Double.NaN, n);
        }
        double meanT = 0;
        double meanV = 0;
        for (double[] p : window) {
            meanT += p[0];
            meanV += p[1];
        }
        meanT /= n;
        meanV /= n;
        double covariance = 0;
        double variance = 0;
        for (double[] p : window) {
            covariance += (p[0] - meanT) * (p[1] - meanV);
            variance += (p[0] - meanT) * (p[0] - meanT);
        }
        double slope = variance == 0 ? 0 : covariance / variance;
        double rise = slope * (window.get(n - 1)[0] - window.get(0)[0]);
        double[] sorted = window.stream().mapToDouble(p -> p[1]).sorted().toArray();
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        boolean growing = rise > RELATIVE * Math.abs(median) && rise > floor;
        return new Verdict(growing ? Kind.GROWING : Kind.FLAT, rise, median, n);
    }

    /** The rule, for the summary. */
    static String rule() {
        return String.format(Locale.ROOT, "a least-squares line through the samples of the last two thirds of the run"
                + " (the first third is the topic filling up: retention, compaction and cleanup start after their ages);"
                + " **growing** when the line's rise across that window is more than %.0f%% of the window's median and"
                + " more than the figure's floor (in the table), else **flat**; n/a with fewer than %d samples in the"
                + " window", RELATIVE * 100, MIN_SAMPLES);
    }

    static double[] times(int samples, double sampleSeconds) {
        double[] times = new double[samples];
        Arrays.setAll(times, i -> (i + 1) * sampleSeconds);
        return times;
    }
}

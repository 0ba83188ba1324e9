package io.deltaq.bench.run;

import java.util.Arrays;
import java.util.List;

import org.HdrHistogram.Histogram;

/**
 * Where a run's steady state begins, found from its latency rather than assumed from {@code --warmup}:
 * each driver warms up at its own pace (JIT, connections, a broker's or a bucket's first seconds), so
 * a fair comparison sets each one's steady state against the other's.
 *
 * <p>The run's level is the median of the per-second p50s over the last third of the seconds up to the
 * end of the measured time. The steady state begins after the last second, before that third, whose p50
 * was well above the level: more than twice it and more than {@link #SLACK_MS} above it. Seconds in which
 * nothing was delivered do not count either way.
 */
final class SteadyState {

    /** Below this much above the level, a second is steady however it compares as a ratio (noise at a few ms). */
    static final double SLACK_MS = 10;

    /** One second of deliveries, from the run's start. */
    record Second(long tickMicros, Histogram latency) {
    }

    /**
     * @param fromSecond seconds after the run's start (the start of the warm-up) where the steady state
     *     begins: its time to steady state
     * @param latency every delivery from then to the end of the measured time, µs
     */
    record Result(int fromSecond, Histogram latency) {
    }

    private SteadyState() {
    }

    /**
     * The steady state of {@code seconds} (in order, the run's first second first) up to
     * {@code endMicros}; null when fewer than three seconds delivered anything.
     */
    static Result find(List<Second> seconds, long startMicros, long endMicros) {
        List<Second> timed = seconds.stream().filter(s -> s.tickMicros() <= endMicros + 500_000).toList();
        double[] p50 = new double[timed.size()];
        int delivered = 0;
        for (int i = 0; i < timed.size(); i++) {
            Histogram h = timed.get(i).latency();
            p50[i] = h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(50) / 1000.0;
            delivered += Double.isNaN(p50[i]) ? 0 : 1;
        }
        if (delivered < 3) {
            return null;
        }
        int lastThird = timed.size() - Math.max(1, timed.size() / 3);
        double level = median(Arrays.copyOfRange(p50, lastThird, p50.length));
        double band = Math.max(2 * level, level + SLACK_MS);
        int from = 0;
        for (int i = 0; i < lastThird; i++) {
            if (!Double.isNaN(p50[i]) && p50[i] > band) {
                from = i + 1;
            }
        }
        Histogram steady = HistogramCodec.empty();
        for (int i = from; i < timed.size(); i++) {
            steady.add(timed.get(i).latency());
        }
        // A tick reports the second before it: the steady state begins at the tick before the first steady one.
        long beginsMicros = from == 0 ? startMicros : timed.get(from - 1).tickMicros();
        return new Result((int) Math.round((beginsMicros - startMicros) / 1e6), steady);
    }

    private static double median(double[] values) {
        double[] known = Arrays.stream(values).filter(v -> !Double.isNaN(v)).sorted().toArray();
        if (known.length == 0) {
            return Double.NaN;
        }
        int n = known.length;
        return n % 2 == 1 ? known[n / 2] : (known[n / 2 - 1] + known[n / 2]) / 2;
    }
}

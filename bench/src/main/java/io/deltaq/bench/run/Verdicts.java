package io.deltaq.bench.run;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Decides whether a run kept up: it is <em>sustained</em> unless it falls behind. A run falls behind
 * when its consumers had not caught up by the end of the drain time, when the producers could not send
 * at the rate or not on schedule (publish delay p50 above {@code --max-publish-delay}), when its p99
 * passed {@code --max-p99}, when latency was still
 * growing at the end (the median interval p50 of the last third of the intervals, drain included,
 * well above that of the first third), or when the consumers were far behind as the measured time
 * ended (in time of the newest message received, or in messages not yet received at the rate).
 */
final class Verdicts {

    /** Slack on the growth test: latency must more than double and grow by at least this much. */
    static final double GROWTH_SLACK_MS = 50;
    static final double ACHIEVED_FRACTION = 0.95;
    static final double LAG_AT_END_SECONDS = 5;

    private Verdicts() {
    }

    static void judge(RateResult result, BenchSettings settings) {
        if (result.error != null) {
            result.sustained = false;
            result.verdict = "failed: " + result.error
                    + (result.audit != null && !result.audit.clean() ? "; delivery audit failed: " + result.audit.problems() : "");
            return;
        }
        List<String> reasons = new ArrayList<>();
        boolean kills = settings.chaos().kills();
        if (result.audit != null && !result.audit.clean()) {
            // Not a matter of speed: the run broke the queue's promise.
            result.sustained = false;
            result.verdict = "delivery audit failed: " + result.audit.problems();
            return;
        }
        if (kills) {
            // Killed producers leave messages neither acknowledged nor failed, and restarted consumers may see
            // messages again after their committed position: counts prove nothing, the audit above judges.
            if (!result.caughtUp) {
                reasons.add(String.format(Locale.ROOT, "consumers had not delivered the table through its end after %d s"
                        + " of drain", settings.drainSeconds()));
            }
            if (!result.workerFailures.isEmpty()) {
                reasons.add(result.workerFailures.size() + " worker failures, each restarted (first: "
                        + result.workerFailures.get(0) + ")");
            }
        } else if (!result.caughtUp || result.received < result.sent) {
            reasons.add(String.format(Locale.ROOT, "consumers had received %,d of %,d messages after %d s of drain",
                    result.received, result.sent, settings.drainSeconds()));
        }
        double[] growth = kills ? null : growth(result);
        if (!kills) {
            if (result.achievedRate < ACHIEVED_FRACTION * result.rate) {
                reasons.add(String.format(Locale.ROOT, "producers sent only %,.0f msg/s", result.achievedRate));
            }
            double p99 = result.latencyMs(99);
            if (p99 > settings.maxP99Ms()) {
                reasons.add(String.format(Locale.ROOT, "p99 %,.0f ms above --max-p99 %,.0f ms", p99, settings.maxP99Ms()));
            }
            double publishDelay = result.publishDelayMs(50);
            if (publishDelay > settings.maxPublishDelayMs()) {
                reasons.add(String.format(Locale.ROOT, "producers off their schedule: publish delay p50 %,.1f ms above"
                        + " --max-publish-delay %,.0f ms", publishDelay, settings.maxPublishDelayMs()));
            }
            if (growth != null && growth[1] > 2 * growth[0] + GROWTH_SLACK_MS) {
                reasons.add(String.format(Locale.ROOT, "latency still growing (interval p50 %.1f ms in the first third,"
                        + " %.1f ms in the last)", growth[0], growth[1]));
            }
            double lagSeconds = Math.max(result.lagSecondsAtEnd, (double) result.lagMessagesAtEnd / result.rate);
            if (lagSeconds > LAG_AT_END_SECONDS) {
                reasons.add(String.format(Locale.ROOT, "consumers %.1f s behind at the end of the measured time (%,d messages)",
                        lagSeconds, result.lagMessagesAtEnd));
            }
        }
        if (!kills && (result.gaps > 0 || result.duplicates > 0)) {
            reasons.add("delivery not exactly once, in order: " + result.gaps + " missing, " + result.duplicates
                    + " duplicated");
        }
        if (!kills && result.failed > 0) {
            reasons.add(result.failed + " sends failed");
        }
        result.sustained = reasons.isEmpty();
        if (!result.sustained) {
            result.verdict = "falling behind: " + String.join("; ", reasons);
        } else if (kills) {
            // Speed is not judged under kills (every restart's stall is in the measured time): say so, rather
            // than call a p99 of seconds "sustained".
            result.verdict = "caught up under kills (audit clean, every worker restart survived; speed not judged)";
        } else if (growth != null && growth[0] > 2 * growth[1] + GROWTH_SLACK_MS) {
            // Kept up by the end, but a backlog from the start (JIT, first commits) leaked into the measured time.
            result.verdict = String.format(Locale.ROOT, "sustained, after a backlog from the start (interval p50 %.1f ms in"
                    + " the first third, %.1f ms in the last); a longer --warmup keeps it out of the results",
                    growth[0], growth[1]);
        } else {
            result.verdict = "sustained";
        }
    }

    /**
     * Median interval p50 (ms) of the first and last thirds of the intervals that delivered measured
     * messages, the drain's included (late deliveries of measured messages land there), or null if
     * there are too few.
     */
    static double[] growth(RateResult result) {
        List<RateResult.Interval> timed = result.intervals.stream().filter(i -> i.count() > 0).toList();
        if (timed.size() < 3) {
            return null;
        }
        int third = Math.max(1, timed.size() / 3);
        return new double[] {median(timed.subList(0, third)), median(timed.subList(timed.size() - third, timed.size()))};
    }

    private static double median(List<RateResult.Interval> intervals) {
        double[] values = intervals.stream().mapToDouble(i -> i.p50() / 1000.0).toArray();
        Arrays.sort(values);
        int n = values.length;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }
}

package io.deltaq.s3io;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * How long each stage of a client's path took, one histogram per stage of {@code E}: where the time
 * of a batch (a producer's) or a commit (a consumer's) goes between two storage operations. Recording
 * is thread-safe and allocation-free; {@link #snapshot} copies.
 *
 * @param <E> the stages, in path order
 */
public final class StageTimes<E extends Enum<E>> {

    private static final long HIGHEST_TRACKABLE_NANOS = TimeUnit.MINUTES.toNanos(10);

    private final ConcurrentHistogram[] stages;

    public StageTimes(Class<E> stages) {
        this.stages = new ConcurrentHistogram[stages.getEnumConstants().length];
        for (int i = 0; i < this.stages.length; i++) {
            this.stages[i] = new ConcurrentHistogram(HIGHEST_TRACKABLE_NANOS, 2);
        }
    }

    /** Records that {@code stage} took {@code nanos}; a negative time (clocks of two machines) counts as 0. */
    public void record(E stage, long nanos) {
        stages[stage.ordinal()].recordValue(Math.min(Math.max(nanos, 0), HIGHEST_TRACKABLE_NANOS));
    }

    /** A copy of {@code stage}'s times so far, in nanoseconds. */
    public Histogram snapshot(E stage) {
        return stages[stage.ordinal()].copy();
    }

    /** {@code stage}'s time at {@code percentile} (0 to 100) in milliseconds, 0 when nothing was recorded. */
    public double millis(E stage, double percentile) {
        ConcurrentHistogram h = stages[stage.ordinal()];
        return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile) / 1e6;
    }
}

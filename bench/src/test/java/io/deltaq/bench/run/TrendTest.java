package io.deltaq.bench.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.function.IntToDoubleFunction;

import org.junit.jupiter.api.Test;

class TrendTest {

    /** 15 samples a minute apart, as a 15 minute soak takes. */
    private static final int SAMPLES = 15;
    private static final double[] TIMES = Trend.times(SAMPLES, 60);

    private static double[] series(IntToDoubleFunction value) {
        double[] values = new double[SAMPLES];
        for (int i = 0; i < SAMPLES; i++) {
            values[i] = value.applyAsDouble(i);
        }
        return values;
    }

    private static Trend.Kind judge(double floor, IntToDoubleFunction value) {
        return Trend.judge(TIMES, series(value), floor).kind();
    }

    @Test
    void aConstantSeriesIsFlat() {
        Trend.Verdict v = Trend.judge(TIMES, series(i -> 40), 5);
        assertEquals(Trend.Kind.FLAT, v.kind());
        assertEquals(0, v.rise(), 1e-9);
        assertEquals(40, v.median(), 1e-9);
        assertEquals(10, v.samples(), "the last two thirds of 15 samples");
    }

    @Test
    void aSeriesThatFillsUpAndThenHoldsIsFlat() {
        // Live files climb while nothing is old enough to compact or expire, then hold: the first third is ignored.
        assertEquals(Trend.Kind.FLAT, judge(5, i -> i < 5 ? 20 * i : 100 + (i % 2 == 0 ? 3 : -3)));
    }

    @Test
    void aSteadilyGrowingSeriesIsGrowing() {
        Trend.Verdict v = Trend.judge(TIMES, series(i -> 100 + 50 * i), 5);
        assertEquals(Trend.Kind.GROWING, v.kind());
        assertEquals(50 * 9, v.rise(), 1e-6, "the fitted rise from the 6th to the 15th sample");
    }

    /**
     * Seeded noise, judged over many runs: the legal outcomes are stated as rates. Noise of a tenth
     * of the level is never growth; noise of a fifth rarely (the fitted rise's spread is then about
     * half the threshold); steady growth under noise is always found.
     */
    @Test
    void noiseAroundALevelIsFlatAndNoiseAroundAGrowthIsGrowing() {
        Random random = new Random(7);
        int runs = 1000;
        int smallNoiseGrowing = 0;
        int largeNoiseGrowing = 0;
        int growthMissed = 0;
        for (int run = 0; run < runs; run++) {
            // p99 around 80 ms, each sample up to 10% (then 20%) off.
            smallNoiseGrowing += judge(20, i -> 80 * (1 + 0.1 * (random.nextDouble() * 2 - 1))) == Trend.Kind.GROWING ? 1 : 0;
            largeNoiseGrowing += judge(20, i -> 80 * (1 + 0.2 * (random.nextDouble() * 2 - 1))) == Trend.Kind.GROWING ? 1 : 0;
            // Heap after GC growing 6 MiB a minute from 64 MiB, each sample up to 8 MiB off.
            growthMissed += judge(16, i -> 64 + 6 * i + 8 * (random.nextDouble() * 2 - 1)) == Trend.Kind.FLAT ? 1 : 0;
        }
        assertEquals(0, smallNoiseGrowing, "±10% noise called growing");
        assertTrue(largeNoiseGrowing < runs / 20, "±20% noise called growing in " + largeNoiseGrowing + " of " + runs);
        assertEquals(0, growthMissed, "growth under noise called flat");
    }

    @Test
    void aRiseBelowTheFloorIsFlatHoweverLargeRelatively() {
        // From 1 to 3 files: +200%, but two files are no trend.
        assertEquals(Trend.Kind.FLAT, judge(5, i -> 1 + i / 5));
        // The same shape at a larger scale is growth.
        assertEquals(Trend.Kind.GROWING, judge(5, i -> 10 + 10 * (i / 5)));
    }

    @Test
    void aRiseOfLessThanAFifthOfTheMedianIsFlat() {
        // 1000 to 1150 over the window: 15% of the median, far above the floor.
        assertEquals(Trend.Kind.FLAT, judge(5, i -> 1000 + 150.0 * Math.max(0, i - 5) / 9));
        assertEquals(Trend.Kind.GROWING, judge(5, i -> 1000 + 300.0 * Math.max(0, i - 5) / 9));
    }

    @Test
    void aFallingSeriesIsFlat() {
        assertEquals(Trend.Kind.FLAT, judge(5, i -> 500 - 20 * i));
    }

    @Test
    void unknownSamplesAreLeftOutAndTooFewCannotBeJudged() {
        double[] values = series(i -> i % 3 == 0 ? Double.NaN : 100 + 40 * i);
        Trend.Verdict v = Trend.judge(TIMES, values, 5);
        assertEquals(Trend.Kind.GROWING, v.kind());
        assertEquals(7, v.samples(), "10 known samples, the last two thirds of them");
        assertEquals(Trend.Kind.UNKNOWN, Trend.judge(TIMES, series(i -> Double.NaN), 5).kind());
        assertEquals(Trend.Kind.UNKNOWN, Trend.judge(new double[] {1, 2, 3}, new double[] {1, 50, 100}, 5).kind());
        assertTrue(Trend.rule().contains("20%"), Trend.rule());
    }
}

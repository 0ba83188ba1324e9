package io.deltaq.bench.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class SteadyStateTest {

    private static final long START = 1_000_000_000L;

    /** One second per value, each delivering 100 messages of that latency (ms); NaN: nothing delivered. */
    private static List<SteadyState.Second> seconds(double... p50Ms) {
        List<SteadyState.Second> seconds = new ArrayList<>();
        for (int i = 0; i < p50Ms.length; i++) {
            Histogram h = HistogramCodec.empty();
            if (!Double.isNaN(p50Ms[i])) {
                h.recordValueWithCount((long) (p50Ms[i] * 1000), 100);
            }
            seconds.add(new SteadyState.Second(START + (i + 1) * 1_000_000L, h));
        }
        return seconds;
    }

    @Test
    void aSlowStartIsLeftOutFromTheLastSecondWellAboveTheLevel() {
        SteadyState.Result r = SteadyState.find(seconds(600, 300, 150, 40, 22, 20, 21, 19, 20, 22, 20, 21),
                START, START + 12_000_000);
        assertEquals(3, r.fromSecond(), "seconds 1-3 above twice the level of about 20 ms; 40 ms is within it");
        assertEquals(9 * 100, r.latency().getTotalCount());
        assertEquals(40, r.latency().getMaxValue() / 1000);
    }

    @Test
    void aRunSteadyFromItsFirstSecondStartsAtZero() {
        SteadyState.Result r = SteadyState.find(seconds(8, 5, 6, 5, 7, 5), START, START + 6_000_000);
        assertEquals(0, r.fromSecond(), "within 10 ms of the level counts as steady, however the ratio");
        assertEquals(600, r.latency().getTotalCount());
    }

    @Test
    void theDrainAfterTheMeasuredTimeIsNotPartOfIt() {
        SteadyState.Result r = SteadyState.find(seconds(300, 20, 20, 20, 20, 20, 900, 900), START, START + 6_000_000);
        assertEquals(1, r.fromSecond());
        assertEquals(500, r.latency().getTotalCount());
    }

    @Test
    void tooFewSecondsHaveNoSteadyState() {
        assertNull(SteadyState.find(seconds(Double.NaN, 20, 20), START, START + 3_000_000));
    }
}

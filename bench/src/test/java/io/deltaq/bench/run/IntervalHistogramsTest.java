package io.deltaq.bench.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class IntervalHistogramsTest {

    @Test
    void anIntervalHoldsWhatItsSlotReceivedSinceTheSwapBefore() {
        IntervalHistograms histograms = new IntervalHistograms(2);
        histograms.record(0, 100);
        histograms.record(1, 7);
        histograms.record(1, 9);
        histograms.endRun();
        histograms.swap();
        assertEquals(1, histograms.interval(0).getTotalCount());
        assertEquals(100, histograms.interval(0).getMaxValue());
        assertEquals(2, histograms.interval(1).getTotalCount());

        histograms.record(0, 5);
        histograms.endRun();
        histograms.swap();
        assertEquals(1, histograms.interval(0).getTotalCount());
        assertEquals(5, histograms.interval(0).getMaxValue());
        assertEquals(0, histograms.interval(1).getTotalCount());
    }

    /** The legal outcome of swapping while a thread records: every value in exactly one interval. */
    @Test
    void swapsDuringRecordingLoseAndRepeatNothing() throws Exception {
        IntervalHistograms histograms = new IntervalHistograms(1);
        long values = 2_000_000;
        Thread writer = new Thread(() -> {
            for (long i = 0; i < values; i++) {
                histograms.record(0, 1 + (i & 1023));
                if ((i & 255) == 255) {
                    histograms.endRun();
                }
            }
            histograms.endRun();
        }, "interval-writer");
        writer.start();
        long seen = 0;
        while (writer.isAlive()) {
            histograms.swap();
            seen += histograms.interval(0).getTotalCount();
        }
        writer.join();
        histograms.swap();
        seen += histograms.interval(0).getTotalCount();
        assertEquals(values, seen);
    }
}

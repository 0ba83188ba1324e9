package io.deltaq.bench.run;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.WriterReaderPhaser;

/**
 * Histograms that one thread records into and a ticker takes an interval of, like HdrHistogram's
 * {@code Recorder} but cheaper per value: the writer owns plain histograms instead of concurrent
 * ones, a value goes into one of them, and the writer's critical section covers a run of values (a
 * poll's deliveries, a burst of sends) instead of each. Sums over slots are the reader's, once a
 * tick. With three {@code Recorder}s per delivery the harness's recording was a quarter of the
 * consumer JVM's samples at 2M msg/s, and with a critical section (two atomic increments) per
 * value still a seventh: CPU taken from the system it measures.
 *
 * <p>One writer thread, which ends its run ({@link #endRun()}) before it waits for anything: a
 * swap waits for the run in progress. Readers ({@link #swap()}, {@link #interval(int)}) are
 * serialised by the caller.
 */
final class IntervalHistograms {

    private final WriterReaderPhaser phaser = new WriterReaderPhaser();
    private volatile Histogram[] active;
    private Histogram[] inactive;
    /** The writer's: whether a run is open, and its phaser token. */
    private boolean inRun;
    private long runToken;

    /** {@code slots} histograms of microseconds, each with the bench's range and precision. */
    IntervalHistograms(int slots) {
        this.active = newHistograms(slots);
        this.inactive = newHistograms(slots);
    }

    private static Histogram[] newHistograms(int slots) {
        Histogram[] histograms = new Histogram[slots];
        for (int i = 0; i < slots; i++) {
            histograms[i] = HistogramCodec.empty();
        }
        return histograms;
    }

    /** Writer: {@code value} into the histogram of {@code slot}, in the run open or in a new one. */
    void record(int slot, long value) {
        if (!inRun) {
            runToken = phaser.writerCriticalSectionEnter();
            inRun = true;
        }
        active[slot].recordValue(value);
    }

    /** Writer: ends the run of records, if one is open, so that a swap can take them. */
    void endRun() {
        if (inRun) {
            inRun = false;
            phaser.writerCriticalSectionExit(runToken);
        }
    }

    /** Reader: ends the interval; what was recorded in it is {@link #interval(int)} until the next swap. */
    void swap() {
        phaser.readerLock();
        try {
            Histogram[] ended = active;
            for (Histogram histogram : inactive) {
                histogram.reset();
            }
            active = inactive;
            inactive = ended;
            phaser.flipPhase();
        } finally {
            phaser.readerUnlock();
        }
    }

    /** Reader: the values {@code slot} received in the interval the last {@link #swap()} ended. */
    Histogram interval(int slot) {
        return inactive[slot];
    }
}

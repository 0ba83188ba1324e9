package io.deltaq.bench.run;

import java.time.Instant;

/**
 * Wall-clock microseconds without allocating: {@link System#nanoTime()} offset by one reading of
 * the system clock at class load. Every JVM of a run anchors to the same system clock, so times
 * taken in the producer's JVM and the consumer's compare to within a few microseconds, and a clock
 * step during the run (NTP) cannot make a latency negative.
 */
public final class WallClock {

    private static final long ANCHOR_NANOS;
    private static final long ANCHOR_MICROS;

    static {
        // Take the reading whose nanoTime bracket is tightest: the anchor is then off by at most that.
        long bestGap = Long.MAX_VALUE;
        long bestNanos = 0;
        long bestMicros = 0;
        for (int i = 0; i < 20; i++) {
            long before = System.nanoTime();
            Instant now = Instant.now();
            long after = System.nanoTime();
            if (after - before < bestGap) {
                bestGap = after - before;
                bestNanos = before + (after - before) / 2;
                bestMicros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
            }
        }
        ANCHOR_NANOS = bestNanos;
        ANCHOR_MICROS = bestMicros;
    }

    private WallClock() {
    }

    /** Now, in microseconds since the epoch. */
    public static long nowMicros() {
        return ANCHOR_MICROS + (System.nanoTime() - ANCHOR_NANOS) / 1_000;
    }

    /** The {@link System#nanoTime()} reading at wall-clock {@code micros}. */
    public static long nanoTimeAt(long micros) {
        return ANCHOR_NANOS + (micros - ANCHOR_MICROS) * 1_000;
    }

    /** The wall clock, in microseconds, at {@link System#nanoTime()} reading {@code nanoTime}. */
    public static long microsAt(long nanoTime) {
        return ANCHOR_MICROS + (nanoTime - ANCHOR_NANOS) / 1_000;
    }
}

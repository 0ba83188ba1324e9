package io.deltaq.s3io;

import java.time.Duration;

/**
 * How long one storage attempt may take: a floor for the round trip, plus time for every MiB the
 * attempt sends at the slowest bandwidth still considered healthy. A fixed deadline stalls a writer
 * whose batches or checkpoints grew while storage was slow: every attempt of a large object times
 * out and is retried, and none completes.
 *
 * @param floor the deadline of an empty request
 * @param perMiB the time added per MiB of payload (1 s per MiB assumes at least 1 MiB/s)
 */
public record AttemptDeadline(Duration floor, Duration perMiB) {

    /** 1 s per MiB: a 32 MiB batch gets 32 s beyond the floor. */
    public static final Duration DEFAULT_PER_MIB = Duration.ofSeconds(1);

    public AttemptDeadline {
        if (floor.isNegative() || floor.isZero()) {
            throw new IllegalArgumentException("an attempt deadline's floor must be positive, was " + floor);
        }
        if (perMiB.isNegative()) {
            throw new IllegalArgumentException("an attempt deadline's time per MiB must not be negative, was " + perMiB);
        }
    }

    /** {@code floor} plus the default time per MiB. */
    public static AttemptDeadline of(Duration floor) {
        return new AttemptDeadline(floor, DEFAULT_PER_MIB);
    }

    /** The deadline of an attempt that sends {@code bytes}, in nanoseconds (saturating). */
    public long nanosFor(long bytes) {
        long perByte = perMiB.toNanos();
        long extra = bytes <= 0 || perByte == 0 ? 0
                : bytes > Long.MAX_VALUE / perByte ? Long.MAX_VALUE : bytes * perByte >> 20;
        long total = floor.toNanos() + extra;
        return total < 0 ? Long.MAX_VALUE : total;
    }
}

package io.deltaq.s3io;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Requests sent by one store, per operation: every attempt counts, retries included, so the
 * counts are what the storage service saw and billed.
 *
 * <p>Recording is thread-safe and allocation-free; {@link #snapshot} copies.
 */
public final class StoreMetrics {

    /** The storage operations, one per {@link ObjectStore} method. */
    public enum Operation {
        PUT_IF_ABSENT, PUT, GET, GET_RANGE, LIST, DELETE;

        private final String label = name().toLowerCase(Locale.ROOT).replace('_', '-');

        /**
         * How messages, metric names and fault specs name it: {@code put-if-absent}, {@code put},
         * {@code get}, {@code get-range}, {@code list}, {@code delete}.
         */
        public String label() {
            return label;
        }
    }

    /**
     * What one operation did.
     *
     * @param requests attempts sent, retries included
     * @param failures attempts that failed (a 412 or a missing key is an answer, not a failure)
     * @param retries attempts that were retries of an earlier one
     * @param bytes payload bytes written or read
     * @param latencyNanos the latency of each attempt, in nanoseconds
     */
    public record OperationStats(
            Operation operation, long requests, long failures, long retries, long bytes, Histogram latencyNanos) {

        /** The latency at {@code percentile} (0 to 100) in microseconds, 0 when nothing was recorded. */
        public double latencyMicros(double percentile) {
            return latencyNanos.getTotalCount() == 0
                    ? 0
                    : latencyNanos.getValueAtPercentile(percentile) / 1_000.0;
        }
    }

    private static final long HIGHEST_TRACKABLE_NANOS = TimeUnit.MINUTES.toNanos(10);

    private final Counters[] counters = new Counters[Operation.values().length];

    public StoreMetrics() {
        for (Operation op : Operation.values()) {
            counters[op.ordinal()] = new Counters();
        }
    }

    /** Records one attempt. For store implementations. */
    public void record(Operation op, long latencyNanos, long bytes, boolean failed, boolean retry) {
        Counters c = counters[op.ordinal()];
        c.requests.increment();
        if (failed) {
            c.failures.increment();
        }
        if (retry) {
            c.retries.increment();
        }
        c.bytes.add(bytes);
        c.latency.recordValue(Math.min(Math.max(latencyNanos, 0), HIGHEST_TRACKABLE_NANOS));
    }

    /** A copy of one operation's figures. */
    public OperationStats snapshot(Operation op) {
        Counters c = counters[op.ordinal()];
        return new OperationStats(op, c.requests.sum(), c.failures.sum(), c.retries.sum(), c.bytes.sum(),
                c.latency.copy());
    }

    /** A copy of every operation's figures. */
    public Map<Operation, OperationStats> snapshot() {
        Map<Operation, OperationStats> all = new EnumMap<>(Operation.class);
        for (Operation op : Operation.values()) {
            all.put(op, snapshot(op));
        }
        return all;
    }

    /** Attempts sent across all operations. */
    public long totalRequests() {
        long total = 0;
        for (Counters c : counters) {
            total += c.requests.sum();
        }
        return total;
    }

    private static final class Counters {
        final LongAdder requests = new LongAdder();
        final LongAdder failures = new LongAdder();
        final LongAdder retries = new LongAdder();
        final LongAdder bytes = new LongAdder();
        final ConcurrentHistogram latency = new ConcurrentHistogram(HIGHEST_TRACKABLE_NANOS, 2);
    }
}

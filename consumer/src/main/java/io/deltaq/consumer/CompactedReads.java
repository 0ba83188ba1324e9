package io.deltaq.consumer;

import io.deltaq.deltalog.CompactedRange;
import io.deltaq.deltalog.DeltaTable;
import io.deltaq.deltalog.LiveFile;
import io.deltaq.deltalog.Position;
import io.deltaq.deltalog.Snapshot;
import io.deltaq.s3io.Futures;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Reading versions whose commit or data files maintenance removed (docs/rfcs/0005-maintenance.md,
 * "Consumers"): after a compaction, vacuum deletes the original files and log cleanup the commits,
 * while every row stays, at its original position, in the live compacted file whose
 * {@link CompactedRange} covers its version. When the tailer finds a version's commit gone (a gap)
 * or a data file gone, it {@link #request}s the version here; {@link #lookUp} finds the covering
 * file in the latest snapshot and makes the {@link Plan}: the range's versions from the one asked
 * for, each a {@link PendingCommit} reading its window of the file (fetched once for all of them),
 * and the tail going on after the range. A version no compacted file covers is either before the
 * log start (out of range: {@code auto.offset.reset} decides) or the original error stands.
 *
 * <p>The lookup loads a snapshot, blocking the tailer thread as the start's resolution does; it
 * happens once per compacted range, not per commit. Its storage faults that pass are retried under
 * {@code read.retry.*} on the tailer's schedule. Used by the tailer thread only.
 */
final class CompactedReads {

    /**
     * Where reading goes on.
     *
     * @param snapshot the latest snapshot, whose protocol and metadata the tail starts from
     * @param from the first position to deliver
     * @param file the compacted file holding {@code from}'s version, or null to read it from the log
     * @param range {@code file}'s range, or null
     * @param reset whether {@code auto.offset.reset} moved the position here
     */
    record Plan(Snapshot snapshot, Position from, LiveFile file, CompactedRange range, boolean reset) {
        /** The version the tail reads first. */
        long tailFrom() {
            return range == null ? from.version() : range.toVersion() + 1;
        }
    }

    private final DeltaTable table;
    private final String tableName;
    private final ConsumerConfig config;
    private final ReadRetry reads;
    private final ReadRetry.Budget failures;
    private final BiConsumer<Object, Throwable> wakeOnCompletion;

    // The version asked for, while its lookup is pending.
    private boolean pending;
    private Position wanted;
    private ConsumerException otherwise;
    private String unusable;
    private long nextAttemptNs;

    CompactedReads(DeltaTable table, ConsumerConfig config, ReadRetry reads, Runnable wake) {
        this.table = table;
        this.tableName = table.location();
        this.config = config;
        this.reads = reads;
        this.failures = reads.new Budget();
        this.wakeOnCompletion = (result, error) -> wake.run();
    }

    /**
     * Asks for {@code position} to be read from a compacted file at the next {@link #lookUp}.
     *
     * @param otherwise the error to raise when no compacted file holds it and it is not out of range
     * @param unusable the path of a file that cannot serve it (a compacted file found missing), or null
     */
    void request(Position position, ConsumerException otherwise, String unusable, long nowNs) {
        pending = true;
        wanted = position;
        this.otherwise = otherwise;
        this.unusable = unusable;
        nextAttemptNs = nowNs;
        failures.succeeded();
    }

    /** Whether a version waits for its lookup: the tailer reads nothing more from the log meanwhile. */
    boolean pending() {
        return pending;
    }

    void cancel() {
        pending = false;
        wanted = null;
        otherwise = null;
        unusable = null;
    }

    /**
     * The plan for the requested version, when its lookup is due; null while it is not, or after a
     * storage fault that passes (it is tried again after a backoff).
     *
     * @throws PositionOutOfRangeException if the version is before the log start and
     *     {@code auto.offset.reset} is {@code none}
     * @throws ConsumerException the error given with the request when no compacted file holds the
     *     version and it is not before the log start; or a storage failure that does not pass
     */
    Plan lookUp(long nowNs) {
        if (!pending || nowNs - nextAttemptNs < 0) {
            return null;
        }
        Snapshot latest;
        long oldest;
        try {
            latest = table.snapshot();
            oldest = CompactedRange.fileCovering(latest, wanted.version()).isPresent() ? -1 : oldestInLog();
        } catch (RuntimeException e) {
            if (!ReadRetry.retryable(e)) {
                // No snapshot (a gap or a corrupt commit ahead): no compacted file can be found, the original error stands.
                ConsumerException error = otherwise;
                cancel();
                error.addSuppressed(e);
                throw error;
            }
            try {
                nextAttemptNs = nowNs + failures.backoffAfter(e, nowNs);
            } catch (RuntimeException fatal) {
                cancel();
                throw fatal;
            }
            return null;
        }
        Position position = wanted;
        ConsumerException error = otherwise;
        String skipFile = unusable;
        cancel();
        Optional<LiveFile> cover = CompactedRange.fileCovering(latest, position.version());
        if (cover.isPresent() && !cover.get().path().equals(skipFile)) {
            return covered(latest, position, cover.get(), false);
        }
        long logStart = CompactedRange.logStartVersion(latest, oldest < 0 ? oldestInLog() : oldest);
        if (position.version() < logStart) {
            Position to = resetTarget(config, tableName, position, logStart, latest.version());
            return at(latest, to, true);
        }
        throw error;
    }

    /**
     * The plan for reading from {@code position} on with {@code latest}: from the compacted file
     * covering its version, or from the log.
     */
    Plan at(Snapshot latest, Position position, boolean reset) {
        Optional<LiveFile> cover = CompactedRange.fileCovering(latest, position.version());
        return cover.isPresent() ? covered(latest, position, cover.get(), reset)
                : new Plan(latest, position, null, null, reset);
    }

    private Plan covered(Snapshot latest, Position position, LiveFile file, boolean reset) {
        CompactedRange range = CompactedRange.of(file.add(), file.addedInVersion()).orElseThrow();
        return new Plan(latest, position, file, range, reset);
    }

    /**
     * Appends the plan's versions read from its compacted file to {@code pipeline}, each with its
     * window of the file, and starts the file's one GET. A version with no rows delivers nothing.
     */
    void enqueue(Plan plan, ArrayDeque<PendingCommit> pipeline) {
        CompactedRange range = plan.range();
        LiveFile file = plan.file();
        CompletableFuture<byte[]> bytes = null;
        for (long v = plan.from().version(); v <= range.toVersion(); v++) {
            PendingCommit c = new PendingCommit(v, v == plan.from().version() ? plan.from().index() : 0);
            long rows = range.rowsOf(v);
            if (rows > 0) {
                if (bytes == null) {
                    bytes = reads.read(() -> table.readDataFile(file));
                    bytes.whenComplete(wakeOnCompletion);
                }
                long first = range.firstRowOf(v);
                if (first + rows > Integer.MAX_VALUE) {
                    throw ConsumerErrors.compactedFileTooShort(tableName, v, file.path(), first + rows,
                            Integer.MAX_VALUE);
                }
                @SuppressWarnings("unchecked")
                CompletableFuture<byte[]>[] data = new CompletableFuture[] {bytes};
                c.files = new LiveFile[] {file};
                c.rowsFromStats = new long[] {rows};
                c.data = data;
                c.windowStart = (int) first;
                c.windowRows = rows;
            }
            pipeline.addLast(c);
        }
    }

    /**
     * Where a position before the log start goes, by {@code auto.offset.reset}.
     *
     * @throws PositionOutOfRangeException for {@code none}
     */
    static Position resetTarget(ConsumerConfig config, String table, Position position, long logStart,
                                long latestVersion) {
        return switch (config.offsetReset()) {
            case NONE -> throw ConsumerErrors.positionOutOfRange(table, position, logStart);
            case EARLIEST -> new Position(logStart, 0);
            case LATEST -> new Position(latestVersion + 1, 0);
        };
    }

    private long oldestInLog() {
        long ioTimeoutNs = TimeUnit.MILLISECONDS.toNanos(table.options().ioTimeout().toMillis());
        return Futures.await(table.firstVersionAfter(-1), ioTimeoutNs, cause ->
                cause instanceof RuntimeException re ? re : ConsumerErrors.readFailed(tableName, -1,
                        "listing the log", cause));
    }
}

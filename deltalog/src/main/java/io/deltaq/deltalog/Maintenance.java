package io.deltaq.deltalog;

import io.deltaq.deltalog.MaintenanceReport.Step;
import io.deltaq.deltalog.MaintenanceReport.StepFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The maintenance of one table (docs/rfcs/0005-maintenance.md): compaction, retention, vacuum and
 * log cleanup, run in that order by {@link #runOnce}. Settings are the table's properties
 * ({@code deltaq.retention.ms}, {@code deltaq.compaction.*}, {@code delta.*RetentionDuration}).
 *
 * <p>Running it is safe at any time and from several processes at once (each commit is conditional
 * and checked against every concurrent one; deletes are of files that are due), but wasteful: the
 * caller elects one maintainer (the lease) and passes its identity, which every maintenance commit
 * records. Not for concurrent use: one thread runs it.
 *
 * <p>As a {@link MaintenancePass} it is what a {@link MaintenanceRunner} runs while it holds the
 * lease, in a producer and in {@code deltaq maintain}.
 */
public final class Maintenance implements MaintenancePass {

    private static final Logger LOG = LoggerFactory.getLogger(Maintenance.class);

    private final DeltaTable table;
    private final LogStore io;
    private final LongSupplier clockMs;
    private final Compaction compaction;
    private final Retention retention;
    private final Vacuum vacuum;
    private final LogCleanup logCleanup;
    private final CommitPause pause;

    private Maintenance(DeltaTable table, LongSupplier clockMs, CommitPause pause) {
        this.table = table;
        this.pause = pause;
        this.io = table.io();
        this.clockMs = clockMs;
        this.compaction = new Compaction(table, io, clockMs);
        this.retention = new Retention(clockMs);
        this.vacuum = new Vacuum(io, clockMs);
        this.logCleanup = new LogCleanup(table, io, clockMs, LogCleanup.MAX_LISTED);
    }

    /**
     * @param clockMs the current time in epoch milliseconds (tests pass a clock they move); compared
     *     with the commit and file times in the log, so it must be wall-clock time
     */
    public static Maintenance of(DeltaTable table, LongSupplier clockMs) {
        return of(table, clockMs, CommitPause.NONE);
    }

    /**
     * The maintenance a producer runs for its own table: its commits pause the producer's for the
     * moment they take ({@link CommitPause}), so that they are not lost to it race after race.
     */
    public static Maintenance of(DeltaTable table, LongSupplier clockMs, CommitPause pause) {
        return new Maintenance(Objects.requireNonNull(table, "table"), Objects.requireNonNull(clockMs, "clockMs"),
                Objects.requireNonNull(pause, "pause"));
    }

    /**
     * Runs the steps once ({@link #runOnce}) for a {@link MaintenanceRunner}.
     *
     * @return the report, or null when the run changed nothing
     * @throws RuntimeException the first step's failure (the others suppressed on it), so that the
     *     runner counts the pass as failed; each was logged already
     */
    @Override
    public MaintenanceReport run(String maintainerInstance, long leaseEpoch) {
        MaintenanceReport report = runOnce(maintainerInstance, leaseEpoch);
        if (!report.succeeded()) {
            RuntimeException first = report.failures().get(0).error();
            for (StepFailure f : report.failures().subList(1, report.failures().size())) {
                first.addSuppressed(f.error());
            }
            throw first;
        }
        return report.changedNothing() ? null : report;
    }

    /**
     * Runs compaction, retention, vacuum and log cleanup once, each from a fresh snapshot. A step that
     * fails (storage, a conflict with another maintainer, a log it cannot read) is recorded in the
     * report and the next step runs; nothing is thrown for such failures.
     *
     * @param maintainerInstance the maintainer's identity, recorded in its commits ({@code deltaq.maintainer})
     * @param leaseEpoch the epoch of the lease it holds, recorded in its commits ({@code deltaq.leaseEpoch})
     */
    public synchronized MaintenanceReport runOnce(String maintainerInstance, long leaseEpoch) {
        Objects.requireNonNull(maintainerInstance, "maintainerInstance");
        long startedAt = clockMs.getAsLong();
        List<StepFailure> failures = new ArrayList<>();
        long[] compacted = {0, 0};
        long[] compactedThrough = {-1};

        long compactionNs = timed(Step.COMPACTION, failures, () -> {
            Snapshot s = table.snapshot();
            Compaction.Result r = compaction.run(s, new MaintenanceCommit(io, s, maintainerInstance, leaseEpoch, clockMs, pause));
            compacted[0] = r.filesCompacted();
            compacted[1] = r.filesWritten();
        });
        long[] expired = {0};
        long retentionNs = timed(Step.RETENTION, failures, () -> {
            Snapshot s = table.snapshot();
            expired[0] = retention.run(s, new MaintenanceCommit(io, s, maintainerInstance, leaseEpoch, clockMs, pause));
        });
        Snapshot[] latest = {null};
        long[] vacuumed = {0};
        long vacuumNs = timed(Step.VACUUM, failures, () -> {
            latest[0] = table.snapshot();
            vacuumed[0] = vacuum.run(latest[0]);
        });
        long[] logDeleted = {0};
        long logCleanupNs = timed(Step.LOG_CLEANUP, failures, () -> {
            if (latest[0] == null) {
                latest[0] = table.snapshot();
            }
            logDeleted[0] = logCleanup.run(latest[0]).filesDeleted();
        });
        long[] logStart = {-1};
        timed(Step.LOG_START, failures, () -> {
            Snapshot s = latest[0] != null ? latest[0] : table.snapshot();
            // Log cleanup never deletes past B + 1, which is never above the log start version, so the
            // log's own oldest version cannot be the higher bound and need not be listed.
            logStart[0] = CompactedRange.logStartVersion(s, 0);
            compactedThrough[0] = CompactedRange.compactedThrough(s);
        });
        for (StepFailure f : failures) {
            LOG.atWarn().log(() -> "maintenance of " + table.location() + ": " + f.step() + " failed: "
                    + f.error().getMessage());
        }
        return new MaintenanceReport(startedAt, compacted[0], compacted[1], expired[0], vacuumed[0], logDeleted[0],
                logStart[0], compactedThrough[0], millis(compactionNs), millis(retentionNs), millis(vacuumNs),
                millis(logCleanupNs), failures);
    }

    private static long timed(Step step, List<StepFailure> failures, Runnable body) {
        long start = System.nanoTime();
        try {
            body.run();
        } catch (RuntimeException e) {
            failures.add(new StepFailure(step, e));
        }
        return System.nanoTime() - start;
    }

    private static long millis(long nanos) {
        return nanos / 1_000_000;
    }
}

package io.deltaq.deltalog;

import java.util.List;

/**
 * What one {@link Maintenance#runOnce} did. Counts are of this run only; a step that failed counts
 * what it finished before failing (a compaction that committed two files and conflicted on the third
 * reports the two).
 *
 * @param startedAtMs when the run started, by the maintenance clock
 * @param filesCompacted data files rewritten into compacted files (and removed)
 * @param filesWritten compacted files committed
 * @param filesExpired compacted files removed by retention
 * @param filesVacuumed data files deleted by vacuum (files already gone included)
 * @param logFilesDeleted commits, checkpoints and checksums deleted by log cleanup
 * @param logStartVersion the table's log start version after the run
 *     ({@link CompactedRange#logStartVersion}), or -1 when it could not be read
 * @param compactedThrough {@code B}, the last version compacted, after the run; -1 when none (or
 *     unknown)
 * @param compactionMs wall time of the compaction step (likewise the next three)
 * @param failures the steps that failed, in order; empty when all succeeded
 */
public record MaintenanceReport(long startedAtMs, long filesCompacted, long filesWritten, long filesExpired,
                                long filesVacuumed, long logFilesDeleted, long logStartVersion, long compactedThrough,
                                long compactionMs, long retentionMs, long vacuumMs, long logCleanupMs,
                                List<StepFailure> failures) {

    /** The steps of a run, in the order they run; {@link #LOG_START} is the final snapshot read. */
    public enum Step { COMPACTION, RETENTION, VACUUM, LOG_CLEANUP, LOG_START }

    /** A step that failed, and why. */
    public record StepFailure(Step step, RuntimeException error) {
    }

    public MaintenanceReport {
        failures = List.copyOf(failures);
    }

    /** Whether every step succeeded. */
    public boolean succeeded() {
        return failures.isEmpty();
    }

    /** Whether the run left the table and its files as they were: nothing compacted, expired or deleted. */
    public boolean changedNothing() {
        return filesCompacted == 0 && filesExpired == 0 && filesVacuumed == 0 && logFilesDeleted == 0;
    }

    /** The failure of {@code step}, or null when it succeeded. */
    public RuntimeException failureOf(Step step) {
        for (StepFailure f : failures) {
            if (f.step() == step) {
                return f.error();
            }
        }
        return null;
    }

    /** One line for logs and the command line: what changed, where the table now starts, how long each step took. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(160)
                .append("compacted ").append(filesCompacted).append(" files into ").append(filesWritten)
                .append(", expired ").append(filesExpired)
                .append(", vacuumed ").append(filesVacuumed)
                .append(", deleted ").append(logFilesDeleted).append(" log files")
                .append("; log start version ").append(logStartVersion)
                .append(", compacted through ").append(compactedThrough)
                .append(" (").append(compactionMs).append('+').append(retentionMs).append('+').append(vacuumMs)
                .append('+').append(logCleanupMs).append(" ms)");
        for (StepFailure f : failures) {
            b.append("; ").append(f.step()).append(" failed: ").append(f.error().getMessage());
        }
        return b.toString();
    }
}

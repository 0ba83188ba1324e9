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
 *     ({@link DeltaTable#logStartVersion(Snapshot)}), or -1 when it could not be read
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

    /** The failure of {@code step}, or null when it succeeded. */
    public RuntimeException failureOf(Step step) {
        for (StepFailure f : failures) {
            if (f.step() == step) {
                return f.error();
            }
        }
        return null;
    }
}

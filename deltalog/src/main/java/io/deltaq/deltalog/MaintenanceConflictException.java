package io.deltaq.deltalog;

/**
 * A maintenance commit (compaction or retention) was abandoned, nothing of it written, because a
 * concurrent commit made it invalid: it removed a file this one removes, moved compaction on (a
 * {@code deltaq-compaction} {@code txn}), or changed the protocol. The next run starts from a fresh
 * snapshot and finds what is left to do (docs/rfcs/0005-maintenance.md, I2).
 */
public final class MaintenanceConflictException extends CommitFailedException {
    private static final long serialVersionUID = 1L;

    private final long winningVersion;

    MaintenanceConflictException(String message, long attemptedVersion, long winningVersion) {
        super(message, attemptedVersion, true, true, null);
        this.winningVersion = winningVersion;
    }

    /** The version of the concurrent commit that conflicts. */
    public long winningVersion() {
        return winningVersion;
    }
}

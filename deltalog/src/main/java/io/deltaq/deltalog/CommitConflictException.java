package io.deltaq.deltalog;

/**
 * A concurrent commit makes this one invalid: it changed the protocol or the metadata, or it holds
 * a {@code txn} of this writer's id, which means another process writes under the same id. Not
 * retryable: open a new writer from a fresh snapshot, which re-validates the table.
 */
public final class CommitConflictException extends CommitFailedException {
    private static final long serialVersionUID = 1L;

    private final long winningVersion;

    CommitConflictException(String message, long attemptedVersion, long winningVersion) {
        super(message, attemptedVersion, false, true, null);
        this.winningVersion = winningVersion;
    }

    /** The version of the concurrent commit that conflicts. */
    public long winningVersion() {
        return winningVersion;
    }
}

package io.deltaq.deltalog;

/**
 * Whether a commit landed cannot be determined: the store could not say whether the conditional
 * write happened and reading the version back failed too (or timed out). Retrying blindly could
 * commit the batch twice or leave a gap, so the writer that raised this refuses further commits.
 * Open a new writer from a fresh snapshot: its {@code txn} state tells whether the batch landed.
 */
public final class CommitStateUnknownException extends DeltaLogException {
    private static final long serialVersionUID = 1L;

    private final long version;

    CommitStateUnknownException(String message, long version, Throwable cause) {
        super(message, cause);
        this.version = version;
    }

    /** The version whose creation may or may not have happened. */
    public long version() {
        return version;
    }
}

package io.deltaq.deltalog;

/**
 * A commit did not happen, classified like Delta Kernel's commit failures:
 *
 * <pre>
 *  | retryable | conflict | meaning                                                        |
 *  |   no      |   no     | a fault that retrying will not fix (credentials, access)       |
 *  |   no      |   yes    | a logical conflict: a concurrent commit changed the protocol   |
 *  |           |          | or the metadata, or another process uses this writer id        |
 *  |   yes     |   no     | a transient storage failure; nothing was written               |
 *  |   yes     |   yes    | lost races more often than allowed; retry from a new snapshot  |
 * </pre>
 *
 * <p>A commit whose outcome is unknown is not a {@code CommitFailedException}: see
 * {@link CommitStateUnknownException}.
 */
public class CommitFailedException extends DeltaLogException {
    private static final long serialVersionUID = 1L;

    private final long version;
    private final boolean retryable;
    private final boolean conflict;

    CommitFailedException(String message, long version, boolean retryable, boolean conflict, Throwable cause) {
        super(message, cause);
        this.version = version;
        this.retryable = retryable;
        this.conflict = conflict;
    }

    /** The version the failed attempt tried to create. */
    public long version() {
        return version;
    }

    /** Whether the same commit may succeed when tried again. */
    public boolean isRetryable() {
        return retryable;
    }

    /** Whether the failure is due to another commit rather than to storage. */
    public boolean isConflict() {
        return conflict;
    }
}

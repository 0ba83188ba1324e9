package io.deltaq.deltalog;

/**
 * A commit that the log needs is missing: the versions after the starting checkpoint are not
 * contiguous, so no consistent snapshot exists.
 */
public final class LogGapException extends DeltaLogException {
    private static final long serialVersionUID = 1L;

    private final long missingVersion;

    LogGapException(String message, long missingVersion) {
        super(message);
        this.missingVersion = missingVersion;
    }

    /** The first version whose commit file is missing. */
    public long missingVersion() {
        return missingVersion;
    }
}

package io.deltaq.deltalog;

/**
 * A log file cannot be understood: truncated or invalid JSON, an action without a required field,
 * an unreadable checkpoint, a path that is not a valid URI.
 */
public class CorruptLogException extends DeltaLogException {
    private static final long serialVersionUID = 1L;

    private final long version;

    CorruptLogException(String message, long version, Throwable cause) {
        super(message, cause);
        this.version = version;
    }

    /** The table version whose file is corrupt, or -1 when the file belongs to no version. */
    public long version() {
        return version;
    }
}

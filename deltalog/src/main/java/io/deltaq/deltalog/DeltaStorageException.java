package io.deltaq.deltalog;

import io.deltaq.s3io.Futures;
import io.deltaq.s3io.StoreErrors;

/**
 * Reading or writing a log or data file failed in storage (after the store's own retries) or took
 * longer than the configured I/O timeout. The cause is the store's exception, if there was one.
 */
public final class DeltaStorageException extends DeltaLogException {
    private static final long serialVersionUID = 1L;

    private final boolean timedOut;

    DeltaStorageException(String message, Throwable cause) {
        this(message, cause, false);
    }

    DeltaStorageException(String message, Throwable cause, boolean timedOut) {
        super(message, cause);
        this.timedOut = timedOut;
    }

    /** Whether the I/O timeout passed without an answer. */
    public boolean timedOut() {
        return timedOut;
    }

    /**
     * Whether {@code failure} is a storage fault that passes ({@link StoreErrors#isTransient}) or
     * this table's I/O timeout passing without an answer: worth sending the request again.
     */
    public static boolean isTransient(Throwable failure) {
        for (Throwable t = Futures.unwrap(failure); t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof DeltaStorageException storage && storage.timedOut) {
                return true;
            }
        }
        return StoreErrors.isTransient(failure);
    }
}

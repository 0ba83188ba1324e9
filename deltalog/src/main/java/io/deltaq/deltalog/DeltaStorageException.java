package io.deltaq.deltalog;

import io.deltaq.s3io.ConditionalConflictException;
import io.deltaq.s3io.Futures;
import io.deltaq.s3io.ObjectStoreException;
import io.deltaq.s3io.StoreUnavailableException;
import java.util.concurrent.TimeoutException;

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
     * Whether {@code failure} is a storage fault that passes, worth sending the request again after
     * a backoff: the store unavailable after its own retries (throttling, 5xx, timeouts, broken
     * connections), a 409 conflict with a concurrent conditional write, or no answer within the I/O
     * timeout. Access denied, wrong credentials, a missing bucket, a missing or corrupt file are not:
     * they do not pass by waiting. The one classification every retry above the store uses.
     */
    public static boolean isTransient(Throwable failure) {
        for (Throwable t = Futures.unwrap(failure); t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof StoreUnavailableException || t instanceof ConditionalConflictException
                    || t instanceof TimeoutException) {
                return true;
            }
            if (t instanceof ObjectStoreException) {
                return false;
            }
            if (t instanceof DeltaStorageException storage && storage.timedOut) {
                return true;
            }
        }
        return false;
    }
}

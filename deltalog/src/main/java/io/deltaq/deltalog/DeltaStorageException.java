package io.deltaq.deltalog;

/**
 * Reading or writing a log or data file failed in storage (after the store's own retries) or took
 * longer than the configured I/O timeout. The cause is the store's exception.
 */
public final class DeltaStorageException extends DeltaLogException {
    private static final long serialVersionUID = 1L;

    DeltaStorageException(String message, Throwable cause) {
        super(message, cause);
    }
}

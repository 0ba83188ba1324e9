package io.deltaq.s3io;

/**
 * A storage failure, after the store's retries. Subclasses name the cases a caller handles
 * differently; this class itself is any other fault (an unexpected status, a local I/O error).
 */
public class ObjectStoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ObjectStoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public ObjectStoreException(String message) {
        super(message);
    }
}

package io.deltaq.s3io;

/** Every attempt failed on throttling, a server error, a timeout or a connection failure. */
public final class StoreUnavailableException extends ObjectStoreException {
    private static final long serialVersionUID = 1L;

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}

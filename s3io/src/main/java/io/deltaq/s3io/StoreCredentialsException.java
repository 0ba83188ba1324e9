package io.deltaq.s3io;

/** The credentials were rejected (unknown access key or bad signature). Not retried. */
public final class StoreCredentialsException extends ObjectStoreException {
    private static final long serialVersionUID = 1L;

    public StoreCredentialsException(String message, Throwable cause) {
        super(message, cause);
    }
}

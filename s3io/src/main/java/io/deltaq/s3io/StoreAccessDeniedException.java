package io.deltaq.s3io;

/** The credentials are valid but lack permission for the request. Not retried. */
public final class StoreAccessDeniedException extends ObjectStoreException {
    private static final long serialVersionUID = 1L;

    public StoreAccessDeniedException(String message, Throwable cause) {
        super(message, cause);
    }
}

package io.deltaq.s3io;

/** The bucket does not exist at the endpoint. Not retried. */
public final class NoSuchBucketException extends ObjectStoreException {
    private static final long serialVersionUID = 1L;

    public NoSuchBucketException(String message, Throwable cause) {
        super(message, cause);
    }
}

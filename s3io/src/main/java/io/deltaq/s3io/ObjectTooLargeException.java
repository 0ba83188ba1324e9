package io.deltaq.s3io;

/**
 * A read refused because the object is larger than the caller's bound, by the length the server
 * declared ({@code Content-Length}) or by the bytes that arrived. The bound keeps a hostile or broken
 * server from making a reader allocate what it says; nothing beyond the bound was allocated.
 */
public final class ObjectTooLargeException extends ObjectStoreException {
    private static final long serialVersionUID = 1L;

    private final long size;
    private final long bound;

    public ObjectTooLargeException(String message, long size, long bound) {
        super(message);
        this.size = size;
        this.bound = bound;
    }

    /** The size that was declared or reached, in bytes. */
    public long size() {
        return size;
    }

    /** The largest size the reader accepts, in bytes. */
    public long bound() {
        return bound;
    }
}

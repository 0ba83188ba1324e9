package io.deltaq.s3io;

/**
 * The store does not honour {@code If-None-Match: *}: a second conditional create of one key
 * replaced the first instead of being refused. Delta's log needs that precondition (two writers of
 * one version must not both win), so deltaq refuses such a store before it accepts any message.
 */
public final class ConditionalWritesUnsupportedException extends ObjectStoreException {
    private static final long serialVersionUID = 1L;

    public ConditionalWritesUnsupportedException(String message) {
        super(message);
    }
}

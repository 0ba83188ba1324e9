package io.deltaq.s3io;

/**
 * A {@link ObjectStore#putIfAbsent conditional create} whose outcome is unknown: an earlier attempt
 * may have landed although its response was lost, so neither "created" nor "already existed" can
 * be reported truthfully. Read the key back and compare it with what was written before deciding.
 */
public final class AmbiguousWriteException extends ObjectStoreException {
    private static final long serialVersionUID = 1L;

    private final String key;

    public AmbiguousWriteException(String key, String message, Throwable cause) {
        super(message, cause);
        this.key = key;
    }

    /** The key whose creation may or may not have happened. */
    public String key() {
        return key;
    }
}

package io.deltaq.s3io;

/**
 * A {@link ObjectStore#putIfAbsent conditional create} refused with 409 ConditionalRequestConflict:
 * another conditional write of the same key was in progress. This attempt wrote nothing; the key
 * may hold the other writer's bytes by now, or nothing. AWS says to retry;
 * {@link ConditionalCreate} reads the key back and tries again under its retry policy.
 */
public final class ConditionalConflictException extends ObjectStoreException {
    private static final long serialVersionUID = 1L;

    public ConditionalConflictException(String message, Throwable cause) {
        super(message, cause);
    }
}

package io.deltaq.deltalog;

/**
 * The table exists but is not one deltaq can use as a message table: another schema or
 * partitioning than the message schema.
 */
public final class IncompatibleTableException extends DeltaLogException {
    private static final long serialVersionUID = 1L;

    IncompatibleTableException(String message) {
        super(message);
    }
}

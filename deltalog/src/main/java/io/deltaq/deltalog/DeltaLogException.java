package io.deltaq.deltalog;

/**
 * Base of every failure this library reports about a Delta table. Messages name the table, the
 * file and the version involved; they are built in one place, {@link DeltaErrors}.
 */
public class DeltaLogException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DeltaLogException(String message) {
        super(message);
    }

    public DeltaLogException(String message, Throwable cause) {
        super(message, cause);
    }
}

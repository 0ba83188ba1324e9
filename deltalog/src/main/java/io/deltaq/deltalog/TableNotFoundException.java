package io.deltaq.deltalog;

/** No Delta table exists at the location: {@code _delta_log} holds no commit and no checkpoint. */
public final class TableNotFoundException extends DeltaLogException {
    private static final long serialVersionUID = 1L;

    TableNotFoundException(String message) {
        super(message);
    }
}

package io.deltaq.deltalog;

/** A data file that the log lists as live does not exist in storage. */
public final class DataFileNotFoundException extends DeltaLogException {
    private static final long serialVersionUID = 1L;

    DataFileNotFoundException(String message) {
        super(message);
    }
}

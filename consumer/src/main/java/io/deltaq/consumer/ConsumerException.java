package io.deltaq.consumer;

import java.util.OptionalLong;

/**
 * The consumer cannot go on: its table is missing, unreadable or inconsistent, storage failed after
 * its retries, or a commit cannot be delivered. The message names the table and, when known, the
 * version. Thrown by {@link Consumer#poll} once everything buffered before the failure was delivered,
 * and again on every later poll until {@link Consumer#seek} restarts the tail.
 */
public class ConsumerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String table;
    private final long version;

    public ConsumerException(String table, long version, String message, Throwable cause) {
        super(message, cause);
        this.table = table;
        this.version = version;
    }

    /** The table's location. */
    public String table() {
        return table;
    }

    /** The version being read when the consumer failed, if one was. */
    public OptionalLong version() {
        return version < 0 ? OptionalLong.empty() : OptionalLong.of(version);
    }
}

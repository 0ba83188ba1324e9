package io.deltaq.consumer;

import io.deltaq.deltalog.Position;

/**
 * The consumer's position lies before the table's log start version: retention removed the rows
 * there, and vacuum or log cleanup removed what was left of them. Thrown by {@link Consumer#poll}
 * when {@code auto.offset.reset} is {@code none}, once everything before it was delivered;
 * {@code seek(new Position(logStartVersion(), 0))} goes on with the oldest retained message.
 */
public final class PositionOutOfRangeException extends ConsumerException {
    private static final long serialVersionUID = 1L;

    private final transient Position position;
    private final long logStartVersion;

    public PositionOutOfRangeException(String table, Position position, long logStartVersion, String message) {
        super(table, position.version(), message, null);
        this.position = position;
        this.logStartVersion = logStartVersion;
    }

    /** The position that cannot be read. */
    public Position position() {
        return position;
    }

    /** The oldest version whose rows the table still holds. */
    public long logStartVersion() {
        return logStartVersion;
    }
}

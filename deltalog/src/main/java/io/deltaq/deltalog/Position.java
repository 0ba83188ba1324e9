package io.deltaq.deltalog;

/**
 * Where a message sits in a topic: the table version whose commit added it, and its row index
 * among the rows that commit added (files in commit order, rows in file order).
 *
 * <p>{@link #toOffset()} packs it into one increasing {@code long}, like a Kafka offset: the version
 * in the high 40 bits, the index in the low {@value #INDEX_BITS}.
 */
public record Position(long version, int index) implements Comparable<Position> {

    /** Bits of an offset that hold the index: up to 16,777,216 messages per commit. */
    public static final int INDEX_BITS = 24;
    public static final int MAX_INDEX = (1 << INDEX_BITS) - 1;
    public static final long MAX_VERSION = (1L << (63 - INDEX_BITS)) - 1;

    public Position {
        if (version < 0 || version > MAX_VERSION) {
            throw new IllegalArgumentException("version out of range: " + version);
        }
        if (index < 0 || index > MAX_INDEX) {
            throw new IllegalArgumentException("index out of range: " + index);
        }
    }

    /** The position packed into a non-negative long that orders as positions do. */
    public long toOffset() {
        return toOffset(version, index);
    }

    /** Packs without allocating, for hot paths. */
    public static long toOffset(long version, int index) {
        return (version << INDEX_BITS) | index;
    }

    public static Position fromOffset(long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be non-negative: " + offset);
        }
        return new Position(offset >>> INDEX_BITS, (int) (offset & MAX_INDEX));
    }

    public static long versionOf(long offset) {
        return offset >>> INDEX_BITS;
    }

    public static int indexOf(long offset) {
        return (int) (offset & MAX_INDEX);
    }

    @Override
    public int compareTo(Position other) {
        return Long.compare(toOffset(), other.toOffset());
    }

    @Override
    public String toString() {
        return version + ":" + index;
    }
}

package io.deltaq.bench.driver;

/**
 * The byte layout of a benchmark message's value: what the producer writes and every driver's
 * consumer reads back. Big-endian longs and ints at fixed offsets; the rest of the value is filler
 * up to {@code --message-size}.
 *
 * <pre>
 *   0  intended send time, microseconds since the epoch (the pacer's schedule, not the actual send)
 *   8  producer index within the run (int)
 *  12  sequence number of the message within its producer (long, from 0)
 *  20  filler
 * </pre>
 */
public final class Payload {

    public static final int INTENDED_MICROS_OFFSET = 0;
    public static final int PRODUCER_INDEX_OFFSET = 8;
    public static final int SEQUENCE_OFFSET = 12;
    /** The smallest value that holds the header. */
    public static final int MIN_LENGTH = 20;

    private Payload() {
    }

    /** Writes the header into {@code value}, which must hold {@link #MIN_LENGTH} bytes. */
    public static void write(byte[] value, long intendedMicros, int producerIndex, long sequence) {
        putLong(value, INTENDED_MICROS_OFFSET, intendedMicros);
        putInt(value, PRODUCER_INDEX_OFFSET, producerIndex);
        putLong(value, SEQUENCE_OFFSET, sequence);
    }

    public static long intendedMicros(byte[] value, int offset) {
        return getLong(value, offset + INTENDED_MICROS_OFFSET);
    }

    public static int producerIndex(byte[] value, int offset) {
        return getInt(value, offset + PRODUCER_INDEX_OFFSET);
    }

    public static long sequence(byte[] value, int offset) {
        return getLong(value, offset + SEQUENCE_OFFSET);
    }

    static void putLong(byte[] b, int at, long v) {
        for (int i = 7; i >= 0; i--) {
            b[at + i] = (byte) v;
            v >>>= 8;
        }
    }

    static void putInt(byte[] b, int at, int v) {
        for (int i = 3; i >= 0; i--) {
            b[at + i] = (byte) v;
            v >>>= 8;
        }
    }

    static long getLong(byte[] b, int at) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[at + i] & 0xFF);
        }
        return v;
    }

    static int getInt(byte[] b, int at) {
        int v = 0;
        for (int i = 0; i < 4; i++) {
            v = (v << 8) | (b[at + i] & 0xFF);
        }
        return v;
    }
}

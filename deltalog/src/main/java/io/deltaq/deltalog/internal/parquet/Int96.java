package io.deltaq.deltalog.internal.parquet;

/** Spark's legacy INT96 timestamps: 8 bytes nanoseconds of the day, then 4 bytes Julian day, little-endian. */
final class Int96 {
    private static final long JULIAN_DAY_OF_EPOCH = 2_440_588L;
    private static final long MICROS_PER_DAY = 86_400_000_000L;

    private Int96() {
    }

    static long toEpochMicros(byte[] b, int off) {
        long nanosOfDay = ByteOrderAccess.getLongLE(b, off);
        int julianDay = ByteOrderAccess.getIntLE(b, off + 8);
        return (julianDay - JULIAN_DAY_OF_EPOCH) * MICROS_PER_DAY + Math.floorDiv(nanosOfDay, 1000L);
    }
}

package io.deltaq.deltalog.internal.parquet;

/**
 * The figures Delta's {@code add.stats} needs for one encoded message file. Filled in place by
 * {@link MessageFileWriter#encode}; read it before the next encode.
 */
public final class MessageFileStats {
    long numRecords;
    long minTimestampMicros;
    long maxTimestampMicros;
    long keyNullCount;
    long valueNullCount;

    public long numRecords() {
        return numRecords;
    }

    /** Smallest timestamp in the file; meaningless when {@link #numRecords()} is 0. */
    public long minTimestampMicros() {
        return minTimestampMicros;
    }

    /** Largest timestamp in the file; meaningless when {@link #numRecords()} is 0. */
    public long maxTimestampMicros() {
        return maxTimestampMicros;
    }

    public long keyNullCount() {
        return keyNullCount;
    }

    public long valueNullCount() {
        return valueNullCount;
    }

    /** deltaq never writes a null timestamp. */
    public long timestampNullCount() {
        return 0;
    }

    @Override
    public String toString() {
        return "MessageFileStats{numRecords=" + numRecords + ", minTimestampMicros=" + minTimestampMicros
                + ", maxTimestampMicros=" + maxTimestampMicros + ", keyNullCount=" + keyNullCount
                + ", valueNullCount=" + valueNullCount + '}';
    }
}

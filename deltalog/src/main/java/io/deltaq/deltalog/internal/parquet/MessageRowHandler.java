package io.deltaq.deltalog.internal.parquet;

/**
 * Receives decoded messages as views. The arrays are the decoder's own buffers: copy what you
 * keep, because they are overwritten after the callback returns.
 */
@FunctionalInterface
public interface MessageRowHandler {
    /** Passed as the timestamp of a row whose timestamp is null (only files deltaq did not write). */
    long NULL_TIMESTAMP = Long.MIN_VALUE;

    /**
     * @param rowIndex  the row's index in the file
     * @param keyLen    {@link MessageBatch#NULL_LENGTH} (-1) for a null key
     * @param valueLen  {@link MessageBatch#NULL_LENGTH} (-1) for a null value
     * @param timestampMicros microseconds since the epoch, UTC, or {@link #NULL_TIMESTAMP}
     * @param headersLen the length of the message's encoded headers ({@link io.deltaq.deltalog.Headers}),
     *     or {@link MessageBatch#NULL_LENGTH} (-1) for none
     */
    void onMessage(int rowIndex, byte[] keyBuf, int keyOff, int keyLen,
                   byte[] valueBuf, int valueOff, int valueLen, long timestampMicros,
                   byte[] headersBuf, int headersOff, int headersLen);
}

package io.deltaq.consumer;

import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RecordDescriptor;

/**
 * Layout of the records the tailer writes into the consumer's {@link OneToOneRingBuffer}, and of
 * their message type ids. Offsets are relative to the start of a record's body (after agrona's own
 * {@value RecordDescriptor#HEADER_LENGTH}-byte header); the longs come first so they stay 8-byte
 * aligned.
 *
 * <pre>
 * message record
 *   0                     version          long   commit that added the message
 *   8                     timestamp micros long   producer time, or Long.MIN_VALUE when null
 *  16                     index            int    row among the rows the commit added
 *  20                     key length       int    -1 for a null key
 *  24                     value length     int    -1 for a null value
 *  28                     headers length   int    -1 for none (encoded as io.deltaq.deltalog.Headers describes)
 *  32                     key bytes        max(key length, 0)
 *  32 + key bytes         value bytes      max(value length, 0)
 *  32 + key + value bytes headers          max(headers length, 0)
 *
 * commit-end record (follows every delivered row of its commit)
 *   0                     version          long
 * </pre>
 *
 * <p>The type id carries the seek epoch the record was written in, so that records written before a
 * {@code seek} are recognised and dropped by the reader: {@code (epoch & EPOCH_MASK) << KIND_BITS | kind}.
 */
final class RingRecordDescriptor {

    static final int VERSION_OFFSET = 0;
    static final int TIMESTAMP_OFFSET = 8;
    static final int INDEX_OFFSET = 16;
    static final int KEY_LENGTH_OFFSET = 20;
    static final int VALUE_LENGTH_OFFSET = 24;
    static final int HEADERS_LENGTH_OFFSET = 28;
    /** Bytes before the key: the fixed part of a message record. */
    static final int HEADER_LENGTH = 32;

    static final int COMMIT_END_LENGTH = 8;

    static final int KIND_BITS = 2;
    static final int KIND_MASK = (1 << KIND_BITS) - 1;
    static final int KIND_MESSAGE = 1;
    static final int KIND_COMMIT_END = 2;
    /** Epochs wrap after this many seeks; only equality with the reader's current epoch matters. */
    static final int EPOCH_MASK = (1 << 28) - 1;

    private RingRecordDescriptor() {
    }

    static int typeId(int epoch, int kind) {
        return ((epoch & EPOCH_MASK) << KIND_BITS) | kind;
    }

    static int kind(int typeId) {
        return typeId & KIND_MASK;
    }

    static boolean sameEpoch(int typeId, int epoch) {
        return (typeId >>> KIND_BITS) == (epoch & EPOCH_MASK);
    }

    /** Body length of a message record; null key or value, and no headers (length -1), take no bytes. */
    static int messageLength(int keyLength, int valueLength, int headersLength) {
        return HEADER_LENGTH + Math.max(keyLength, 0) + Math.max(valueLength, 0) + Math.max(headersLength, 0);
    }

    static int keyOffset(int recordOffset) {
        return recordOffset + HEADER_LENGTH;
    }

    static int valueOffset(int recordOffset, int keyLength) {
        return recordOffset + HEADER_LENGTH + Math.max(keyLength, 0);
    }

    static int headersOffset(int recordOffset, int keyLength, int valueLength) {
        return valueOffset(recordOffset, keyLength) + Math.max(valueLength, 0);
    }

    /**
     * Checks that a ring of {@code capacity} data bytes can be made, and returns the bytes to allocate
     * (capacity plus agrona's trailer).
     */
    static int allocationFor(int capacity) {
        int total = capacity + org.agrona.concurrent.ringbuffer.RingBufferDescriptor.TRAILER_LENGTH;
        org.agrona.concurrent.ringbuffer.RingBufferDescriptor.checkCapacity(total, OneToOneRingBuffer.MIN_CAPACITY);
        return total;
    }
}

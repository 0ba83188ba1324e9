package io.deltaq.producer;

/**
 * Layout of one message in the producer's ring buffer, after the ring's own record header:
 *
 * <pre>
 *   0                   8                   16        20        24        28
 *   +-------------------+-------------------+---------+---------+---------+-----------+-------------+---------+
 *   | sequence (long)   | timestamp micros  | key len | val len | hdr len | key bytes | value bytes | headers |
 *   +-------------------+-------------------+---------+---------+---------+-----------+-------------+---------+
 * </pre>
 *
 * A key length of {@value #NULL_LENGTH} marks a null key, which takes no bytes; a headers length of 0
 * a message without headers. Headers are encoded as {@link io.deltaq.deltalog.Headers} describes.
 */
final class SendRecordDescriptor {

    /** A message acknowledged through the {@link AckListener} only. */
    static final int MESSAGE_TYPE_ID = 1;
    /** A message whose future waits in the producer's table of pending futures. */
    static final int MESSAGE_WITH_FUTURE_TYPE_ID = 2;

    static final int SEQUENCE_OFFSET = 0;
    static final int TIMESTAMP_OFFSET = 8;
    static final int KEY_LENGTH_OFFSET = 16;
    static final int VALUE_LENGTH_OFFSET = 20;
    static final int HEADERS_LENGTH_OFFSET = 24;
    /** Bytes before the key: the fixed part of a record. */
    static final int HEADER_LENGTH = 28;
    static final int NULL_LENGTH = -1;

    private SendRecordDescriptor() {
    }

    static int length(int keyLength, int valueLength, int headersLength) {
        return HEADER_LENGTH + Math.max(keyLength, 0) + valueLength + headersLength;
    }

    static int keyOffset(int recordIndex) {
        return recordIndex + HEADER_LENGTH;
    }

    static int valueOffset(int recordIndex, int keyLength) {
        return recordIndex + HEADER_LENGTH + Math.max(keyLength, 0);
    }

    static int headersOffset(int recordIndex, int keyLength, int valueLength) {
        return valueOffset(recordIndex, keyLength) + valueLength;
    }
}

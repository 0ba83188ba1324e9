package io.deltaq.deltalog.internal.parquet;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A reusable, growable columnar buffer of messages: keys, values and encoded headers (see
 * {@link io.deltaq.deltalog.Headers}) packed into three contiguous byte arrays with per-message
 * offsets and lengths, timestamps in a {@code long[]}. Appending
 * copies bytes and allocates only when capacity grows; {@link #clear()} keeps the capacity.
 * A length of {@link #NULL_LENGTH} marks a null key or value, and a message without headers. Not
 * thread-safe.
 */
public final class MessageBatch {
    public static final int NULL_LENGTH = -1;

    private int size;
    private byte[] keyBytes;
    private int keyBytesUsed;
    private int[] keyOffsets;
    private int[] keyLengths;
    private byte[] valueBytes;
    private int valueBytesUsed;
    private int[] valueOffsets;
    private int[] valueLengths;
    private long[] timestampsMicros;
    private byte[] headerBytes;
    private int headerBytesUsed;
    private int[] headerOffsets;
    private int[] headerLengths;

    public MessageBatch() {
        this(1024, 64 * 1024);
    }

    public MessageBatch(int initialMessages, int initialValueBytes) {
        int n = Math.max(8, initialMessages);
        keyOffsets = new int[n];
        keyLengths = new int[n];
        valueOffsets = new int[n];
        valueLengths = new int[n];
        timestampsMicros = new long[n];
        headerOffsets = new int[n];
        headerLengths = new int[n];
        headerBytes = new byte[64];
        keyBytes = new byte[Math.max(64, n * 16)];
        valueBytes = new byte[Math.max(64, initialValueBytes)];
    }

    /** {@link #append(byte[], int, int, byte[], int, int, long, byte[], int, int)} of a message without headers. */
    public int append(byte[] key, int keyOff, int keyLen, byte[] value, int valueOff, int valueLen, long timestampMicros) {
        return append(key, keyOff, keyLen, value, valueOff, valueLen, timestampMicros, null, 0, NULL_LENGTH);
    }

    /**
     * Appends a message copied from array views. A null array, or a length of
     * {@link #NULL_LENGTH}, means a null column value (for headers: none). Returns the message's
     * index in this batch.
     */
    public int append(byte[] key, int keyOff, int keyLen, byte[] value, int valueOff, int valueLen, long timestampMicros,
                      byte[] headers, int headersOff, int headersLen) {
        int i = reserve();
        if (key == null || keyLen == NULL_LENGTH) {
            keyOffsets[i] = keyBytesUsed;
            keyLengths[i] = NULL_LENGTH;
        } else {
            keyBytes = withRoom(keyBytes, keyBytesUsed, keyLen, "key");
            System.arraycopy(key, keyOff, keyBytes, keyBytesUsed, keyLen);
            keyOffsets[i] = keyBytesUsed;
            keyLengths[i] = keyLen;
            keyBytesUsed += keyLen;
        }
        if (value == null || valueLen == NULL_LENGTH) {
            valueOffsets[i] = valueBytesUsed;
            valueLengths[i] = NULL_LENGTH;
        } else {
            valueBytes = withRoom(valueBytes, valueBytesUsed, valueLen, "value");
            System.arraycopy(value, valueOff, valueBytes, valueBytesUsed, valueLen);
            valueOffsets[i] = valueBytesUsed;
            valueLengths[i] = valueLen;
            valueBytesUsed += valueLen;
        }
        headerOffsets[i] = headerBytesUsed;
        if (headers == null || headersLen <= 0) {
            headerLengths[i] = NULL_LENGTH;
        } else {
            headerBytes = withRoom(headerBytes, headerBytesUsed, headersLen, "headers");
            System.arraycopy(headers, headersOff, headerBytes, headerBytesUsed, headersLen);
            headerLengths[i] = headersLen;
            headerBytesUsed += headersLen;
        }
        timestampsMicros[i] = timestampMicros;
        size = i + 1;
        return i;
    }

    /**
     * Appends a message copied from buffer views at absolute indexes (heap or direct buffers;
     * positions and limits are not used or changed). A null buffer, or a length of
     * {@link #NULL_LENGTH}, means a null column value (for headers: none). Returns the message's
     * index in this batch.
     */
    public int appendFromBuffers(ByteBuffer key, int keyOff, int keyLen, ByteBuffer value, int valueOff, int valueLen,
                                 long timestampMicros, ByteBuffer headers, int headersOff, int headersLen) {
        int i = reserve();
        if (key == null || keyLen == NULL_LENGTH) {
            keyOffsets[i] = keyBytesUsed;
            keyLengths[i] = NULL_LENGTH;
        } else {
            keyBytes = withRoom(keyBytes, keyBytesUsed, keyLen, "key");
            key.get(keyOff, keyBytes, keyBytesUsed, keyLen);
            keyOffsets[i] = keyBytesUsed;
            keyLengths[i] = keyLen;
            keyBytesUsed += keyLen;
        }
        if (value == null || valueLen == NULL_LENGTH) {
            valueOffsets[i] = valueBytesUsed;
            valueLengths[i] = NULL_LENGTH;
        } else {
            valueBytes = withRoom(valueBytes, valueBytesUsed, valueLen, "value");
            value.get(valueOff, valueBytes, valueBytesUsed, valueLen);
            valueOffsets[i] = valueBytesUsed;
            valueLengths[i] = valueLen;
            valueBytesUsed += valueLen;
        }
        headerOffsets[i] = headerBytesUsed;
        if (headers == null || headersLen <= 0) {
            headerLengths[i] = NULL_LENGTH;
        } else {
            headerBytes = withRoom(headerBytes, headerBytesUsed, headersLen, "headers");
            headers.get(headersOff, headerBytes, headerBytesUsed, headersLen);
            headerLengths[i] = headersLen;
            headerBytesUsed += headersLen;
        }
        timestampsMicros[i] = timestampMicros;
        size = i + 1;
        return i;
    }

    /**
     * Appends a message copied from the bytes between each buffer's position and limit
     * (positions are not changed). A null buffer means a null column value.
     */
    public int append(ByteBuffer key, ByteBuffer value, long timestampMicros) {
        return appendFromBuffers(key, key == null ? 0 : key.position(), key == null ? NULL_LENGTH : key.remaining(),
                value, value == null ? 0 : value.position(), value == null ? NULL_LENGTH : value.remaining(), timestampMicros,
                null, 0, NULL_LENGTH);
    }

    /** Empties the batch, keeping every array for reuse. */
    public void clear() {
        size = 0;
        keyBytesUsed = 0;
        valueBytesUsed = 0;
        headerBytesUsed = 0;
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** Bytes of keys, values and headers held (a figure for sizing batches). */
    public long payloadBytes() {
        return (long) keyBytesUsed + valueBytesUsed + headerBytesUsed;
    }

    public byte[] keyBytes() {
        return keyBytes;
    }

    public int keyOffset(int index) {
        return keyOffsets[checkIndex(index)];
    }

    /** Length of the key, or {@link #NULL_LENGTH} for a null key. */
    public int keyLength(int index) {
        return keyLengths[checkIndex(index)];
    }

    public byte[] valueBytes() {
        return valueBytes;
    }

    public int valueOffset(int index) {
        return valueOffsets[checkIndex(index)];
    }

    /** Length of the value, or {@link #NULL_LENGTH} for a null value. */
    public int valueLength(int index) {
        return valueLengths[checkIndex(index)];
    }

    public long timestampMicros(int index) {
        return timestampsMicros[checkIndex(index)];
    }

    /** The encoded headers of every message (see {@link io.deltaq.deltalog.Headers}). */
    public byte[] headerBytes() {
        return headerBytes;
    }

    public int headersOffset(int index) {
        return headerOffsets[checkIndex(index)];
    }

    /** Length of the encoded headers, or {@link #NULL_LENGTH} for a message without headers. */
    public int headersLength(int index) {
        return headerLengths[checkIndex(index)];
    }

    // Unchecked views for the encoder in this package.
    int[] keyOffsets() {
        return keyOffsets;
    }

    int[] keyLengths() {
        return keyLengths;
    }

    int[] valueOffsets() {
        return valueOffsets;
    }

    int[] valueLengths() {
        return valueLengths;
    }

    long[] timestamps() {
        return timestampsMicros;
    }

    int keyBytesUsed() {
        return keyBytesUsed;
    }

    int valueBytesUsed() {
        return valueBytesUsed;
    }

    private int checkIndex(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("message " + index + " of " + size);
        }
        return index;
    }

    private int reserve() {
        int i = size;
        if (i == timestampsMicros.length) {
            int n = grownLength(i, i + 1);
            keyOffsets = Arrays.copyOf(keyOffsets, n);
            keyLengths = Arrays.copyOf(keyLengths, n);
            valueOffsets = Arrays.copyOf(valueOffsets, n);
            valueLengths = Arrays.copyOf(valueLengths, n);
            timestampsMicros = Arrays.copyOf(timestampsMicros, n);
            headerOffsets = Arrays.copyOf(headerOffsets, n);
            headerLengths = Arrays.copyOf(headerLengths, n);
        }
        return i;
    }

    /** {@code bytes}, or a larger copy of it, with room for {@code len} more after {@code used}. */
    private static byte[] withRoom(byte[] bytes, int used, int len, String what) {
        if (len < 0) {
            throw new IllegalArgumentException("negative " + what + " length " + len);
        }
        return bytes.length - used < len ? Arrays.copyOf(bytes, grownLength(bytes.length, (long) used + len)) : bytes;
    }

    private static int grownLength(int current, long needed) {
        // Parquet pages hold 4-byte lengths and the file is one array: stay well below 2 GiB.
        if (needed > Integer.MAX_VALUE - 64) {
            throw new IllegalStateException("message batch would exceed 2 GiB");
        }
        return (int) Math.max(needed, Math.min((long) current * 2, Integer.MAX_VALUE - 64));
    }
}

package io.deltaq.deltalog;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A reusable view of a message's headers in their encoded form, and that form's one codec.
 *
 * <p>Between the producer's {@code send} and the data file, and between the data file and the
 * consumer's handler, a message's headers travel as one byte string beside its key and value: for
 * each header in order, the key's UTF-8 length (int32, little-endian), the key, the value's length
 * (int32, little-endian, {@value #NULL_LENGTH} for a null value) and the value. No headers is the
 * empty string. In a data file they are the {@code headers map<string,binary>} column (see
 * {@link MessageSchema}).
 *
 * <p>{@link #wrap} indexes the entries into arrays the view keeps, so reading headers allocates
 * nothing but what {@link #key(int)}, {@link #value(int)} and {@link #toList()} return. Not
 * thread-safe; valid while the wrapped bytes are.
 */
public final class Headers {

    /** The length of a null value. */
    public static final int NULL_LENGTH = -1;
    private static final int LENGTH_BYTES = 4;

    private byte[] buf = new byte[0];
    private int count;
    private int[] keyOffsets = new int[4];
    private int[] keyLengths = new int[4];
    private int[] valueOffsets = new int[4];
    private int[] valueLengths = new int[4];

    /**
     * Makes this the view of the encoded headers in {@code buf[off, off + len)}; a negative
     * {@code len} means none.
     *
     * @throws IllegalArgumentException if the bytes are not encoded headers
     */
    public Headers wrap(byte[] buf, int off, int len) {
        this.buf = buf;
        count = 0;
        int p = off;
        int end = off + Math.max(len, 0);
        while (p < end) {
            int keyLength = lengthAt(buf, p, end, false);
            int keyOffset = p + LENGTH_BYTES;
            p = keyOffset + keyLength;
            int valueLength = lengthAt(buf, p, end, true);
            int valueOffset = p + LENGTH_BYTES;
            p = valueOffset + Math.max(valueLength, 0);
            if (count == keyOffsets.length) {
                int n = count * 2;
                keyOffsets = Arrays.copyOf(keyOffsets, n);
                keyLengths = Arrays.copyOf(keyLengths, n);
                valueOffsets = Arrays.copyOf(valueOffsets, n);
                valueLengths = Arrays.copyOf(valueLengths, n);
            }
            keyOffsets[count] = keyOffset;
            keyLengths[count] = keyLength;
            valueOffsets[count] = valueOffset;
            valueLengths[count] = valueLength;
            count++;
        }
        return this;
    }

    /** Makes this the view of no headers. */
    public Headers clear() {
        count = 0;
        return this;
    }

    /** How many headers the message has. */
    public int count() {
        return count;
    }

    public boolean isEmpty() {
        return count == 0;
    }

    /** The buffer that {@link #keyOffset}, {@link #valueOffset} index into. */
    public byte[] buffer() {
        return buf;
    }

    public int keyOffset(int i) {
        return keyOffsets[check(i)];
    }

    /** The key's length in UTF-8 bytes. */
    public int keyLength(int i) {
        return keyLengths[check(i)];
    }

    public int valueOffset(int i) {
        return valueOffsets[check(i)];
    }

    /** The value's length, or {@link #NULL_LENGTH} for a null value. */
    public int valueLength(int i) {
        return valueLengths[check(i)];
    }

    /** Header {@code i}'s key (allocates). */
    public String key(int i) {
        return new String(buf, keyOffset(i), keyLength(i), StandardCharsets.UTF_8);
    }

    /** A copy of header {@code i}'s value, or null. */
    public byte[] value(int i) {
        int len = valueLength(i);
        return len < 0 ? null : Arrays.copyOfRange(buf, valueOffsets[i], valueOffsets[i] + len);
    }

    /** Whether header {@code i}'s key is {@code key}, compared without decoding it. */
    public boolean keyEquals(int i, byte[] key) {
        int len = keyLength(i);
        return len == key.length && Arrays.equals(buf, keyOffsets[i], keyOffsets[i] + len, key, 0, len);
    }

    /** The index of the last header named {@code key} (Kafka's {@code lastHeader}), or -1. */
    public int lastIndexOf(String key) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        for (int i = count - 1; i >= 0; i--) {
            if (keyEquals(i, k)) {
                return i;
            }
        }
        return -1;
    }

    /** The headers as values (allocates); an empty list for none. */
    public List<Header> toList() {
        if (count == 0) {
            return List.of();
        }
        List<Header> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            list.add(new Header(key(i), value(i)));
        }
        return List.copyOf(list);
    }

    private int check(int i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException("header " + i + " of " + count);
        }
        return i;
    }

    private static int lengthAt(byte[] buf, int p, int end, boolean nullable) {
        if (end - p < LENGTH_BYTES) {
            throw new IllegalArgumentException("encoded headers end inside a length");
        }
        int len = (buf[p] & 0xff) | (buf[p + 1] & 0xff) << 8 | (buf[p + 2] & 0xff) << 16 | buf[p + 3] << 24;
        if (len < (nullable ? NULL_LENGTH : 0) || len > end - p - LENGTH_BYTES) {
            throw new IllegalArgumentException("encoded headers hold a length of " + len + " where "
                    + (end - p - LENGTH_BYTES) + " bytes are left");
        }
        return len;
    }

    /* ------------------------------ encoding ------------------------------ */

    /** Encodes {@code headers}; an empty array for none. */
    public static byte[] encode(List<Header> headers) {
        byte[][] keys = new byte[headers.size()][];
        long total = 0;
        for (int i = 0; i < keys.length; i++) {
            keys[i] = headers.get(i).key().getBytes(StandardCharsets.UTF_8);
            byte[] value = headers.get(i).value();
            total += entryLength(keys[i].length, value == null ? NULL_LENGTH : value.length);
        }
        if (total > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("headers of " + total + " bytes");
        }
        byte[] out = new byte[(int) total];
        int p = 0;
        for (int i = 0; i < keys.length; i++) {
            byte[] value = headers.get(i).value();
            p = putEntry(out, p, keys[i], 0, keys[i].length, value, 0, value == null ? NULL_LENGTH : value.length);
        }
        return out;
    }

    /**
     * Writes one header, its key already UTF-8, into {@code out} at {@code p} (which must have
     * {@link #entryLength} bytes of room); returns where it ends.
     */
    public static int putEntry(byte[] out, int p, byte[] key, int keyOff, int keyLen, byte[] value, int valueOff, int valueLen) {
        p = putLength(out, p, keyLen);
        System.arraycopy(key, keyOff, out, p, keyLen);
        p += keyLen;
        p = putLength(out, p, valueLen);
        if (valueLen > 0) {
            System.arraycopy(value, valueOff, out, p, valueLen);
            p += valueLen;
        }
        return p;
    }

    /** The encoded length of one header whose key and value have these lengths (value -1: null). */
    public static int entryLength(int keyLen, int valueLen) {
        return 2 * LENGTH_BYTES + keyLen + Math.max(valueLen, 0);
    }

    private static int putLength(byte[] out, int p, int len) {
        out[p] = (byte) len;
        out[p + 1] = (byte) (len >>> 8);
        out[p + 2] = (byte) (len >>> 16);
        out[p + 3] = (byte) (len >>> 24);
        return p + LENGTH_BYTES;
    }
}

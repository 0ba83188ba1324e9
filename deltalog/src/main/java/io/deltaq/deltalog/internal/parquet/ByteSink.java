package io.deltaq.deltalog.internal.parquet;

import java.io.OutputStream;
import java.util.Arrays;

/** A growable byte array written little-endian; reused across files so encoding does not allocate once warm. */
final class ByteSink extends OutputStream {
    byte[] buf;
    int size;

    ByteSink(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    void reset() {
        size = 0;
    }

    void ensureSpare(int n) {
        if (buf.length - size < n) {
            grow((long) size + n);
        }
    }

    private void grow(long needed) {
        if (needed > Integer.MAX_VALUE - 16) {
            throw new IllegalStateException("Parquet buffer would exceed 2 GiB");
        }
        long newCap = Math.max(needed, Math.min((long) buf.length * 2, Integer.MAX_VALUE - 16));
        buf = Arrays.copyOf(buf, (int) newCap);
    }

    @Override
    public void write(int b) {
        ensureSpare(1);
        buf[size++] = (byte) b;
    }

    @Override
    public void write(byte[] src, int off, int len) {
        ensureSpare(len);
        System.arraycopy(src, off, buf, size, len);
        size += len;
    }

    void writeIntLE(int v) {
        ensureSpare(4);
        ByteOrderAccess.putIntLE(buf, size, v);
        size += 4;
    }

    void writeLongLE(long v) {
        ensureSpare(8);
        ByteOrderAccess.putLongLE(buf, size, v);
        size += 8;
    }

    void writeUnsignedVarInt(int v) {
        ensureSpare(5);
        while ((v & ~0x7F) != 0) {
            buf[size++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[size++] = (byte) v;
    }

    void writeAscii(String s) {
        ensureSpare(s.length());
        for (int i = 0; i < s.length(); i++) {
            buf[size++] = (byte) s.charAt(i);
        }
    }
}

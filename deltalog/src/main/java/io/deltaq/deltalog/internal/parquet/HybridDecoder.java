package io.deltaq.deltalog.internal.parquet;

/**
 * Decodes Parquet's RLE/bit-packed hybrid encoding (definition levels, dictionary indices)
 * straight from a byte array, without allocation once constructed.
 */
final class HybridDecoder {
    private final int[] unpacked = new int[8];
    private byte[] buf;
    private int pos;
    private int end;
    private int bitWidth;
    private int bytesPerRleValue;
    private String fileName;
    private String what;

    private int runLeft;
    private boolean rle;
    private int rleValue;
    private int unpackedIndex;

    void init(byte[] buf, int pos, int end, int bitWidth, String fileName, String what) {
        if (bitWidth < 0 || bitWidth > 32) {
            throw new ParquetFormatException(fileName, what + ": invalid bit width " + bitWidth);
        }
        if (pos < 0 || end > buf.length || pos > end) {
            throw new ParquetFormatException(fileName, what + ": encoded data lies outside its page");
        }
        this.buf = buf;
        this.pos = pos;
        this.end = end;
        this.bitWidth = bitWidth;
        this.bytesPerRleValue = (bitWidth + 7) >>> 3;
        this.fileName = fileName;
        this.what = what;
        this.runLeft = 0;
        this.unpackedIndex = 8;
    }

    /** The value {@link #next()} returns next, without consuming it. */
    int peek() {
        if (runLeft == 0) {
            readRunHeader();
        }
        if (rle) {
            return rleValue;
        }
        if (unpackedIndex == 8) {
            unpackGroup();
        }
        return unpacked[unpackedIndex];
    }

    int next() {
        if (runLeft == 0) {
            readRunHeader();
        }
        runLeft--;
        if (rle) {
            return rleValue;
        }
        if (unpackedIndex == 8) {
            unpackGroup();
        }
        return unpacked[unpackedIndex++];
    }

    private void readRunHeader() {
        do {
            // Empty runs are legal but useless; read on.
            int header = readUnsignedVarInt();
            if ((header & 1) == 0) {
                rle = true;
                runLeft = header >>> 1;
                if (pos + bytesPerRleValue > end) {
                    throw corrupt("truncated RLE run");
                }
                int v = 0;
                for (int i = 0; i < bytesPerRleValue; i++) {
                    v |= (buf[pos++] & 0xff) << (8 * i);
                }
                rleValue = v;
            } else {
                rle = false;
                long values = (long) (header >>> 1) * 8;
                runLeft = (int) Math.min(Integer.MAX_VALUE, values);
                unpackedIndex = 8;
            }
        } while (runLeft == 0);
    }

    private void unpackGroup() {
        // 8 values of bitWidth bits, least significant bit first. Some writers cut the last
        // group short; missing bytes read as zero.
        long acc = 0;
        int bits = 0;
        int mask = bitWidth == 32 ? -1 : (1 << bitWidth) - 1;
        for (int i = 0; i < 8; i++) {
            while (bits < bitWidth) {
                int b = pos < end ? buf[pos] & 0xff : 0;
                pos++;
                acc |= (long) b << bits;
                bits += 8;
            }
            unpacked[i] = (int) acc & mask;
            acc >>>= bitWidth;
            bits -= bitWidth;
        }
        unpackedIndex = 0;
    }

    private int readUnsignedVarInt() {
        int result = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            if (pos >= end) {
                throw corrupt("ran out of encoded values");
            }
            int b = buf[pos++];
            result |= (b & 0x7f) << shift;
            if (b >= 0) {
                return result;
            }
        }
        throw corrupt("malformed run header");
    }

    private ParquetFormatException corrupt(String problem) {
        return new ParquetFormatException(fileName, "corrupt " + what + ": " + problem);
    }
}

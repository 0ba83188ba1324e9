package io.deltaq.deltalog.internal.parquet;

import java.io.IOException;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

import org.apache.parquet.format.CompressionCodec;
import org.xerial.snappy.Snappy;

/**
 * Page (de)compression into caller-owned arrays. One instance per thread; it keeps its
 * {@link Inflater}/{@link Deflater} so a warm encoder or decoder allocates nothing per page.
 * Parquet's SNAPPY is a raw snappy block per page; GZIP is the gzip member format.
 */
final class Codecs implements AutoCloseable {
    private static final int GZIP_MAGIC_1 = 0x1f;
    private static final int GZIP_MAGIC_2 = 0x8b;
    /** Magic, deflate, no flags, no mtime, no extra flags, OS unknown. */
    private static final byte[] GZIP_HEADER = {(byte) GZIP_MAGIC_1, (byte) GZIP_MAGIC_2, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};

    private Inflater inflater;
    private Deflater deflater;
    private final CRC32 crc = new CRC32();

    /** Decompresses exactly {@code expectedLength} bytes into {@code dst} at {@code dstOff}. */
    void decompress(CompressionCodec codec, byte[] src, int off, int len, byte[] dst, int dstOff,
                    int expectedLength, String fileName) {
        try {
            switch (codec) {
                case UNCOMPRESSED -> {
                    if (len != expectedLength) {
                        throw new ParquetFormatException(fileName, "uncompressed page is " + len
                                + " bytes but its header says " + expectedLength);
                    }
                    System.arraycopy(src, off, dst, dstOff, len);
                }
                case SNAPPY -> {
                    int declared = snappyUncompressedLength(src, off, len, fileName);
                    if (declared != expectedLength) {
                        throw new ParquetFormatException(fileName, "snappy page holds " + declared
                                + " bytes but its header says " + expectedLength);
                    }
                    Snappy.uncompress(src, off, len, dst, dstOff);
                }
                case GZIP -> gunzip(src, off, len, dst, dstOff, expectedLength, fileName);
                default -> throw unsupported(codec, fileName);
            }
        } catch (IOException | DataFormatException e) {
            throw new ParquetFormatException(fileName, "corrupt " + codec + " page: " + e.getMessage(), e);
        }
    }

    static ParquetFormatException unsupported(CompressionCodec codec, String fileName) {
        return new ParquetFormatException(fileName, "compression codec " + codec
                + " is not supported (deltaq reads UNCOMPRESSED, SNAPPY and GZIP without Hadoop or JNI codecs)");
    }

    static void checkSupported(CompressionCodec codec, String fileName) {
        if (codec != CompressionCodec.UNCOMPRESSED && codec != CompressionCodec.SNAPPY && codec != CompressionCodec.GZIP) {
            throw unsupported(codec, fileName);
        }
    }

    private static int snappyUncompressedLength(byte[] src, int off, int len, String fileName) {
        int result = 0;
        for (int shift = 0, i = 0; i < 5 && i < len; i++, shift += 7) {
            int b = src[off + i];
            result |= (b & 0x7f) << shift;
            if (b >= 0) {
                return result;
            }
        }
        throw new ParquetFormatException(fileName, "corrupt snappy page: bad length prefix");
    }

    private void gunzip(byte[] src, int off, int len, byte[] dst, int dstOff, int expected, String fileName)
            throws DataFormatException {
        if (inflater == null) {
            inflater = new Inflater(true);
        }
        int end = off + len;
        int produced = 0;
        int pos = off;
        while (produced < expected) {
            pos = skipGzipHeader(src, pos, end, fileName);
            inflater.reset();
            inflater.setInput(src, pos, end - pos);
            while (!inflater.finished() && produced < expected) {
                int n = inflater.inflate(dst, dstOff + produced, expected - produced);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new ParquetFormatException(fileName, "truncated GZIP page");
                }
                produced += n;
            }
            // A further member may follow the 8-byte trailer (concatenated gzip streams).
            pos = end - inflater.getRemaining() + 8;
            if (produced < expected && pos >= end) {
                throw new ParquetFormatException(fileName, "GZIP page holds " + produced
                        + " bytes but its header says " + expected);
            }
        }
    }

    private static int skipGzipHeader(byte[] b, int pos, int end, String fileName) {
        if (end - pos < 10 || (b[pos] & 0xff) != GZIP_MAGIC_1 || (b[pos + 1] & 0xff) != GZIP_MAGIC_2 || b[pos + 2] != 8) {
            throw new ParquetFormatException(fileName, "corrupt GZIP page: bad gzip header");
        }
        int flags = b[pos + 3];
        int p = pos + 10;
        if ((flags & 4) != 0) { // FEXTRA
            p += 2 + ((b[p] & 0xff) | (b[p + 1] & 0xff) << 8);
        }
        if ((flags & 8) != 0) { // FNAME
            while (p < end && b[p] != 0) {
                p++;
            }
            p++;
        }
        if ((flags & 16) != 0) { // FCOMMENT
            while (p < end && b[p] != 0) {
                p++;
            }
            p++;
        }
        if ((flags & 2) != 0) { // FHCRC
            p += 2;
        }
        if (p > end) {
            throw new ParquetFormatException(fileName, "corrupt GZIP page: truncated gzip header");
        }
        return p;
    }

    /** Appends the compressed form of {@code src[off, off+len)} to {@code sink}; returns its length. */
    int compress(Compression codec, byte[] src, int off, int len, ByteSink sink) {
        int start = sink.size;
        switch (codec) {
            case UNCOMPRESSED -> sink.write(src, off, len);
            case SNAPPY -> {
                sink.ensureSpare(Snappy.maxCompressedLength(len));
                try {
                    sink.size += Snappy.compress(src, off, len, sink.buf, sink.size);
                } catch (IOException e) {
                    throw new IllegalStateException("snappy compression failed", e);
                }
            }
            case GZIP -> gzip(src, off, len, sink);
            default -> throw new IllegalArgumentException(codec.name());
        }
        return sink.size - start;
    }

    private void gzip(byte[] src, int off, int len, ByteSink sink) {
        if (deflater == null) {
            deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        }
        deflater.reset();
        sink.ensureSpare(10);
        sink.write(GZIP_HEADER, 0, GZIP_HEADER.length);
        deflater.setInput(src, off, len);
        deflater.finish();
        while (!deflater.finished()) {
            sink.ensureSpare(Math.max(64, len / 4));
            sink.size += deflater.deflate(sink.buf, sink.size, sink.buf.length - sink.size);
        }
        crc.reset();
        crc.update(src, off, len);
        sink.writeIntLE((int) crc.getValue());
        sink.writeIntLE(len);
    }

    @Override
    public void close() {
        if (inflater != null) {
            inflater.end();
        }
        if (deflater != null) {
            deflater.end();
        }
    }
}

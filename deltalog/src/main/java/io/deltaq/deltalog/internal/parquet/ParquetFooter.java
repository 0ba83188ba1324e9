package io.deltaq.deltalog.internal.parquet;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.Util;

/** Locates and parses the thrift footer of an in-memory Parquet file. */
final class ParquetFooter {
    static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);
    /** Magic, footer length and magic: the smallest possible tail. */
    static final int MIN_FILE_LENGTH = 4 + 4 + 4;

    private ParquetFooter() {
    }

    static FileMetaData read(byte[] file, int off, int len, String fileName) {
        checkBounds(file, off, len);
        if (len < MIN_FILE_LENGTH) {
            throw new ParquetFormatException(fileName, "truncated: " + len + " bytes is too short for a Parquet file");
        }
        int end = off + len;
        if (isEncryptedMagic(file, end - 4)) {
            throw new ParquetFormatException(fileName, "encrypted footers (PARE) are not supported");
        }
        if (!isMagic(file, off) || !isMagic(file, end - 4)) {
            throw new ParquetFormatException(fileName, "bad magic: not a Parquet file (expected PAR1 at both ends)");
        }
        int footerLen = ByteOrderAccess.getIntLE(file, end - 8);
        if (footerLen <= 0 || footerLen > len - MIN_FILE_LENGTH) {
            throw new ParquetFormatException(fileName, "truncated or corrupt: footer length " + footerLen
                    + " does not fit in a file of " + len + " bytes");
        }
        int footerStart = end - 8 - footerLen;
        try {
            return Util.readFileMetaData(new ByteArrayInputStream(file, footerStart, footerLen));
        } catch (IOException | RuntimeException e) {
            throw new ParquetFormatException(fileName, "corrupt footer: " + e.getMessage(), e);
        }
    }

    /** Length of the thrift footer, from a file's last 8 bytes (footer length and magic). */
    static int footerLength(byte[] tail, int off, int len, String fileName) {
        checkBounds(tail, off, len);
        if (len < 8) {
            throw new ParquetFormatException(fileName, "truncated: need the last 8 bytes of the file, got " + len);
        }
        int end = off + len;
        if (isEncryptedMagic(tail, end - 4)) {
            throw new ParquetFormatException(fileName, "encrypted footers (PARE) are not supported");
        }
        if (!isMagic(tail, end - 4)) {
            throw new ParquetFormatException(fileName, "bad magic: not a Parquet file (expected PAR1 at the end)");
        }
        int footerLen = ByteOrderAccess.getIntLE(tail, end - 8);
        if (footerLen <= 0) {
            throw new ParquetFormatException(fileName, "corrupt footer length " + footerLen);
        }
        return footerLen;
    }

    /** Parses the footer from the end of a file's tail (the tail must hold the footer and the last 8 bytes). */
    static FileMetaData readFromTail(byte[] tail, int off, int len, String fileName) {
        int footerLen = footerLength(tail, off, len, fileName);
        if (footerLen > len - 8) {
            throw new ParquetFormatException(fileName, "truncated: the footer is " + footerLen
                    + " bytes but only " + (len - 8) + " bytes precede the file's last 8");
        }
        try {
            return Util.readFileMetaData(new ByteArrayInputStream(tail, off + len - 8 - footerLen, footerLen));
        } catch (IOException | RuntimeException e) {
            throw new ParquetFormatException(fileName, "corrupt footer: " + e.getMessage(), e);
        }
    }

    static void checkBounds(byte[] file, int off, int len) {
        if (off < 0 || len < 0 || off > file.length - len) {
            throw new IndexOutOfBoundsException("offset " + off + " length " + len + " in array of " + file.length);
        }
    }

    private static boolean isMagic(byte[] b, int at) {
        return b[at] == 'P' && b[at + 1] == 'A' && b[at + 2] == 'R' && b[at + 3] == '1';
    }

    private static boolean isEncryptedMagic(byte[] b, int at) {
        return b[at] == 'P' && b[at + 1] == 'A' && b[at + 2] == 'R' && b[at + 3] == 'E';
    }
}

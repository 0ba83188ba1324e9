package io.deltaq.deltalog.internal.parquet;

import java.util.zip.CRC32;
import org.apache.parquet.format.CompressionCodec;
import org.apache.parquet.format.PageHeader;

/**
 * What a page header must prove before a reader trusts it: a checksum that matches the page's bytes
 * (when the writer wrote one; deltaq's writers always do), and an uncompressed size that its codec
 * could produce from the compressed bytes and that stays under {@link #MAX_PAGE_BYTES}. The sizes
 * decide what a reader allocates, so a corrupt or hostile header cannot make it allocate more.
 */
final class PageChecks {

    /** The most bytes one page may decompress to; deltaq's pages are about 1 MiB. */
    static final int MAX_PAGE_BYTES = 256 << 20;

    private PageChecks() {
    }

    /**
     * Checks one page whose compressed bytes are {@code file[start, start + comp)}.
     *
     * @param crc reused between calls (the caller's, so that checking allocates nothing)
     * @throws ParquetFormatException naming the file, the column, the field, its value and the bound
     */
    static void check(PageHeader h, byte[] file, int start, int comp, int uncomp, CompressionCodec codec, CRC32 crc,
                      String fileName, String column) {
        long bound = Math.min(MAX_PAGE_BYTES, maxExpansion(codec, comp));
        if (uncomp > bound) {
            throw new ParquetFormatException(fileName, "column " + column + ": page header field uncompressed_page_size is "
                    + uncomp + ", over the bound of " + bound + " bytes for " + comp + " " + codec + " bytes (at most "
                    + MAX_PAGE_BYTES + ")");
        }
        if (h.isSetCrc()) {
            crc.reset();
            crc.update(file, start, comp);
            if ((int) crc.getValue() != h.getCrc()) {
                throw new ParquetFormatException(fileName, "column " + column + ": page checksum mismatch (crc "
                        + Integer.toHexString(h.getCrc()) + " in the header, " + Integer.toHexString((int) crc.getValue())
                        + " of the " + comp + " page bytes): the page is corrupt");
            }
        }
    }

    /**
     * The most bytes {@code comp} bytes of a codec's output can decompress to: Snappy's densest copy
     * op turns 3 bytes into 64 (under 22 times), DEFLATE's under 1032 times; other codecs are refused
     * before this is asked.
     */
    static long maxExpansion(CompressionCodec codec, int comp) {
        return switch (codec) {
            case UNCOMPRESSED -> comp;
            case SNAPPY -> 22L * comp + 64;
            case GZIP -> 1032L * comp + 1024;
            default -> MAX_PAGE_BYTES;
        };
    }

    /** The page checksum writers put in the header: CRC-32 of the page's bytes as stored. */
    static int crcOf(byte[] bytes, int off, int len, CRC32 crc) {
        crc.reset();
        crc.update(bytes, off, len);
        return (int) crc.getValue();
    }
}

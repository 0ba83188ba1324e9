package io.deltaq.deltalog.internal.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.format.Util;
import org.junit.jupiter.api.Test;

/**
 * A damaged or hostile page is refused before it is believed: its checksum must match its bytes, and
 * its uncompressed size must be one its codec could produce and under the bound, since that size is
 * what a reader allocates.
 */
class HostilePagesTest {

    private static final MessageRowHandler IGNORE = (row, kb, ko, kl, vb, vo, vl, ts, hb, ho, hl) -> { };

    private static byte[] file(Compression compression, int messages, int valueBytes) {
        MessageBatch batch = new MessageBatch();
        Random random = new Random(7);
        for (int i = 0; i < messages; i++) {
            byte[] value = new byte[valueBytes];
            random.nextBytes(value);
            byte[] text = ("message-" + i).getBytes(StandardCharsets.UTF_8);
            System.arraycopy(text, 0, value, 0, Math.min(text.length, value.length));
            batch.append(null, 0, 0, value, 0, value.length, i);
        }
        try (MessageFileWriter writer = new MessageFileWriter(compression)) {
            writer.encode(batch);
            return writer.toByteArray();
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void aChangedByteInsideAPageFailsItsChecksumInsteadOfChangingAMessage() {
        byte[] file = file(Compression.UNCOMPRESSED, 3, 16);
        int at = indexOf(file, "message-1".getBytes(StandardCharsets.UTF_8));
        assertTrue(at > 0);
        file[at + 8] = '7'; // "message-1" becomes "message-7": still a plausible value

        try (MessageFileReader reader = new MessageFileReader()) {
            ParquetFormatException e = assertThrows(ParquetFormatException.class,
                    () -> reader.decode(file, "part-0.parquet", IGNORE));
            assertTrue(e.getMessage().contains("part-0.parquet") && e.getMessage().contains("checksum mismatch")
                    && e.getMessage().contains("value"), e.getMessage());
        }
        ParquetFormatException general = assertThrows(ParquetFormatException.class,
                () -> ParquetRows.read(file, "part-0.parquet", null));
        assertTrue(general.getMessage().contains("checksum mismatch"), general.getMessage());
    }

    @Test
    void anUncompressedSizeItsCodecCannotProduceIsRefusedNamingTheFieldTheValueAndTheBound() throws Exception {
        // About 20 KB of random values: a snappy page whose header holds a 3-byte varint size, which is
        // rewritten in place to 1,048,575 bytes (the largest 3-byte value), far beyond 22 times its bytes.
        byte[] file = file(Compression.SNAPPY, 20, 1000);
        FileMetaData meta = ParquetFooter.read(file, 0, file.length, "part-1.snappy.parquet");
        ColumnMetaData value = meta.getRow_groups().get(0).getColumns().get(1).getMeta_data();
        int at = (int) value.getData_page_offset();
        PositionedInput in = new PositionedInput();
        in.reset(file, at, file.length);
        PageHeader header = Util.readPageHeader(in);
        int headerLength = in.position() - at;
        header.setUncompressed_page_size(1_048_575);
        ByteArrayOutputStream rewritten = new ByteArrayOutputStream();
        Util.writePageHeader(header, rewritten);
        assertEquals(headerLength, rewritten.size(), "the header keeps its length");
        byte[] hostile = file.clone();
        System.arraycopy(rewritten.toByteArray(), 0, hostile, at, headerLength);

        try (MessageFileReader reader = new MessageFileReader()) {
            ParquetFormatException e = assertThrows(ParquetFormatException.class,
                    () -> reader.decode(hostile, "part-1.snappy.parquet", IGNORE));
            String m = e.getMessage();
            assertTrue(m.contains("part-1.snappy.parquet") && m.contains("value")
                    && m.contains("uncompressed_page_size is 1048575") && m.contains("over the bound of"), m);
        }
        ParquetFormatException general = assertThrows(ParquetFormatException.class,
                () -> ParquetRows.read(hostile, "part-1.snappy.parquet", null));
        assertTrue(general.getMessage().contains("uncompressed_page_size is 1048575"), general.getMessage());
    }

    @Test
    void aPageSizeOverTheBoundIsRefusedWhateverItsCodec() {
        PageHeader header = new PageHeader(org.apache.parquet.format.PageType.DATA_PAGE, Integer.MAX_VALUE, 100);
        byte[] page = new byte[100];
        for (org.apache.parquet.format.CompressionCodec codec : new org.apache.parquet.format.CompressionCodec[] {
                org.apache.parquet.format.CompressionCodec.UNCOMPRESSED,
                org.apache.parquet.format.CompressionCodec.SNAPPY,
                org.apache.parquet.format.CompressionCodec.GZIP}) {
            ParquetFormatException e = assertThrows(ParquetFormatException.class, () -> PageChecks.check(header, page, 0,
                    100, Integer.MAX_VALUE, codec, new java.util.zip.CRC32(), "f.parquet", "value"));
            assertTrue(e.getMessage().contains("uncompressed_page_size is " + Integer.MAX_VALUE), e.getMessage());
        }
        assertTrue(Arrays.stream(new long[] {PageChecks.maxExpansion(
                org.apache.parquet.format.CompressionCodec.GZIP, 1 << 20)}).allMatch(b -> b > PageChecks.MAX_PAGE_BYTES));
    }
}

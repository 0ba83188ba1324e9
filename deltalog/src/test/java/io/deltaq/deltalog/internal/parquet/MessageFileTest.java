package io.deltaq.deltalog.internal.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import io.deltaq.deltalog.Header;
import io.deltaq.deltalog.Headers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class MessageFileTest {

    /** Random messages, a fifth of them with one header and a fifth with three (a null value, a repeated key). */
    static MessageBatch randomBatch(int n, long seed) {
        return randomBatch(n, seed, true);
    }

    static MessageBatch randomBatch(int n, long seed, boolean withHeaders) {
        Random random = new Random(seed);
        MessageBatch batch = new MessageBatch(4, 64);
        for (int i = 0; i < n; i++) {
            byte[] key = ("key-" + i).getBytes(StandardCharsets.UTF_8);
            byte[] value = new byte[random.nextInt(300)];
            random.nextBytes(value);
            boolean nullKey = i % 7 == 3;
            byte[] headers = withHeaders ? headers(i, random) : null;
            batch.append(nullKey ? null : key, 0, key.length, value, 0, value.length,
                    1_700_000_000_000_000L + random.nextInt(1_000_000) - 500_000,
                    headers, 0, headers == null ? MessageBatch.NULL_LENGTH : headers.length);
        }
        return batch;
    }

    private static byte[] headers(int i, Random random) {
        byte[] bytes = new byte[random.nextInt(40)];
        random.nextBytes(bytes);
        return switch (i % 5) {
            case 1 -> Headers.encode(List.of(new Header("trace-id", ("t-" + i).getBytes(StandardCharsets.UTF_8))));
            case 2 -> Headers.encode(List.of(new Header("sch\u00e9ma", bytes), new Header("empty", null),
                    new Header("sch\u00e9ma", new byte[0])));
            default -> null;
        };
    }

    static List<DecodedMessage> decodeAll(byte[] file) {
        List<DecodedMessage> out = new ArrayList<>();
        try (MessageFileReader reader = new MessageFileReader()) {
            int n = reader.decode(file, "test.parquet", DecodedMessage.collectInto(out));
            assertEquals(out.size(), n);
        }
        return out;
    }

    /**
     * Reads the file through one {@link MessageFileReader#open}, in pieces of the given sizes
     * (cycled), checking every piece against {@code expected}; halfway it seeks back to row
     * {@code expected.size() / 3} and reads on from there, as a consumer does after a full buffer.
     */
    static void readInPiecesMatches(byte[] file, List<DecodedMessage> expected, int... pieceSizes) {
        try (MessageFileReader reader = new MessageFileReader()) {
            reader.open(file, 0, file.length, "pieces.parquet");
            boolean seekedBack = false;
            for (int piece = 0; ; piece++) {
                int from = reader.row();
                if (!seekedBack && from >= expected.size() / 2) {
                    seekedBack = true;
                    reader.seek(expected.size() / 3);
                    continue;
                }
                int size = pieceSizes[piece % pieceSizes.length];
                List<DecodedMessage> out = new ArrayList<>();
                int n = reader.read(size, DecodedMessage.collectInto(out));
                int to = Math.min(expected.size(), from + size);
                assertEquals(expected.subList(from, to), out, "rows " + from + " to " + to);
                assertEquals(to - from, n);
                assertEquals(to, reader.row());
                if (to == expected.size()) {
                    assertEquals(0, reader.read(10, DecodedMessage.collectInto(out)), "nothing after the end");
                    return;
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void roundTripsEveryCodecAcrossManyPages(Compression compression) {
        MessageBatch batch = randomBatch(5_000, 42);
        try (MessageFileWriter writer = new MessageFileWriter(compression, 16 * 1024)) {
            int length = writer.encode(batch);
            byte[] file = Arrays.copyOf(writer.buffer(), length);
            assertEquals(DecodedMessage.of(batch), decodeAll(file));
            assertEquals(5_000, ParquetFiles.rowCount(file, "test.parquet"));
            // The footer alone, as a range read of the file's tail would fetch it.
            int tail = ParquetFiles.tailLength(Arrays.copyOfRange(file, file.length - 8, file.length), "test.parquet");
            assertEquals(5_000, ParquetFiles.rowCountFromTail(Arrays.copyOfRange(file, file.length - tail, file.length), "test.parquet"));
            ParquetFormatException shortTail = assertThrows(ParquetFormatException.class,
                    () -> ParquetFiles.rowCountFromTail(Arrays.copyOfRange(file, file.length - tail + 1, file.length), "test.parquet"));
            assertTrue(shortTail.getMessage().contains("truncated"), shortTail.getMessage());
        }
    }

    @Test
    void statsCoverRecordsTimestampsAndNulls() {
        MessageBatch batch = new MessageBatch();
        byte[] v = {1, 2, 3};
        batch.append(null, 0, 0, v, 0, 3, 500);
        batch.append(new byte[] {9}, 0, 1, v, 0, 3, 100);
        batch.append(null, 0, 0, null, 0, 0, 900);
        try (MessageFileWriter writer = new MessageFileWriter()) {
            writer.encode(batch);
            MessageFileStats stats = writer.stats();
            assertEquals(3, stats.numRecords());
            assertEquals(100, stats.minTimestampMicros());
            assertEquals(900, stats.maxTimestampMicros());
            assertEquals(2, stats.keyNullCount());
            assertEquals(1, stats.valueNullCount());
            assertEquals(DecodedMessage.of(batch), decodeAll(writer.toByteArray()));
        }
    }

    @Test
    void emptyBatchIsAValidFileWithoutRows() {
        try (MessageFileWriter writer = new MessageFileWriter()) {
            writer.encode(new MessageBatch());
            assertEquals(0, ParquetFiles.rowCount(writer.toByteArray(), null));
            assertEquals(List.of(), decodeAll(writer.toByteArray()));
        }
    }

    @Test
    void writerAndBatchAreReusable() {
        MessageBatch batch = new MessageBatch(2, 16);
        try (MessageFileWriter writer = new MessageFileWriter()) {
            for (int round = 0; round < 4; round++) {
                batch.clear();
                MessageBatch source = randomBatch(100 + round * 1000, round);
                for (int i = 0; i < source.size(); i++) {
                    if (round == 3) {
                        // absolute views into a direct buffer, as a ring buffer would hand them out
                        ByteBuffer direct = ByteBuffer.allocateDirect(1024);
                        int kl = source.keyLength(i);
                        if (kl > 0) {
                            direct.put(0, source.keyBytes(), source.keyOffset(i), kl);
                        }
                        direct.put(100, source.valueBytes(), source.valueOffset(i), source.valueLength(i));
                        int hl = source.headersLength(i);
                        if (hl > 0) {
                            direct.put(500, source.headerBytes(), source.headersOffset(i), hl);
                        }
                        batch.appendFromBuffers(direct, 0, kl, direct, 100, source.valueLength(i), source.timestampMicros(i),
                                direct, 500, hl);
                        continue;
                    }
                    if (round == 2 && source.headersLength(i) < 0) {
                        batch.append(source.keyLength(i) < 0 ? null : ByteBuffer.wrap(source.keyBytes(), source.keyOffset(i),
                                source.keyLength(i)), ByteBuffer.wrap(source.valueBytes(), source.valueOffset(i),
                                source.valueLength(i)), source.timestampMicros(i));
                        continue;
                    }
                    batch.append(source.keyBytes(), source.keyOffset(i), source.keyLength(i), source.valueBytes(),
                            source.valueOffset(i), source.valueLength(i), source.timestampMicros(i), source.headerBytes(),
                            source.headersOffset(i), source.headersLength(i));
                }
                writer.encode(batch);
                assertEquals(DecodedMessage.of(source), decodeAll(writer.toByteArray()));
            }
        }
    }

    @Test
    void startsAtARowAndStopsAtALimit() {
        MessageBatch batch = randomBatch(3_000, 7);
        List<DecodedMessage> all = DecodedMessage.of(batch);
        try (MessageFileWriter writer = new MessageFileWriter(Compression.SNAPPY, 8 * 1024);
             MessageFileReader reader = new MessageFileReader()) {
            writer.encode(batch);
            byte[] file = writer.toByteArray();
            // The file sits inside a larger array, as it would in a reused download buffer.
            byte[] padded = new byte[file.length + 20];
            System.arraycopy(file, 0, padded, 10, file.length);
            for (int[] window : new int[][] {{0, 10}, {1234, 500}, {2990, 100}, {3000, 5}, {0, 0}}) {
                List<DecodedMessage> out = new ArrayList<>();
                int n = reader.decode(padded, 10, file.length, "x", window[0], window[1], DecodedMessage.collectInto(out));
                List<DecodedMessage> expected = all.subList(Math.min(window[0], all.size()), Math.min(all.size(), window[0] + window[1]));
                assertEquals(expected, out);
                assertEquals(expected.size(), n);
            }
        }
    }

    @Test
    void readsAnOpenFileInPiecesThatContinueWhereTheLastStopped() {
        MessageBatch batch = randomBatch(3_000, 11);
        try (MessageFileWriter writer = new MessageFileWriter(Compression.SNAPPY, 8 * 1024)) {
            writer.encode(batch);
            byte[] file = writer.toByteArray();
            readInPiecesMatches(file, DecodedMessage.of(batch), 1, 700, 0, 64, 4096);
            try (MessageFileReader reader = new MessageFileReader()) {
                reader.open(file, 0, file.length, "f");
                reader.seek(2_999);
                assertEquals(2_999, reader.row());
                reader.seek(10_000);
                assertEquals(3_000, reader.row(), "a seek past the end stops at the end");
                reader.seek(5);
                List<DecodedMessage> out = new ArrayList<>();
                assertEquals(2, reader.read(2, DecodedMessage.collectInto(out)));
                assertEquals(DecodedMessage.of(batch).subList(5, 7), out);
                assertTrue(reader.isOpen(file, 0, file.length));
                assertTrue(!reader.isOpen(file.clone(), 0, file.length), "another array is another file");
            }
        }
    }

    @Test
    void aHandlerFailureClosesTheFileSoNothingIsReadFromAnUnknownPosition() {
        MessageBatch batch = randomBatch(100, 3);
        try (MessageFileWriter writer = new MessageFileWriter(Compression.SNAPPY, 8 * 1024);
             MessageFileReader reader = new MessageFileReader()) {
            writer.encode(batch);
            byte[] file = writer.toByteArray();
            reader.open(file, 0, file.length, "f");
            MessageRowHandler failing = (row, kb, ko, kl, vb, vo, vl, ts, hb, ho, hl) -> {
                if (row == 40) {
                    throw new IllegalStateException("handler gave up at row 40");
                }
            };
            assertThrows(IllegalStateException.class, () -> reader.read(100, failing));
            IllegalStateException closed = assertThrows(IllegalStateException.class, () -> reader.read(1, failing));
            assertTrue(closed.getMessage().contains("no message file is open"), closed.getMessage());
            reader.open(file, 0, file.length, "f");
            List<DecodedMessage> out = new ArrayList<>();
            assertEquals(100, reader.read(1_000, DecodedMessage.collectInto(out)), "opening again starts over");
            assertEquals(DecodedMessage.of(batch), out);
        }
    }

    @Test
    void decodeAllocatesNothingPerMessage() {
        int messages = 40_000;
        MessageBatch batch = new MessageBatch();
        byte[] key = new byte[16];
        byte[] value = new byte[100];
        for (int i = 0; i < messages; i++) {
            batch.append(key, 0, key.length, value, 0, value.length, i);
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (MessageFileWriter writer = new MessageFileWriter(); MessageFileReader reader = new MessageFileReader()) {
            writer.encode(batch);
            byte[] file = writer.toByteArray();
            long[] sum = new long[1];
            MessageRowHandler handler = (row, kb, ko, kl, vb, vo, vl, ts, hb, ho, hl) -> sum[0] += vl + ts;
            for (int i = 0; i < 50; i++) {
                reader.decode(file, "f", handler);
            }
            long before = threads.getCurrentThreadAllocatedBytes();
            int rounds = 20;
            for (int i = 0; i < rounds; i++) {
                reader.decode(file, "f", handler);
            }
            long perMessage = (threads.getCurrentThreadAllocatedBytes() - before) / (rounds * (long) messages);
            // A single object per message would cost at least 16 bytes; a file's footer and page headers
            // (about 26 KB with five columns) cost less than one over this many messages.
            assertTrue(perMessage < 2, "decode allocated " + perMessage + " bytes per message");
            assertTrue(sum[0] > 0);
        }
    }

    @Test
    void refusesBadFilesWithSpecificMessages() {
        MessageBatch batch = randomBatch(100, 1);
        byte[] file;
        try (MessageFileWriter writer = new MessageFileWriter()) {
            writer.encode(batch);
            file = writer.toByteArray();
        }
        MessageRowHandler ignore = (row, kb, ko, kl, vb, vo, vl, ts, hb, ho, hl) -> { };
        try (MessageFileReader reader = new MessageFileReader()) {
            ParquetFormatException truncated = assertThrows(ParquetFormatException.class,
                    () -> reader.decode(Arrays.copyOf(file, file.length - 30), "part-1.parquet", ignore));
            assertTrue(truncated.getMessage().contains("part-1.parquet"), truncated.getMessage());
            assertTrue(truncated.getMessage().contains("magic"), truncated.getMessage());

            byte[] cut = Arrays.copyOfRange(file, file.length - 200, file.length);
            System.arraycopy("PAR1".getBytes(StandardCharsets.US_ASCII), 0, cut, 0, 4);
            ParquetFormatException cutFooter = assertThrows(ParquetFormatException.class, () -> reader.decode(cut, "cut.parquet", ignore));
            assertTrue(cutFooter.getMessage().contains("cut.parquet"), cutFooter.getMessage());

            assertTrue(assertThrows(ParquetFormatException.class, () -> reader.decode(new byte[5], "tiny", ignore))
                    .getMessage().contains("truncated"));
            byte[] junk = "definitely not a parquet file".getBytes(StandardCharsets.US_ASCII);
            assertTrue(assertThrows(ParquetFormatException.class, () -> reader.decode(junk, "junk", ignore))
                    .getMessage().contains("bad magic"));
        }
    }
}

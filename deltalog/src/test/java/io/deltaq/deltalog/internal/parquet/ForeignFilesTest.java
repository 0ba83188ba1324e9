package io.deltaq.deltalog.internal.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files written by parquet-java (the writer inside Spark and Kernel) with settings deltaq does
 * not use: dictionaries, DATA_PAGE v2 with DELTA encodings, several row groups, other column
 * orders, INT96 and millisecond timestamps, legacy list and map layouts.
 */
class ForeignFilesTest {
    @TempDir
    Path tmp;

    private byte[] write(String schemaText, CompressionCodecName codec, ParquetProperties.WriterVersion version,
                         boolean dictionary, int rows, BiConsumer<Integer, Group> fill) throws IOException {
        MessageType schema = MessageTypeParser.parseMessageType(schemaText);
        Path file = tmp.resolve("f-" + System.nanoTime() + ".parquet");
        SimpleGroupFactory groups = new SimpleGroupFactory(schema);
        try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(new LocalOutputFile(file))
                .withConf(new Configuration())
                .withType(schema)
                .withCompressionCodec(codec)
                .withWriterVersion(version)
                .withDictionaryEncoding(dictionary)
                .withRowGroupSize(64 * 1024L)
                .withPageSize(8 * 1024)
                .build()) {
            for (int i = 0; i < rows; i++) {
                Group g = groups.newGroup();
                fill.accept(i, g);
                writer.write(g);
            }
        }
        return Files.readAllBytes(file);
    }

    private static List<DecodedMessage> expectedMessages(int rows, long timestampScale) {
        List<DecodedMessage> out = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            out.add(new DecodedMessage(i, i % 5 == 0 ? null : ("k" + (i % 13)).getBytes(), ("value-" + (i % 50)).getBytes(),
                    (1_600_000_000_000L + i) * timestampScale));
        }
        return out;
    }

    private static void fillMessage(int i, Group g) {
        g.add("extra", (long) i);
        g.add("timestamp", 1_600_000_000_000L + i);
        g.add("value", Binary.fromString("value-" + (i % 50)));
        if (i % 5 != 0) {
            g.add("key", Binary.fromString("k" + (i % 13)));
        }
    }

    private static final String REORDERED = "message spark_schema { required int64 extra; "
            + "optional int64 timestamp (TIMESTAMP(MICROS,true)); required binary value; optional binary key; }";

    @Test
    void dictionaryPagesReorderedColumnsAndManyRowGroups() throws IOException {
        int rows = 20_000;
        for (CompressionCodecName codec : List.of(CompressionCodecName.SNAPPY, CompressionCodecName.GZIP, CompressionCodecName.UNCOMPRESSED)) {
            byte[] file = write(REORDERED, codec, ParquetProperties.WriterVersion.PARQUET_1_0, true, rows, ForeignFilesTest::fillMessage);
            assertTrue(org.apache.parquet.format.Util.readFileMetaData(new java.io.ByteArrayInputStream(file,
                    file.length - 8 - footerLength(file), footerLength(file))).getRow_groups().size() > 1, "several row groups");
            assertEquals(expectedMessages(rows, 1), MessageFileTest.decodeAll(file), codec.name());
            List<DecodedMessage> window = new ArrayList<>();
            try (MessageFileReader reader = new MessageFileReader()) {
                reader.decode(file, 0, file.length, "w", 12_345, 4_000, DecodedMessage.collectInto(window));
            }
            assertEquals(expectedMessages(rows, 1).subList(12_345, 16_345), window);
            // Pieces that cross row-group boundaries, and a seek back into an earlier row group.
            MessageFileTest.readInPiecesMatches(file, expectedMessages(rows, 1), 3_001, 17, 5_000);
        }
    }

    @Test
    void dataPageV2WithDeltaEncodingsTakesTheGeneralPath() throws IOException {
        int rows = 5_000;
        for (boolean dictionary : new boolean[] {true, false}) {
            byte[] file = write(REORDERED, CompressionCodecName.SNAPPY, ParquetProperties.WriterVersion.PARQUET_2_0, dictionary, rows,
                    ForeignFilesTest::fillMessage);
            assertEquals(expectedMessages(rows, 1), MessageFileTest.decodeAll(file), "dictionary " + dictionary);
            List<DecodedMessage> window = new ArrayList<>();
            try (MessageFileReader reader = new MessageFileReader()) {
                reader.decode(file, 0, file.length, "w", 4_990, 100, DecodedMessage.collectInto(window));
            }
            assertEquals(expectedMessages(rows, 1).subList(4_990, 5_000), window);
            MessageFileTest.readInPiecesMatches(file, expectedMessages(rows, 1), 999, 1);
        }
    }

    private static final String WITH_HEADERS = "message spark_schema { optional binary key; optional binary value;"
            + " optional int64 timestamp (TIMESTAMP(MICROS,true)); optional group headers (MAP) {"
            + " repeated group key_value { required binary key (STRING); optional binary value; } } }";

    /** Row i: no headers (null map) when i % 4 == 0, an empty map when 1, else i % 4 headers, one value null. */
    private static void fillWithHeaders(int i, Group g) {
        g.add("key", Binary.fromString("k" + (i % 13)));
        g.add("value", Binary.fromString("value-" + (i % 50)));
        g.add("timestamp", 1_600_000_000_000L + i);
        if (i % 4 == 0) {
            return;
        }
        Group map = g.addGroup("headers");
        for (int h = 0; h < (i % 4 == 1 ? 0 : i % 4); h++) {
            Group entry = map.addGroup("key_value");
            entry.add("key", Binary.fromString("h" + h));
            if (h != 1) {
                entry.add("value", Binary.fromString("v" + (i % 7)));
            }
        }
    }

    private static List<DecodedMessage> expectedWithHeaders(int rows) {
        List<DecodedMessage> out = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            List<io.deltaq.deltalog.Header> headers = new ArrayList<>();
            for (int h = 0; h < (i % 4 <= 1 ? 0 : i % 4); h++) {
                headers.add(new io.deltaq.deltalog.Header("h" + h, h == 1 ? null : ("v" + (i % 7)).getBytes()));
            }
            out.add(new DecodedMessage(i, ("k" + (i % 13)).getBytes(), ("value-" + (i % 50)).getBytes(),
                    1_600_000_000_000L + i, headers.isEmpty() ? null : io.deltaq.deltalog.Headers.encode(headers)));
        }
        return out;
    }

    /** A headers map as Spark writes one: v1 pages with dictionaries (the fast path) and v2 with DELTA encodings (the general). */
    @Test
    void headersMapsWrittenByParquetMrOnBothPaths() throws IOException {
        int rows = 6_000;
        for (ParquetProperties.WriterVersion version : ParquetProperties.WriterVersion.values()) {
            for (boolean dictionary : new boolean[] {true, false}) {
                byte[] file = write(WITH_HEADERS, CompressionCodecName.SNAPPY, version, dictionary, rows,
                        ForeignFilesTest::fillWithHeaders);
                String what = version + ", dictionary " + dictionary;
                assertEquals(expectedWithHeaders(rows), MessageFileTest.decodeAll(file), what);
                List<DecodedMessage> window = new ArrayList<>();
                try (MessageFileReader reader = new MessageFileReader()) {
                    reader.decode(file, 0, file.length, "w", 4_321, 1_000, DecodedMessage.collectInto(window));
                }
                assertEquals(expectedWithHeaders(rows).subList(4_321, 5_321), window, what);
                MessageFileTest.readInPiecesMatches(file, expectedWithHeaders(rows), 1_001, 3);
            }
        }
    }

    @Test
    void millisecondAndInt96Timestamps() throws IOException {
        String millis = "message m { optional binary key; optional binary value; optional int64 timestamp (TIMESTAMP(MILLIS,true)); }";
        byte[] file = write(millis, CompressionCodecName.SNAPPY, ParquetProperties.WriterVersion.PARQUET_1_0, false, 10,
                (i, g) -> {
                    g.add("key", Binary.fromString("k" + (i % 13)));
                    g.add("value", Binary.fromString("value-" + i));
                    g.add("timestamp", 1_600_000_000_000L + i);
                });
        List<DecodedMessage> got = MessageFileTest.decodeAll(file);
        assertEquals((1_600_000_000_000L + 3) * 1000, got.get(3).timestampMicros());

        String int96 = "message m { optional binary value; optional int96 timestamp; }";
        // 2020-09-13T12:26:40.123456Z: Julian day 2459106, 44800.123456 s into the day.
        long epochMicros = 1_600_000_000_123_456L;
        byte[] nanoTime = new byte[12];
        java.nio.ByteBuffer.wrap(nanoTime).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .putLong((epochMicros % 86_400_000_000L) * 1000).putInt((int) (epochMicros / 86_400_000_000L + 2_440_588));
        for (boolean dictionary : new boolean[] {true, false}) {
            byte[] f96 = write(int96, CompressionCodecName.SNAPPY, ParquetProperties.WriterVersion.PARQUET_1_0, dictionary, 3,
                    (i, g) -> {
                        g.add("value", Binary.fromString("v"));
                        g.add("timestamp", Binary.fromConstantByteArray(nanoTime));
                    });
            List<DecodedMessage> read = MessageFileTest.decodeAll(f96);
            assertEquals(epochMicros, read.get(2).timestampMicros());
            assertEquals(null, read.get(2).key(), "no key column: null keys");
        }
    }

    @Test
    void missingOrMistypedColumnsAreNamed() throws IOException {
        byte[] noValue = write("message m { optional binary key; optional int64 timestamp (TIMESTAMP(MICROS,true)); }",
                CompressionCodecName.SNAPPY, ParquetProperties.WriterVersion.PARQUET_1_0, false, 1,
                (i, g) -> g.add("timestamp", 1L));
        ParquetFormatException missing = assertThrows(ParquetFormatException.class,
                () -> new MessageFileReader().decode(noValue, "part-9.parquet", (r, kb, ko, kl, vb, vo, vl, t, hb, ho, hl) -> { }));
        assertTrue(missing.getMessage().contains("part-9.parquet") && missing.getMessage().contains("missing required column 'value'"),
                missing.getMessage());

        byte[] wrongType = write("message m { optional binary value; optional int32 timestamp; }",
                CompressionCodecName.SNAPPY, ParquetProperties.WriterVersion.PARQUET_1_0, false, 1,
                (i, g) -> g.add("timestamp", 1));
        ParquetFormatException wrong = assertThrows(ParquetFormatException.class,
                () -> new MessageFileReader().decode(wrongType, "part-8.parquet", (r, kb, ko, kl, vb, vo, vl, t, hb, ho, hl) -> { }));
        assertTrue(wrong.getMessage().contains("column 'timestamp' has type"), wrong.getMessage());

        byte[] zstd = write(REORDERED, CompressionCodecName.ZSTD, ParquetProperties.WriterVersion.PARQUET_1_0, false, 10,
                ForeignFilesTest::fillMessage);
        ParquetFormatException codec = assertThrows(ParquetFormatException.class, () -> MessageFileTest.decodeAll(zstd));
        assertTrue(codec.getMessage().contains("ZSTD"), codec.getMessage());
    }

    @Test
    void legacyListAndMapLayouts() throws IOException {
        String schema = "message m {"
                + " optional group bagList (LIST) { repeated group bag { optional binary array (UTF8); } }"
                + " optional group twoLevel (LIST) { repeated binary array (UTF8); }"
                + " optional group structList (LIST) { repeated group array { optional int32 a; } }"
                + " optional group tupleList (LIST) { repeated group tupleList_tuple { optional int32 a; } }"
                + " optional group oldMap (MAP) { repeated group map (MAP_KEY_VALUE) { required binary key (UTF8); optional int64 value; } }"
                + " repeated int32 bare;"
                + "}";
        byte[] file = write(schema, CompressionCodecName.SNAPPY, ParquetProperties.WriterVersion.PARQUET_1_0, true, 3, (i, g) -> {
            if (i == 0) {
                return; // everything null, bare empty
            }
            Group bagList = g.addGroup("bagList");
            if (i == 2) {
                bagList.addGroup("bag").append("array", "x");
                bagList.addGroup("bag");
                bagList.addGroup("bag").append("array", "z");
            }
            g.addGroup("twoLevel").append("array", "p").append("array", "q");
            g.addGroup("structList").addGroup("array").append("a", 1);
            g.addGroup("tupleList").addGroup("tupleList_tuple").append("a", 2);
            Group map = g.addGroup("oldMap");
            map.addGroup("map").append("key", "k1").append("value", 10L);
            map.addGroup("map").append("key", "k2");
            g.add("bare", 7);
            g.add("bare", 8);
        });
        List<ParquetStruct> rows = ParquetRows.read(file, "legacy.parquet", null);
        ParquetStruct empty = rows.get(0);
        assertEquals(null, empty.get("bagList"));
        assertEquals(null, empty.get("oldMap"));
        assertEquals(List.of(), empty.get("bare"));
        assertEquals(List.of(), rows.get(1).getList("bagList"), "present but empty");
        assertEquals(Arrays.asList("x", null, "z"), rows.get(2).getList("bagList"));
        assertEquals(List.of("p", "q"), rows.get(2).getList("twoLevel"));
        assertEquals(List.of(new ParquetStruct().with("a", 1)), rows.get(2).getList("structList"));
        assertEquals(List.of(new ParquetStruct().with("a", 2)), rows.get(2).getList("tupleList"));
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("k1", 10L);
        map.put("k2", null);
        assertEquals(map, rows.get(2).getMap("oldMap"));
        assertEquals(List.of(7, 8), rows.get(2).getList("bare"));
    }

    private static int footerLength(byte[] file) {
        return java.nio.ByteBuffer.wrap(file, file.length - 8, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt();
    }
}

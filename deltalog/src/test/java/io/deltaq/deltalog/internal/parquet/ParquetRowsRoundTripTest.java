package io.deltaq.deltalog.internal.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deltaq.testkit.GoldenTables;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParquetRowsRoundTripTest {

    /** The value restricted to the fields the row type describes (golden checkpoints carry more). */
    @SuppressWarnings("unchecked")
    static Object project(Object value, RowType type) {
        if (value == null) {
            return null;
        }
        if (type instanceof RowType.Struct s) {
            Map<String, Object> in = (Map<String, Object>) value;
            ParquetStruct out = new ParquetStruct();
            for (RowType.Field f : s.fields()) {
                out.put(f.name(), project(in.get(f.name()), f.type()));
            }
            return out;
        }
        return value;
    }

    @Test
    void goldenCheckpointsSurviveARoundTrip() {
        RowType.Struct type = CheckpointRowType.actions();
        ParquetRowsWriter writer = new ParquetRowsWriter(type);
        for (String path : List.of("basic-with-inserts-deletes-checkpoint/_delta_log/00000000000000000010.checkpoint.parquet",
                "delta-kernel-rs/app-txn-checkpoint/_delta_log/00000000000000000001.checkpoint.parquet",
                "delta-rs/data_err_logs/table_b/_delta_log/00000000000000000010.checkpoint.parquet")) {
            Path file = GoldenTables.dir().resolve(path);
            List<ParquetStruct> original = ParquetRowsGoldenTest.readCheckpoint(file, ParquetRowsGoldenTest.ACTIONS);
            List<ParquetStruct> expected = new ArrayList<>();
            for (ParquetStruct row : original) {
                expected.add((ParquetStruct) project(row, type));
            }
            byte[] written = writer.write(expected);
            List<ParquetStruct> back = ParquetRows.read(written, "rewritten " + path, null);
            assertEquals(expected, back, path);
            assertEquals(expected.size(), ParquetFiles.rowCount(written, path));
        }
    }

    @Test
    void nullsEmptiesAndNestingStayDistinct() {
        RowType.Struct type = RowType.struct()
                .field("id", RowType.LONG, false)
                .field("s", RowType.struct().field("a", RowType.STRING).field("b", RowType.INT))
                .field("tags", RowType.map(RowType.STRING, RowType.STRING, true))
                .field("names", RowType.list(RowType.STRING, true))
                .field("nested", RowType.list(RowType.struct().field("x", RowType.LONG)
                        .field("m", RowType.map(RowType.STRING, RowType.LONG, false)), true))
                .field("matrix", RowType.list(RowType.list(RowType.INT, false), false))
                .field("blob", RowType.BINARY)
                .field("flag", RowType.BOOLEAN)
                .field("d", RowType.DOUBLE)
                .field("ts", RowType.TIMESTAMP_MICROS);
        List<ParquetStruct> rows = new ArrayList<>();
        rows.add(full(1, null, null, null, null, null));
        rows.add(full(2, new ParquetStruct().with("a", null).with("b", null), new LinkedHashMap<>(), new ArrayList<>(),
                new ArrayList<>(), new ArrayList<>()));
        Map<String, Object> tags = new LinkedHashMap<>();
        tags.put("k1", "v1");
        tags.put("k2", null);
        List<Object> names = new ArrayList<>(Arrays.asList("x", null, "z"));
        List<Object> nested = new ArrayList<>();
        nested.add(new ParquetStruct().with("x", 5L).with("m", new LinkedHashMap<>(Map.of("q", 1L))));
        nested.add(null);
        nested.add(new ParquetStruct().with("x", null).with("m", null));
        List<Object> matrix = new ArrayList<>(List.of(List.of(1, 2), List.of(), List.of(3)));
        rows.add(full(3, new ParquetStruct().with("a", "A").with("b", 7), tags, names, nested, matrix)
                .with("blob", new byte[] {1, 2}).with("flag", true).with("d", 2.5).with("ts", 1_700_000_000_000_000L));

        for (Compression c : Compression.values()) {
            byte[] file = new ParquetRowsWriter(type, c).write(rows);
            List<ParquetStruct> back = ParquetRows.read(file, "nested.parquet", null);
            assertEquals(3, back.size());
            for (int i = 0; i < 3; i++) {
                ParquetStruct expected = rows.get(i);
                ParquetStruct actual = back.get(i);
                assertEquals(expected.keySet(), actual.keySet());
                for (String k : expected.keySet()) {
                    if (expected.get(k) instanceof byte[] b) {
                        assertTrue(Arrays.equals(b, actual.getBytes(k)));
                    } else {
                        assertEquals(expected.get(k), actual.get(k), "row " + i + " field " + k + " with " + c);
                    }
                }
            }
            // Projection reads only what is asked for.
            List<ParquetStruct> onlyTags = ParquetRows.read(file, "nested.parquet", java.util.Set.of("tags", "missing"));
            assertEquals(java.util.Set.of("tags"), onlyTags.get(2).keySet());
            assertEquals(tags, onlyTags.get(2).getMap("tags"));
        }
    }

    private static ParquetStruct full(long id, ParquetStruct s, Map<String, Object> tags, List<Object> names,
                                      List<Object> nested, List<Object> matrix) {
        return new ParquetStruct().with("id", id).with("s", s).with("tags", tags).with("names", names)
                .with("nested", nested).with("matrix", matrix).with("blob", null).with("flag", null).with("d", null)
                .with("ts", null);
    }

    @Test
    void writerRefusesValuesThatDoNotFit() {
        RowType.Struct type = RowType.struct().field("id", RowType.LONG, false).field("name", RowType.STRING);
        ParquetRowsWriter writer = new ParquetRowsWriter(type);
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> writer.write(List.of(new ParquetStruct().with("name", "x"))));
        assertTrue(missing.getMessage().contains("required field 'id'"), missing.getMessage());
        IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
                () -> writer.write(List.of(new ParquetStruct().with("id", "not a number"))));
        assertTrue(wrong.getMessage().contains("row 0.id"), wrong.getMessage());
    }
}

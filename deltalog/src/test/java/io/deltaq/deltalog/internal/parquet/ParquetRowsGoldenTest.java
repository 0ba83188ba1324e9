package io.deltaq.deltalog.internal.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deltaq.testkit.GoldenTables;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The generic row reader against checkpoints and data files written by Spark, delta-rs and delta-kernel-rs. */
class ParquetRowsGoldenTest {
    static final Set<String> ACTIONS = Set.of("txn", "add", "remove", "metaData", "protocol");
    private static final Pattern ADD_PATH = Pattern.compile("\\{\"add\":\\{\"path\":\"([^\"]+)\"");
    private static final Pattern REMOVE_PATH = Pattern.compile("\\{\"remove\":\\{\"path\":\"([^\"]+)\"");

    static List<ParquetStruct> readCheckpoint(Path file, Set<String> columns) {
        return ParquetRows.read(GoldenTables.bytes(file), file.getFileName().toString(), columns);
    }

    static List<ParquetStruct> nonNull(List<ParquetStruct> rows, String column) {
        List<ParquetStruct> out = new ArrayList<>();
        for (ParquetStruct r : rows) {
            if (r.get(column) != null) {
                out.add(r.getStruct(column));
            }
        }
        return out;
    }

    /** Live add paths and tombstones after replaying JSON commits 0..version (paths as written, URI-encoded). */
    static Set<String>[] replayPaths(Path table, int version) throws IOException {
        Set<String> adds = new TreeSet<>();
        Set<String> removes = new TreeSet<>();
        for (int v = 0; v <= version; v++) {
            Path commit = table.resolve("_delta_log").resolve(String.format("%020d.json", v));
            for (String line : Files.readAllLines(commit, StandardCharsets.UTF_8)) {
                Matcher a = ADD_PATH.matcher(line);
                if (a.find()) {
                    adds.add(a.group(1));
                    removes.remove(a.group(1));
                }
                Matcher r = REMOVE_PATH.matcher(line);
                if (r.find()) {
                    removes.add(r.group(1));
                    adds.remove(r.group(1));
                }
            }
        }
        @SuppressWarnings({"unchecked", "rawtypes"})
        Set<String>[] result = new Set[] {adds, removes};
        return result;
    }

    static Set<String> paths(List<ParquetStruct> actions) {
        Set<String> out = new TreeSet<>();
        for (ParquetStruct a : actions) {
            out.add(a.getString("path"));
        }
        return out;
    }

    @Test
    void classicCheckpointMatchesJsonReplay() throws IOException {
        Path table = GoldenTables.table("basic-with-inserts-deletes-checkpoint");
        List<ParquetStruct> rows = readCheckpoint(table.resolve("_delta_log/00000000000000000010.checkpoint.parquet"), ACTIONS);
        assertEquals(13, rows.size(), "_last_checkpoint says size 13");
        Set<String>[] replay = replayPaths(table, 10);
        List<ParquetStruct> adds = nonNull(rows, "add");
        assertEquals(6, adds.size());
        assertEquals(replay[0], paths(adds));
        assertEquals(replay[1], paths(nonNull(rows, "remove")));
        assertEquals(0, nonNull(rows, "txn").size());

        ParquetStruct meta = nonNull(rows, "metaData").get(0);
        assertEquals("testId", meta.getString("id"));
        assertEquals(List.of(), meta.getList("partitionColumns"), "an empty list, not null");
        assertEquals(Map.of(), meta.getMap("configuration"));
        assertEquals("parquet", meta.getStruct("format").getString("provider"));
        assertTrue(meta.getString("schemaString").startsWith("{\"type\":\"struct\""));
        ParquetStruct protocol = nonNull(rows, "protocol").get(0);
        assertEquals(1, protocol.getInt("minReaderVersion"));
        assertEquals(2, protocol.getInt("minWriterVersion"));

        for (ParquetStruct add : adds) {
            assertTrue(add.getLong("size") > 0);
            assertEquals(Boolean.FALSE, add.getBoolean("dataChange"), "checkpoints write dataChange false");
            assertEquals(Map.of(), add.getMap("partitionValues"));
            assertTrue(add.getString("stats").contains("numRecords"), add.getString("stats"));
            assertNull(add.get("deletionVector"), "a null struct stays null");
        }
        for (ParquetStruct remove : nonNull(rows, "remove")) {
            assertNotNull(remove.getLong("deletionTimestamp"));
        }
        // Not requested, so not read.
        assertTrue(rows.get(0).keySet().stream().allMatch(ACTIONS::contains), rows.get(0).keySet().toString());
    }

    @Test
    void multiPartCheckpointHoldsEveryAddOnce() throws IOException {
        Path log = GoldenTables.table("multi-part-checkpoint").resolve("_delta_log");
        List<ParquetStruct> rows = new ArrayList<>();
        rows.addAll(readCheckpoint(log.resolve("00000000000000000001.checkpoint.0000000001.0000000002.parquet"), ACTIONS));
        rows.addAll(readCheckpoint(log.resolve("00000000000000000001.checkpoint.0000000002.0000000002.parquet"), ACTIONS));
        assertEquals(12, rows.size(), "_last_checkpoint says size 12");
        assertEquals(replayPaths(GoldenTables.table("multi-part-checkpoint"), 1)[0], paths(nonNull(rows, "add")));
        ParquetStruct meta = nonNull(rows, "metaData").get(0);
        assertEquals(Map.of("delta.checkpointInterval", "1"), meta.getMap("configuration"));
    }

    @Test
    void kernelRsCheckpointWithTxnsAndPartitions() throws IOException {
        Path table = GoldenTables.table("delta-kernel-rs/app-txn-checkpoint");
        List<ParquetStruct> rows = readCheckpoint(table.resolve("_delta_log/00000000000000000001.checkpoint.parquet"), ACTIONS);
        assertEquals(8, rows.size());
        Map<String, Long> txns = new HashMap<>();
        for (ParquetStruct txn : nonNull(rows, "txn")) {
            txns.put(txn.getString("appId"), txn.getLong("version"));
        }
        assertEquals(Map.of("my-app", 3L, "my-app2", 2L), txns);
        assertEquals(List.of("modified"), nonNull(rows, "metaData").get(0).getList("partitionColumns"));
        List<ParquetStruct> adds = nonNull(rows, "add");
        assertEquals(replayPaths(table, 1)[0], paths(adds));
        for (ParquetStruct add : adds) {
            String modified = (String) add.getMap("partitionValues").get("modified");
            assertTrue(add.getString("path").startsWith("modified=" + modified + "/"), add.toString());
        }
    }

    @Test
    void deltaRsCheckpointCountsMatchLastCheckpoint() {
        Path log = GoldenTables.table("delta-rs/data_err_logs/table_b").resolve("_delta_log");
        List<ParquetStruct> rows = readCheckpoint(log.resolve("00000000000000000010.checkpoint.parquet"), ACTIONS);
        assertEquals(102, rows.size(), "_last_checkpoint says size 102");
        assertEquals(100, nonNull(rows, "add").size(), "_last_checkpoint says numOfAddFiles 100");
        assertEquals(1, nonNull(rows, "metaData").size());
        assertEquals(1, nonNull(rows, "protocol").size());
        assertEquals(100, paths(nonNull(rows, "add")).size(), "distinct paths");
    }

    @Test
    void v2CheckpointAndItsSidecars() throws IOException {
        Path log = GoldenTables.table("v2-checkpoint-parquet").resolve("_delta_log");
        List<ParquetStruct> top = readCheckpoint(log.resolve("00000000000000000002.checkpoint.e8fa2696-9728-4e9c-b285-634743fdd4fb.parquet"),
                Set.of("protocol", "metaData", "checkpointMetadata", "sidecar", "add"));
        assertEquals(2, nonNull(top, "sidecar").size());
        assertEquals(2L, nonNull(top, "checkpointMetadata").get(0).getLong("version"));
        assertEquals(List.of("v2Checkpoint"), nonNull(top, "protocol").get(0).getList("readerFeatures"));
        assertEquals("v2", nonNull(top, "metaData").get(0).getMap("configuration").get("delta.checkpointPolicy"));
        int adds = 0;
        try (Stream<Path> sidecars = Files.list(log.resolve("_sidecars"))) {
            for (Path sidecar : sidecars.filter(p -> p.getFileName().toString().endsWith(".parquet")).toList()) {
                adds += nonNull(readCheckpoint(sidecar, ACTIONS), "add").size();
            }
        }
        assertEquals(4, adds, "_last_checkpoint says numOfAddFiles 4");
    }

    @Test
    void everyGoldenParquetFileReadsAndAgreesWithItsFooter() throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(GoldenTables.dir())) {
            files = walk.filter(p -> p.getFileName().toString().endsWith(".parquet")).sorted().toList();
        }
        assertTrue(files.size() > 20, "found only " + files.size() + " Parquet files");
        for (Path file : files) {
            byte[] bytes = GoldenTables.bytes(file);
            List<ParquetStruct> rows = ParquetRows.read(bytes, file.toString(), null);
            assertEquals(ParquetFiles.rowCount(bytes, file.toString()), rows.size(), file.toString());
        }
    }

    @Test
    void dataFilesOfAnAppendOnlyTableHoldSparksRows() throws IOException {
        String name = "time-travel-start-start20-start40";
        List<Map<String, Object>> actual = new ArrayList<>();
        try (Stream<Path> walk = Files.list(GoldenTables.table(name))) {
            for (Path p : walk.filter(p -> p.getFileName().toString().endsWith(".parquet")).toList()) {
                actual.addAll(ParquetRows.read(GoldenTables.bytes(p), p.toString(), null));
            }
        }
        List<Map<String, Object>> expected = new ArrayList<>();
        try (Stream<Path> walk = Files.list(GoldenTables.dir().resolve("_expected").resolve(name))) {
            for (Path p : walk.filter(p -> p.getFileName().toString().endsWith(".parquet")).toList()) {
                expected.addAll(ParquetRows.read(GoldenTables.bytes(p), p.toString(), null));
            }
        }
        assertEquals(30, expected.size());
        assertEquals(sorted(expected), sorted(actual));
    }

    private static List<String> sorted(List<Map<String, Object>> rows) {
        return rows.stream().map(Object::toString).sorted().toList();
    }
}

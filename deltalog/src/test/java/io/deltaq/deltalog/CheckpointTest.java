package io.deltaq.deltalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deltaq.deltalog.actions.Action;
import io.deltaq.deltalog.actions.AddFile;
import io.deltaq.deltalog.actions.Format;
import io.deltaq.deltalog.actions.Metadata;
import io.deltaq.deltalog.actions.Protocol;
import io.deltaq.deltalog.actions.RemoveFile;
import io.deltaq.deltalog.actions.SetTransaction;
import io.deltaq.deltalog.internal.parquet.ParquetRows;
import io.deltaq.deltalog.internal.parquet.ParquetStruct;
import io.deltaq.s3io.LocalObjectStore;
import io.deltaq.s3io.ObjectStore;
import io.deltaq.testkit.GoldenTables;
import io.deltaq.testkit.RecordingStore;
import io.deltaq.testkit.TestS3;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writing classic checkpoints, and reading damaged or stale checkpoint state. */
class CheckpointTest {

    @TempDir
    Path dir;

    @Test
    void formatRoundTripsEveryCheckpointAction() {
        ParquetCheckpointFormat format = new ParquetCheckpointFormat();
        List<Action> actions = List.of(
                new Protocol(3, 7, List.of("vacuumProtocolCheck"), List.of("appendOnly")),
                new Metadata("id", "n", null, new Format("parquet", Map.of()), MessageSchema.SCHEMA_STRING, List.of(),
                        Map.of("delta.checkpointInterval", "5"), 7L),
                new SetTransaction("w1", 12, null),
                new AddFile("a%20b.parquet", Map.of(), 10, 11, false, "{\"numRecords\":3}", null, null),
                new RemoveFile("gone.parquet", 99L, false, true, Map.of(), 5L, null, null, null));
        byte[] file = format.write(actions);
        List<Action> back = new ArrayList<>();
        format.read("mem:cp", 4, file, back::add);
        assertEquals(actions, back);
    }

    @Test
    void writerCheckpointsEveryIntervalOffTheCommitPath() throws Exception {
        ExecutorService checkpoints = Executors.newSingleThreadExecutor();
        try (LocalObjectStore store = new LocalObjectStore(dir, 2, false)) {
            DeltaTable table = DeltaTable.at(store, "t", DeltaLogOptions.builder().defaultCheckpointInterval(5).build());
            table.createMessageTable();
            CommitWriter w = table.newWriter("w", table.snapshot(), checkpoints);
            for (long seq = 1; seq <= 12; seq++) {
                w.commit(seq, CommitWriterTest.files("f" + seq, 2)).get(10, TimeUnit.SECONDS);
                if (seq % 5 == 0) {
                    assertEquals(seq, w.lastCheckpoint().get(10, TimeUnit.SECONDS));
                }
            }
            Path log = dir.resolve("t/_delta_log");
            assertTrue(Files.exists(log.resolve("00000000000000000005.checkpoint.parquet")));
            assertTrue(Files.exists(log.resolve("00000000000000000010.checkpoint.parquet")));
            assertEquals(Optional.of(10L), LastCheckpoint.parse(Files.readAllBytes(log.resolve("_last_checkpoint")))
                    .map(LastCheckpoint::version));
            Snapshot s = table.snapshot();
            assertEquals(12, s.version());
            assertEquals(10, s.checkpointVersion().getAsLong());
            assertEquals(GoldenTablesTest.state(table.snapshotFromCommits(12)), GoldenTablesTest.state(s));
            assertEquals(12, s.transaction("w").orElseThrow().txnVersion());
            assertEquals(24, s.numRecordsFromStats().getAsLong());
            assertEquals("5", s.metadata().property("delta.checkpointInterval"));

            // The checkpoint has the shape Spark and Kernel read: one action struct per row.
            byte[] cp = Files.readAllBytes(log.resolve("00000000000000000010.checkpoint.parquet"));
            List<ParquetStruct> rows = ParquetRows.read(cp, "cp", null);
            assertEquals(1 + 1 + 1 + 10, rows.size());
            long adds = rows.stream().filter(r -> r.getStruct("add") != null).count();
            assertEquals(10, adds);
            for (ParquetStruct r : rows) {
                long set = r.values().stream().filter(v -> v != null).count();
                assertEquals(1, set, "one action per row: " + r.keySet());
            }
        } finally {
            checkpoints.shutdownNow();
        }
    }

    @Test
    void checkpointsDoNotPileUpBehindASlowOne() throws Exception {
        java.util.concurrent.LinkedBlockingQueue<Runnable> tasks = new java.util.concurrent.LinkedBlockingQueue<>();
        try (LocalObjectStore store = new LocalObjectStore(dir, 2, false)) {
            DeltaTable table = DeltaTable.at(store, "t", DeltaLogOptions.builder().defaultCheckpointInterval(2).build());
            table.createMessageTable();
            CommitWriter w = table.newWriter("w", table.snapshot(), tasks::add);
            for (long seq = 1; seq <= 6; seq++) {
                w.commit(seq, CommitWriterTest.files("f" + seq, 1)).join();
            }
            // Version 2's checkpoint was started; 4 and 6 were requested while it had not run: one is queued.
            assertEquals(1, tasks.size());
            tasks.take().run();
            assertFalse(w.lastCheckpoint().isDone(), "the queued checkpoint is still to run");
            assertEquals(1, tasks.size());
            tasks.take().run();
            assertEquals(6, w.lastCheckpoint().get(10, TimeUnit.SECONDS));
            Path log = dir.resolve("t/_delta_log");
            assertTrue(Files.exists(log.resolve("00000000000000000002.checkpoint.parquet")));
            assertFalse(Files.exists(log.resolve("00000000000000000004.checkpoint.parquet")));
            assertTrue(Files.exists(log.resolve("00000000000000000006.checkpoint.parquet")));
            assertEquals(6, table.latestCheckpointVersion());
        }
    }

    @Test
    void explicitCheckpointKeepsTheNewerHint() throws Exception {
        try (LocalObjectStore store = new LocalObjectStore(dir, 2, false)) {
            DeltaTable table = DeltaTable.at(store, "t");
            table.createMessageTable();
            CommitWriter w = table.newWriter("w", table.snapshot(), null);
            for (long seq = 1; seq <= 4; seq++) {
                w.commit(seq, CommitWriterTest.files("f" + seq, 1)).join();
            }
            assertEquals(3, table.checkpoint(3));
            assertEquals(2, table.checkpoint(2));
            Path hint = dir.resolve("t/_delta_log/_last_checkpoint");
            assertEquals(3, LastCheckpoint.parse(Files.readAllBytes(hint)).orElseThrow().version());
            assertEquals(3, table.snapshot().checkpointVersion().getAsLong());
            assertEquals(4, table.snapshot().liveFiles().size());
        }
    }

    @Test
    void staleLastCheckpointFindsTheNewerCheckpoint() throws Exception {
        Path copy = GoldenTables.copy("basic-with-inserts-deletes-checkpoint", dir.resolve("t"));
        try (RecordingStore recorded = new RecordingStore(TestS3.local(dir)); ObjectStore store = recorded) {
            DeltaTable table = DeltaTable.at(store, "t");
            assertEquals(5, table.checkpoint(5));
            // The hint stays at 10; make it stale on purpose.
            LogWriting.write(copy.resolve("_delta_log/_last_checkpoint"), "{\"version\":5,\"size\":8}");
            recorded.listCalls.clear();
            Snapshot s = table.snapshot();
            assertEquals(13, s.version());
            assertEquals(10, s.checkpointVersion().getAsLong());
            assertEquals(41, s.numRecordsFromStats().getAsLong());
            assertEquals(1, recorded.listCalls.size());
            assertEquals("t/_delta_log/00000000000000000005", recorded.listCalls.get(0).startAfter());
        }
    }

    @Test
    void truncatedCheckpointFallsBackToTheCommits() throws Exception {
        Path copy = GoldenTables.copy("basic-with-inserts-deletes-checkpoint", dir.resolve("t"));
        truncate(copy.resolve("_delta_log/00000000000000000010.checkpoint.parquet"));
        try (LocalObjectStore store = new LocalObjectStore(dir, 2, false)) {
            Snapshot s = DeltaTable.at(store, "t").snapshot();
            assertEquals(13, s.version());
            assertTrue(s.checkpointVersion().isEmpty(), "built from the commits");
            assertEquals(41, s.numRecordsFromStats().getAsLong());
        }
    }

    @Test
    void truncatedCheckpointWithoutTheEarlierLogFailsNamingIt() throws Exception {
        Path copy = GoldenTables.copy("basic-with-inserts-deletes-checkpoint", dir.resolve("t"));
        truncate(copy.resolve("_delta_log/00000000000000000010.checkpoint.parquet"));
        Files.delete(copy.resolve("_delta_log/00000000000000000003.json"));
        try (LocalObjectStore store = new LocalObjectStore(dir, 2, false)) {
            CorruptLogException e = assertThrows(CorruptLogException.class,
                    () -> DeltaTable.at(store, "t").snapshot());
            assertEquals(10, e.version());
            assertTrue(e.getMessage().contains("00000000000000000010.checkpoint.parquet (version 10) cannot be read"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("missing version 3"), e.getMessage());
        }
    }

    @Test
    void gapAfterTheCheckpointFails() throws Exception {
        Path copy = GoldenTables.copy("basic-with-inserts-deletes-checkpoint", dir.resolve("t"));
        Files.delete(copy.resolve("_delta_log/00000000000000000012.json"));
        try (LocalObjectStore store = new LocalObjectStore(dir, 2, false)) {
            LogGapException e = assertThrows(LogGapException.class, () -> DeltaTable.at(store, "t").snapshot());
            assertEquals(12, e.missingVersion());
            assertTrue(e.getMessage().contains("between the checkpoint at version 10 and the latest version 13"),
                    e.getMessage());
        }
    }

    @Test
    void multiPartCheckpointWithAMissingPartIsIgnored() throws Exception {
        Path copy = GoldenTables.copy("multi-part-checkpoint", dir.resolve("t"));
        Files.delete(copy.resolve("_delta_log/00000000000000000001.checkpoint.0000000002.0000000002.parquet"));
        try (LocalObjectStore store = new LocalObjectStore(dir, 2, false)) {
            Snapshot s = DeltaTable.at(store, "t").snapshot();
            assertEquals(1, s.version());
            assertTrue(s.checkpointVersion().isEmpty());
            assertEquals(31, s.numRecordsFromStats().getAsLong());
        }
    }

    @Test
    void missingDataFileFailsTheRowCount() throws Exception {
        Path copy = GoldenTables.copy("time-travel-start-start20-start40", dir.resolve("t"));
        Files.delete(copy.resolve("part-00001-2b364e64-4212-4a35-a95f-ab64504f7c5c-c000.snappy.parquet"));
        try (LocalObjectStore store = new LocalObjectStore(dir, 2, false)) {
            DeltaTable table = DeltaTable.at(store, "t");
            DataFileNotFoundException e = assertThrows(DataFileNotFoundException.class,
                    () -> table.rowCount(table.snapshot()));
            assertTrue(e.getMessage().contains("part-00001-2b364e64-4212-4a35-a95f-ab64504f7c5c-c000.snappy.parquet"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("version 2"), e.getMessage());
        }
    }

    @Test
    void checkpointOfAV2TableIsRefusedNamingTheFeature() throws Exception {
        GoldenTables.copy("v2-checkpoint-parquet", dir.resolve("t"));
        try (LocalObjectStore store = new LocalObjectStore(dir, 2, false)) {
            UnsupportedTableFeatureException e = assertThrows(UnsupportedTableFeatureException.class,
                    () -> DeltaTable.at(store, "t").checkpoint(2));
            assertTrue(e.features().contains("v2Checkpoint"));
            assertFalse(Files.exists(dir.resolve("t/_delta_log/00000000000000000002.checkpoint.parquet")));
        }
    }

    @Test
    void checkpointOfATableWithUnknownWriterFeaturesIsRefused() throws Exception {
        Path table = dir.resolve("t");
        LogWriting.commit(table, 0, "{\"protocol\":{\"minReaderVersion\":1,\"minWriterVersion\":7,"
                + "\"writerFeatures\":[\"domainMetadata\",\"rowTracking\"]}}", LogWriting.METADATA);
        try (LocalObjectStore store = new LocalObjectStore(dir, 2, false)) {
            UnsupportedTableFeatureException e = assertThrows(UnsupportedTableFeatureException.class,
                    () -> DeltaTable.at(store, "t").checkpoint(0));
            assertEquals(java.util.Set.of("domainMetadata", "rowTracking"), e.features());
            assertFalse(Files.exists(table.resolve("_delta_log/00000000000000000000.checkpoint.parquet")));
        }
    }

    @Test
    void garbageCheckpointIsCorruption() {
        ParquetCheckpointFormat format = new ParquetCheckpointFormat();
        CorruptLogException e = assertThrows(CorruptLogException.class, () -> format.read("file:///x/cp.parquet", 9,
                "not parquet at all".getBytes(StandardCharsets.UTF_8), a -> { }));
        assertEquals(9, e.version());
        assertTrue(e.getMessage().startsWith("checkpoint file:///x/cp.parquet (version 9) cannot be read"),
                e.getMessage());
        assertInstanceOf(RuntimeException.class, e.getCause());
    }

    private static void truncate(Path file) throws Exception {
        byte[] data = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(data, data.length / 2));
    }
}

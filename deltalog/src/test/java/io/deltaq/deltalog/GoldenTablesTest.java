package io.deltaq.deltalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deltaq.s3io.LocalObjectStore;
import io.deltaq.testkit.GoldenTables;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every table of the reference tables' {@code INDEX.md} (testkit) gives the stated result through the reader API. */
class GoldenTablesTest {

    private static LocalObjectStore store;

    @BeforeAll
    static void open() {
        store = new LocalObjectStore(GoldenTables.dir(), 2, false);
    }

    @AfterAll
    static void close() {
        store.close();
    }

    private static DeltaTable table(String name) {
        return DeltaTable.at(store, name);
    }

    @Test
    void timeTravelStartStart20Start40() {
        Snapshot s = table("time-travel-start-start20-start40").snapshot();
        assertEquals(2, s.version());
        assertEquals(6, s.liveFiles().size());
        assertTrue(s.numRecordsFromStats().isEmpty(), "no stats in this table");
        assertEquals(30, table("time-travel-start-start20-start40").rowCount(s), "rows from Parquet footers");
        assertTrue(s.checkpointVersion().isEmpty());
        assertEquals(2, table("time-travel-start-start20-start40").latestVersion());
    }

    @Test
    void snapshotData3OverwriteReconcilesRemoves() {
        Snapshot s = table("snapshot-data3").snapshot();
        assertEquals(3, s.version());
        assertEquals(4, s.liveFiles().size());
        assertEquals(4, s.tombstones().size());
        assertEquals(30, table("snapshot-data3").rowCount(s));
        Set<String> paths = new TreeSet<>();
        s.liveFiles().forEach(f -> paths.add(f.path()));
        assertEquals(Set.of(
                "part-00000-842017c2-3e02-44b5-a3d6-5b9ae1745045-c000.snappy.parquet",
                "part-00001-e62ca5a1-923c-4ee6-998b-c61d1cfb0b1c-c000.snappy.parquet",
                "part-00000-cb078bc1-0aeb-46ed-9cf8-74a843b32c8c-c000.snappy.parquet",
                "part-00001-9bf4b8f8-1b95-411b-bf10-28dc03aa9d2f-c000.snappy.parquet"), paths);
    }

    @Test
    void escapedCharsAreDecodedAsUris() {
        DeltaTable t = table("data-reader-escaped-chars");
        Snapshot s = t.snapshot();
        assertEquals(2, s.version());
        assertEquals(3, s.liveFiles().size());
        Set<String> dirs = new TreeSet<>();
        for (LiveFile f : s.liveFiles()) {
            dirs.add(f.path().substring(0, f.path().indexOf('/')));
            // The decoded path names an object that exists: the '+' stayed a '+'.
            assertTrue(t.readDataFile(f).join().length > 0, f.path());
        }
        assertEquals(Set.of("_2=bar+%2521", "_2=bar+%2522", "_2=bar+%2523"), dirs);
        assertEquals(List.of("_2"), s.metadata().partitionColumns());
        assertEquals(3, t.rowCount(s));
    }

    @Test
    void basicWithInsertsDeletesCheckpoint() {
        DeltaTable t = table("basic-with-inserts-deletes-checkpoint");
        Snapshot s = t.snapshot();
        assertEquals(13, s.version());
        assertEquals(10, s.checkpointVersion().getAsLong());
        assertEquals(7, s.liveFiles().size());
        assertEquals(41, s.numRecordsFromStats().getAsLong());
        assertEquals(41, t.rowCount(s));
        assertEquals(10, t.latestCheckpointVersion());
        // Checkpoint replay equals JSON replay.
        Snapshot fromJson = t.snapshotFromCommits(13);
        assertTrue(fromJson.checkpointVersion().isEmpty());
        assertEquals(state(fromJson), state(s));
        assertEquals(fromJson.protocol(), s.protocol());
        assertEquals(fromJson.metadata(), s.metadata());
    }

    @Test
    void multiPartCheckpoint() {
        DeltaTable t = table("multi-part-checkpoint");
        Snapshot s = t.snapshot();
        assertEquals(1, s.version());
        assertEquals(1, s.checkpointVersion().getAsLong());
        assertEquals(10, s.liveFiles().size());
        assertEquals(31, t.rowCount(s));
        assertEquals(state(t.snapshotFromCommits(1)), state(s));
    }

    @Test
    void appTxnCheckpointWithSnakeCaseHint() {
        DeltaTable t = table("delta-kernel-rs/app-txn-checkpoint");
        Snapshot s = t.snapshot();
        assertEquals(1, s.version());
        assertEquals(1, s.checkpointVersion().getAsLong());
        assertEquals(4, s.liveFiles().size());
        assertEquals(22, t.rowCount(s));
        assertEquals(3, s.transaction("my-app").orElseThrow().txnVersion());
        assertEquals(2, s.transaction("my-app2").orElseThrow().txnVersion());
        assertEquals(2, s.transactions().size());
    }

    @Test
    void gapBeforeTheCheckpointIsFine() {
        DeltaTable t = table("delta-rs/data_err_logs/table_b");
        Snapshot s = t.snapshot();
        assertEquals(13, s.version());
        assertEquals(10, s.checkpointVersion().getAsLong());
        assertEquals(130, s.liveFiles().size());
        assertEquals(130, s.numRecordsFromStats().getAsLong());
        // Without the checkpoint, the missing commit 7 is a gap.
        LogGapException gap = assertThrows(LogGapException.class, () -> t.snapshotFromCommits(13));
        assertEquals(7, gap.missingVersion());
    }

    /** The reconciled file set: decoded path, size and numRecords of every live file. */
    static Set<String> state(Snapshot s) {
        Set<String> files = new TreeSet<>();
        for (LiveFile f : s.liveFiles()) {
            files.add(f.path() + " " + f.size() + " " + f.numRecordsFromStats());
        }
        return files;
    }

    @Test
    void versionsNotContiguousFailsNamingTheGap() {
        LogGapException e = assertThrows(LogGapException.class, () -> table("versions-not-contiguous").snapshot());
        assertEquals(1, e.missingVersion());
        assertTrue(e.getMessage().contains("missing version 1"), e.getMessage());
        assertTrue(e.getMessage().contains("versions-not-contiguous"), e.getMessage());
    }

    @Test
    void invalidProtocolVersionFailsNamingTheVersion() {
        UnsupportedTableFeatureException e = assertThrows(UnsupportedTableFeatureException.class,
                () -> table("deltalog-invalid-protocol-version").snapshot());
        assertTrue(e.getMessage().contains("reader version 99"), e.getMessage());
    }

    @Test
    void deletionVectorsFailNamingTheFeature() {
        UnsupportedTableFeatureException e = assertThrows(UnsupportedTableFeatureException.class,
                () -> table("log-replay-dv-key-cases").snapshot());
        assertEquals(Set.of("deletionVectors"), e.features());
        assertTrue(e.getMessage().contains("deletionVectors"), e.getMessage());
    }

    @Test
    void v2CheckpointFailsNamingTheFeature() {
        UnsupportedTableFeatureException e = assertThrows(UnsupportedTableFeatureException.class,
                () -> table("v2-checkpoint-parquet").snapshot());
        assertEquals(Set.of("v2Checkpoint"), e.features());
        assertTrue(e.getMessage().contains("v2Checkpoint"), e.getMessage());
    }
}

package io.deltaq.deltalog;

import static io.deltaq.deltalog.LogWriting.METADATA;
import static io.deltaq.deltalog.LogWriting.PROTOCOL;
import static io.deltaq.deltalog.LogWriting.add;
import static io.deltaq.deltalog.LogWriting.commit;
import static io.deltaq.deltalog.LogWriting.remove;
import static io.deltaq.deltalog.LogWriting.txn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deltaq.s3io.FaultInjectingStore.Fault;
import io.deltaq.s3io.StoreMetrics.Operation;
import io.deltaq.testkit.RecordingStore;
import java.nio.file.Path;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** Reading hand-made logs through the real local-filesystem store. */
class SnapshotReaderTest extends LocalTableTest {

    SnapshotReaderTest() {
        super("topics/t1");
    }

    private void basicLog(int commits) {
        commit(tableDir, 0, PROTOCOL, METADATA);
        for (int v = 1; v <= commits; v++) {
            commit(tableDir, v, txn("w", v), add("f" + v + ".parquet", v));
        }
    }

    @Test
    void replaysAddsRemovesAndTxns() {
        basicLog(4);
        commit(tableDir, 5, remove("f1.parquet", true), add("g.parquet", 10), txn("other", 3));
        Snapshot s = table.snapshot();
        assertEquals(5, s.version());
        assertEquals(4, s.liveFiles().size());
        assertEquals(2 + 3 + 4 + 10, s.numRecordsFromStats().getAsLong());
        assertEquals(400, s.sizeInBytes());
        assertEquals(4, s.transaction("w").get().txnVersion());
        assertEquals(4, s.transaction("w").get().committedAtVersion());
        assertEquals(3, s.transaction("other").get().txnVersion());
        assertEquals(1, s.tombstones().size());
        assertEquals(5, table.latestVersion());
        assertEquals(-1, table.latestCheckpointVersion());
        LiveFile g = s.liveFiles().stream().filter(f -> f.path().equals("g.parquet")).findFirst().orElseThrow();
        assertEquals(5, g.addedInVersion());
    }

    @Test
    void snapshotAtAnOlderVersion() {
        basicLog(4);
        Snapshot s = table.snapshotAt(2);
        assertEquals(2, s.version());
        assertEquals(2, s.liveFiles().size());
        DeltaLogException e = assertThrows(DeltaLogException.class, () -> table.snapshotAt(9));
        assertTrue(e.getMessage().contains("cannot load version 9; the latest version is 4"), e.getMessage());
    }

    @Test
    void unknownFilesInTheLogAreIgnored() {
        basicLog(2);
        Path log = tableDir.resolve("_delta_log");
        LogWriting.write(log.resolve("00000000000000000001.crc"), "{}");
        LogWriting.write(log.resolve(".00000000000000000001.json.crc"), "garbage");
        LogWriting.write(log.resolve("00000000000000000000.00000000000000000002.compacted.json"), "garbage");
        LogWriting.write(log.resolve("_commits/00000000000000000003.7d17ac10-5cc3-401b-bd1a-9c82dd2ea032.json"),
                "garbage");
        LogWriting.write(log.resolve("_staged_commits/00000000000000000003.3a0d65cd.json"), "garbage");
        LogWriting.write(log.resolve("_sidecars/3a0d65cd.parquet"), "garbage");
        LogWriting.write(log.resolve("00000000000000000003.json.tmp"), "garbage");
        LogWriting.write(log.resolve("notes.txt"), "garbage");
        Snapshot s = table.snapshot();
        assertEquals(2, s.version());
        assertEquals(2, s.liveFiles().size());
    }

    @Test
    void unknownActionsAreSkipped() {
        commit(tableDir, 0, PROTOCOL, METADATA,
                "{\"domainMetadata\":{\"domain\":\"delta.x\",\"configuration\":\"{}\",\"removed\":false}}");
        commit(tableDir, 1, add("a.parquet", 1),
                "{\"cdc\":{\"path\":\"_change_data/c.parquet\",\"partitionValues\":{},\"size\":1,\"dataChange\":false}}",
                "{\"someFutureAction\":{\"x\":[1,{\"y\":2}]}}");
        Snapshot s = table.snapshot();
        assertEquals(1, s.liveFiles().size());
        Commit c = table.readCommit(1).join().orElseThrow();
        assertEquals(3, c.actions().size());
        assertEquals(Delivery.GAINS_DATA, c.delivery());
    }

    @Test
    void truncatedCommitFailsNamingVersionAndLine() {
        basicLog(2);
        LogWriting.write(tableDir.resolve("_delta_log/00000000000000000003.json"),
                txn("w", 3) + "\n{\"add\":{\"path\":\"f3.parquet\",\"partitionValues\":{},\"si");
        CorruptLogException e = assertThrows(CorruptLogException.class, () -> table.snapshot());
        assertEquals(3, e.version());
        assertTrue(e.getMessage().contains("00000000000000000003.json (version 3), line 2: truncated JSON"),
                e.getMessage());
    }

    @Test
    void invalidCommitFailsNamingVersionAndLine() {
        basicLog(1);
        commit(tableDir, 2, txn("w", 2), "{\"add\":{\"path\":\"x\",,}}");
        CorruptLogException e = assertThrows(CorruptLogException.class, () -> table.snapshot());
        assertEquals(2, e.version());
        assertTrue(e.getMessage().contains("(version 2), line 2, column"), e.getMessage());
    }

    @Test
    void emptyLastCheckpointIsIgnored() {
        basicLog(3);
        LogWriting.write(tableDir.resolve("_delta_log/_last_checkpoint"), new byte[0]);
        assertEquals(3, table.snapshot().version());
    }

    @Test
    void lastCheckpointNamingAMissingCheckpointFallsBackToTheLog() {
        basicLog(6);
        LogWriting.write(tableDir.resolve("_delta_log/_last_checkpoint"), "{\"version\":4,\"size\":3}");
        Snapshot s = table.snapshot();
        assertEquals(6, s.version());
        assertEquals(6, s.liveFiles().size());
        assertTrue(s.checkpointVersion().isEmpty());
    }

    @Test
    void lastCheckpointBeyondTheLogFallsBackToTheLog() {
        basicLog(2);
        LogWriting.write(tableDir.resolve("_delta_log/_last_checkpoint"), "{\"version\":5000,\"size\":3}");
        assertEquals(2, table.snapshot().version());
    }

    @Test
    void noTableIsTableNotFound() {
        TableNotFoundException e = assertThrows(TableNotFoundException.class, () -> table.snapshot());
        assertTrue(e.getMessage().contains("topics/t1"), e.getMessage());
        assertThrows(TableNotFoundException.class, () -> table.latestVersion());
    }

    @Test
    void firstCommitMissingWithoutCheckpointIsAGap() {
        commit(tableDir, 1, PROTOCOL, METADATA);
        commit(tableDir, 2, add("a", 1));
        LogGapException e = assertThrows(LogGapException.class, () -> table.snapshot());
        assertEquals(0, e.missingVersion());
    }

    @Test
    void missingDataFileNamesPathAndVersion() throws Exception {
        basicLog(2);
        LogWriting.write(tableDir.resolve("f1.parquet"), "PAR1");
        Snapshot s = table.snapshot();
        assertEquals(4, table.readDataFile(s.liveFiles().get(0)).join().length);
        CompletionException e = assertThrows(CompletionException.class,
                () -> table.readDataFile(s.liveFiles().get(1)).join());
        DataFileNotFoundException missing = assertInstanceOf(DataFileNotFoundException.class, e.getCause());
        assertTrue(missing.getMessage().contains("'f2.parquet' (added at or before version 2) does not exist"),
                missing.getMessage());
    }

    @Test
    void pathsOutsideTheTableAreRefusedUnlessAllowed() {
        commit(tableDir, 0, PROTOCOL, METADATA);
        commit(tableDir, 1, add("../t2/x.parquet", 1));
        CorruptLogException e = assertThrows(CorruptLogException.class, () -> table.snapshot());
        assertTrue(e.getMessage().contains("'../t2/x.parquet', which lies outside the table root"), e.getMessage());
        DeltaTable lenient = DeltaTable.at(store, "topics/t1",
                DeltaLogOptions.builder().allowPathsOutsideTable(true).build());
        LiveFile f = lenient.snapshot().liveFiles().get(0);
        assertFalse(f.insideTable());
        assertThrows(CompletionException.class, () -> lenient.readDataFile(f).join());
    }

    @Test
    void invalidPathIsCorruption() {
        commit(tableDir, 0, PROTOCOL, METADATA);
        commit(tableDir, 1, add("a b.parquet", 1));
        CorruptLogException e = assertThrows(CorruptLogException.class, () -> table.snapshot());
        assertTrue(e.getMessage().contains("(version 1) names data file 'a b.parquet', which is not a valid path"),
                e.getMessage());
    }

    @Test
    void logWithoutMetadataIsCorrupt() {
        commit(tableDir, 0, PROTOCOL, add("a", 1));
        CorruptLogException e = assertThrows(CorruptLogException.class, () -> table.snapshot());
        assertTrue(e.getMessage().contains("holds no metaData action"), e.getMessage());
    }

    @Test
    void listingStartsAtTheHintedVersion() {
        basicLog(5);
        LogWriting.write(tableDir.resolve("_delta_log/_last_checkpoint"), "{\"version\":3,\"size\":3}");
        recorded.listCalls.clear();
        table.latestVersion();
        // No checkpoint at 3 exists, so the reader looks back from 3, but its first listing starts at 3.
        assertEquals("topics/t1/_delta_log/00000000000000000003", recorded.listCalls.get(0).startAfter());
        for (RecordingStore.ListCall call : recorded.listCalls) {
            assertEquals("topics/t1/_delta_log/", call.prefix());
        }
    }

    @Test
    void storageFailureNamesTheFile() {
        basicLog(2);
        store.fail(Operation.GET, k -> k.endsWith("00000000000000000002.json"), Fault.error(503));
        DeltaStorageException e = assertThrows(DeltaStorageException.class, () -> table.snapshot());
        assertTrue(e.getMessage().contains("reading " + store.location()), e.getMessage());
        assertTrue(e.getMessage().contains("00000000000000000002.json failed"), e.getMessage());
    }
}

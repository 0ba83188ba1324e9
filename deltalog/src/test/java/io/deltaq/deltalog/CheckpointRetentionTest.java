package io.deltaq.deltalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deltaq.deltalog.actions.Action;
import io.deltaq.deltalog.actions.Format;
import io.deltaq.deltalog.actions.Metadata;
import io.deltaq.deltalog.actions.Protocol;
import io.deltaq.deltalog.actions.RemoveFile;
import io.deltaq.deltalog.actions.SetTransaction;
import io.deltaq.s3io.LocalObjectStore;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a checkpoint keeps of txns and tombstones (docs/rfcs/0005-maintenance.md, I6). */
class CheckpointRetentionTest {

    private static final long DAY = 86_400_000L;
    private static final long NOW = 1_800_000_000_000L;

    @TempDir
    Path dir;

    private static Snapshot snapshot(Map<String, String> configuration, List<TransactionState> txns,
                                     List<RemoveFile> tombstones) {
        Metadata m = new Metadata("id", null, null, Format.PARQUET, MessageSchema.SCHEMA_STRING, List.of(),
                configuration, 1L);
        Map<String, TransactionState> byApp = new HashMap<>();
        txns.forEach(t -> byApp.put(t.appId(), t));
        return new Snapshot("t", 10, -1, Protocol.DELTAQ_DEFAULT, m, List.of(), tombstones, byApp);
    }

    private static Set<String> txns(List<Action> actions) {
        Set<String> apps = new TreeSet<>();
        for (Action a : actions) {
            if (a instanceof SetTransaction t) {
                apps.add(t.appId());
            }
        }
        return apps;
    }

    private static Set<String> tombstones(List<Action> actions) {
        Set<String> paths = new TreeSet<>();
        for (Action a : actions) {
            if (a instanceof RemoveFile r) {
                paths.add(r.path());
            }
        }
        return paths;
    }

    private static RemoveFile removedAt(String path, Long ts) {
        return new RemoveFile(path, ts, true, null, null, null, null, null, null);
    }

    /**
     * Fails if a txn not updated for delta.setTransactionRetentionDuration stays, a younger one or one
     * without lastUpdated goes, compaction's own txn (B) expires, or lastUpdated is not written back.
     */
    @Test
    void expiredTxnsLeaveTheCheckpointButCompactionsStays() {
        List<TransactionState> txns = List.of(
                new TransactionState("old", 3, 5, false, NOW - 8 * DAY),
                new TransactionState("young", 4, 6, false, NOW - 6 * DAY),
                new TransactionState("unknown-age", 5, 7, false, null),
                new TransactionState(CompactedRange.COMPACTION_APP_ID, 9, 8, false, NOW - 100 * DAY));
        List<Action> actions = Checkpointer.actions(snapshot(
                Map.of(TableProperties.SET_TRANSACTION_RETENTION, "interval 7 days"), txns, List.of()), NOW);
        assertEquals(new TreeSet<>(List.of("young", "unknown-age", CompactedRange.COMPACTION_APP_ID)), txns(actions));
        assertTrue(actions.contains(new SetTransaction("young", 4, NOW - 6 * DAY)), "lastUpdated is kept: " + actions);
        // Without the property (a table not created by deltaq), Delta keeps every txn.
        assertEquals(4, txns(Checkpointer.actions(snapshot(Map.of(), txns, List.of()), NOW)).size());
    }

    /** Fails if a tombstone leaves before twice delta.deletedFileRetentionDuration, or stays after. */
    @Test
    void tombstonesStayForTwiceTheDeletedFileRetention() {
        List<RemoveFile> removes = List.of(
                removedAt("a", NOW - DAY), // 1 period of 2 days: due for vacuum, must stay
                removedAt("b", NOW - 3 * DAY), // 1.5 periods: must stay
                removedAt("c", NOW - 5 * DAY), // 2.5 periods: goes
                removedAt("d", null));
        List<Action> actions = Checkpointer.actions(snapshot(
                Map.of(TableProperties.DELETED_FILE_RETENTION, "interval 2 days"), List.of(), removes), NOW);
        assertEquals(new TreeSet<>(List.of("a", "b", "d")), tombstones(actions));
    }

    /**
     * Fails if a writer's state (which its checkpoints come from) keeps a txn or tombstone its
     * checkpoints leave out, or drops one they keep: over months it would hold every writer and file
     * the table ever had.
     */
    @Test
    void aWritersStateForgetsWhatItsCheckpointsLeaveOut() {
        Snapshot start = snapshot(Map.of(TableProperties.SET_TRANSACTION_RETENTION, "interval 7 days",
                        TableProperties.DELETED_FILE_RETENTION, "interval 2 days"),
                List.of(new TransactionState("old", 3, 5, false, NOW - 8 * DAY),
                        new TransactionState("young", 4, 6, false, NOW - 6 * DAY)),
                List.of(removedAt("gone", NOW - 5 * DAY), removedAt("kept", NOW - DAY)));
        LogReplay state = LogReplay.startingFrom(start, DeltaLogOptions.defaults());
        state.dropExpired(NOW);
        Snapshot after = state.toSnapshot(10, -1);
        assertEquals(Set.of("young"), after.transactions().keySet());
        assertEquals(Set.of("kept"), new TreeSet<>(after.tombstones().stream().map(RemoveFile::path).toList()));
        assertEquals(Checkpointer.actions(start, NOW), Checkpointer.actions(after, NOW),
                "the checkpoint is the same whether written from the full or the pruned state");
    }

    /**
     * Fails if a new table lacks delta.setTransactionRetentionDuration, or a txn's lastUpdated is lost
     * in log replay or in a checkpoint round trip.
     */
    @Test
    void lastUpdatedSurvivesReplayAndCheckpoints() {
        try (LocalObjectStore store = new LocalObjectStore(dir, 2, false)) {
            DeltaTable table = DeltaTable.at(store, "t");
            table.createMessageTable();
            assertEquals("interval 7 days", table.snapshot().metadata().property("delta.setTransactionRetentionDuration"));
            CommitWriter w = table.newWriter("w", table.snapshot(), null);
            w.commit(1, CommitWriterTest.files("f", 2)).join();
            Long fromCommit = table.snapshot().transaction("w").orElseThrow().lastUpdated();
            assertNotNull(fromCommit);
            table.checkpoint(1);
            TransactionState fromCheckpoint = table.snapshot().transaction("w").orElseThrow();
            assertTrue(fromCheckpoint.fromCheckpoint());
            assertEquals(fromCommit, fromCheckpoint.lastUpdated());
        }
    }
}

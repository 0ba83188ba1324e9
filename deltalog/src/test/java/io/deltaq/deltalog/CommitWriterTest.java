package io.deltaq.deltalog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deltaq.deltalog.actions.Action;
import io.deltaq.deltalog.actions.AddFile;
import io.deltaq.deltalog.actions.CommitInfo;
import io.deltaq.deltalog.actions.Metadata;
import io.deltaq.deltalog.actions.Protocol;
import io.deltaq.deltalog.actions.SetTransaction;
import io.deltaq.s3io.FaultInjectingStore.Fault;
import io.deltaq.s3io.StoreMetrics.Operation;
import io.deltaq.testkit.Conditions;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Table creation and commits through the real local-filesystem store, with injected faults where noted. */
class CommitWriterTest extends LocalTableTest {

    CommitWriterTest() {
        super("t");
    }

    static List<AddFile> files(String name, int records) {
        String stats = new MessageStats(records, 1_000_000L, 2_000_000L, 0).toJson();
        return List.of(AddFile.ofNewFile(name + ".parquet", 1000, 1L, stats));
    }

    private static CommitResult commit(CommitWriter w, long seq, String name) {
        return w.commit(seq, files(name, 10)).join();
    }

    private static Throwable failure(CompletableFuture<?> f) {
        CompletionException e = assertThrows(CompletionException.class, f::join);
        return e.getCause();
    }

    /** Creates the table and returns its first snapshot. */
    private Snapshot created() {
        assertTrue(table.createMessageTable().created());
        return table.snapshot();
    }

    private List<Action> readVersion(long v) {
        return table.readCommit(v).join().orElseThrow().actions();
    }

    @Test
    void createsTheMessageTable() throws Exception {
        TableCreation created = table.createMessageTable();
        assertTrue(created.created());
        assertEquals(0, table.snapshot().version());
        List<Action> v0 = readVersion(0);
        assertEquals(3, v0.size());
        assertEquals("CREATE TABLE", assertInstanceOf(CommitInfo.class, v0.get(0)).operation());
        assertEquals(new Protocol(1, 2, null, null), v0.get(1));
        Metadata m = assertInstanceOf(Metadata.class, v0.get(2));
        assertEquals(MessageSchema.SCHEMA_STRING, m.schemaString());
        assertEquals(List.of(), m.partitionColumns());
        assertEquals("100", m.property("delta.checkpointInterval"));
        assertEquals(m, created.metadata());
        assertEquals(m, table.snapshot().metadata());

        TableCreation again = table.createMessageTable();
        assertFalse(again.created());
        assertEquals(m, again.metadata());
        assertTrue(Files.readString(tableDir.resolve("_delta_log/00000000000000000000.json"))
                .contains("\"engineInfo\":\"deltaq/"));
    }

    @Test
    void createsTheMessageTableWithExtraProperties() {
        TableCreation created = table.createMessageTable(Map.of("deltaq.retention.ms", "120000",
                "delta.checkpointInterval", "10"));
        assertTrue(created.created());
        Metadata m = assertInstanceOf(Metadata.class, readVersion(0).get(2));
        assertEquals("120000", m.property("deltaq.retention.ms"));
        assertEquals("10", m.property("delta.checkpointInterval"), "an extra property wins over deltaq's own");
        assertEquals(MessageSchema.SCHEMA_STRING, m.schemaString());
        assertEquals(m, table.snapshot().metadata());
        // An existing table is accepted as it is.
        TableCreation again = table.createMessageTable(Map.of("deltaq.retention.ms", "1"));
        assertFalse(again.created());
        assertEquals("120000", again.metadata().property("deltaq.retention.ms"));
    }

    @Test
    void racingCreatorsProduceOneTable() throws Exception {
        int creators = 8;
        ExecutorService pool = Executors.newFixedThreadPool(creators);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<TableCreation>> results = new ArrayList<>();
            for (int i = 0; i < creators; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return DeltaTable.at(store, "t").createMessageTable();
                }));
            }
            start.countDown();
            int created = 0;
            String id = null;
            for (Future<TableCreation> r : results) {
                TableCreation c = r.get(30, TimeUnit.SECONDS);
                created += c.created() ? 1 : 0;
                if (id != null) {
                    assertEquals(id, c.metadata().id());
                }
                id = c.metadata().id();
            }
            assertEquals(1, created);
            assertEquals(id, table.snapshot().metadata().id());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void creatingOverAnotherSchemaFails() {
        LogWriting.commit(tableDir, 0, LogWriting.PROTOCOL, LogWriting.METADATA.replace("binary", "string"));
        IncompatibleTableException e = assertThrows(IncompatibleTableException.class, table::createMessageTable);
        assertTrue(e.getMessage().contains("not a deltaq message table"), e.getMessage());
        assertTrue(e.getMessage().contains(tableDir.getFileName().toString()), e.getMessage());
    }

    @Test
    void createsAfterAnAmbiguousWriteThatLanded() {
        store.failNext(Operation.PUT_IF_ABSENT, k -> k.contains("_delta_log/"), Fault.lostResponse());
        assertTrue(table.createMessageTable().created());
        store.failNext(Operation.PUT_IF_ABSENT, k -> k.contains("_delta_log/"), Fault.lostRequest());
        assertFalse(DeltaTable.at(store, "t").createMessageTable().created());
    }

    @Test
    void appendsABlindAppendCommit() {
        Snapshot s = created();
        CommitWriter w = table.newWriter("producer-1", s, null);
        CommitResult r = commit(w, 1, "a");
        assertEquals(new CommitResult(CommitResult.Outcome.COMMITTED, 1, 1, 1), r);
        List<Action> v1 = readVersion(1);
        CommitInfo info = assertInstanceOf(CommitInfo.class, v1.get(0));
        assertEquals("WRITE", info.operation());
        assertEquals(Boolean.TRUE, info.isBlindAppend());
        assertTrue(info.engineInfo().startsWith("deltaq/"));
        assertTrue(info.timestamp() > 0);
        SetTransaction txn = assertInstanceOf(SetTransaction.class, v1.get(1));
        assertEquals("producer-1", txn.appId());
        assertEquals(1, txn.version());
        AddFile add = assertInstanceOf(AddFile.class, v1.get(2));
        assertTrue(add.dataChange());
        assertEquals(10, MessageStats.parse(add.stats()).numRecords());
        assertEquals(Delivery.GAINS_DATA, table.readCommit(1).join().orElseThrow().delivery());

        assertEquals(2, commit(w, 2, "b").version());
        Snapshot after = table.snapshot();
        assertEquals(2, after.version());
        assertEquals(20, after.numRecordsFromStats().getAsLong());
        assertEquals(2, after.transaction("producer-1").get().txnVersion());
    }

    @Test
    void aCommitCanNameTheWritersNextDataFileForReadersToFetchEarly() throws Exception {
        Snapshot s = created();
        CommitWriter w = table.newWriter("p", s, null);
        w.commit(1, files("a", 10), "b%20c.parquet").join();
        w.commit(2, files("b%20c", 10)).join();
        Commit first = table.readCommit(1).join().orElseThrow();
        assertEquals(Optional.of("b%20c.parquet"), first.nextDataFile());
        assertEquals(Map.of("mode", "Append", Commit.NEXT_DATA_FILE_PARAMETER, "b%20c.parquet",
                        Commit.WRITER_INSTANCE_PARAMETER, w.instance()),
                first.commitInfo().orElseThrow().operationParameters());
        assertEquals(Optional.empty(), table.readCommit(2).join().orElseThrow().nextDataFile());

        Files.write(tableDir.resolve("b c.parquet"), new byte[] {1, 2, 3});
        assertArrayEquals(new byte[] {1, 2, 3}, table.prefetchDataFile("b%20c.parquet").join().orElseThrow(),
                "the add path is decoded as log replay decodes it");
        assertEquals(Optional.empty(), table.prefetchDataFile("missing.parquet").join());
        assertEquals(Optional.empty(), table.prefetchDataFile("../outside.parquet").join(), "outside the table");
        assertEquals(Optional.empty(), table.prefetchDataFile("bad path %zz").join(), "not a URI");
    }

    @Test
    void aRetriedBatchIsNeverCommittedTwice() {
        Snapshot s = created();
        CommitWriter w = table.newWriter("p", s, null);
        commit(w, 1, "a");
        commit(w, 2, "b");
        CommitResult again = commit(w, 2, "b");
        assertEquals(CommitResult.Outcome.ALREADY_COMMITTED, again.outcome());
        assertEquals(2, again.version());

        // A restarted writer learns its last batch from the snapshot.
        CommitWriter restarted = table.newWriter("p", table.snapshot(), null);
        assertEquals(2, restarted.lastBatchSequence());
        CommitResult retried = commit(restarted, 1, "a");
        assertEquals(new CommitResult(CommitResult.Outcome.ALREADY_COMMITTED, 2, 1, 0), retried);
        assertEquals(3, commit(restarted, 3, "c").version());
        assertEquals(3, table.latestVersion());
    }

    @Test
    void aLostRaceMovesToTheNextVersion() {
        Snapshot s = created();
        CommitWriter a = table.newWriter("a", s, null);
        CommitWriter b = table.newWriter("b", s, null);
        assertEquals(1, commit(a, 1, "a1").version());
        assertEquals(2, commit(a, 2, "a2").version());
        CommitResult rb = commit(b, 1, "b1");
        assertEquals(3, rb.version());
        assertEquals(2, rb.attempts(), "lost version 1, listed to the head, won version 3");
        assertEquals(3, b.knownVersion());
        assertEquals(4, commit(a, 3, "a3").version());
        assertEquals(4, table.snapshot().liveFiles().size());
    }

    @Test
    void aConcurrentMetadataChangeBeyondSettingsIsAConflict() {
        Snapshot s = created();
        CommitWriter w = table.newWriter("w", s, null);
        // A new table id: the table was replaced. (A change of settings alone is adopted:
        // WriterStateCheckpointTest.)
        Metadata changed = new Metadata("another-table", null, null, s.metadata().format(),
                s.metadata().schemaString(), List.of(), Map.of("delta.checkpointInterval", "7"), 5L);
        LogWriting.write(tableDir.resolve("_delta_log/00000000000000000001.json"), ActionJson.toJson(changed) + "\n");
        CommitConflictException e = assertInstanceOf(CommitConflictException.class,
                failure(w.commit(1, files("a", 1))));
        assertFalse(e.isRetryable());
        assertTrue(e.isConflict());
        assertEquals(1, e.winningVersion());
        assertTrue(e.getMessage().contains("version 1 changed the table metadata"), e.getMessage());
        // The writer refuses to go on; a new one from a fresh snapshot can.
        assertInstanceOf(CommitConflictException.class, failure(w.commit(1, files("a", 1))));
        CommitWriter fresh = table.newWriter("w", table.snapshot(), null);
        assertEquals(2, commit(fresh, 1, "a").version());
    }

    @Test
    void aConcurrentProtocolChangeIsAConflict() {
        Snapshot s = created();
        CommitWriter w = table.newWriter("w", s, null);
        LogWriting.commit(tableDir, 1, "{\"protocol\":{\"minReaderVersion\":3,\"minWriterVersion\":7,"
                + "\"readerFeatures\":[\"deletionVectors\"],\"writerFeatures\":[\"deletionVectors\"]}}");
        CommitConflictException e = assertInstanceOf(CommitConflictException.class,
                failure(w.commit(1, files("a", 1))));
        assertTrue(e.getMessage().contains("changed the protocol"), e.getMessage());
        assertThrows(UnsupportedTableFeatureException.class, () -> table.snapshot());
    }

    @Test
    void twoProcessesWithOneWriterIdConflict() {
        Snapshot s = created();
        CommitWriter first = table.newWriter("same", s, null);
        CommitWriter second = table.newWriter("same", s, null);
        commit(first, 1, "x");
        CommitConflictException e = assertInstanceOf(CommitConflictException.class,
                failure(second.commit(1, files("y", 1))));
        assertTrue(e.getMessage().contains("txn 'same' version 1 written by another process"), e.getMessage());
        assertEquals(1, table.latestVersion());
    }

    @Test
    void anAmbiguousWriteThatLandedIsRecognisedAsOurs() {
        Snapshot s = created();
        CommitWriter w = table.newWriter("w", s, null);
        store.failNext(Operation.PUT_IF_ABSENT, k -> k.endsWith("01.json"), Fault.lostResponse());
        CommitResult r = commit(w, 1, "a");
        assertEquals(1, r.version());
        assertEquals(1, r.attempts());
        assertEquals(1, table.latestVersion());
        assertEquals(1, table.snapshot().liveFiles().size());
    }

    @Test
    void anAmbiguousWriteThatDidNotLandIsRetriedAtTheSameVersion() {
        Snapshot s = created();
        CommitWriter w = table.newWriter("w", s, null);
        store.failNext(Operation.PUT_IF_ABSENT, k -> k.endsWith("01.json"), Fault.lostRequest());
        CommitResult r = commit(w, 1, "a");
        assertEquals(1, r.version());
        assertEquals(1, r.attempts(), "one version tried: the create was sent again at it, not at the next");
        assertEquals(1, table.latestVersion());
    }

    @Test
    void anAmbiguousWriteWhereAnotherWriterWonMovesOn() {
        Snapshot s = created();
        CommitWriter a = table.newWriter("a", s, null);
        CommitWriter b = table.newWriter("b", s, null);
        commit(a, 1, "a1");
        // b's put at version 1 "times out"; reading back shows a's commit, so b goes on to version 2.
        store.failNext(Operation.PUT_IF_ABSENT, k -> k.endsWith("01.json"), Fault.lostRequest());
        CommitResult r = commit(b, 1, "b1");
        assertEquals(2, r.version());
        assertArrayEquals(new long[] {1, 1}, new long[] {
            table.snapshot().transaction("a").get().txnVersion(), table.snapshot().transaction("b").get().txnVersion()});
    }

    @Test
    void anUnavailableStoreIsRetryableAndWritesNothing() {
        Snapshot s = created();
        CommitWriter w = table.newWriter("w", s, null);
        store.failNext(Operation.PUT_IF_ABSENT, k -> true, Fault.error(503));
        CommitFailedException e = assertInstanceOf(CommitFailedException.class, failure(w.commit(1, files("a", 1))));
        assertTrue(e.isRetryable());
        assertFalse(e.isConflict());
        assertEquals(1, e.version());
        assertTrue(e.getMessage().contains("00000000000000000001.json (version 1) was not written"), e.getMessage());
        assertEquals(0, table.latestVersion());
        assertEquals(1, commit(w, 1, "a").version());
    }

    @Test
    void anUnknownOutcomeIsSettledByCommittingTheSameBatchAgainWithTheSameWriter() {
        Snapshot s = created();
        CommitWriter w = table.newWriter("w", s, null);
        store.failNext(Operation.PUT_IF_ABSENT, k -> k.endsWith("01.json"), Fault.lostResponse());
        store.fail(Operation.GET, k -> k.endsWith("01.json"), Fault.error(503));
        CommitStateUnknownException e = assertInstanceOf(CommitStateUnknownException.class,
                failure(w.commit(1, files("a", 1))));
        assertEquals(1, e.version());
        assertTrue(e.getMessage().contains("outcome is unknown"), e.getMessage());
        assertTrue(w.mayHaveLanded(1));
        store.clear();
        // The retry's bytes differ (new timestamps): the batch is recognised by writer, instance and sequence.
        CommitResult settled = commit(w, 1, "a");
        assertEquals(new CommitResult(CommitResult.Outcome.COMMITTED, 1, 1, 1), settled);
        assertFalse(w.mayHaveLanded(1));
        assertEquals(2, commit(w, 2, "b").version());
        assertEquals(2, table.snapshot().liveFiles().size(), "batch 1 once, batch 2 once");
    }

    @Test
    void anOriginalThatLandsLateIsRecognisedWhenTheBatchIsCommittedAgain() {
        Snapshot s = created();
        CommitWriter w = table.newWriter("w", s, null);
        CompletableFuture<Void> land = new CompletableFuture<>();
        store.failNext(Operation.PUT_IF_ABSENT, k -> k.endsWith("01.json"), Fault.lateAfter(land));
        store.fail(Operation.GET, k -> k.endsWith("01.json"), Fault.error(503));
        assertInstanceOf(CommitStateUnknownException.class, failure(w.commit(1, files("a", 1))));
        land.complete(null);
        store.clear();
        Conditions.await(() -> table.readCommit(1).join().isPresent(), "the late original to land");
        CommitResult settled = commit(w, 1, "a");
        assertEquals(CommitResult.Outcome.COMMITTED, settled.outcome());
        assertEquals(1, settled.version(), "the late original is this batch's commit, not a conflict");
        assertEquals(1, table.latestVersion());
    }

    @Test
    void aBatchGivenUpAsUnknownThatLandedIsPassedOverByTheNextBatch() {
        Snapshot s = created();
        CommitWriter w = table.newWriter("w", s, null);
        store.failNext(Operation.PUT_IF_ABSENT, k -> k.endsWith("01.json"), Fault.lostResponse());
        store.fail(Operation.GET, k -> k.endsWith("01.json"), Fault.error(503));
        assertInstanceOf(CommitStateUnknownException.class, failure(w.commit(1, files("a", 1))));
        store.clear();
        CommitResult next = commit(w, 2, "b");
        assertEquals(2, next.version(), "version 1 holds batch 1 of this instance: not a conflict");
        assertEquals(1, w.lateOwnCommits());
        assertFalse(w.mayHaveLanded(1), "version 1 is decided");
    }

    @Test
    void anotherInstanceOfTheWriterIdIsNeverTakenForThisOneEvenAfterAFailure() {
        Snapshot s = created();
        CommitWriter first = table.newWriter("same", s, null);
        CommitWriter second = table.newWriter("same", s, null);
        store.failNext(Operation.PUT_IF_ABSENT, k -> k.endsWith("01.json"), Fault.error(503));
        assertInstanceOf(CommitFailedException.class, failure(second.commit(1, files("y", 1))));
        commit(first, 1, "x");
        CommitConflictException e = assertInstanceOf(CommitConflictException.class,
                failure(second.commit(1, files("y", 1))));
        assertTrue(e.getMessage().contains("written by another process"), e.getMessage());
        assertEquals(1, table.latestVersion());
    }

    @Test
    void anAlreadyCommittedBatchKnownOnlyFromACheckpointHasNoVersionRatherThanTheCheckpoints() {
        Snapshot s = created();
        CommitWriter w = table.newWriter("w", s, null);
        commit(w, 1, "a");
        CommitWriter other = table.newWriter("other", table.snapshot(), null);
        commit(other, 1, "o");
        table.checkpoint(2);
        CommitWriter restarted = table.newWriter("w", table.snapshot(), null);
        assertEquals(1, restarted.lastBatchSequence());
        CommitResult again = commit(restarted, 1, "a");
        assertEquals(CommitResult.Outcome.ALREADY_COMMITTED, again.outcome());
        assertEquals(-1, again.version(), "version 2 is the checkpoint's, not the commit's");
    }

    @Test
    void commitsOfOneWriterAreSerial() {
        Snapshot s = created();
        CommitWriter w = table.newWriter("w", s, null);
        CompletableFuture<Void> gate = new CompletableFuture<>();
        store.fail(Operation.PUT_IF_ABSENT, k -> true, Fault.hold(gate));
        CompletableFuture<CommitResult> first = w.commit(1, files("a", 1));
        assertThrows(IllegalStateException.class, () -> w.commit(2, files("b", 1)));
        gate.complete(null);
        assertEquals(1, first.join().version());
        assertEquals(2, commit(w, 2, "b").version());
    }

    @Test
    void writersRefuseTablesTheyCannotWrite() {
        LogWriting.commit(tableDir, 0, "{\"protocol\":{\"minReaderVersion\":1,\"minWriterVersion\":4}}",
                LogWriting.METADATA);
        Snapshot s = table.snapshot();
        UnsupportedTableFeatureException e = assertThrows(UnsupportedTableFeatureException.class,
                () -> table.newWriter("w", s, null));
        assertTrue(e.getMessage().contains("writer version 4"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> table.newWriter("", s, null));
    }

    @Test
    void appendsMustBeDataChanges() {
        Snapshot s = created();
        CommitWriter w = table.newWriter("w", s, null);
        AddFile compaction = new AddFile("x.parquet", Map.of(), 1, 1, false, null, null, null);
        assertThrows(IllegalArgumentException.class, () -> w.commit(1, List.of(compaction)));
        assertThrows(IllegalArgumentException.class, () -> w.commit(1, List.of()));
    }

    @Test
    void aWriterFarBehindCatchesUpInOneListingInsteadOfOneVersionPerRoundTrip() {
        Snapshot start = created();
        CommitWriter busy = table.newWriter("busy", start, null);
        CommitWriter late = table.newWriter("late", start, null);
        for (int i = 0; i < 30; i++) {
            commit(busy, i, "busy-" + i);
        }
        CommitResult result = commit(late, 0, "late-0");
        assertEquals(31, result.version(), "straight past the head the listing found");
        assertEquals(2, result.attempts(), "one lost race, then the version after the head");
        assertEquals(31, late.knownVersion());
    }

    @Test
    void catchingUpStillRefusesAWinnerThatChangedTheTable() {
        Snapshot start = created();
        CommitWriter late = table.newWriter("late", start, null);
        CommitWriter busy = table.newWriter("busy", start, null);
        commit(busy, 0, "busy-0");
        commit(busy, 1, "busy-1");
        // A schema change two versions past the one the late writer will lose.
        Metadata changed = new Metadata("other-id", null, null, start.metadata().format(),
                start.metadata().schemaString(), List.of(), Map.of(), 1L);
        assertTrue(store.putIfAbsent("t/_delta_log/" + LogFiles.commitName(3),
                new ActionJson.Writer().write(List.of(changed))).join());
        Throwable conflict = failure(late.commit(0, files("late-0", 10)));
        assertInstanceOf(CommitConflictException.class, conflict);
        assertTrue(conflict.getMessage().contains("3"), conflict.getMessage());
    }
}

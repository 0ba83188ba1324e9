package io.deltaq.deltalog;

import static io.deltaq.deltalog.LogWriting.add;
import static io.deltaq.deltalog.LogWriting.commit;
import static io.deltaq.deltalog.LogWriting.remove;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deltaq.s3io.FaultInjectingStore.Fault;
import io.deltaq.s3io.StoreMetrics.Operation;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LogTailTest extends LocalTableTest {

    LogTailTest() {
        super("t");
    }

    @BeforeEach
    void open() {
        table.createMessageTable();
    }

    @Test
    void tailsByGettingTheNextVersionWithoutListing() {
        LogTail tail = table.tail(table.snapshot());
        recorded.listCalls.clear();
        assertEquals(Optional.empty(), tail.poll().join());
        assertEquals(1, tail.nextVersion());
        commit(tableDir, 1, add("a.parquet", 3));
        Commit c = tail.poll().join().orElseThrow();
        assertEquals(1, c.version());
        assertEquals(Delivery.GAINS_DATA, c.delivery());
        assertEquals(1, c.dataAdds().size());
        assertEquals(2, tail.nextVersion());
        assertEquals(Optional.empty(), tail.poll().join());
        assertEquals(0, recorded.listCalls.size(), "tailing never lists");
    }

    @Test
    void readsAheadInOrderAndDropsWhatWasReadAheadOfAMissingVersion() {
        LogTail tail = table.tail(table.snapshot());
        for (int v = 1; v <= 5; v++) {
            commit(tableDir, v, add("f" + v, 1));
        }
        recorded.clear();
        assertEquals(1, tail.poll(4).join().orElseThrow().version());
        assertEquals(4, recorded.gets.size(), "versions 1 to 4 requested at once: " + recorded.getKeys());
        assertEquals(2, tail.poll(4).join().orElseThrow().version());
        assertFalse(tail.lastPollReadAheadOfTheHead(), "behind the head, what is read ahead is found");
        assertEquals(5, recorded.gets.size(), "only version 5 is new: " + recorded.getKeys());
        for (int v = 3; v <= 5; v++) {
            assertEquals(v, tail.poll(1).join().orElseThrow().version());
        }
        assertEquals(5, recorded.gets.size(), "versions read ahead are not requested again");
        assertTrue(recorded.getKeys().get(4).endsWith("00000000000000000005.json"), recorded.getKeys().toString());

        assertEquals(Optional.empty(), tail.poll(3).join());
        assertEquals(8, recorded.gets.size(), "versions 6 to 8, all missing");
        assertEquals(6, tail.nextVersion());
        commit(tableDir, 6, add("f6", 1));
        commit(tableDir, 7, add("f7", 1));
        // The GETs of 7 and 8 answered before 7 existed; they are dropped, not believed.
        assertEquals(6, tail.poll(2).join().orElseThrow().version());
        assertEquals(7, tail.poll(1).join().orElseThrow().version());
        assertEquals(10, recorded.gets.size(), "6 and 7 requested again: " + recorded.getKeys());
        assertThrows(IllegalArgumentException.class, () -> tail.poll(0));
    }

    @Test
    void aVersionReadAheadBeforeItWasWrittenIsAskedAgainBeforeItIsReportedMissing() {
        LogTail tail = table.tail(table.snapshot());
        commit(tableDir, 1, add("f1", 1));
        recorded.clear();
        int answered = recorded.answeredGets();
        assertEquals(1, tail.poll(2).join().orElseThrow().version());
        assertFalse(tail.lastPollReadAheadOfTheHead(), "version 1 was not read ahead");
        // Version 2 is written only once its GET, read ahead of version 1, has found nothing.
        recorded.awaitAnsweredGets(answered + 2, Duration.ofSeconds(30));
        commit(tableDir, 2, add("f2", 1));
        assertEquals(2, tail.poll(1).join().orElseThrow().version(), "a stale miss is not believed");
        assertTrue(tail.lastPollReadAheadOfTheHead(), "version 2 was read ahead of the head");
        assertEquals(3, recorded.gets.size(), "version 2 asked for twice: " + recorded.getKeys());
        assertEquals(Optional.empty(), tail.poll(1).join());
        assertEquals(4, recorded.gets.size(), "a miss of a fresh GET is believed at once: " + recorded.getKeys());
    }

    @Test
    void classifiesCompactionsAndRewrites() {
        LogTail tail = table.tail(table.snapshot());
        commit(tableDir, 1, add("a", 1), add("b", 1));
        commit(tableDir, 2, remove("a", false), remove("b", false),
                "{\"add\":{\"path\":\"ab\",\"partitionValues\":{},\"size\":2,\"modificationTime\":1,\"dataChange\":false}}");
        commit(tableDir, 3, remove("ab", true), add("ab2", 1));
        commit(tableDir, 4, LogWriting.txn("w", 9));
        assertEquals(Delivery.GAINS_DATA, tail.poll().join().orElseThrow().delivery());
        Commit compaction = tail.poll().join().orElseThrow();
        assertEquals(Delivery.NO_DATA_CHANGE, compaction.delivery());
        assertEquals(0, compaction.dataAdds().size());
        Commit rewrite = tail.poll().join().orElseThrow();
        assertEquals(Delivery.REWRITE, rewrite.delivery());
        assertEquals(1, rewrite.removes().size());
        assertEquals(Delivery.NO_DATA_CHANGE, tail.poll().join().orElseThrow().delivery());
    }

    @Test
    void aDeltaqRetentionDeliversNothingWhileOtherDeletesStillRewrite() {
        LogTail tail = table.tail(table.snapshot());
        String retention = "{\"commitInfo\":{\"timestamp\":1,\"operation\":\"DELETE\",\"operationParameters\":{\""
                + Commit.MAINTENANCE_PARAMETER + "\":\"" + Commit.MAINTENANCE_RETENTION + "\"}}}";
        commit(tableDir, 1, add("a", 1), add("b", 1), add("c", 1));
        commit(tableDir, 2, retention, remove("a", true));
        commit(tableDir, 3, "{\"commitInfo\":{\"timestamp\":1,\"operation\":\"DELETE\"}}", remove("b", true));
        commit(tableDir, 4, retention, remove("c", true), add("c2", 1)); // re-adds rows: not a retention
        assertEquals(Delivery.GAINS_DATA, tail.poll().join().orElseThrow().delivery());
        Commit expiry = tail.poll().join().orElseThrow();
        assertTrue(expiry.isRetention());
        assertEquals(Delivery.NO_DATA_CHANGE, expiry.delivery());
        assertEquals(Delivery.REWRITE, tail.poll().join().orElseThrow().delivery());
        Commit rewrite = tail.poll().join().orElseThrow();
        assertEquals(false, rewrite.isRetention());
        assertEquals(Delivery.REWRITE, rewrite.delivery());
    }

    @Test
    void stopsWhenTheTableBecomesUnreadable() {
        LogTail tail = table.tail(table.snapshot());
        commit(tableDir, 1, "{\"protocol\":{\"minReaderVersion\":3,\"minWriterVersion\":7,"
                + "\"readerFeatures\":[\"deletionVectors\"],\"writerFeatures\":[\"deletionVectors\"]}}");
        CompletionException e = assertThrows(CompletionException.class, () -> tail.poll().join());
        UnsupportedTableFeatureException u = assertInstanceOf(UnsupportedTableFeatureException.class, e.getCause());
        assertTrue(u.getMessage().contains("deletionVectors"));
        assertEquals(1, tail.nextVersion(), "the tail does not move past a commit it refused");
    }

    @Test
    void corruptCommitFailsThePoll() {
        LogTail tail = table.tail(table.snapshot());
        LogWriting.write(tableDir.resolve("_delta_log/00000000000000000001.json"), "{\"add\":{\"path\":");
        CompletionException e = assertThrows(CompletionException.class, () -> tail.poll().join());
        CorruptLogException c = assertInstanceOf(CorruptLogException.class, e.getCause());
        assertEquals(1, c.version());
    }

    @Test
    void storageFailureFailsThePollNamingTheFile() {
        LogTail tail = table.tail(table.snapshot());
        store.fail(Operation.GET, k -> true, Fault.error(503));
        CompletionException e = assertThrows(CompletionException.class, () -> tail.poll().join());
        DeltaStorageException s = assertInstanceOf(DeltaStorageException.class, e.getCause());
        assertTrue(s.getMessage().contains("00000000000000000001.json"), s.getMessage());
        store.clear();
        assertEquals(Optional.empty(), tail.poll().join(), "the tail can go on after a failure");
    }

    @Test
    void aStuckStoreFailsThePollInsteadOfHanging() {
        DeltaTable impatient = DeltaTable.at(store, "t",
                DeltaLogOptions.builder().ioTimeout(java.time.Duration.ofMillis(200)).build());
        LogTail tail = impatient.tail(impatient.snapshot());
        store.clear();
        store.fail(Operation.GET, k -> k.endsWith("01.json"), Fault.hold(new CompletableFuture<>()));
        CompletionException e = assertThrows(CompletionException.class, () -> tail.poll().join());
        DeltaStorageException s = assertInstanceOf(DeltaStorageException.class, e.getCause());
        assertTrue(s.getMessage().contains("did not complete within 200 ms"), s.getMessage());
        store.clear();
        store.fail(Operation.GET, k -> k.endsWith("_last_checkpoint"), Fault.hold(new CompletableFuture<>()));
        DeltaStorageException snapshot = assertThrows(DeltaStorageException.class, impatient::snapshot);
        assertTrue(snapshot.getMessage().contains("_last_checkpoint did not complete within 200 ms"),
                snapshot.getMessage());
    }
}

package io.deltaq.deltalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deltaq.deltalog.actions.AddFile;
import io.deltaq.deltalog.actions.SetTransaction;
import io.deltaq.s3io.LocalObjectStore;
import io.deltaq.s3io.ObjectStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several writers with different ids append to one table through the local-filesystem store.
 *
 * <p>Legal outcomes: every commit a writer was told about exists at the version it was told, with
 * that writer's txn and file; versions are contiguous from 0; every (writer, batch) pair appears in
 * exactly one commit; nothing else is in the log.
 */
class ConcurrentWritersTest {

    @TempDir
    Path dir;

    @Test
    void racingWritersLeaveNoGapAndLoseNoCommit() throws Exception {
        try (LocalObjectStore store = new LocalObjectStore(dir, 4, false)) {
            race(store, DeltaLogOptions.defaults(), null, 4, 40);
        }
    }

    /**
     * Races {@code writers} writers of {@code batches} commits each on a new table "topic" and checks
     * the legal outcomes.
     *
     * @param checkpoints runs the writers' checkpoints; null for none
     */
    static Snapshot race(ObjectStore store, DeltaLogOptions options, Executor checkpoints, int writers, int batches)
            throws Exception {
        DeltaTable table = DeltaTable.at(store, "topic", options);
        table.createMessageTable();
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        ConcurrentHashMap<String, Long> ackedAt = new ConcurrentHashMap<>();
        List<CommitWriter> started = new ArrayList<>();
        try {
            Set<Long> ackedVersions = ConcurrentHashMap.newKeySet();
            CountDownLatch ready = new CountDownLatch(writers);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> results = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                String id = "writer-" + w;
                CommitWriter writer = DeltaTable.at(store, "topic", options).newWriter(id, table.snapshot(), checkpoints);
                started.add(writer);
                results.add(pool.submit(() -> {
                    ready.countDown();
                    start.await();
                    int lostRaces = 0;
                    for (long seq = 1; seq <= batches; seq++) {
                        CommitResult r = writer.commit(seq, CommitWriterTest.files(id + "-" + seq, 5))
                                .get(30, TimeUnit.SECONDS);
                        assertEquals(CommitResult.Outcome.COMMITTED, r.outcome());
                        assertTrue(ackedVersions.add(r.version()), "version acked twice: " + r.version());
                        ackedAt.put(id + "/" + seq, r.version());
                        lostRaces += r.attempts() - 1;
                    }
                    return lostRaces;
                }));
            }
            assertTrue(ready.await(30, TimeUnit.SECONDS), "writers ready");
            start.countDown();
            int lostRaces = 0;
            for (Future<Integer> f : results) {
                lostRaces += f.get(120, TimeUnit.SECONDS);
            }
            System.out.println("concurrent writers on " + store.location() + ": " + lostRaces + " lost races");
            for (CommitWriter w : started) {
                w.lastCheckpoint().get(60, TimeUnit.SECONDS); // a failed checkpoint fails the test
            }
        } finally {
            pool.shutdownNow();
        }

        long latest = table.latestVersion();
        assertEquals(writers * batches, latest);
        Set<String> seen = new HashSet<>();
        for (long v = 1; v <= latest; v++) {
            Optional<Commit> commit = table.readCommit(v).join();
            assertTrue(commit.isPresent(), "gap at version " + v);
            List<SetTransaction> txns = commit.get().txns();
            assertEquals(1, txns.size(), "one txn per commit at version " + v);
            SetTransaction txn = txns.get(0);
            String pair = txn.appId() + "/" + txn.version();
            assertTrue(seen.add(pair), "txn committed twice: " + pair);
            assertEquals(v, ackedAt.get(pair), "acked version of " + pair);
            List<AddFile> adds = commit.get().adds();
            assertEquals(1, adds.size());
            assertEquals(txn.appId() + "-" + txn.version() + ".parquet", adds.get(0).path(),
                    "version " + v + " holds the file of its own txn");
        }
        assertEquals(writers * batches, seen.size());
        Snapshot s = table.snapshot();
        assertEquals(writers * batches, s.liveFiles().size());
        assertEquals(writers * batches * 5L, s.numRecordsFromStats().getAsLong());
        for (int w = 0; w < writers; w++) {
            assertEquals(batches, s.transaction("writer-" + w).orElseThrow().txnVersion());
        }
        return s;
    }
}

package io.deltaq.deltalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deltaq.s3io.FaultInjectingStore.Fault;
import io.deltaq.s3io.FaultInjectingStore;
import io.deltaq.s3io.ObjectStore;
import io.deltaq.s3io.StoreMetrics.Operation;
import io.deltaq.testkit.RecordingStore;
import io.deltaq.testkit.TestS3;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The log on a real S3 server (s3proxy on loopback): conditional creates, listings and GETs over HTTP. */
class S3TableTest {

    /** A store on a fresh prefix, so tests share the bucket without seeing each other's keys. */
    private static ObjectStore openStore() {
        return TestS3.freshStore("deltalog");
    }

    @Test
    void racingCreatorsProduceOneTable() throws Exception {
        try (ObjectStore store = openStore()) {
            ExecutorService pool = Executors.newFixedThreadPool(6);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<TableCreation>> results = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    results.add(pool.submit(() -> {
                        start.await();
                        return DeltaTable.at(store, "t").createMessageTable();
                    }));
                }
                start.countDown();
                int created = 0;
                for (Future<TableCreation> r : results) {
                    created += r.get(60, TimeUnit.SECONDS).created() ? 1 : 0;
                }
                assertEquals(1, created);
                assertEquals(0, DeltaTable.at(store, "t").latestVersion());
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void racingWritersWithCheckpointsLeaveNoGapAndLoseNoCommit() throws Exception {
        ExecutorService checkpoints = Executors.newFixedThreadPool(2);
        try (ObjectStore store = openStore()) {
            Snapshot s = ConcurrentWritersTest.race(store,
                    DeltaLogOptions.builder().defaultCheckpointInterval(10).build(), checkpoints, 3, 20);
            assertEquals(60, s.version());
            assertEquals(60, s.checkpointVersion().getAsLong());
            DeltaTable table = DeltaTable.at(store, "topic");
            assertEquals(GoldenTablesTest.state(table.snapshotFromCommits(60)), GoldenTablesTest.state(s));
        } finally {
            checkpoints.shutdownNow();
        }
    }

    @Test
    void tailAndLostResponsesOverS3() {
        RecordingStore recorded = new RecordingStore(openStore());
        try (FaultInjectingStore store = new FaultInjectingStore(recorded)) {
            DeltaTable table = DeltaTable.at(store, "t");
            assertTrue(table.createMessageTable().created());
            LogTail tail = table.tail(table.snapshot());
            assertEquals(Optional.empty(), tail.poll().join());
            CommitWriter w = table.newWriter("w", table.snapshot(), null);
            store.failNext(Operation.PUT_IF_ABSENT, k -> k.endsWith("01.json"), Fault.lostResponse());
            assertEquals(1, w.commit(1, CommitWriterTest.files("a", 3)).join().version());
            store.failNext(Operation.PUT_IF_ABSENT, k -> k.endsWith("02.json"), Fault.lostRequest());
            assertEquals(2, w.commit(2, CommitWriterTest.files("b", 3)).join().version());
            recorded.listCalls.clear();
            assertEquals(Delivery.GAINS_DATA, tail.poll().join().orElseThrow().delivery());
            assertEquals(2, tail.poll().join().orElseThrow().version());
            assertEquals(Optional.empty(), tail.poll().join());
            assertEquals(0, recorded.listCalls.size());
            assertEquals(6, table.snapshot().numRecordsFromStats().getAsLong());
        }
    }
}

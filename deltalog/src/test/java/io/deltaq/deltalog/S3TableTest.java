package io.deltaq.deltalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deltaq.deltalog.FaultInjectingStore.PutFault;
import io.deltaq.s3io.ObjectStore;
import io.deltaq.s3io.S3Location;
import io.deltaq.s3io.S3ObjectStore;
import io.deltaq.s3io.S3StoreConfig;
import io.deltaq.s3server.EmbeddedS3Server;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The log on a real S3 server (s3proxy on loopback): conditional creates, listings and GETs over HTTP. */
class S3TableTest {

    private static EmbeddedS3Server server;

    @BeforeAll
    static void startServer() {
        server = EmbeddedS3Server.start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    /** A store on a fresh prefix, so tests share the bucket without seeing each other's keys. */
    private static ObjectStore openStore() {
        return new S3ObjectStore(new S3Location(server.bucket(), "deltalog/" + UUID.randomUUID()),
                S3StoreConfig.builder()
                        .endpoint(server.endpoint())
                        .region(server.region())
                        .credentials(server.accessKey(), server.secretKey())
                        .build());
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
        try (FaultInjectingStore store = new FaultInjectingStore(openStore())) {
            DeltaTable table = DeltaTable.at(store, "t");
            assertTrue(table.createMessageTable().created());
            LogTail tail = table.tail(table.snapshot());
            assertEquals(Optional.empty(), tail.poll().join());
            CommitWriter w = table.newWriter("w", table.snapshot(), null);
            store.failNextPut(PutFault.LANDED_BUT_AMBIGUOUS, k -> k.endsWith("01.json"));
            assertEquals(1, w.commit(1, CommitWriterTest.files("a", 3)).join().version());
            store.failNextPut(PutFault.LOST_AND_AMBIGUOUS, k -> k.endsWith("02.json"));
            assertEquals(2, w.commit(2, CommitWriterTest.files("b", 3)).join().version());
            store.listCalls.clear();
            assertEquals(Delivery.GAINS_DATA, tail.poll().join().orElseThrow().delivery());
            assertEquals(2, tail.poll().join().orElseThrow().version());
            assertEquals(Optional.empty(), tail.poll().join());
            assertEquals(0, store.listCalls.size());
            assertEquals(6, table.snapshot().numRecordsFromStats().getAsLong());
        }
    }
}

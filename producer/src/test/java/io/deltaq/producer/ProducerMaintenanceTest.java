package io.deltaq.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deltaq.deltalog.CommitPause;
import io.deltaq.deltalog.DeltaTable;
import io.deltaq.deltalog.TableLease;
import io.deltaq.deltalog.MaintenancePass;
import io.deltaq.s3io.Listing;
import io.deltaq.s3io.ObjectStore;
import io.deltaq.testkit.Conditions;
import io.deltaq.testkit.TestS3;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The maintainer embedded in every producer (RFC 0005, "Who runs it"). */
class ProducerMaintenanceTest {

    @TempDir
    Path dir;

    static ObjectStore open(String kind, Path dir) {
        return kind.equals("local") ? TestS3.local(dir) : TestS3.freshStore("producer-maintenance");
    }

    /** The live maintenance threads of tables in {@code store} (other tests' producers are not this test's business). */
    static List<Thread> maintenanceThreads(ObjectStore store) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("deltaq-maintenance-") && t.getName().contains(store.location())
                        && t.isAlive())
                .toList();
    }

    static BiFunction<DeltaTable, CommitPause, MaintenancePass> recording(List<String> passes, String name) {
        return (table, pause) -> (instance, epoch) -> {
            passes.add(name);
            return "pass by " + name;
        };
    }

    static List<String> leaseKeys(ObjectStore store) {
        List<String> keys = new ArrayList<>();
        Listing.forEach(store, "topic/" + TableLease.DIR, null, 100, info -> keys.add(info.key())).join();
        return keys;
    }

    /** Maintenance is on by default: the producer takes the lease, runs a pass, and close releases the lease and stops the thread. */
    @ParameterizedTest
    @ValueSource(strings = {"local", "s3"})
    void aProducerMaintainsItsTableByDefaultAndStopsOnClose(String kind) throws Exception {
        try (ObjectStore store = open(kind, dir)) {
            List<String> passes = new CopyOnWriteArrayList<>();
            Producer producer = Producer.create(store, "topic", Map.of(), AckListener.NONE, recording(passes, "p"));
            try {
                producer.send("k", "v").get();
                Conditions.await(() -> producer.metrics().maintenancePasses() >= 1, "a maintenance pass");
                assertTrue(producer.metrics().maintenanceLeader());
                assertEquals(0, producer.metrics().maintenanceFailures());
                assertEquals(1, producer.metrics().maintenanceLeaseAcquisitions());
            } finally {
                producer.close(Duration.ofSeconds(30));
            }
            assertEquals(List.of(), maintenanceThreads(store), "close stops the maintenance threads");
            assertFalse(producer.metrics().maintenanceLeader());
            TableLease probe = new TableLease(DeltaTable.at(store, "topic"), "probe", Duration.ofSeconds(30),
                    Duration.ofSeconds(5));
            TableLease.Lease last = probe.current().orElseThrow();
            assertTrue(last.released(), "close released the lease: " + last);
            assertEquals("producer " + producer.producerId(), last.holder());
            assertTrue(probe.tryAcquireOrRenew(), "released: another maintainer takes it at once");
        }
    }

    /** Two producers of one table: exactly one holds the lease and runs passes; the other only sends. */
    @ParameterizedTest
    @ValueSource(strings = {"local", "s3"})
    void ofTwoProducersOneMaintains(String kind) throws Exception {
        try (ObjectStore store = open(kind, dir)) {
            List<String> passes = new CopyOnWriteArrayList<>();
            Producer a = Producer.create(store, "topic", Map.of(ProducerConfig.PRODUCER_ID, "a"), AckListener.NONE,
                    recording(passes, "a"));
            Producer b = Producer.create(store, "topic", Map.of(ProducerConfig.PRODUCER_ID, "b"), AckListener.NONE,
                    recording(passes, "b"));
            try {
                a.send("k", "from a").get();
                b.send("k", "from b").get();
                Conditions.await(() -> !passes.isEmpty(), "a maintenance pass");
                Conditions.await(() -> a.metrics().maintenanceLeader() || b.metrics().maintenanceLeader(), "a leader");
                Producer leader = a.metrics().maintenanceLeader() ? a : b;
                Producer other = leader == a ? b : a;
                assertFalse(other.metrics().maintenanceLeader(), "never both");
                assertEquals(0, other.metrics().maintenancePasses());
                assertEquals(List.of(leader.producerId()), passes.stream().distinct().toList());
            } finally {
                a.close(Duration.ofSeconds(30));
                b.close(Duration.ofSeconds(30));
            }
            assertEquals(List.of(), maintenanceThreads(store));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "s3"})
    void maintenanceDisabledStartsNoThreadAndWritesNoLease(String kind) throws Exception {
        try (ObjectStore store = open(kind, dir)) {
            List<String> passes = new CopyOnWriteArrayList<>();
            Producer producer = Producer.create(store, "topic", Map.of(ProducerConfig.MAINTENANCE_ENABLED, "false"),
                    AckListener.NONE, recording(passes, "p"));
            try {
                producer.send("k", "v").get();
                assertEquals(List.of(), maintenanceThreads(store));
            } finally {
                producer.close(Duration.ofSeconds(30));
            }
            assertEquals(List.of(), passes);
            assertEquals(List.of(), leaseKeys(store));
            assertEquals(0, producer.metrics().maintenancePasses());
            assertFalse(producer.metrics().maintenanceLeader());
        }
    }

    /**
     * The hold a producer gives its maintenance (RFC 0005, "Maintenance commits and the head"): while it
     * is open no commit starts (batches still seal and upload), closing it lets the batch commit at
     * once, and a hold never closed is dropped after CommitPause.MAX_HOLD_MS. Fails if the commit
     * thread ignores the hold (the version moves while held) or honours one forever.
     */
    @ParameterizedTest
    @ValueSource(strings = {"local", "s3"})
    void aMaintenanceHoldStopsTheProducersCommitsUntilItIsClosedOrExpires(String kind) throws Exception {
        try (ObjectStore store = open(kind, dir)) {
            java.util.concurrent.atomic.AtomicReference<CommitPause> given = new java.util.concurrent.atomic.AtomicReference<>();
            Producer producer = Producer.create(store, "topic", Map.of(), AckListener.NONE, (table, pause) -> {
                given.set(pause);
                return MaintenancePass.NONE;
            });
            try {
                producer.send("k", "0").get();
                DeltaTable table = DeltaTable.at(store, "topic");
                long before = table.latestVersion();
                java.util.concurrent.CompletableFuture<?> held;
                try (CommitPause.Hold hold = given.get().hold()) {
                    long files = dataFiles(store);
                    held = producer.send("k", "1");
                    Conditions.await(() -> dataFiles(store) > files, "the held batch uploaded");
                    // Uploaded, so unheld it would commit within milliseconds; 300 ms is a wide margin.
                    Thread.sleep(300);
                    assertFalse(held.isDone(), "a commit started during the hold");
                    assertEquals(before, table.latestVersion());
                }
                held.get(10, java.util.concurrent.TimeUnit.SECONDS);
                assertEquals(before + 1, table.latestVersion());

                CommitPause.Hold forgotten = given.get().hold();
                // Not closed: the producer goes on after MAX_HOLD_MS (the get times out if it waits for ever).
                producer.send("k", "2").get(CommitPause.MAX_HOLD_MS + 10_000, java.util.concurrent.TimeUnit.MILLISECONDS);
                assertEquals(before + 2, table.latestVersion());
                forgotten.close();
            } finally {
                producer.close(Duration.ofSeconds(30));
            }
        }
    }

    private static long dataFiles(ObjectStore store) {
        long[] n = {0};
        Listing.forEach(store, "topic/", null, 1000, info -> {
            if (info.key().endsWith(".parquet") && !info.key().contains("_delta_log/")) {
                n[0]++;
            }
            return true;
        }).join();
        return n[0];
    }
}

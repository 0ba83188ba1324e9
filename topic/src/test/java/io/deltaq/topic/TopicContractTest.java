package io.deltaq.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.deltaq.deltalog.DeltaTable;
import io.deltaq.s3io.FaultInjectingStore.Fault;
import io.deltaq.s3io.FaultInjectingStore.Rule;
import io.deltaq.s3io.FaultInjectingStore;
import io.deltaq.s3io.ObjectStore;
import io.deltaq.s3io.StoreMetrics.Operation;
import io.deltaq.testkit.Conditions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Creating, recognising, opening, growing, listing and deleting topics against a real store. */
abstract class TopicContractTest {

    protected abstract ObjectStore openStore();

    ObjectStore store;
    String base;

    @BeforeEach
    void open() {
        store = openStore();
        base = "topics-" + UUID.randomUUID().toString().substring(0, 8) + "/";
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void aTopicIsCreatedWithAManifestAndOneMessageTablePerPartition() {
        Topic topic = Topic.create(store, base + "orders", 3, Map.of("deltaq.retention.ms", "3600000"));
        assertEquals(3, topic.partitions());
        assertEquals(base + "orders/partition-00002/", topic.partitionPath(2));
        for (int p = 0; p < 3; p++) {
            DeltaTable table = topic.partitionTable(p);
            assertEquals(0, table.latestVersion());
            assertEquals("3600000", table.snapshot().metadata().configuration().get("deltaq.retention.ms"),
                    "partition " + p + " has the topic's table properties");
        }
        Topic opened = Topic.open(store, base + "orders");
        assertEquals(topic.manifest(), opened.manifest());
        assertFalse(opened.plainTable());
        TopicException outOfRange = assertThrows(TopicException.class, () -> opened.partitionPath(3));
        assertTrue(outOfRange.getMessage().contains("no partition 3"), outOfRange.getMessage());
    }

    /* Issue 11, item 5, for the topic layer: a group member or topic producer restarted during a burst of
       SlowDown opened its topic with one listing and failed on the first fault its store gave up on. */
    @Test
    void aTopicOpenedDuringABurstOfThrottlingWaitsItOut() throws Exception {
        Topic.create(store, base + "orders", 2, Map.of());
        FaultInjectingStore faulty = new FaultInjectingStore(store);
        Rule slowDown = faulty.fail(Operation.LIST, key -> true, Fault.error(503));
        Rule broken = faulty.fail(Operation.GET, key -> key.contains("_deltaq/topic/"), Fault.error(500));
        CompletableFuture<Topic> opening = CompletableFuture.supplyAsync(() -> Topic.open(faulty, base + "orders"));
        Conditions.await(() -> faulty.injected().get(FaultInjectingStore.Kind.ERROR) >= 3, "the listing to fail three times");
        assertFalse(opening.isDone(), "still waiting the burst out: " + opening);
        faulty.remove(slowDown);
        Conditions.await(() -> faulty.injected().get(FaultInjectingStore.Kind.ERROR) >= 5, "the manifest read to fail too");
        faulty.remove(broken);
        assertEquals(2, opening.get(30, TimeUnit.SECONDS).partitions());
    }

    @Test
    void creatorsRacingWithOneShapeEndWithOneTopicAndOtherShapesAreRefused() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Topic>> results = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                results.add(pool.submit((Callable<Topic>) () -> Topic.create(store, base + "t", 4, Map.of())));
            }
            String id = null;
            for (Future<Topic> f : results) {
                Topic t = f.get();
                id = id == null ? t.manifest().id() : id;
                assertEquals(id, t.manifest().id(), "every creator recognises the one topic");
            }
        } finally {
            pool.shutdownNow();
        }
        TopicException other = assertThrows(TopicException.class, () -> Topic.create(store, base + "t", 5, Map.of()));
        assertTrue(other.getMessage().contains("exists with 4 partitions"), other.getMessage());
        TopicException otherProperties = assertThrows(TopicException.class,
                () -> Topic.create(store, base + "t", 4, Map.of("deltaq.retention.ms", "1000")));
        assertTrue(otherProperties.getMessage().contains("table properties"), otherProperties.getMessage());
    }

    @Test
    void aTablePropertyEveryPartitionWouldRefuseIsRefusedBeforeTheManifest() {
        TopicException e = assertThrows(TopicException.class,
                () -> Topic.create(store, base + "p", 2, Map.of("deltaq.retention.ms", "7d")));
        assertTrue(e.getMessage().contains("deltaq.retention.ms"), e.getMessage());
        assertTrue(Topic.find(store, base + "p").isEmpty(), "nothing was written");
        assertEquals(2, Topic.create(store, base + "p", 2, Map.of("deltaq.retention.ms", "3600000")).partitions());
    }

    @Test
    void aPlainTableIsATopicOfOnePartitionAtItsOwnRootAndCannotBeMadeAPartitionedOne() {
        DeltaTable.at(store, base + "plain").createMessageTable();
        Topic topic = Topic.open(store, base + "plain");
        assertTrue(topic.plainTable());
        assertEquals(1, topic.partitions());
        assertEquals(base + "plain/", topic.partitionPath(0));
        TopicException refused = assertThrows(TopicException.class, () -> Topic.create(store, base + "plain", 2, Map.of()));
        assertTrue(refused.getMessage().contains("a table, not a topic"), refused.getMessage());
        assertThrows(TopicException.class, () -> topic.grow(2));
    }

    @Test
    void nothingAtTheAddressIsNamedAsSuch() {
        TopicNotFoundException missing = assertThrows(TopicNotFoundException.class, () -> Topic.open(store, base + "none"));
        assertTrue(missing.getMessage().contains(base + "none"), missing.getMessage());
        assertTrue(Topic.find(store, base + "none").isEmpty());
    }

    @Test
    void aTopicGrowsByANewManifestVersionAndNeverShrinks() {
        Topic topic = Topic.create(store, base + "g", 2, Map.of());
        Topic grown = topic.grow(5);
        assertEquals(5, grown.partitions());
        assertEquals(1, grown.manifest().version());
        assertEquals(topic.manifest().id(), grown.manifest().id());
        assertEquals(5, Topic.open(store, base + "g").partitions());
        assertEquals(0, grown.partitionTable(4).latestVersion(), "the new partitions are tables");
        TopicException shrink = assertThrows(TopicException.class, () -> grown.grow(3));
        assertTrue(shrink.getMessage().contains("has 5 partitions"), shrink.getMessage());
    }

    @Test
    void aCorruptManifestIsNamedWithWhatIsWrong() {
        store.put(Topic.manifestKey(base + "bad/", 0), "{\"version\": 0, \"partitions\": 0}".getBytes(StandardCharsets.UTF_8)).join();
        TopicException e = assertThrows(TopicException.class, () -> Topic.open(store, base + "bad"));
        assertTrue(e.getMessage().contains("00000000000000000000.json"), e.getMessage());
        assertTrue(e.getMessage().contains("\"partitions\" in [1, 10000]"), e.getMessage());
    }

    @Test
    void listingShowsTopicsAndTablesUnderAPrefixAndDeleteRemovesEverything() {
        Topic.create(store, base + "a", 2, Map.of());
        DeltaTable.at(store, base + "b").createMessageTable();
        Topic.create(store, base + "b0", 1, Map.of());
        store.put(base + "c.txt", new byte[] {1}).join();
        store.put(base + "d/readme.txt", new byte[] {1}).join();
        assertEquals(List.of("a", "b", "b0"), Topic.list(store, base));

        long deleted = Topic.delete(store, base + "a");
        assertTrue(deleted >= 3, "the manifest and two tables' commits: " + deleted);
        assertTrue(Topic.find(store, base + "a").isEmpty());
        assertEquals(List.of("b", "b0"), Topic.list(store, base));
        assertTrue(Topic.find(store, base + "b0").isPresent(), "a topic whose name extends another's is left alone");
    }
}

package io.deltaq.producer;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.deltaq.deltalog.CommitWriter;
import io.deltaq.deltalog.DeltaTable;
import io.deltaq.deltalog.Position;
import io.deltaq.s3io.FaultInjectingStore;
import io.deltaq.s3io.FaultInjectingStore.Fault;
import io.deltaq.s3io.FaultInjectingStore.Rule;
import io.deltaq.s3io.ObjectStore;
import io.deltaq.s3io.StoreMetrics.Operation;
import io.deltaq.testkit.Conditions;
import io.deltaq.testkit.LogCapture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Acknowledged means durable, under faults: an acknowledged message is in the table at the position
 * its future names, and a message reported as failed is not in the table. A message whose commit
 * may have landed is reported with {@link DeliveryOutcomeUnknownException}, which promises neither.
 * Against each real store; design in docs/rfcs/0003-commit.md.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
abstract class AcknowledgementContractTest {

    private static final Predicate<String> COMMIT_FILES = key -> key.contains("_delta_log/") && key.endsWith(".json");
    private static final Predicate<String> DATA_FILES = key -> key.endsWith(".parquet") && !key.contains("_delta_log/");

    protected ObjectStore store;
    protected String table;

    protected abstract ObjectStore openStore() throws Exception;

    @BeforeEach
    void open() throws Exception {
        store = openStore();
        table = "topics/" + UUID.randomUUID();
    }

    @AfterEach
    void close() {
        store.close();
        ProducerContractTest.assertNoProducerThreads();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }

    private static Predicate<String> commitOf(long version) {
        return key -> key.endsWith(String.format("_delta_log/%020d.json", version));
    }

    /** What the table holds, by position. */
    private Map<Position, String> contents() throws Exception {
        Map<Position, String> rows = new HashMap<>();
        TableContents.read(store, table).forEach(r -> rows.put(r.position(), r.valueString()));
        return rows;
    }

    /**
     * The one check every test ends with: each future that completed is true to the table. An
     * acknowledged message is at its position; a failed one is nowhere; an unknown one may be
     * anywhere, but only once.
     */
    private void assertFuturesTrueToTheTable(Map<String, CompletableFuture<Position>> sent) throws Exception {
        Map<Position, String> rows = contents();
        for (Map.Entry<String, CompletableFuture<Position>> e : sent.entrySet()) {
            String message = e.getKey();
            long copies = rows.values().stream().filter(message::equals).count();
            assertTrue(copies <= 1, message + " is in the table " + copies + " times");
            try {
                Position p = e.getValue().get(60, TimeUnit.SECONDS);
                assertEquals(message, rows.get(p), message + " was acknowledged at " + p);
            } catch (ExecutionException failed) {
                if (!isOutcomeUnknown(failed.getCause())) {
                    assertEquals(0, copies, message + " was reported failed (" + failed.getCause() + ") but is in the table");
                }
            }
        }
    }

    private static boolean isOutcomeUnknown(Throwable t) {
        return t.getClass().getSimpleName().equals("DeliveryOutcomeUnknownException");
    }

    /* Issue 11, item 1. Legal outcomes for the second instance: its message is committed and acknowledged
       at its own position, or it is fenced with an error naming the producer id and its message is not
       in the table. Never: acknowledged at a version that holds the other instance's batch. */
    @Test
    void aSecondLiveInstanceOfOneProducerIdNeverAcknowledgesWhatItDidNotWrite() throws Exception {
        FaultInjectingStore faultyB = new FaultInjectingStore(store);
        Map<String, CompletableFuture<Position>> sent = new HashMap<>();
        try (Producer a = Producer.create(store, table, Map.of("producer.id", "twin"));
             Producer b = Producer.create(faultyB, table, Map.of("producer.id", "twin", "commit.retry.backoff.ms", 20L))) {
            // b's commits fail before anything is written while a commits three batches.
            Rule unavailable = faultyB.fail(Operation.PUT_IF_ABSENT, COMMIT_FILES, Fault.error(503));
            sent.put("b-0", b.send(null, bytes("b-0")));
            Conditions.await(() -> faultyB.injected().get(FaultInjectingStore.Kind.ERROR) >= 2, "b to fail a commit twice");
            for (int i = 0; i < 3; i++) {
                CompletableFuture<Position> f = a.send(null, bytes("a-" + i));
                sent.put("a-" + i, f);
                f.get(60, TimeUnit.SECONDS);
            }
            faultyB.remove(unavailable);
            CompletableFuture<Position> bFuture = sent.get("b-0");
            try {
                bFuture.get(60, TimeUnit.SECONDS);
            } catch (ExecutionException fenced) {
                assertTrue(String.valueOf(fenced.getCause().getMessage()).contains("twin"), fenced.getCause().toString());
            }
        }
        assertFuturesTrueToTheTable(sent);
    }

    /* Issue 11, item 2: close while a commit is in flight. Legal: acknowledged (it landed in time) or
       DeliveryOutcomeUnknownException (it may still land). Not legal: failed, then in the table. */
    @Test
    void closeWhileACommitIsInFlightNeverReportsAsFailedWhatThenLands() throws Exception {
        FaultInjectingStore faulty = new FaultInjectingStore(store);
        CompletableFuture<Void> gate = new CompletableFuture<>();
        Map<String, CompletableFuture<Position>> sent = new HashMap<>();
        Producer producer = Producer.create(faulty, table, Map.of());
        faulty.failNext(Operation.PUT_IF_ABSENT, COMMIT_FILES, Fault.hold(gate));
        sent.put("held", producer.send(null, bytes("held")));
        Conditions.await(() -> faulty.injected().get(FaultInjectingStore.Kind.HOLD) == 1, "the commit to be held");
        producer.close(Duration.ofMillis(300));
        ExecutionException failed = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> sent.get("held").get(10, TimeUnit.SECONDS), "the commit was held past the close deadline");
        assertTrue(isOutcomeUnknown(failed.getCause()), "not 'failed' but unknown: " + failed.getCause());
        gate.complete(null);
        Conditions.await(() -> DeltaTable.at(store, table).latestVersion() == 1, "the held commit to land");
        assertFuturesTrueToTheTable(sent);
    }

    /* Issue 11, item 2: a delivery timeout after an unknown outcome. The commit landed, its answer was lost
       and every read-back fails until the batch times out: unknown, never failed. */
    @Test
    void aDeliveryTimeoutAfterAnUnknownOutcomeIsReportedAsUnknown() throws Exception {
        FaultInjectingStore faulty = new FaultInjectingStore(store);
        Map<String, CompletableFuture<Position>> sent = new HashMap<>();
        try (Producer producer = Producer.create(faulty, table,
                Map.of("delivery.timeout.ms", 1_500L, "commit.retry.backoff.ms", 20L, "commit.retry.backoff.max.ms", 100L))) {
            faulty.failNext(Operation.PUT_IF_ABSENT, commitOf(1), Fault.lostResponse());
            Rule unreadable = faulty.fail(Operation.GET, commitOf(1), Fault.error(503));
            sent.put("landed", producer.send(null, bytes("landed")));
            ExecutionException failed = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> sent.get("landed").get(60, TimeUnit.SECONDS));
            assertTrue(isOutcomeUnknown(failed.getCause()), "not 'failed' but unknown: " + failed.getCause());
            assertTrue(failed.getCause().getMessage().contains("may or may not be committed"), failed.getCause().getMessage());
            faulty.remove(unreadable);
            // The producer goes on: its next batch passes over its own landed commit.
            sent.put("next", producer.send(null, bytes("next")));
            assertEquals(2, sent.get("next").get(60, TimeUnit.SECONDS).version());
        }
        assertEquals("landed", contents().get(new Position(1, 0)));
        assertFuturesTrueToTheTable(sent);
    }

    /* Issue 11, item 3: the acknowledgement position of a batch whose outcome had to be settled is the version
       holding it, even when a checkpoint written meanwhile carries its txn. */
    @Test
    void aSettledBatchIsAcknowledgedAtItsOwnVersionNotAtACheckpointsVersion() throws Exception {
        FaultInjectingStore faulty = new FaultInjectingStore(store);
        Map<String, CompletableFuture<Position>> sent = new HashMap<>();
        try (Producer mine = Producer.create(faulty, table, Map.of("producer.id", "mine", "commit.retry.backoff.ms", 20L))) {
            faulty.failNext(Operation.PUT_IF_ABSENT, commitOf(1), Fault.lostResponse());
            faulty.fail(Operation.GET, commitOf(1), Fault.error(503));
            sent.put("mine", mine.send(null, bytes("mine")));
            Conditions.await(() -> DeltaTable.at(store, table).latestVersion() == 1, "the unanswered commit to land");
            try (Producer theirs = Producer.create(store, table, Map.of("producer.id", "theirs"))) {
                sent.put("theirs", theirs.send(null, bytes("theirs")));
                assertEquals(2, sent.get("theirs").get(60, TimeUnit.SECONDS).version());
            }
            DeltaTable.at(store, table).checkpoint(2);
            faulty.clear();
            assertEquals(new Position(1, 0), sent.get("mine").get(60, TimeUnit.SECONDS));
        }
        assertFuturesTrueToTheTable(sent);
    }

    /* Issue 11, item 11: a data-file upload whose first attempt lands late, after the batch committed and its
       buffer was reused by later batches, must not change the committed file. */
    @Test
    void aDataFileUploadThatLandsLateNeverChangesACommittedFile() throws Exception {
        FaultInjectingStore faulty = new FaultInjectingStore(store);
        CompletableFuture<Void> land = new CompletableFuture<>();
        Map<String, CompletableFuture<Position>> sent = new HashMap<>();
        try (Producer producer = Producer.create(faulty, table, Map.of("commit.retry.backoff.ms", 20L))) {
            faulty.inject(new Rule(EnumSet.of(Operation.PUT, Operation.PUT_IF_ABSENT), DATA_FILES, Fault.lateAfter(land), 1.0, 1));
            for (int i = 0; i < 6; i++) {
                String message = "batch-" + i + "-" + "x".repeat(100 * (6 - i));
                CompletableFuture<Position> f = producer.send(null, bytes(message));
                sent.put(message, f);
                f.get(60, TimeUnit.SECONDS); // one batch each: the first batch's buffer is reused by later ones
            }
            land.complete(null);
            assertEquals(1L, faulty.injected().get(FaultInjectingStore.Kind.LATE));
            faulty.lateCallsDone().get(60, TimeUnit.SECONDS);
        }
        assertFuturesTrueToTheTable(sent);
    }

    /* Issue 11, item 5 for producers (found by the chaos run): a producer opened during a burst of storage
       faults waits it out instead of failing at the first; one whose faults outlast open.timeout.ms fails
       naming it; and a fault that does not pass (access denied) fails at once. */
    @Test
    void aProducerOpenedDuringABurstOfThrottlingWaitsItOut() throws Exception {
        FaultInjectingStore faulty = new FaultInjectingStore(store);
        faulty.inject(Rule.next(4, Operation.PUT_IF_ABSENT, COMMIT_FILES, Fault.error(503)));
        faulty.inject(Rule.next(3, Operation.LIST, key -> true, Fault.error(500)));
        try (Producer producer = Producer.create(faulty, table, Map.of("commit.retry.backoff.ms", 10L))) {
            assertEquals(1, producer.send(null, bytes("after the burst")).get(60, TimeUnit.SECONDS).version());
        }
        assertEquals(4L, faulty.injected().get(FaultInjectingStore.Kind.ERROR) - 3);

        FaultInjectingStore down = new FaultInjectingStore(store);
        down.fail(Operation.LIST, key -> true, Fault.error(503));
        RuntimeException gaveUp = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
                () -> Producer.create(down, table, Map.of("open.timeout.ms", 300L, "commit.retry.backoff.ms", 10L)));
        assertTrue(gaveUp.getMessage().contains("open.timeout.ms (300 ms)"), gaveUp.getMessage());

        FaultInjectingStore denied = new FaultInjectingStore(store);
        denied.fail(Operation.LIST, key -> true, Fault.error(403));
        RuntimeException refused = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
                () -> Producer.create(denied, table, Map.of()));
        assertFalse(refused.getMessage().contains("open.timeout.ms"), "not retried: " + refused.getMessage());
        assertEquals(1L, denied.injected().get(FaultInjectingStore.Kind.ERROR), "a 403 is asked once");
    }

    /* Issue 11, item 4: a checkpoint that fails is counted and written again by the next commit. */
    @Test
    void aFailedCheckpointIsReportedAndWrittenAgain() throws Exception {
        FaultInjectingStore faulty = new FaultInjectingStore(store);
        try (Producer producer = Producer.create(faulty, table, Map.of());
                LogCapture log = LogCapture.of(CommitWriter.class)) {
            faulty.failNext(Operation.PUT_IF_ABSENT, key -> key.endsWith(".checkpoint.parquet"), Fault.error(500));
            for (int i = 0; producer.metrics().failedCheckpoints() == 0; i++) {
                assertTrue(i < 1_000, "the checkpoint of version 100 was attempted");
                producer.send(null, bytes("m" + i)).get(60, TimeUnit.SECONDS);
            }
            // The failed one is not there; the next commit may already have written its own (version 101).
            assertTrue(store.get(table + "/_delta_log/00000000000000000100.checkpoint.parquet").get(30, TimeUnit.SECONDS)
                    .isEmpty(), "the checkpoint of version 100 failed");
            List<String> warnings = log.warnings();
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).startsWith("WARN checkpoint of version ") && warnings.get(0).contains("500"),
                    "the failed checkpoint is logged with its cause: " + warnings);
            producer.send(null, bytes("one more")).get(60, TimeUnit.SECONDS);
            Conditions.await(() -> DeltaTable.at(store, table).latestCheckpointVersion() > 100,
                    "a checkpoint after the failed one, without waiting for the next interval");
        }
    }
}

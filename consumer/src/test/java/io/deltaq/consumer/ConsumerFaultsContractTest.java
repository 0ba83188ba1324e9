package io.deltaq.consumer;

import static io.deltaq.consumer.ConsumerContractTest.assertMessages;
import static io.deltaq.consumer.ConsumerContractTest.assertNoTailerThreads;
import static io.deltaq.consumer.ConsumerContractTest.pollUntilThrows;
import static io.deltaq.consumer.ConsumerContractTest.receive;
import static io.deltaq.consumer.ConsumerContractTest.receiveUntilSentinel;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deltaq.deltalog.Position;
import io.deltaq.s3io.FaultInjectingStore;
import io.deltaq.s3io.FaultInjectingStore.Fault;
import io.deltaq.s3io.ForwardingObjectStore;
import io.deltaq.s3io.ObjectStore;
import io.deltaq.s3io.StoreMetrics.Operation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The consumer under storage faults (issue 11, "acknowledged means durable, under faults"), against
 * a real store: the test writes through the store itself, each consumer reads through a
 * {@link FaultInjectingStore} wrapped around it. Three promises: throttling and conflicts that pass
 * never kill a consumer nor make it skip or repeat; a consumer never fences itself; missing log
 * versions end in an error naming them, never a hang.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
abstract class ConsumerFaultsContractTest {

    private static final Set<Operation> READS = EnumSet.of(Operation.GET, Operation.GET_RANGE, Operation.LIST);
    private static final Duration BURST = Duration.ofSeconds(3);

    protected abstract ObjectStore openStore();

    ObjectStore store;
    FaultInjectingStore faults;
    String tablePath;
    final List<Consumer> consumers = new ArrayList<>();

    @BeforeEach
    void openTableLocation() {
        store = openStore();
        faults = new FaultInjectingStore(new ForwardingObjectStore(store) {
            @Override
            public void close() {
                // the test closes the store
            }
        }, 11, List.of());
        tablePath = "topics/f-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void closeEverything() {
        for (Consumer c : consumers) {
            c.close(Duration.ofSeconds(10));
        }
        store.close();
        assertNoTailerThreads();
    }

    /** A consumer reading through the faults, with quick polling and read retries of at most 100 ms apart. */
    Consumer consumer(Object... keyValues) {
        Map<String, Object> m = new HashMap<>();
        m.put(ConsumerConfig.POLL_INTERVAL_MS, 20);
        m.put(ConsumerConfig.POLL_INTERVAL_MIN_MS, 1);
        m.put(ConsumerConfig.READ_RETRY_BACKOFF_MS, 5);
        m.put(ConsumerConfig.READ_RETRY_BACKOFF_MAX_MS, 100);
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        Consumer c = Consumer.create(faults, tablePath, m);
        consumers.add(c);
        return c;
    }

    TestTable newTable() {
        return new TestTable(store, tablePath).create();
    }

    private static Predicate<String> dataFiles() {
        return key -> !key.contains("/_delta_log/") && !key.contains("/_deltaq/");
    }

    private String positionsOf(String name) {
        return tablePath + "/" + CommittedPositions.DIR + name + "/";
    }

    private long injected() {
        return faults.injected().get(FaultInjectingStore.Kind.ERROR);
    }

    /* ------------------------------ throttling must not kill consumers ------------------------------ */

    @Test
    void aBurstOfThrottlingOnEveryReadIsOutlastedWithoutLossOrRedelivery() {
        TestTable t = newTable();
        t.append(0, 10);
        t.append(10, 20, 2);
        Consumer c = consumer();
        List<ConsumerRecord> got = new ArrayList<>(receive(c, 20));
        faults.failFor(READS, key -> true, Fault.error(503), BURST);
        t.append(20, 30);
        t.append(30, 40, 3);
        got.addAll(receiveUntilSentinel(c, t, 100));
        assertMessages(got, TestTable.range(0, 40)); // every message once, in order
        assertTrue(injected() > 0, "the burst hit the consumer's reads");
    }

    @Test
    void aBurstOfThrottlingOnDataFilesIsOutlasted() {
        TestTable t = newTable();
        t.append(0, 10);
        Consumer c = consumer();
        List<ConsumerRecord> got = new ArrayList<>(receive(c, 10));
        faults.failFor(EnumSet.of(Operation.GET, Operation.GET_RANGE), dataFiles(), Fault.error(503), BURST);
        t.append(10, 20, 2);
        t.append(20, 30);
        got.addAll(receiveUntilSentinel(c, t, 100));
        assertMessages(got, TestTable.range(0, 30));
        assertTrue(injected() > 0, "the burst hit data-file reads");
    }

    @Test
    void aConsumerStartedDuringABurstResumesFromItsCommittedPositionAfterIt() {
        TestTable t = newTable();
        t.append(0, 10);
        t.append(10, 20);
        String name = "burst-" + UUID.randomUUID();
        Consumer first = consumer(ConsumerConfig.CONSUMER_NAME, name);
        assertMessages(receive(first, 15), TestTable.range(0, 15));
        first.commitSync();
        first.close();

        faults.failFor(READS, key -> true, Fault.error(503), BURST);
        Consumer second = consumer(ConsumerConfig.CONSUMER_NAME, name);
        assertMessages(receiveUntilSentinel(second, t, 100), TestTable.range(15, 20));
        assertTrue(injected() > 0, "the burst hit the start");
        second.commitSync();
        assertEquals(second.position(), second.committed().orElseThrow());
    }

    @Test
    void conflictsOnReadsAreRetriedLikeThrottling() {
        TestTable t = newTable();
        t.append(0, 10);
        Consumer c = consumer();
        List<ConsumerRecord> got = new ArrayList<>(receive(c, 10));
        faults.failFor(READS, key -> true, Fault.error(409), Duration.ofSeconds(1));
        t.append(10, 20);
        got.addAll(receiveUntilSentinel(c, t, 100));
        assertMessages(got, TestTable.range(0, 20));
        assertTrue(injected() > 0);
    }

    @Test
    void aFaultThatOutlastsTheReadRetryBudgetFailsNamingTheRead() {
        TestTable t = newTable();
        t.append(0, 10);
        Consumer c = consumer(ConsumerConfig.READ_RETRY_TIMEOUT_MS, 500);
        List<ConsumerRecord> got = new ArrayList<>(receive(c, 10));
        faults.fail(Operation.GET, key -> true, Fault.error(503));
        long version = t.append(10, 20);
        ConsumerException e = pollUntilThrows(c, ConsumerException.class, got);
        assertMessages(got, TestTable.range(0, 10));
        assertEquals(version, e.version().orElseThrow());
        assertTrue(e.getMessage().contains(ConsumerConfig.READ_RETRY_TIMEOUT_MS), e.getMessage());
        assertTrue(e.getMessage().contains("HTTP 503"), e.getMessage());
    }

    @Test
    void accessDeniedIsNotRetriedAndFailsAtOnce() {
        TestTable t = newTable();
        t.append(0, 10);
        long version = t.append(10, 20);
        faults.fail(Operation.GET, dataFiles().and(key -> key.endsWith(t.liveFiles.get(1).path())), Fault.error(403));
        Consumer c = consumer(); // a read retry budget of 60 s: a retried 403 would outlast the wait below
        List<ConsumerRecord> got = new ArrayList<>();
        long start = System.nanoTime();
        ConsumerException e = pollUntilThrows(c, ConsumerException.class, got);
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(20), "failed without retrying for the budget");
        assertMessages(got, TestTable.range(0, 10));
        assertEquals(version, e.version().orElseThrow());
        assertTrue(e.getMessage().contains(t.liveFiles.get(1).path()) && e.getMessage().contains("HTTP 403"),
                e.getMessage());
    }

    /* ------------------------------ a consumer must not fence itself ------------------------------ */

    /**
     * The position write lands but its answer is lost and its read-back fails: the outcome is unknown.
     * Legal: that commitSync succeeds (recognised) or throws a ConsumerException that is not a fence;
     * the next commitSync of the same instance succeeds; a restart resumes from the newest position.
     */
    @Test
    void aPositionWriteWhoseOutcomeWasLostDoesNotFenceTheNextCommit() {
        TestTable t = newTable();
        t.append(0, 10);
        String name = "lost-" + UUID.randomUUID();
        Consumer c = consumer(ConsumerConfig.CONSUMER_NAME, name);
        receive(c, 10);
        faults.failNext(Operation.PUT_IF_ABSENT, key -> key.startsWith(positionsOf(name)), Fault.lostResponse());
        var readBack = faults.fail(Operation.GET, key -> key.startsWith(positionsOf(name)), Fault.error(503));
        try {
            c.commitSync(new Position(1, 5));
        } catch (ConsumerFencedException fenced) {
            throw new AssertionError("fenced by its own write", fenced);
        } catch (ConsumerException unknown) {
            assertTrue(unknown.getMessage().contains("unknown"), unknown.getMessage());
        }
        faults.remove(readBack);
        assertEquals(1L, faults.injected().get(FaultInjectingStore.Kind.LOST_RESPONSE));

        Position at = c.position();
        c.commitSync(); // the same instance goes on
        assertEquals(at, c.committed().orElseThrow());
        c.close();
        Consumer restarted = consumer(ConsumerConfig.CONSUMER_NAME, name);
        assertEquals(at, restarted.position());
    }

    /**
     * The position write lands, the listing that checks for newer generations fails. Legal: that
     * commitSync throws a ConsumerException that is not a fence; the next one succeeds.
     */
    @Test
    void aFailedListingAfterAPositionWriteDoesNotFenceTheNextCommit() {
        TestTable t = newTable();
        t.append(0, 10);
        String name = "unlisted-" + UUID.randomUUID();
        Consumer c = consumer(ConsumerConfig.CONSUMER_NAME, name, ConsumerConfig.DEFAULT_API_TIMEOUT_MS, 1_000);
        receive(c, 10);
        var listing = faults.fail(Operation.LIST, key -> key.startsWith(positionsOf(name)), Fault.error(503));
        ConsumerException failed = assertThrows(ConsumerException.class, () -> c.commitSync(new Position(1, 5)));
        assertFalse(failed instanceof ConsumerFencedException, failed.getMessage());
        faults.remove(listing);

        Position at = c.position();
        c.commitSync();
        assertEquals(at, c.committed().orElseThrow());
        c.commitSync(); // and again: the instance's generation is known
        c.close();
        assertEquals(at, consumer(ConsumerConfig.CONSUMER_NAME, name).position());
    }

    /**
     * A's write at generation g+1 has an unknown outcome (it landed); B, started from g before it,
     * commits next. Legal: B is fenced (g+1 is A's, another instance); A's next commit succeeds.
     */
    @Test
    void anotherInstanceIsStillFencedByAWriteWhoseOutcomeItsWriterDoesNotKnow() {
        TestTable t = newTable();
        t.append(0, 10);
        String name = "pair-" + UUID.randomUUID();
        Consumer a = consumer(ConsumerConfig.CONSUMER_NAME, name);
        Consumer b = consumer(ConsumerConfig.CONSUMER_NAME, name);
        receive(a, 10);
        receive(b, 10);
        faults.failNext(Operation.PUT_IF_ABSENT, key -> key.startsWith(positionsOf(name)), Fault.lostResponse());
        var readBack = faults.fail(Operation.GET, key -> key.startsWith(positionsOf(name)), Fault.error(503));
        ConsumerException unknown = assertThrows(ConsumerException.class, () -> a.commitSync(new Position(1, 5)));
        assertFalse(unknown instanceof ConsumerFencedException, unknown.getMessage());
        faults.remove(readBack);

        ConsumerFencedException fenced = assertThrows(ConsumerFencedException.class, b::commitSync);
        assertTrue(fenced.getMessage().contains("another instance"), fenced.getMessage());
        a.commitSync();
        assertEquals(a.position(), a.committed().orElseThrow());
    }

    /**
     * A's write at g+1 has an unknown outcome (it landed); C starts after it, loads g+1 and commits
     * g+2; then A commits. Legal: C stored; A fenced by C (not by itself), naming C's instance.
     */
    @Test
    void anInstanceThatRecognisesItsOwnWriteIsStillFencedByANewerInstance() {
        TestTable t = newTable();
        t.append(0, 10);
        String name = "later-" + UUID.randomUUID();
        Consumer a = consumer(ConsumerConfig.CONSUMER_NAME, name);
        receive(a, 10);
        faults.failNext(Operation.PUT_IF_ABSENT, key -> key.startsWith(positionsOf(name)), Fault.lostResponse());
        var readBack = faults.fail(Operation.GET, key -> key.startsWith(positionsOf(name)), Fault.error(503));
        assertThrows(ConsumerException.class, () -> a.commitSync(new Position(1, 5)));
        faults.remove(readBack);

        Consumer c = consumer(ConsumerConfig.CONSUMER_NAME, name);
        assertEquals(new Position(1, 5), c.position(), "A's write landed and is the newest");
        c.commitSync(new Position(1, 7));
        ConsumerFencedException fenced = assertThrows(ConsumerFencedException.class, a::commitSync);
        assertTrue(fenced.getMessage().contains("(position 1:7)"), "fenced by C's write: " + fenced.getMessage());
    }

    /* ------------------------------ missing versions never hang a consumer ------------------------------ */

    private static void deleteCommit(TestTable t, long version) {
        TestTable.await(t.store.delete(t.root + "_delta_log/" + String.format("%020d", version) + ".json"));
    }

    private static void assertNamesMissing(ConsumerException e, long from, long to) {
        assertEquals(from, e.version().orElseThrow(), e.getMessage());
        assertTrue(e.getMessage().contains("missing versions " + from + " to " + to), e.getMessage());
        assertTrue(e.getMessage().contains(String.format("%020d", from) + ".json"), e.getMessage());
    }

    @Test
    void twoMissingVersionsFailNamingThemInsteadOfHanging() {
        TestTable t = newTable();
        t.append(0, 5);
        long first = t.append(5, 10);
        long second = t.append(10, 15);
        t.append(15, 20);
        deleteCommit(t, first);
        deleteCommit(t, second);
        Consumer c = consumer();
        List<ConsumerRecord> got = new ArrayList<>();
        ConsumerException e = pollUntilThrows(c, ConsumerException.class, got); // within WAIT, never a hang
        assertMessages(got, TestTable.range(0, 5)); // nothing after the gap was delivered: no silent skip
        assertNamesMissing(e, first, second);
    }

    @Test
    void missingVersionsBeforeACheckpointFailNamingThemFromAPositionBeforeThem() {
        TestTable t = newTable();
        long before = t.append(0, 5);
        long first = t.append(5, 10);
        t.append(10, 15);
        long third = t.append(15, 20);
        long last = t.append(20, 25);
        t.table.checkpoint(last);
        for (long v = first; v <= third; v++) {
            deleteCommit(t, v);
        }
        Consumer c = consumer(ConsumerConfig.START, Long.toString(before));
        List<ConsumerRecord> got = new ArrayList<>();
        ConsumerException e = pollUntilThrows(c, ConsumerException.class, got);
        assertMessages(got, TestTable.range(0, 5));
        assertNamesMissing(e, first, third);
    }

    @Test
    void versionsSkippedAheadOfAConsumerAtTheHeadFailNamingThem() {
        TestTable t = newTable();
        t.append(0, 5);
        Consumer c = consumer();
        List<ConsumerRecord> got = new ArrayList<>(receive(c, 5));
        long missing = t.table.latestVersion() + 1;
        // A writer skipped two versions: the consumer waiting at the first must notice the third.
        TestTable.await(t.store.putIfAbsent(t.root + "_delta_log/" + String.format("%020d", missing + 2) + ".json",
                "{\"commitInfo\":{\"timestamp\":1}}\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        ConsumerException e = pollUntilThrows(c, ConsumerException.class, got);
        assertMessages(got, TestTable.range(0, 5));
        assertNamesMissing(e, missing, missing + 1);
    }
}

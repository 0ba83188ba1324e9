package io.deltaq.consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.deltaq.deltalog.Commit;
import io.deltaq.deltalog.Header;
import io.deltaq.deltalog.MessageLimits;
import io.deltaq.deltalog.Position;
import io.deltaq.s3io.ObjectStore;
import io.deltaq.testkit.LogCapture;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The consumer against a real store; subclasses supply the local filesystem or the in-process S3
 * server. Tables are written as a producer writes them ({@link TestTable}). Waits are on conditions
 * with deadlines; "nothing more" is proven by reading up to a sentinel commit appended afterwards.
 */
abstract class ConsumerContractTest {

    static final Duration WAIT = Duration.ofSeconds(30);

    protected abstract ObjectStore openStore();

    ObjectStore store;
    String tablePath;
    final List<Consumer> consumers = new ArrayList<>();

    @BeforeEach
    void openTableLocation() {
        store = openStore();
        tablePath = "topics/t-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void closeEverything() {
        for (Consumer c : consumers) {
            c.close(Duration.ofSeconds(10));
        }
        store.close();
        assertNoTailerThreads();
    }

    static void assertNoTailerThreads() {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(Consumer.THREAD_NAME_PREFIX) && t.isAlive()) {
                fail("tailing thread left running: " + t.getName());
            }
        }
    }

    Map<String, Object> config(Object... keyValues) {
        Map<String, Object> m = new HashMap<>();
        m.put(ConsumerConfig.POLL_INTERVAL_MS, 20);
        m.put(ConsumerConfig.POLL_INTERVAL_MIN_MS, 1);
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    Consumer consumer(Object... keyValues) {
        Consumer c = Consumer.create(store, tablePath, config(keyValues));
        consumers.add(c);
        return c;
    }

    TestTable newTable() {
        return new TestTable(store, tablePath).create();
    }

    /** Polls exactly {@code count} records (never more); fails at the deadline. */
    static List<ConsumerRecord> receive(Consumer c, int count) {
        List<ConsumerRecord> out = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (out.size() < count) {
            if (System.nanoTime() - deadline > 0) {
                fail("received " + out.size() + " of " + count + " records within " + WAIT + ": " + out);
            }
            if (c.poll(m -> out.add(new ConsumerRecord(m.version(), m.index(), m.timestampMicros(), m.key(),
                    m.value(), m.headers().toList())), count - out.size()) == 0) {
                Thread.yield();
            }
        }
        return out;
    }

    /**
     * Appends a sentinel message and reads up to it: everything received before it is returned, so a
     * duplicate or a stray message cannot hide behind "nothing arrived yet".
     */
    static List<ConsumerRecord> receiveUntilSentinel(Consumer c, TestTable t, int sentinel) {
        t.append(sentinel, sentinel + 1);
        List<ConsumerRecord> out = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            if (System.nanoTime() - deadline > 0) {
                fail("sentinel " + sentinel + " not received within " + WAIT + "; got " + out);
            }
            for (ConsumerRecord r : c.poll(Duration.ofMillis(200))) {
                if (TestTable.value(sentinel).equals(r.valueAsString())) {
                    return out;
                }
                out.add(r);
            }
        }
    }

    static void assertMessages(List<ConsumerRecord> records, int[] expected) {
        List<String> got = new ArrayList<>();
        for (ConsumerRecord r : records) {
            got.add(r.valueAsString());
        }
        List<String> want = new ArrayList<>();
        for (int n : expected) {
            want.add(TestTable.value(n));
        }
        assertEquals(want, got);
        for (int i = 0; i < records.size(); i++) {
            ConsumerRecord r = records.get(i);
            int n = expected[i];
            String key = TestTable.key(n);
            if (key == null) {
                assertNull(r.key(), "key of message " + n);
            } else {
                assertArrayEquals(key.getBytes(StandardCharsets.UTF_8), r.key(), "key of message " + n);
            }
            assertEquals(TestTable.timestamp(n), r.timestampMicros(), "timestamp of message " + n);
            assertEquals(TestTable.headers(n), r.headers(), "headers of message " + n);
            if (i > 0) {
                assertTrue(records.get(i - 1).offset() < r.offset(), "positions increase: " + records.get(i - 1)
                        + " then " + r);
            }
        }
    }

    static <T extends Throwable> T pollUntilThrows(Consumer c, Class<T> type, List<ConsumerRecord> received) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() - deadline < 0) {
            try {
                received.addAll(c.poll(Duration.ofMillis(200)));
            } catch (Throwable t) {
                return assertInstanceOf(type, t);
            }
        }
        return fail("no " + type.getSimpleName() + " within " + WAIT + "; received " + received);
    }

    /* ------------------------------------------------------------------------------------------ */

    @Test
    void aConsumerStartedBeforeTheTableExistsReceivesEverythingOnceItAppears() {
        Consumer c = consumer(ConsumerConfig.START, "latest"); // latest of a table that did not exist: all of it
        assertTrue(c.poll(Duration.ofMillis(100)).isEmpty());
        TestTable t = newTable();
        t.append(0, 10);
        t.append(10, 25, 3);
        t.append(25, 30);
        List<ConsumerRecord> got = receiveUntilSentinel(c, t, 1000);
        assertMessages(got, TestTable.range(0, 30));
        assertEquals(new Position(1, 0), got.get(0).position(), "version 0 creates the table, 1 holds message 0");
    }

    @Test
    void aTableThatNeverAppearsFailsWithAClearError() {
        Consumer c = consumer(ConsumerConfig.TABLE_WAIT_TIMEOUT_MS, 100);
        ConsumerException e = pollUntilThrows(c, ConsumerException.class, new ArrayList<>());
        assertTrue(e.getMessage().contains(c.table()), e.getMessage());
        assertTrue(e.getMessage().contains("no Delta table"), e.getMessage());
        assertTrue(e.getMessage().contains(ConsumerConfig.TABLE_WAIT_TIMEOUT_MS), e.getMessage());
        assertThrows(ConsumerException.class, c::position, "position() cannot be known either");
    }

    @Test
    void manyCommitsAreReadExactlyOnceInOrder() {
        TestTable t = newTable();
        Consumer c = consumer(ConsumerConfig.PREFETCH_COMMITS, 4);
        int next = 0;
        for (int commit = 0; commit < 40; commit++) {
            int size = 1 + commit % 9;
            t.append(next, next + size, 1 + commit % 3);
            next += size;
        }
        // Drain with a small limit, through the flyweight API, checking positions as they come.
        List<long[]> positions = new ArrayList<>();
        List<String> values = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (values.size() < next && System.nanoTime() - deadline < 0) {
            c.poll(m -> {
                positions.add(new long[] {m.version(), m.index(), m.offset()});
                values.add(m.valueAsString());
            }, 7);
        }
        List<String> want = new ArrayList<>();
        for (int n = 0; n < next; n++) {
            want.add(TestTable.value(n));
        }
        assertEquals(want, values);
        for (int i = 1; i < positions.size(); i++) {
            long[] a = positions.get(i - 1);
            long[] b = positions.get(i);
            assertTrue(b[0] == a[0] ? b[1] == a[1] + 1 : b[0] > a[0] && b[1] == 0,
                    "rows of a commit are numbered 0,1,2..: " + a[0] + ":" + a[1] + " then " + b[0] + ":" + b[1]);
            assertEquals(Position.toOffset(b[0], (int) b[1]), b[2]);
        }
        assertTrue(receiveUntilSentinel(c, t, 10_000).isEmpty(), "nothing more before the sentinel");
    }

    @Test
    void aRingSmallerThanOneCommitStillDeliversEverythingExactlyOnce() {
        TestTable t = newTable();
        t.append(0, 500, 3);
        t.append(500, 1200, 2);
        // 1 KiB ring: about a dozen messages at a time, so each commit fills it dozens of times.
        Consumer c = consumer(ConsumerConfig.BUFFER_BYTES, 1024, MessageLimits.MAX_MESSAGE_BYTES, 96);
        List<ConsumerRecord> got = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (got.size() < 1200 && System.nanoTime() - deadline < 0) {
            if (c.poll(m -> got.add(new ConsumerRecord(m.version(), m.index(), m.timestampMicros(), m.key(),
                    m.value(), m.headers().toList())), 5) == 0) {
                Thread.yield(); // leave the CPU to the tailer
            }
        }
        assertMessages(got, TestTable.range(0, 1200));
        assertTrue(receiveUntilSentinel(c, t, 5000).isEmpty());
    }

    /** Across a ring that wraps many times, each message's headers are its own. */
    @Test
    void headersAreEachMessagesOwnWhereTheRingReusesAnOffset() {
        TestTable t = newTable();
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String seq = String.format("%03d", i);
            t.appendValue(("v-" + seq).getBytes(StandardCharsets.UTF_8),
                    List.of(new Header("seq", seq.getBytes(StandardCharsets.UTF_8))));
            sent.add(seq);
        }
        Consumer c = consumer(ConsumerConfig.BUFFER_BYTES, 1024, MessageLimits.MAX_MESSAGE_BYTES, 96);
        List<String> got = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (got.size() < sent.size() && System.nanoTime() - deadline < 0) {
            if (c.poll(m -> got.add(new String(m.headers().value(m.headers().lastIndexOf("seq")), StandardCharsets.UTF_8)),
                    7) == 0) {
                Thread.yield();
            }
        }
        assertEquals(sent, got);
    }

    @Test
    void aMessageLargerThanTheRingTakesFailsNamingTheSetting() {
        TestTable t = newTable();
        t.append(0, 3);
        long big = t.appendValue(new byte[200]); // a 1 KiB ring takes records up to 128 bytes
        Consumer c = consumer(ConsumerConfig.BUFFER_BYTES, 1024, MessageLimits.MAX_MESSAGE_BYTES, 96);
        List<ConsumerRecord> got = new ArrayList<>();
        ConsumerException e = pollUntilThrows(c, ConsumerException.class, got);
        assertMessages(got, TestTable.range(0, 3));
        assertEquals(big, e.version().orElseThrow());
        assertTrue(e.getMessage().contains(ConsumerConfig.BUFFER_BYTES + " to at least 2048"), e.getMessage());
    }

    @Test
    void aDataFileOverFetchMaxBytesIsRefusedNamingTheFileAndTheBoundBeforeItIsRead() {
        TestTable t = newTable();
        t.append(0, 3);
        byte[] incompressible = new byte[3 << 19]; // 1.5 MiB, over the smallest bound of 1 MiB whatever the codec
        new java.util.Random(7).nextBytes(incompressible);
        long big = t.appendValue(incompressible);
        Consumer c = consumer(MessageLimits.FETCH_MAX_BYTES, 1 << 20, MessageLimits.MAX_MESSAGE_BYTES, 2 << 20,
                ConsumerConfig.BUFFER_BYTES, 32 << 20);
        List<ConsumerRecord> got = new ArrayList<>();
        ConsumerException e = pollUntilThrows(c, ConsumerException.class, got);
        assertMessages(got, TestTable.range(0, 3));
        assertEquals(big, e.version().orElseThrow());
        String file = t.liveFiles.get(t.liveFiles.size() - 1).path();
        assertTrue(e.getMessage().contains(file), e.getMessage());
        assertTrue(e.getMessage().contains(MessageLimits.FETCH_MAX_BYTES) && e.getMessage().contains(String.valueOf(1 << 20)),
                e.getMessage());
    }

    @Test
    void commitSyncNeedsAName() {
        Consumer c = consumer();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> c.commitSync(new Position(1, 0)));
        assertTrue(e.getMessage().contains(ConsumerConfig.CONSUMER_NAME), e.getMessage());
    }

    @Test
    void aCompactionIsSkipped() {
        TestTable t = newTable();
        t.append(0, 5);
        t.append(5, 10);
        long compaction = t.compact();
        t.append(10, 15);
        Consumer c = consumer();
        List<ConsumerRecord> got = receiveUntilSentinel(c, t, 100);
        assertMessages(got, TestTable.range(0, 15));
        assertTrue(got.stream().noneMatch(r -> r.version() == compaction));
    }

    @Test
    void aRewriteCommitFailsByDefaultNamingTheVersionAndSeekGoesPastIt() {
        TestTable t = newTable();
        t.append(0, 5);
        long delete = t.deleteFirstMessage();
        t.append(5, 10);
        Consumer c = consumer();
        List<ConsumerRecord> got = new ArrayList<>();
        RewriteCommitException e = pollUntilThrows(c, RewriteCommitException.class, got);
        assertMessages(got, TestTable.range(0, 5));
        assertEquals(delete, e.version().orElseThrow());
        assertTrue(e.getMessage().contains("version " + delete), e.getMessage());
        assertTrue(e.getMessage().contains("DELETE"), e.getMessage());
        assertTrue(e.getMessage().contains(c.table()), e.getMessage());
        assertEquals(new Position(delete, 0), c.position(), "everything before the rewrite was consumed");
        assertThrows(RewriteCommitException.class, () -> c.poll(Duration.ofMillis(10)), "the failure stays");

        c.seek(new Position(delete + 1, 0));
        assertMessages(receiveUntilSentinel(c, t, 100), TestTable.range(5, 10));
    }

    @Test
    void aRewriteCommitIsSkippedWithTheSkipPolicy() {
        TestTable t = newTable();
        t.append(0, 5);
        long delete = t.deleteFirstMessage();
        t.append(5, 10);
        Consumer c = consumer(ConsumerConfig.REWRITE_POLICY, "skip");
        List<ConsumerRecord> got = receiveUntilSentinel(c, t, 100);
        assertMessages(got, TestTable.range(0, 10));
        assertTrue(got.stream().noneMatch(r -> r.version() == delete));
    }

    @Test
    void commitSyncThenRestartResumesWithoutSkipOrRepeat() {
        TestTable t = newTable();
        for (int i = 0; i < 3; i++) {
            t.append(i * 10, i * 10 + 10, 2);
        }
        String name = "app-" + UUID.randomUUID();
        Consumer first = consumer(ConsumerConfig.CONSUMER_NAME, name);
        assertTrue(first.committed().isEmpty());
        List<ConsumerRecord> got = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (got.size() < 15 && System.nanoTime() - deadline < 0) {
            first.poll(m -> got.add(new ConsumerRecord(m.version(), m.index(), m.timestampMicros(), m.key(),
                    m.value(), m.headers().toList())), 15 - got.size());
        }
        assertMessages(got, TestTable.range(0, 15));
        Position at = first.position();
        assertEquals(new Position(got.get(14).version(), got.get(14).index() + 1), at);
        first.commitSync();
        assertEquals(at, first.committed().orElseThrow());
        // Commit several times, so that old generations are deleted and the newest still wins.
        for (int i = 0; i < CommittedPositions.KEEP + 2; i++) {
            first.commitSync(at);
        }
        first.close();

        Consumer second = consumer(ConsumerConfig.CONSUMER_NAME, name, ConsumerConfig.START, "latest");
        assertEquals(at, second.position(), "the committed position overrides start");
        assertEquals(at, second.committed().orElseThrow());
        assertMessages(receiveUntilSentinel(second, t, 100), TestTable.range(15, 30));
    }

    @Test
    void aConsumerPublishesItsMetricsOverJmxWhileOpen() throws Exception {
        TestTable t = newTable();
        t.append(0, 10);
        Consumer c = consumer(ConsumerConfig.CONSUMER_NAME, "metered-" + UUID.randomUUID());
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        Set<ObjectName> names = server.queryNames(
                new ObjectName("io.deltaq:type=consumer-metrics,*"), null);
        ObjectName name = names.stream()
                .filter(n -> n.getKeyProperty("client-id").contains(c.config().consumerName()))
                .findFirst().orElseThrow(() -> new AssertionError("no consumer-metrics MBean for it among " + names));
        receive(c, 10);
        c.commitSync();
        assertEquals(10L, server.getAttribute(name, "messages"));
        assertEquals(1L, server.getAttribute(name, "positions-committed"));
        assertEquals(c.position().version(), server.getAttribute(name, "position-version"));
        assertTrue((Long) server.getAttribute(name, "commits-read") >= 1);
        assertTrue((Long) server.getAttribute(name, "store-requests") > 0);
        // Where the time went: each stage once per commit that gained rows, all of them in the ring by now.
        long withRows = c.metrics().stageNanos(ConsumerMetrics.Stage.FETCH).getTotalCount();
        assertTrue(withRows >= 1, "the commits that brought the 10 messages");
        for (ConsumerMetrics.Stage stage : ConsumerMetrics.Stage.values()) {
            assertEquals(withRows, c.metrics().stageNanos(stage).getTotalCount(), stage.toString());
        }
        assertTrue((Double) server.getAttribute(name, "decode-p99-ms") >= 0);
        ObjectName gets = new ObjectName(name.toString().replace("type=consumer-metrics", "type=store-metrics")
                + ",operation=get");
        assertTrue((Long) server.getAttribute(gets, "requests") >= 1, "the consumer read at least one commit");
        assertTrue((Long) server.getAttribute(gets, "bytes") > 0);
        c.close();
        assertFalse(server.isRegistered(name), "unregistered at close");
        assertFalse(server.isRegistered(gets), "the store's MBeans too");
    }

    @Test
    void aSecondInstanceWithTheSameNameIsFencedAtItsCommit() {
        TestTable t = newTable();
        t.append(0, 10);
        String name = "twin-" + UUID.randomUUID();
        Consumer a = consumer(ConsumerConfig.CONSUMER_NAME, name);
        Consumer b = consumer(ConsumerConfig.CONSUMER_NAME, name);
        receive(a, 10);
        receive(b, 10);
        a.commitSync();
        ConsumerFencedException fenced;
        try (LogCapture log = LogCapture.of(CommittedPositions.class)) {
            fenced = assertThrows(ConsumerFencedException.class, b::commitSync);
            assertEquals(List.of("WARN " + fenced.getMessage()), log.warnings(), "the fencing is logged once");
        }
        assertTrue(fenced.getMessage().contains(name), fenced.getMessage());
        assertTrue(fenced.getMessage().contains("another instance"), fenced.getMessage());
        a.commitSync(); // the winner goes on
        assertThrows(ConsumerFencedException.class, () -> b.commitSync(new Position(1, 0)), "fenced for good");
        // b still consumes.
        t.append(10, 12);
        assertMessages(receive(b, 2), TestTable.range(10, 12));
    }

    @Test
    void seekMovesThePositionAndDropsWhatIsBuffered() {
        TestTable t = newTable();
        long v1 = t.append(0, 10);
        long v2 = t.append(10, 20, 2);
        t.append(20, 30);
        Consumer c = consumer();
        assertMessages(receive(c, 3), TestTable.range(0, 3)); // the rest is buffered by now or soon
        c.seek(new Position(v2, 3));
        assertEquals(new Position(v2, 3), c.position());
        assertMessages(receiveUntilSentinel(c, t, 100), TestTable.range(13, 30));
        c.seek(new Position(v1, 8));
        List<ConsumerRecord> again = receive(c, 2);
        assertMessages(again, TestTable.range(8, 10));
        assertEquals(new Position(v1, 8), again.get(0).position());
    }

    @Test
    void startLatestReadsOnlyNewCommits() {
        TestTable t = newTable();
        t.append(0, 10);
        Consumer c = consumer(ConsumerConfig.START, "latest");
        long latest = t.table.latestVersion();
        assertEquals(new Position(latest + 1, 0), c.position());
        t.append(10, 15);
        assertMessages(receiveUntilSentinel(c, t, 100), TestTable.range(10, 15));
    }

    @Test
    void startAtAVersion() {
        TestTable t = newTable();
        t.append(0, 10);
        long v = t.append(10, 20);
        t.append(20, 25);
        Consumer c = consumer(ConsumerConfig.START, Long.toString(v));
        assertMessages(receiveUntilSentinel(c, t, 100), TestTable.range(10, 25));
    }

    @Test
    void startAtATimestampFindsTheFirstCommitAtOrAfterIt() {
        TestTable t = newTable();
        long[] versions = new long[4];
        for (int i = 0; i < versions.length; i++) {
            long before = System.currentTimeMillis();
            while (System.currentTimeMillis() == before) {
                Thread.onSpinWait(); // distinct commit timestamps, so the search has one answer
            }
            versions[i] = t.append(i * 10, i * 10 + 10);
        }
        long ts2 = commitTimestamp(t, versions[2]);
        assertTrue(commitTimestamp(t, versions[1]) < ts2);
        Consumer exact = consumer(ConsumerConfig.START, java.time.Instant.ofEpochMilli(ts2).toString());
        assertEquals(new Position(versions[2], 0), exact.position());
        Consumer between = consumer(ConsumerConfig.START,
                java.time.Instant.ofEpochMilli(commitTimestamp(t, versions[1]) + 1).atOffset(
                        java.time.ZoneOffset.ofHours(2)).toString());
        assertEquals(new Position(versions[2], 0), between.position());
        assertMessages(receiveUntilSentinel(exact, t, 100), TestTable.range(20, 40));
        Consumer future = consumer(ConsumerConfig.START, "2999-01-01T00:00:00Z");
        assertEquals(new Position(t.table.latestVersion() + 1, 0), future.position());
    }

    private static long commitTimestamp(TestTable t, long version) {
        Commit c = TestTable.await(t.table.readCommit(version)).orElseThrow();
        return c.commitInfo().orElseThrow().timestamp();
    }

    @Test
    void aMissingDataFileSurfacesOnPollNamingTableAndVersion() {
        TestTable t = newTable();
        t.append(0, 5);
        long broken = t.append(5, 10);
        TestTable.await(t.store.delete(t.root + t.liveFiles.get(1).path()));
        Consumer c = consumer();
        List<ConsumerRecord> got = new ArrayList<>();
        ConsumerException e = pollUntilThrows(c, ConsumerException.class, got);
        assertMessages(got, TestTable.range(0, 5));
        assertEquals(broken, e.version().orElseThrow());
        assertTrue(e.getMessage().contains(c.table()), e.getMessage());
        assertTrue(e.getMessage().contains("version " + broken), e.getMessage());
        assertTrue(e.getMessage().contains(t.liveFiles.get(1).path()), e.getMessage());
    }

    @Test
    void aCorruptCommitSurfacesOnPoll() {
        TestTable t = newTable();
        t.append(0, 5);
        long corrupt = t.table.latestVersion() + 1;
        TestTable.await(store.putIfAbsent(t.root + "_delta_log/" + String.format("%020d", corrupt) + ".json",
                "{\"add\":{\"path\":".getBytes(StandardCharsets.UTF_8)));
        Consumer c = consumer();
        List<ConsumerRecord> got = new ArrayList<>();
        ConsumerException e = pollUntilThrows(c, ConsumerException.class, got);
        assertMessages(got, TestTable.range(0, 5));
        assertEquals(corrupt, e.version().orElseThrow());
        assertTrue(e.getMessage().contains("version " + corrupt), e.getMessage());
    }

    @Test
    void aGapInTheLogSurfacesOnPoll() {
        TestTable t = newTable();
        t.append(0, 5);
        Consumer c = consumer();
        List<ConsumerRecord> got = receive(c, 5);
        long missing = t.table.latestVersion() + 1;
        // A successor without its predecessor: the tail, waiting for the missing version, must notice.
        TestTable.await(t.store.putIfAbsent(t.root + "_delta_log/" + String.format("%020d", missing + 1) + ".json",
                "{\"commitInfo\":{\"timestamp\":1}}\n".getBytes(StandardCharsets.UTF_8)));
        ConsumerException e = pollUntilThrows(c, ConsumerException.class, got);
        assertMessages(got, TestTable.range(0, 5));
        assertTrue(e.getMessage().contains("missing version " + missing), e.getMessage());
        assertTrue(e.getMessage().contains("gap"), e.getMessage());
        assertEquals(missing, e.version().orElseThrow());
    }

    @Test
    void aGapPresentAtStartSurfacesOnPoll() {
        TestTable t = newTable();
        t.append(0, 5);
        long missing = t.table.latestVersion() + 1;
        TestTable.await(t.store.putIfAbsent(t.root + "_delta_log/" + String.format("%020d", missing + 1) + ".json",
                "{\"commitInfo\":{\"timestamp\":1}}\n".getBytes(StandardCharsets.UTF_8)));
        Consumer c = consumer();
        ConsumerException e = pollUntilThrows(c, ConsumerException.class, new ArrayList<>());
        assertTrue(e.getMessage().contains("missing version " + missing), e.getMessage());
        assertTrue(e.getMessage().contains(c.table()), e.getMessage());
    }

    @Test
    void closeStopsTheTailingThread() {
        TestTable t = newTable();
        t.append(0, 3);
        String name = "closer-" + UUID.randomUUID();
        Consumer c = Consumer.create(store, tablePath, config(ConsumerConfig.CONSUMER_NAME, name));
        receive(c, 3);
        assertTrue(threadsNamed(Consumer.THREAD_NAME_PREFIX + name) == 1, "one tailing thread while open");
        c.close(Duration.ofSeconds(5));
        assertEquals(0, threadsNamed(Consumer.THREAD_NAME_PREFIX + name), "no tailing thread after close");
        assertThrows(IllegalStateException.class, () -> c.poll(Duration.ZERO));
        c.close(); // idempotent
    }

    @Test
    void closeWhileWaitingForATableStopsPromptly() {
        Consumer c = Consumer.create(store, tablePath, config(ConsumerConfig.DEFAULT_API_TIMEOUT_MS, 50));
        ConsumerException e = assertThrows(ConsumerException.class, c::position, "no table: no position in time");
        assertTrue(e.getMessage().contains(ConsumerConfig.DEFAULT_API_TIMEOUT_MS), e.getMessage());
        long start = System.nanoTime();
        c.close(Duration.ofSeconds(5));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
    }

    private static long threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(th -> th.isAlive() && th.getName().startsWith(prefix)).count();
    }

    @Test
    void useFromASecondThreadIsRefused() throws Exception {
        TestTable t = newTable();
        t.append(0, 3);
        Consumer c = consumer();
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<Throwable> other = new AtomicReference<>();
        Thread poller = new Thread(() -> receiveWith(c, m -> {
            inside.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        poller.start();
        assertTrue(inside.await(30, TimeUnit.SECONDS));
        try {
            c.poll(Duration.ZERO);
        } catch (Throwable e) {
            other.set(e);
        }
        release.countDown();
        poller.join(30_000);
        assertInstanceOf(ConcurrentModificationException.class, other.get());
        assertFalse(poller.isAlive());
        c.poll(Duration.ZERO); // usable from this thread once the other left
    }

    private static void receiveWith(Consumer c, MessageHandler h) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (c.poll(h, 1) == 0 && System.nanoTime() - deadline < 0) {
            Thread.onSpinWait();
        }
    }

    @Test
    void theFlyweightExposesKeysValuesAndCopies() {
        TestTable t = newTable();
        long v = t.append(0, 5);
        Consumer c = consumer();
        List<String> seen = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (seen.size() < 5 && System.nanoTime() - deadline < 0) {
            c.poll(m -> {
                int n = seen.size();
                assertEquals(v, m.version());
                assertEquals(n, m.index());
                assertEquals(new Position(v, n), m.position());
                String key = TestTable.key(n);
                assertEquals(key == null ? ConsumedMessage.NULL_LENGTH : key.length(), m.keyLength());
                assertEquals(key != null, m.hasKey());
                byte[] value = new byte[m.valueLength()];
                assertEquals(value.length, m.getValue(value, 0));
                assertArrayEquals(value, m.value());
                byte[] viaBuffer = new byte[m.valueLength()];
                m.buffer().getBytes(m.valueOffset(), viaBuffer);
                assertArrayEquals(value, viaBuffer);
                seen.add(new String(value, StandardCharsets.UTF_8));
            }, 10);
        }
        assertEquals(List.of("m-0", "m-1", "m-2", "m-3", "m-4"), seen);
    }
}

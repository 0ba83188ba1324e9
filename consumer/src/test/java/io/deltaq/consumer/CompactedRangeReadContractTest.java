package io.deltaq.consumer;

import static io.deltaq.consumer.ConsumerContractTest.WAIT;
import static io.deltaq.consumer.ConsumerContractTest.assertMessages;
import static io.deltaq.consumer.ConsumerContractTest.pollUntilThrows;
import static io.deltaq.consumer.ConsumerContractTest.receive;
import static io.deltaq.consumer.ConsumerContractTest.receiveUntilSentinel;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.deltaq.deltalog.MessageLimits;
import io.deltaq.deltalog.Position;
import io.deltaq.s3io.ObjectStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Consumers of a table that maintenance keeps (docs/rfcs/0005-maintenance.md, "Consumers"): the
 * maintenance commits and deletes are written here as the maintainer writes them
 * ({@link TestTable#compactVersions}, {@link TestTable#retain}, {@link TestTable#vacuum},
 * {@link TestTable#cleanLogBefore}). Every retained message arrives exactly once at its original
 * position, or the position is out of range and {@code auto.offset.reset} decides.
 */
abstract class CompactedRangeReadContractTest {

    protected abstract ObjectStore openStore();

    ObjectStore store;
    String tablePath;
    final List<Consumer> consumers = new ArrayList<>();

    @BeforeEach
    void openTableLocation() {
        store = openStore();
        tablePath = "topics/m-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void closeEverything() {
        for (Consumer c : consumers) {
            c.close(Duration.ofSeconds(10));
        }
        store.close();
        ConsumerContractTest.assertNoTailerThreads();
    }

    Consumer consumer(Object... keyValues) {
        Map<String, Object> m = new HashMap<>();
        m.put(ConsumerConfig.POLL_INTERVAL_MS, 20);
        m.put(ConsumerConfig.POLL_INTERVAL_MIN_MS, 1);
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        Consumer c = Consumer.create(store, tablePath, m);
        consumers.add(c);
        return c;
    }

    /** A consumer whose tailer stays within its first commit: a 1 KiB ring, one commit read at a time. */
    Consumer laggingConsumer(Object... more) {
        Object[] all = new Object[6 + more.length];
        System.arraycopy(new Object[] {ConsumerConfig.BUFFER_BYTES, 1024, MessageLimits.MAX_MESSAGE_BYTES, 96,
                ConsumerConfig.PREFETCH_COMMITS, 1}, 0, all, 0, 6);
        System.arraycopy(more, 0, all, 6, more.length);
        return consumer(all);
    }

    TestTable newTable() {
        return new TestTable(store, tablePath).create();
    }

    /** Each record is at the position its message was committed at. */
    static void assertOriginalPositions(TestTable t, List<ConsumerRecord> records) {
        for (ConsumerRecord r : records) {
            int n = Integer.parseInt(r.valueAsString().substring(2));
            assertEquals(t.positions.get(n), r.position(), "position of message " + n);
        }
    }

    static int[] plus(int[] messages, int... more) {
        int[] all = java.util.Arrays.copyOf(messages, messages.length + more.length);
        System.arraycopy(more, 0, all, messages.length, more.length);
        return all;
    }

    static List<ConsumerRecord> receiveAll(Consumer c, TestTable t, int sentinel) {
        return receiveUntilSentinel(c, t, sentinel);
    }

    /* ------------------------------------------------------------------------------------------ */

    @Test
    void aRetentionCommitIsPassedOverUnderTheFailPolicy() {
        TestTable t = newTable();
        long v1 = t.append(0, 5);
        long v2 = t.append(5, 10);
        TestTable.DataFile compacted = t.compactVersions(v1, v2);
        long v4 = t.append(10, 15);
        long retention = t.retain(compacted);
        t.append(15, 20);
        Consumer c = consumer(ConsumerConfig.START, Long.toString(v4)); // rewrite.policy=fail, the default
        List<ConsumerRecord> got = receiveAll(c, t, 100);
        assertMessages(got, TestTable.range(10, 20));
        assertOriginalPositions(t, got);
        assertTrue(got.stream().noneMatch(r -> r.version() == retention));
    }

    @Test
    void aVacuumedRangeIsReadFromTheCompactedFileAtOriginalPositions() {
        TestTable t = newTable();
        long v1 = t.append(0, 5);
        long v2 = t.append(5, 12, 2);
        long v3 = t.append(12, 20);
        t.compactVersions(v1, v3);
        t.vacuum();
        t.append(20, 25);

        Consumer all = consumer();
        List<ConsumerRecord> got = receiveAll(all, t, 100);
        assertMessages(got, TestTable.range(0, 25));
        assertOriginalPositions(t, got);

        Position mid = t.positions.get(8); // row 3 of v2, in its second file
        assertEquals(new Position(v2, 3), mid);
        Consumer fromMid = consumer();
        fromMid.seek(mid);
        List<ConsumerRecord> rest = receiveAll(fromMid, t, 101);
        assertMessages(rest, plus(TestTable.range(8, 25), 100)); // the first sentinel too
        assertOriginalPositions(t, rest);
    }

    @Test
    void aRangeWhoseCommitsWereCleanedUpIsReadFromTheCompactedFile() {
        TestTable t = newTable();
        long v1 = t.append(0, 5);
        long v2 = t.append(5, 12, 2);
        long v3 = t.append(12, 20);
        t.compactVersions(v1, v3);
        long compaction = t.latestCommit;
        t.append(20, 25);
        t.vacuum();
        t.cleanLogBefore(compaction);
        assertTrue(TestTable.await(t.table.readCommit(v2)).isEmpty(), "the commit of v2 is gone");

        Position mid = new Position(v2, 3);
        Consumer c = consumer();
        c.seek(mid);
        List<ConsumerRecord> got = receiveAll(c, t, 100);
        assertMessages(got, TestTable.range(8, 25));
        assertOriginalPositions(t, got);

        // A committed position there resumes the same way.
        String name = "app-" + UUID.randomUUID();
        Consumer first = consumer(ConsumerConfig.CONSUMER_NAME, name);
        first.commitSync(new Position(v3, 2));
        first.close();
        Consumer resumed = consumer(ConsumerConfig.CONSUMER_NAME, name);
        assertEquals(new Position(v3, 2), resumed.position());
        List<ConsumerRecord> again = receiveAll(resumed, t, 101);
        assertMessages(again, plus(t.messagesFrom(new Position(v3, 2), 0, 25), 100));
        assertOriginalPositions(t, again);
    }

    @Test
    void startEarliestOnATableWhoseEarlyLogIsGoneBeginsAtTheOldestRetainedMessage() {
        TestTable t = newTable();
        long v1 = t.append(0, 5);
        t.append(5, 12, 2);
        long v3 = t.append(12, 20);
        t.compactVersions(v1, v3);
        long compaction = t.latestCommit;
        t.append(20, 25);
        t.vacuum();
        t.cleanLogBefore(compaction);
        Consumer c = consumer(ConsumerConfig.START, "earliest");
        assertEquals(new Position(v1, 0), c.position(), "the log start position");
        List<ConsumerRecord> got = receiveAll(c, t, 100);
        assertMessages(got, TestTable.range(0, 25));
        assertOriginalPositions(t, got);
    }

    /** Maintenance runs while the consumer's tailer is still inside the first commit. */
    private void laggingConsumerGetsEveryMessageOnce(boolean cleanLog) {
        TestTable t = newTable();
        long v1 = t.append(0, 300);
        t.append(300, 600);
        long v3 = t.append(600, 900);
        Consumer c = laggingConsumer();
        List<ConsumerRecord> got = new ArrayList<>(receive(c, 10));
        t.compactVersions(v1, v3);
        long compaction = t.latestCommit;
        t.append(900, 950);
        t.vacuum();
        if (cleanLog) {
            t.cleanLogBefore(compaction);
        }
        got.addAll(receiveAll(c, t, 10_000));
        assertMessages(got, TestTable.range(0, 950));
        assertOriginalPositions(t, got);
    }

    @Test
    void aConsumerLaggingAcrossCompactionAndVacuumGetsEveryMessageOnce() {
        laggingConsumerGetsEveryMessageOnce(false);
    }

    @Test
    void aConsumerLaggingAcrossCompactionVacuumAndLogCleanupGetsEveryMessageOnce() {
        laggingConsumerGetsEveryMessageOnce(true);
    }

    /**
     * A table whose first two data versions were compacted, expired by retention, vacuumed and cleaned
     * from the log, while {@code c} was inside the first; returns the compaction's version (the log
     * start) and the retention's.
     */
    private long[] expireUnder(TestTable t, Consumer c, List<ConsumerRecord> got) {
        got.addAll(receive(c, 10));
        TestTable.DataFile compacted = t.compactVersions(1, 2);
        long compaction = t.latestCommit;
        t.append(600, 650);
        long retention = t.retain(compacted);
        t.vacuum();
        t.cleanLogBefore(compaction);
        return new long[] {compaction, retention};
    }

    @Test
    void aLaggingConsumerOvertakenByRetentionFailsWithPositionOutOfRangeByDefault() {
        TestTable t = newTable();
        long v1 = t.append(0, 300);
        long v2 = t.append(300, 600);
        assertEquals(1, v1);
        Consumer c = laggingConsumer();
        List<ConsumerRecord> got = new ArrayList<>();
        long logStart = expireUnder(t, c, got)[0]; // the compaction's version: B + 1
        PositionOutOfRangeException e = pollUntilThrows(c, PositionOutOfRangeException.class, got);
        assertMessages(got, TestTable.range(0, 300)); // the commit whose bytes it held, then the failure
        assertEquals(new Position(v2, 0), e.position());
        assertEquals(logStart, e.logStartVersion());
        assertTrue(e.getMessage().contains(c.table()), e.getMessage());
        assertTrue(e.getMessage().contains(v2 + ":0"), e.getMessage());
        assertTrue(e.getMessage().contains("log start version " + logStart), e.getMessage());
        assertTrue(e.getMessage().contains(ConsumerConfig.AUTO_OFFSET_RESET), e.getMessage());
    }

    @Test
    void aLaggingConsumerOvertakenByRetentionMovesToTheLogStartWithEarliest() {
        TestTable t = newTable();
        t.append(0, 300);
        t.append(300, 600);
        Consumer c = laggingConsumer(ConsumerConfig.AUTO_OFFSET_RESET, "earliest");
        List<ConsumerRecord> got = new ArrayList<>();
        expireUnder(t, c, got);
        got.addAll(receiveAll(c, t, 10_000));
        int[] expected = new int[350];
        for (int n = 0; n < 300; n++) {
            expected[n] = n;
        }
        for (int n = 600; n < 650; n++) {
            expected[n - 300] = n;
        }
        assertMessages(got, expected);
        assertOriginalPositions(t, got);
    }

    @Test
    void aLaggingConsumerOvertakenByRetentionMovesToTheHeadWithLatest() {
        TestTable t = newTable();
        t.append(0, 300);
        t.append(300, 600);
        Consumer c = laggingConsumer(ConsumerConfig.AUTO_OFFSET_RESET, "latest");
        List<ConsumerRecord> got = new ArrayList<>();
        long retention = expireUnder(t, c, got)[1];
        // Moved past the head as it was when the tail was overtaken: nothing of 600..650.
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (c.position().version() <= retention) {
            if (System.nanoTime() - deadline > 0) {
                fail("position " + c.position() + " never passed the head " + retention + "; got " + got.size());
            }
            got.addAll(c.poll(Duration.ofMillis(50)));
        }
        assertEquals(new Position(retention + 1, 0), c.position());
        got.addAll(receiveAll(c, t, 10_000));
        assertMessages(got, TestTable.range(0, 300));
    }

    @Test
    void aSeekBeforeTheLogStartIsOutOfRangeAtStart() {
        TestTable t = newTable();
        t.append(0, 300);
        t.append(300, 600);
        TestTable.DataFile compacted = t.compactVersions(1, 2);
        long compaction = t.latestCommit;
        t.append(600, 650);
        t.retain(compacted);
        t.vacuum();
        t.cleanLogBefore(compaction);

        Consumer none = consumer();
        none.seek(new Position(1, 2));
        PositionOutOfRangeException e = pollUntilThrows(none, PositionOutOfRangeException.class, new ArrayList<>());
        assertEquals(new Position(1, 2), e.position());
        assertEquals(compaction, e.logStartVersion());

        Consumer earliest = consumer(ConsumerConfig.AUTO_OFFSET_RESET, "earliest");
        earliest.seek(new Position(1, 2));
        List<ConsumerRecord> got = receiveAll(earliest, t, 10_000);
        assertMessages(got, TestTable.range(600, 650));
        assertOriginalPositions(t, got);
    }
}

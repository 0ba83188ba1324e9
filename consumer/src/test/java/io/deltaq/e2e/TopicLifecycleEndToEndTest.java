package io.deltaq.e2e;

import static io.deltaq.e2e.QueueEndToEndTest.WAIT;
import static io.deltaq.e2e.QueueEndToEndTest.VALUE_BYTES;
import static io.deltaq.e2e.QueueEndToEndTest.encode;
import static io.deltaq.e2e.QueueEndToEndTest.key;
import static io.deltaq.e2e.QueueEndToEndTest.sequence;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.deltaq.consumer.ConsumedMessage;
import io.deltaq.consumer.Consumer;
import io.deltaq.consumer.ConsumerConfig;
import io.deltaq.consumer.PositionOutOfRangeException;
import io.deltaq.deltalog.CompactedRange;
import io.deltaq.deltalog.DeltaTable;
import io.deltaq.deltalog.LiveFile;
import io.deltaq.deltalog.Maintenance;
import io.deltaq.deltalog.MaintenanceReport;
import io.deltaq.deltalog.Position;
import io.deltaq.deltalog.Snapshot;
import io.deltaq.producer.Producer;
import io.deltaq.producer.ProducerConfig;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A topic's life with maintenance (docs/rfcs/0005-maintenance.md), end to end on one real store
 * (subclasses: the local filesystem, the in-process S3 server): a real producer writes, a named
 * consumer falls behind, maintenance compacts, vacuums, cleans the log and finally expires what
 * that consumer still needed, and each way of resuming behaves as documented. Maintenance runs
 * here, one deterministic pass at a time with a clock the test sets ({@code maintenance.enabled}
 * is off in the producer). Every message's value is {@code [source 0][sequence]} as in
 * {@link QueueEndToEndTest}; its acknowledged position is remembered and checked at every read.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
abstract class TopicLifecycleEndToEndTest extends StoreTest {

    private static final long HOUR = 3_600_000L;
    private static final int BATCH = 50;
    private static final int CHECKPOINT_INTERVAL = 3;
    private static final String GROUP = "lifecycle-app";

    /** The acknowledged position (as an offset) of each sequence number sent. */
    private final List<Long> acked = new ArrayList<>();

    /** The maintenance clock: stands where the test last put it, so each pass sees one fixed time. */
    private static final class TestClock implements LongSupplier {
        private volatile long now = System.currentTimeMillis();

        /** Puts the clock {@code ms} ahead of the wall clock (and never back). */
        void aheadOfNow(long ms) {
            now = Math.max(now, System.currentTimeMillis() + ms);
        }

        @Override
        public long getAsLong() {
            return now;
        }
    }

    private Consumer consumer(Object... keyValues) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.POLL_INTERVAL_MS, 20);
        config.put(ConsumerConfig.POLL_INTERVAL_MIN_MS, 1);
        for (int i = 0; i < keyValues.length; i += 2) {
            config.put((String) keyValues[i], keyValues[i + 1]);
        }
        Consumer c = Consumer.create(store, "", config);
        track(c);
        return c;
    }

    /** Sends sequences {@code acked.size()} .. +count-1 and waits for their acknowledgements. */
    private void send(Producer producer, int count) throws Exception {
        List<CompletableFuture<Position>> acks = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] value = new byte[VALUE_BYTES];
            encode(value, 0, acked.size() + i);
            acks.add(producer.send(key(0), value));
        }
        producer.flush(WAIT);
        for (CompletableFuture<Position> ack : acks) {
            acked.add(ack.get(WAIT.toSeconds(), TimeUnit.SECONDS).toOffset());
        }
    }

    /** Sends {@code batches} batches, each flushed on its own, so each is at least one commit. */
    private void sendBatches(Producer producer, int batches) throws Exception {
        for (int b = 0; b < batches; b++) {
            send(producer, BATCH);
        }
    }

    private Position positionOf(int sequence) {
        return Position.fromOffset(acked.get(sequence));
    }

    /**
     * Polls exactly {@code count} messages (never one more) and requires them to be the sequences
     * {@code first} .. {@code first + count - 1}, in order, each at its acknowledged position.
     */
    private void receiveExactly(Consumer c, int first, int count) {
        int[] next = {first};
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (next[0] < first + count) {
            int got = c.poll((ConsumedMessage m) -> {
                int seq = m.buffer().getInt(m.valueOffset() + 4, ByteOrder.BIG_ENDIAN);
                if (seq != next[0]) {
                    throw new AssertionError("expected sequence " + next[0] + ", got " + seq + " at " + m.position()
                            + " (" + (seq < next[0] ? "a repeat" : "a gap") + ")");
                }
                if (m.offset() != acked.get(seq)) {
                    throw new AssertionError("sequence " + seq + " read at " + m.position() + " but acknowledged at "
                            + positionOf(seq));
                }
                next[0]++;
            }, first + count - next[0]);
            if (got == 0) {
                if (System.nanoTime() - deadline > 0) {
                    fail("received sequences " + first + ".." + (next[0] - 1) + " of " + first + ".."
                            + (first + count - 1) + " within " + WAIT);
                }
                LockSupport.parkNanos(200_000);
            }
        }
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail(what + " within " + WAIT);
            }
            LockSupport.parkNanos(5_000_000);
        }
    }

    /** Waits until the producer wrote the checkpoint its interval puts at or below the head; returns it. */
    private static long awaitProducerCheckpoint(DeltaTable table) {
        long head = table.latestVersion();
        long due = head - head % CHECKPOINT_INTERVAL;
        await(() -> table.latestCheckpointVersion() >= due, "the producer's checkpoint of version " + due);
        return due;
    }

    private static List<LiveFile> compactedFiles(Snapshot s) {
        List<LiveFile> files = new ArrayList<>();
        for (LiveFile f : s.liveFiles()) {
            if (CompactedRange.of(f.add(), f.addedInVersion()).isPresent()) {
                files.add(f);
            }
        }
        files.sort(Comparator.comparingLong(f -> CompactedRange.of(f.add(), f.addedInVersion()).orElseThrow().fromVersion()));
        return files;
    }

    private static long fromVersion(LiveFile f) {
        return CompactedRange.of(f.add(), f.addedInVersion()).orElseThrow().fromVersion();
    }

    /**
     * Fails if a consumer resuming from a committed position inside a compacted range (its commit
     * cleaned from the log, its data file vacuumed) skips, repeats or reorders a message or reports
     * a position other than the original; if a group overtaken by retention is not told so with
     * {@code auto.offset.reset=none} (PositionOutOfRangeException naming its position and the log
     * start version), does not resume at the log start with {@code earliest} (every retained
     * message once), or gets old messages with {@code latest}; if a fresh consumer at
     * {@code start=latest} gets anything but new messages; or if Delta Kernel reads other rows than
     * the retained ones from the maintained table.
     */
    @Test
    void aLaggingConsumerResumesThroughCompactionAndIsToldWhenRetentionOvertakesIt() throws Exception {
        DeltaTable table = DeltaTable.at(store, "");
        assertTrue(table.createMessageTable(Map.of(
                "delta.checkpointInterval", Integer.toString(CHECKPOINT_INTERVAL),
                "delta.deletedFileRetentionDuration", "interval 1 hour",
                "delta.logRetentionDuration", "interval 1 hour",
                "deltaq.retention.ms", "-1")).created());
        Producer producer = Producer.create(store, "", Map.of(ProducerConfig.PRODUCER_ID, "lifecycle",
                ProducerConfig.MAINTENANCE_ENABLED, false));
        track(producer);
        TestClock clock = new TestClock();
        // One maintainer throughout, as a producer's or `deltaq maintain`'s: it remembers what it vacuumed.
        Maintenance maintainer = Maintenance.of(table, clock);

        // 1. Eight batches; the group reads 130 messages, commits, and stops.
        sendBatches(producer, 8);
        Consumer first = consumer(ConsumerConfig.CONSUMER_NAME, GROUP);
        receiveExactly(first, 0, 130);
        first.commitSync();
        Position committed = first.position();
        // The position after the 130th message: its successor's, or (when that opens the next commit)
        // the end of the 130th's commit; the consumer need not have looked further.
        Position after129 = new Position(positionOf(129).version(), positionOf(129).index() + 1);
        assertTrue(committed.equals(positionOf(130)) || committed.equals(after129),
                committed + " is " + positionOf(130) + " or " + after129);
        first.close();
        long head = table.latestVersion();
        List<String> phaseOneFiles = new ArrayList<>();
        for (long v = 1; v <= head; v++) {
            table.readCommit(v).get(60, TimeUnit.SECONDS).orElseThrow().dataAdds()
                    .forEach(a -> phaseOneFiles.add(a.path()));
        }
        long checkpoint = awaitProducerCheckpoint(table);
        assertTrue(checkpoint > committed.version(), "log cleanup will reach the committed version");

        // 2. Maintenance compacts everything (the committed position too), then vacuums the sources
        // and cleans the log up to the producer's checkpoint.
        clock.aheadOfNow(HOUR);
        MaintenanceReport compaction = maintainer.runOnce("e2e-maintainer", 1);
        assertTrue(compaction.succeeded(), compaction.toString());
        assertEquals(phaseOneFiles.size(), compaction.filesCompacted(), compaction.toString());
        assertEquals(head, compaction.compactedThrough());
        clock.aheadOfNow(3 * HOUR);
        MaintenanceReport vacuum = maintainer.runOnce("e2e-maintainer", 1);
        assertTrue(vacuum.succeeded(), vacuum.toString());
        assertEquals(phaseOneFiles.size(), vacuum.filesVacuumed(), vacuum.toString());
        assertTrue(compaction.logFilesDeleted() + vacuum.logFilesDeleted() > 0, "the log was cleaned up");
        assertTrue(table.readCommit(committed.version()).get(60, TimeUnit.SECONDS).isEmpty(),
                "the commit of the committed position is gone");
        for (String path : phaseOneFiles) {
            assertTrue(store.get(path).get(60, TimeUnit.SECONDS).isEmpty(), path + " was vacuumed");
        }

        // 3. The group resumes: every message after its position once, in order, at its position,
        // read from the compacted file; then the next new message, and nothing stray.
        Consumer resumed = consumer(ConsumerConfig.CONSUMER_NAME, GROUP);
        assertEquals(committed, resumed.position());
        receiveExactly(resumed, 130, 400 - 130);
        send(producer, 1);
        receiveExactly(resumed, 400, 1);
        resumed.close(); // without committing: the group still stands at the old position

        // 4. More batches; compaction gives them a second compacted file; retention then expires the
        // first, which holds the group's position (by deltaq.retention.bytes: a limit by age would
        // also expire the second file when the clock moves on for vacuum), and vacuum deletes it.
        sendBatches(producer, 4);
        long secondCheckpoint = awaitProducerCheckpoint(table);
        assertTrue(secondCheckpoint > checkpoint);
        clock.aheadOfNow(6 * HOUR);
        MaintenanceReport second = maintainer.runOnce("e2e-maintainer", 2);
        assertTrue(second.succeeded(), second.toString());
        List<LiveFile> compacted = compactedFiles(table.snapshot());
        assertEquals(2, compacted.size(), "one compacted file per pass: " + compacted);
        // A byte limit that holds the second file and not both: the first, oldest, is due.
        table.setProperties(Map.of("deltaq.retention.bytes", Long.toString(compacted.get(1).size())), Set.of());
        MaintenanceReport retention = maintainer.runOnce("e2e-maintainer", 2);
        assertTrue(retention.succeeded(), retention.toString());
        assertEquals(1, retention.filesExpired(), retention.toString());
        long logStart = fromVersion(compacted.get(1));
        assertEquals(logStart, retention.logStartVersion());
        assertTrue(committed.version() < logStart);
        clock.aheadOfNow(9 * HOUR);
        MaintenanceReport cleanup = maintainer.runOnce("e2e-maintainer", 2);
        assertTrue(cleanup.succeeded(), cleanup.toString());
        assertEquals(second.filesCompacted() + 1, cleanup.filesVacuumed(),
                "the second pass's sources and the expired file: " + cleanup);
        assertTrue(store.get(compacted.get(0).path()).get(60, TimeUnit.SECONDS).isEmpty(), "the expired file is gone");
        assertTrue(second.logFilesDeleted() + retention.logFilesDeleted() + cleanup.logFilesDeleted() > 0,
                "the log was cleaned up to the producer's newer checkpoint");
        assertEquals(logStart, cleanup.logStartVersion());
        int firstRetained = 0;
        while (acked.get(firstRetained) < Position.toOffset(logStart, 0)) {
            firstRetained++;
        }
        assertEquals(400, firstRetained, "the retained messages begin with the one sent after the first pass");

        // 5. auto.offset.reset=none (the default): the group is told where it stands and where the log starts.
        Consumer none = consumer(ConsumerConfig.CONSUMER_NAME, GROUP);
        PositionOutOfRangeException e = pollUntilThrows(none);
        assertEquals(committed, e.position());
        assertEquals(logStart, e.logStartVersion());
        assertTrue(e.getMessage().contains("log start version " + logStart), e.getMessage());
        none.close();

        // 6. earliest: the group goes on at the log start and gets every retained message once.
        Consumer earliest = consumer(ConsumerConfig.CONSUMER_NAME, GROUP,
                ConsumerConfig.AUTO_OFFSET_RESET, ConsumerConfig.AUTO_OFFSET_RESET_EARLIEST);
        receiveExactly(earliest, 400, acked.size() - 400);
        int sentBefore = acked.size();
        send(producer, 1);
        receiveExactly(earliest, sentBefore, 1);
        earliest.close();

        // 7. latest: the group, and a fresh consumer starting at latest, get only what is sent next.
        long headNow = table.latestVersion();
        Consumer fresh = consumer(ConsumerConfig.START, "latest");
        assertEquals(new Position(headNow + 1, 0), fresh.position());
        Consumer latest = consumer(ConsumerConfig.CONSUMER_NAME, GROUP,
                ConsumerConfig.AUTO_OFFSET_RESET, ConsumerConfig.AUTO_OFFSET_RESET_LATEST);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (latest.position().version() <= headNow) {
            assertEquals(0, latest.poll(m -> fail("an old message at " + m.position()), 100));
            if (System.nanoTime() - deadline > 0) {
                fail("the group never moved past the head " + headNow + ": at " + latest.position());
            }
            LockSupport.parkNanos(1_000_000);
        }
        assertEquals(new Position(headNow + 1, 0), latest.position());
        int newFrom = acked.size();
        send(producer, BATCH);
        receiveExactly(fresh, newFrom, BATCH);
        receiveExactly(latest, newFrom, BATCH);

        // 8. Kernel reads the maintained table: exactly the retained messages.
        long[] version = new long[1];
        List<KernelRows.Message> rows = KernelRows.read(kernelDirectory(store, scratch.resolve("kernel")), version);
        assertEquals(table.latestVersion(), version[0]);
        List<Integer> sequences = new ArrayList<>();
        rows.forEach(r -> sequences.add(sequence(r.value())));
        sequences.sort(null);
        List<Integer> retained = new ArrayList<>();
        for (int s = 400; s < acked.size(); s++) {
            retained.add(s);
        }
        assertEquals(retained, sequences, "Kernel's rows: sequences 400.." + (acked.size() - 1) + ", each once");
    }

    private static PositionOutOfRangeException pollUntilThrows(Consumer c) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() - deadline < 0) {
            try {
                int got = c.poll(m -> fail("a message at " + m.position() + " before the log start"), 100);
                if (got == 0) {
                    LockSupport.parkNanos(1_000_000);
                }
            } catch (PositionOutOfRangeException e) {
                return e;
            } catch (RuntimeException e) {
                return assertInstanceOf(PositionOutOfRangeException.class, e);
            }
        }
        return fail("no PositionOutOfRangeException within " + WAIT);
    }
}

package io.deltaq.consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deltaq.deltalog.LiveFile;
import io.deltaq.deltalog.Position;
import io.deltaq.deltalog.actions.AddFile;
import io.deltaq.deltalog.internal.parquet.MessageBatch;
import io.deltaq.deltalog.internal.parquet.MessageFileWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The publisher alone: data files encoded by the producer's writer, handed over as fetched bytes,
 * decoded into a real ring and read back as {@link Consumer} reads it.
 */
class RingPublisherTest {

    private static final String TABLE = "file:///tables/t";

    private final MessageFileWriter fileWriter = new MessageFileWriter();
    private final MessageBatch batch = new MessageBatch();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    private static OneToOneRingBuffer ring(int capacity) {
        int allocation = RingRecordDescriptor.allocationFor(capacity);
        return new OneToOneRingBuffer(new UnsafeBuffer(
                BufferUtil.allocateDirectAligned(allocation, 2 * BitUtil.CACHE_LINE_LENGTH)));
    }

    private RingPublisher publisher(OneToOneRingBuffer ring) {
        RingPublisher p = new RingPublisher(ring, TABLE);
        toClose.add(p);
        return p;
    }

    /** A data file of messages {@code from..to-1}, as {@link TestTable} numbers them. */
    private byte[] encode(int from, int to) {
        batch.clear();
        for (int n = from; n < to; n++) {
            byte[] k = TestTable.key(n) == null ? null : TestTable.key(n).getBytes(StandardCharsets.UTF_8);
            byte[] v = TestTable.value(n).getBytes(StandardCharsets.UTF_8);
            batch.append(k, 0, k == null ? MessageBatch.NULL_LENGTH : k.length, v, 0, v.length,
                    TestTable.timestamp(n));
        }
        fileWriter.encode(batch);
        return fileWriter.toByteArray();
    }

    /** A commit of {@code version} whose files hold the given ranges of messages, fetched already. */
    private PendingCommit commit(long version, long skip, boolean withStats, int[]... ranges) {
        PendingCommit c = new PendingCommit(version, skip);
        int n = ranges.length;
        c.files = new LiveFile[n];
        c.rowsFromStats = new long[n];
        @SuppressWarnings("unchecked")
        CompletableFuture<byte[]>[] data = new CompletableFuture[n];
        c.data = data;
        for (int k = 0; k < n; k++) {
            int from = ranges[k][0];
            int to = ranges[k][1];
            byte[] bytes = encode(from, to);
            String path = "part-" + version + "-" + k + ".parquet";
            String stats = withStats ? TestTable.stats(new TestTable.DataFile(path, bytes.length,
                    TestTable.range(from, to))) : null;
            c.files[k] = new LiveFile(path, AddFile.ofNewFile(path, bytes.length, 0, stats), version, true);
            c.rowsFromStats[k] = withStats ? to - from : -1;
            data[k] = CompletableFuture.completedFuture(bytes);
        }
        return c;
    }

    private static int[] r(int from, int to) {
        return new int[] {from, to};
    }

    /**
     * Reads everything in the ring: one read stops at the end of the buffer, and one that meets only
     * the padding before the wrap reads no record.
     */
    private static void drain(OneToOneRingBuffer ring, MessageHandler handler) {
        while (ring.size() > 0) {
            ring.read(handler);
        }
    }

    /** Reads the ring as the consumer does: messages as views, commit ends as versions. */
    private static final class Reader implements MessageHandler {
        final ConsumedMessage view = new ConsumedMessage();
        final List<String> values = new ArrayList<>();
        final List<Long> positions = new ArrayList<>();
        final List<Long> commitEnds = new ArrayList<>();
        final List<Integer> epochs = new ArrayList<>();
        boolean checkKeys = true;

        @Override
        public void onMessage(int typeId, MutableDirectBuffer buffer, int index, int length) {
            epochs.add(typeId >>> RingRecordDescriptor.KIND_BITS);
            if (RingRecordDescriptor.kind(typeId) == RingRecordDescriptor.KIND_COMMIT_END) {
                commitEnds.add(buffer.getLong(index));
                return;
            }
            ConsumedMessage m = view.wrap(buffer, index);
            String value = m.valueAsString();
            int n = Integer.parseInt(value.substring(2));
            if (checkKeys) {
                String key = TestTable.key(n);
                assertArrayEquals(key == null ? null : key.getBytes(StandardCharsets.UTF_8), m.key());
                assertEquals(TestTable.timestamp(n), m.timestampMicros());
            }
            values.add(value);
            positions.add(m.offset());
        }

        void assertValues(int from, int to) {
            List<String> want = new ArrayList<>();
            for (int n = from; n < to; n++) {
                want.add(TestTable.value(n));
            }
            assertEquals(want, values);
        }
    }

    @Test
    void aCommitsRowsThenItsEndAreWrittenInOrderWithTheirPositions() {
        OneToOneRingBuffer ring = ring(1 << 16);
        RingPublisher publisher = publisher(ring);
        PendingCommit c = commit(7, 0, true, r(0, 10), r(10, 25), r(25, 30));
        assertEquals(30, publisher.publish(c, 1000));
        assertTrue(c.published);
        assertFalse(publisher.blocked());

        Reader reader = new Reader();
        drain(ring, reader);
        reader.assertValues(0, 30);
        for (int i = 0; i < 30; i++) {
            assertEquals(Position.toOffset(7, i), reader.positions.get(i),
                    "rows are numbered across the commit's files");
        }
        assertEquals(List.of(7L), reader.commitEnds);
        for (int k = 0; k < 3; k++) {
            assertNull(c.data[k], "the bytes of a published file are let go");
        }
    }

    @Test
    void aCommitWithoutFilesIsOnlyItsEnd() {
        OneToOneRingBuffer ring = ring(1 << 12);
        RingPublisher publisher = publisher(ring);
        PendingCommit compaction = new PendingCommit(4, 0);
        assertEquals(0, publisher.publish(compaction, 10));
        assertTrue(compaction.published);
        Reader reader = new Reader();
        drain(ring, reader);
        assertEquals(List.of(4L), reader.commitEnds);
        assertTrue(reader.values.isEmpty());
    }

    @Test
    void eachCallWritesAtMostItsBudgetAndGoesOnWhereTheLastStopped() {
        OneToOneRingBuffer ring = ring(1 << 16);
        RingPublisher publisher = publisher(ring);
        PendingCommit c = commit(3, 0, true, r(0, 10), r(10, 13));
        List<Integer> pieces = new ArrayList<>();
        while (!c.published) {
            pieces.add(publisher.publish(c, 4));
        }
        assertEquals(List.of(4, 4, 4, 1), pieces, "the budget spans the files; the end costs no row");
        Reader reader = new Reader();
        drain(ring, reader);
        reader.assertValues(0, 13);
        assertEquals(List.of(3L), reader.commitEnds);
    }

    @Test
    void aFullRingStopsAtTheRowThatDidNotFitAndResumesThereOnceDrained() {
        OneToOneRingBuffer ring = ring(1024); // about a dozen messages
        RingPublisher publisher = publisher(ring);
        PendingCommit first = commit(1, 0, true, r(0, 300), r(300, 500));
        PendingCommit second = commit(2, 0, false, r(500, 700));
        Reader reader = new Reader();
        int fills = 0;
        for (PendingCommit c : List.of(first, second)) {
            while (!c.published) {
                publisher.publish(c, 1000);
                if (publisher.blocked()) {
                    fills++;
                    assertFalse(c.published);
                    assertFalse(publisher.hasRoom(), "nothing was drained");
                    ring.read(reader, 3);
                    if (!publisher.hasRoom()) {
                        drain(ring, reader); // three were not enough room: drain it all
                        assertTrue(publisher.hasRoom());
                    }
                    assertFalse(publisher.blocked());
                }
            }
        }
        drain(ring, reader);
        assertTrue(fills > 40, "the ring filled " + fills + " times");
        reader.assertValues(0, 700);
        assertEquals(List.of(1L, 2L), reader.commitEnds);
    }

    @Test
    void rowsBeforeTheStartIndexAreNotWritten() {
        OneToOneRingBuffer ring = ring(1 << 16);
        RingPublisher publisher = publisher(ring);
        // As the prefetcher leaves it: the file wholly before index 15 by its statistics is not fetched.
        PendingCommit c = commit(5, 15, true, r(0, 10), r(10, 20), r(20, 30));
        c.data[0] = null;
        assertEquals(15, publisher.publish(c, 1000));
        Reader reader = new Reader();
        drain(ring, reader);
        reader.assertValues(15, 30);
        assertEquals(Position.toOffset(5, 15), reader.positions.get(0));

        // Without statistics the row counts come from the files themselves.
        PendingCommit noStats = commit(6, 25, false, r(30, 40), r(40, 50), r(50, 60));
        assertEquals(5, publisher.publish(noStats, 1000));
        Reader more = new Reader();
        drain(ring, more);
        more.assertValues(55, 60);
        assertEquals(Position.toOffset(6, 25), more.positions.get(0));
    }

    @Test
    void aFileWhoseBytesAreNotThereYetIsWaitedFor() {
        OneToOneRingBuffer ring = ring(1 << 16);
        RingPublisher publisher = publisher(ring);
        PendingCommit c = commit(8, 0, true, r(0, 5), r(5, 10));
        CompletableFuture<byte[]> fetched = c.data[1];
        CompletableFuture<byte[]> inFlight = new CompletableFuture<>();
        c.data[1] = inFlight;
        assertEquals(5, publisher.publish(c, 1000));
        assertEquals(0, publisher.publish(c, 1000));
        assertFalse(c.published);
        assertFalse(publisher.blocked(), "waiting for bytes is not waiting for room");
        inFlight.complete(fetched.join());
        assertEquals(5, publisher.publish(c, 1000));
        assertTrue(c.published);
        Reader reader = new Reader();
        drain(ring, reader);
        reader.assertValues(0, 10);
    }

    @Test
    void aRestartTagsRecordsWithTheNewEpochAndForgetsTheFullRing() {
        OneToOneRingBuffer ring = ring(1024);
        RingPublisher publisher = publisher(ring);
        publisher.publish(commit(1, 0, true, r(0, 100)), 1000);
        assertTrue(publisher.blocked());
        publisher.restart(5);
        assertFalse(publisher.blocked());
        assertTrue(publisher.hasRoom());
        Reader stale = new Reader();
        drain(ring, stale);
        assertTrue(stale.epochs.stream().allMatch(e -> e == 0));
        PendingCommit c = commit(9, 0, true, r(0, 3));
        assertEquals(3, publisher.publish(c, 1000));
        Reader reader = new Reader();
        drain(ring, reader);
        reader.assertValues(0, 3);
        assertTrue(reader.epochs.stream().allMatch(e -> e == 5), "epochs " + reader.epochs);
    }

    @Test
    void aMessageLargerThanTheRingTakesFailsNamingTheSetting() {
        OneToOneRingBuffer ring = ring(1024); // takes records up to 128 bytes
        RingPublisher publisher = publisher(ring);
        PendingCommit c = new PendingCommit(12, 0);
        batch.clear();
        batch.append(null, 0, MessageBatch.NULL_LENGTH, new byte[200], 0, 200, 1);
        fileWriter.encode(batch);
        byte[] bytes = fileWriter.toByteArray();
        c.files = new LiveFile[] {new LiveFile("big.parquet", AddFile.ofNewFile("big.parquet", bytes.length, 0, null),
                12, true)};
        c.rowsFromStats = new long[] {-1};
        @SuppressWarnings("unchecked")
        CompletableFuture<byte[]>[] data = new CompletableFuture[] {CompletableFuture.completedFuture(bytes)};
        c.data = data;
        ConsumerException e = assertThrows(ConsumerException.class, () -> publisher.publish(c, 10));
        assertEquals(12, e.version().orElseThrow());
        assertTrue(e.getMessage().contains(TABLE + ": message 12:0 in big.parquet"), e.getMessage());
        assertTrue(e.getMessage().contains(ConsumerConfig.BUFFER_BYTES + " to at least 2048"), e.getMessage());
    }

    @Test
    void aFailedGetAndAnUndecodableFileFailNamingTheFileAndVersion() {
        RingPublisher publisher = publisher(ring(1 << 12));
        PendingCommit missing = commit(3, 0, true, r(0, 5));
        missing.data[0] = CompletableFuture.failedFuture(new IllegalStateException("gone"));
        ConsumerException e = assertThrows(ConsumerException.class, () -> publisher.publish(missing, 10));
        assertEquals(3, e.version().orElseThrow());
        assertTrue(e.getMessage().contains("version 3: reading data file part-3-0.parquet failed: gone"),
                e.getMessage());

        PendingCommit cancelled = commit(4, 0, true, r(0, 5));
        CompletableFuture<byte[]> abandoned = new CompletableFuture<>();
        abandoned.cancel(false);
        cancelled.data[0] = abandoned;
        e = assertThrows(ConsumerException.class, () -> publisher.publish(cancelled, 10));
        assertTrue(e.getMessage().contains("reading data file part-4-0.parquet was interrupted"), e.getMessage());

        PendingCommit garbage = commit(5, 0, true, r(0, 5));
        garbage.data[0] = CompletableFuture.completedFuture("not parquet at all".getBytes(StandardCharsets.UTF_8));
        e = assertThrows(ConsumerException.class, () -> publisher.publish(garbage, 10));
        assertEquals(5, e.version().orElseThrow());
        assertTrue(e.getMessage().contains(TABLE + ": version 5: cannot decode data file part-5-0.parquet"),
                e.getMessage());
    }

    /** Drains without allocating: the offsets are summed, nothing is kept. */
    private static final class Counting implements MessageHandler {
        long records;
        long sum;

        @Override
        public void onMessage(int typeId, MutableDirectBuffer buffer, int index, int length) {
            records++;
            sum += buffer.getLong(index) + length;
        }
    }

    /**
     * While the ring has room. A piece that fills the ring part way is read again from the row that
     * did not fit, and the reader goes back by starting over from the file's start: that allocates
     * (its cursors are opened again) per fill, not per row, and is not measured here.
     */
    @Test
    void publishingAllocatesNothingPerRowWhileTheRingHasRoom() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
        int rows = 100_000;
        OneToOneRingBuffer ring = ring(1 << 23); // drained after each piece, it never fills
        RingPublisher publisher = publisher(ring);
        Counting drain = new Counting();
        publishAll(publisher, ring, commit(1, 0, true, r(0, rows)), drain); // warm-up
        PendingCommit measured = commit(2, 0, true, r(0, rows / 2), r(rows / 2, rows));
        long before = threads.getCurrentThreadAllocatedBytes();
        publishAll(publisher, ring, measured, drain);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertEquals(2L * rows + 2, drain.records);
        // Opening each file reads its footer; that is per file, not per row.
        double perRow = (double) allocated / rows;
        assertTrue(perRow < 1.0, "publishing allocated " + allocated + " bytes for " + rows + " rows (" + perRow
                + " per row)");
    }

    private static void publishAll(RingPublisher publisher, OneToOneRingBuffer ring, PendingCommit c,
                                   Counting drain) {
        while (!c.published) {
            publisher.publish(c, TailerAgent.MAX_MESSAGES_PER_CYCLE);
            assertFalse(publisher.blocked(), "the ring is drained after each piece");
            drain(ring, drain);
        }
    }
}

package io.deltaq.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import io.deltaq.consumer.ConsumedMessage;
import io.deltaq.consumer.Consumer;
import io.deltaq.consumer.ConsumerConfig;
import io.deltaq.consumer.MessageHandler;
import io.deltaq.deltalog.Commit;
import io.deltaq.deltalog.DeltaTable;
import io.deltaq.deltalog.MessageLimits;
import io.deltaq.deltalog.Position;
import io.deltaq.deltalog.actions.SetTransaction;
import io.deltaq.producer.AckListener;
import io.deltaq.producer.MessageTooLargeException;
import io.deltaq.producer.Producer;
import io.deltaq.producer.ProducerConfig;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Producers and consumers together on one real store (subclasses: the local filesystem, the
 * in-process S3 server), checked message by message, and the resulting tables read by Delta Kernel.
 *
 * <p>Every message's value is {@code [source int][sequence int]} (big-endian, padded to
 * {@value #VALUE_BYTES} bytes) and its key the source as one byte; a source is one sending thread.
 * {@link OrderCheck} requires each source's sequence numbers to arrive exactly as 0, 1, 2, ...: a
 * loss, a duplicate or a reordering within a source fails at the message where it happens. "Nothing
 * more" is proven by a sentinel sent afterwards, which must be the very next message.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
abstract class QueueEndToEndTest extends StoreTest {

    static final Duration WAIT = Duration.ofMinutes(3);
    static final int VALUE_BYTES = 16;
    static final int SENTINEL_SOURCE = 99;

    Consumer consumer(Object... keyValues) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.POLL_INTERVAL_MS, 20);
        config.put(ConsumerConfig.POLL_INTERVAL_MIN_MS, 1);
        for (int i = 0; i < keyValues.length; i += 2) {
            config.put((String) keyValues[i], keyValues[i + 1]);
        }
        return track(Consumer.create(store, "", config));
    }

    Producer producer(String id, AckListener listener) {
        return track(Producer.create(store, "", Map.of(ProducerConfig.PRODUCER_ID, id), listener));
    }

    static byte[] key(int source) {
        return new byte[] {(byte) source};
    }

    static void encode(byte[] value, int source, int sequence) {
        value[0] = (byte) (source >>> 24);
        value[1] = (byte) (source >>> 16);
        value[2] = (byte) (source >>> 8);
        value[3] = (byte) source;
        value[4] = (byte) (sequence >>> 24);
        value[5] = (byte) (sequence >>> 16);
        value[6] = (byte) (sequence >>> 8);
        value[7] = (byte) sequence;
    }

    static int source(byte[] value) {
        return ((value[0] & 0xFF) << 24) | ((value[1] & 0xFF) << 16) | ((value[2] & 0xFF) << 8) | (value[3] & 0xFF);
    }

    static int sequence(byte[] value) {
        return ((value[4] & 0xFF) << 24) | ((value[5] & 0xFF) << 16) | ((value[6] & 0xFF) << 8) | (value[7] & 0xFF);
    }

    /** Offers until accepted; returns the producer's sequence number for the message. */
    static long offer(Producer producer, int source, int sequence, byte[] key, byte[] value) {
        encode(value, source, sequence);
        while (true) {
            long result = producer.offer(key, 0, key.length, value, 0, value.length, System.currentTimeMillis() * 1000);
            if (result >= 0) {
                return result;
            }
            if (result == Producer.CLOSED) {
                throw new IllegalStateException("producer " + producer.producerId() + " closed while sending");
            }
            LockSupport.parkNanos(20_000); // back-pressured: the commit thread drains the ring
        }
    }

    /** Checks each source's sequence numbers arrive exactly as 0, 1, 2, ... and positions increase. */
    static class OrderCheck implements MessageHandler {
        final int[] next = new int[SENTINEL_SOURCE + 1];
        long total;
        long lastOffset = -1;
        int sentinels;

        @Override
        public void onMessage(ConsumedMessage m) {
            DirectBuffer b = m.buffer();
            if (m.valueLength() != VALUE_BYTES || m.keyLength() != 1) {
                throw new AssertionError("message at " + m.position() + " has a " + m.keyLength() + "-byte key and a "
                        + m.valueLength() + "-byte value");
            }
            int source = b.getInt(m.valueOffset(), ByteOrder.BIG_ENDIAN);
            int sequence = b.getInt(m.valueOffset() + 4, ByteOrder.BIG_ENDIAN);
            if (b.getByte(m.keyOffset()) != (byte) source) {
                throw new AssertionError("message at " + m.position() + ": key " + b.getByte(m.keyOffset())
                        + " does not match source " + source);
            }
            if (m.offset() <= lastOffset) {
                throw new AssertionError("position " + m.position() + " after " + Position.fromOffset(lastOffset));
            }
            if (sequence != next[source]) {
                throw new AssertionError("source " + source + ": expected sequence " + next[source] + ", got "
                        + sequence + " at " + m.position() + " (" + (sequence < next[source] ? "a repeat" : "a gap")
                        + ")");
            }
            check(m, source, sequence);
            lastOffset = m.offset();
            next[source]++;
            total++;
            if (source == SENTINEL_SOURCE) {
                sentinels++;
            }
        }

        /** Further checks of one message, before it is counted. */
        void check(ConsumedMessage m, int source, int sequence) {
        }
    }

    /** Polls until {@code check} has counted {@code total} messages, never taking one more. */
    static void receiveUntil(Consumer consumer, OrderCheck check, long total) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (check.total < total) {
            int limit = (int) Math.min(4096, total - check.total);
            if (consumer.poll(check, limit) == 0) {
                if (System.nanoTime() - deadline > 0) {
                    fail("received " + check.total + " of " + total + " messages within " + WAIT);
                }
                LockSupport.parkNanos(100_000);
            }
        }
    }

    /** Sends a sentinel and requires it to be the next message: nothing stray is left behind it. */
    static void sentinelIsNext(Producer producer, Consumer consumer, OrderCheck check) throws Exception {
        byte[] value = new byte[VALUE_BYTES];
        encode(value, SENTINEL_SOURCE, check.next[SENTINEL_SOURCE]);
        producer.send(key(SENTINEL_SOURCE), value).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        int sentinels = check.sentinels;
        receiveUntil(consumer, check, check.total + 1);
        assertEquals(sentinels + 1, check.sentinels, "the next message was the sentinel");
    }

    static Thread start(String name, ThrowingRunnable body, AtomicReference<Throwable> failure) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        }, name);
        t.start();
        return t;
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    static void join(Thread t, AtomicReference<Throwable> failure) throws InterruptedException {
        t.join(WAIT.toMillis());
        assertTrue(!t.isAlive(), t.getName() + " finished within " + WAIT);
        if (failure.get() != null) {
            throw new AssertionError(t.getName() + " failed", failure.get());
        }
    }

    /** Counts per source what Kernel reads, and checks each source's sequences are exactly 0..n-1. */
    Map<Integer, Integer> kernelCounts(long expectedVersion) throws Exception {
        long[] version = new long[1];
        List<KernelRows.Message> rows = KernelRows.read(kernelDirectory(store, scratch.resolve("kernel")), version);
        if (expectedVersion >= 0) {
            assertEquals(expectedVersion, version[0], "Kernel's latest version");
        }
        Map<Integer, BitSet> seen = new HashMap<>();
        for (KernelRows.Message row : rows) {
            int source = source(row.value());
            assertEquals(1, row.key().length);
            assertEquals((byte) source, row.key()[0]);
            assertTrue(row.timestampMicros() > 0, "a timestamp");
            BitSet bits = seen.computeIfAbsent(source, s -> new BitSet());
            int sequence = sequence(row.value());
            assertTrue(!bits.get(sequence), "Kernel read source " + source + " sequence " + sequence + " twice");
            bits.set(sequence);
        }
        Map<Integer, Integer> counts = new HashMap<>();
        seen.forEach((source, bits) -> {
            assertEquals(bits.cardinality(), bits.length(), "source " + source + ": no sequence missing");
            counts.put(source, bits.cardinality());
        });
        return counts;
    }

    /* ---------------------------------------------------------------------------------------------- */

    @Test
    void aMessageAtTheSizeLimitIsDeliveredWithDefaultsAndOneByteMoreIsRefusedAtSend() throws Exception {
        int limit = MessageLimits.MAX_MESSAGE_BYTES_DEFAULT;
        byte[] key = "key-at-the-limit".getBytes();
        byte[] value = new byte[limit - key.length];
        new java.util.Random(11).nextBytes(value);
        try (Producer producer = Producer.create(store, "", Map.of())) {
            Position at = producer.send(key, value).get(WAIT.toSeconds(), TimeUnit.SECONDS);

            byte[] over = new byte[limit - key.length + 1];
            MessageTooLargeException e = org.junit.jupiter.api.Assertions.assertThrows(MessageTooLargeException.class,
                    () -> producer.send(key, over));
            assertTrue(e.getMessage().contains(String.valueOf(limit + 1)), e.getMessage());
            assertTrue(e.getMessage().contains(MessageLimits.MAX_MESSAGE_BYTES + " (" + limit + ")"), e.getMessage());
            assertEquals(0, producer.bufferedBytes(), "nothing enqueued");
            producer.flush(WAIT);

            try (Consumer consumer = Consumer.create(store, "", Map.of())) {
                List<io.deltaq.consumer.ConsumerRecord> got = new ArrayList<>();
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (got.isEmpty() && System.nanoTime() < deadline) {
                    got.addAll(consumer.poll(Duration.ofMillis(100)));
                }
                assertEquals(1, got.size(), "the one accepted message, and not the refused one");
                assertEquals(at, got.get(0).position());
                assertTrue(Arrays.equals(key, got.get(0).key()));
                assertTrue(Arrays.equals(value, got.get(0).value()), "the value arrives whole");
            }
        }
    }

    @Test
    void aTableAtASlashedPathInTheStoreKeepsItsDataFilesUnderItsRootAndIsConsumedWhole() throws Exception {
        int messages = 2_000;
        try (Producer producer = Producer.create(store, "/x", Map.of(ProducerConfig.PRODUCER_ID, "slashed"))) {
            List<CompletableFuture<Position>> acks = new ArrayList<>();
            for (int i = 0; i < messages; i++) {
                acks.add(producer.send(("k" + i).getBytes(), ("v" + i).getBytes()));
            }
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
        // Every key of the table lies under "x/": nothing at "/x/..." (which readers never look at).
        List<String> keys = new ArrayList<>();
        String after = null;
        while (true) {
            io.deltaq.s3io.ListPage page = store.list("", after, 1000).get(30, TimeUnit.SECONDS);
            page.objects().forEach(info -> keys.add(info.key()));
            if (!page.truncated()) {
                break;
            }
            after = page.nextStartAfter();
        }
        assertTrue(keys.stream().anyMatch(k -> k.startsWith("x/part-") && k.endsWith(".parquet")), keys.toString());
        assertTrue(keys.stream().allMatch(k -> k.startsWith("x/")), "keys outside the table root: " + keys);

        BitSet seen = new BitSet(messages);
        try (Consumer consumer = Consumer.create(store, "x/", Map.of(ConsumerConfig.POLL_INTERVAL_MS, 20))) {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (seen.cardinality() < messages && System.nanoTime() < deadline) {
                for (io.deltaq.consumer.ConsumerRecord record : consumer.poll(Duration.ofMillis(100))) {
                    int i = Integer.parseInt(new String(record.value()).substring(1));
                    assertTrue(!seen.get(i), "message " + i + " delivered twice");
                    assertEquals("k" + i, new String(record.key()));
                    seen.set(i);
                }
            }
        }
        assertEquals(messages, seen.cardinality(), "every message of the table at /x was consumed");
    }

    @Test
    void fourThreadsThroughOneProducerAreReadExactlyOnceInOrderByAConsumerStartedBeforeTheTableExists()
            throws Exception {
        int threads = 4;
        int perThread = 100_000;
        OrderCheck check = new OrderCheck();
        Consumer consumer = consumer();
        assertEquals(0, consumer.poll(check, 100), "the table does not exist yet");

        AtomicLong acknowledged = new AtomicLong();
        AtomicReference<Throwable> ackFailure = new AtomicReference<>();
        Producer producer = producer("e2e-four-threads", new AckListener() {
            @Override
            public void onAcknowledged(long sequence, long version, int index) {
                acknowledged.incrementAndGet();
            }

            @Override
            public void onFailed(long sequence, Throwable cause) {
                ackFailure.compareAndSet(null, cause);
            }
        });
        CyclicBarrier go = new CyclicBarrier(threads);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> senders = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int source = t;
            senders.add(start("sender-" + t, () -> {
                byte[] key = key(source);
                byte[] value = new byte[VALUE_BYTES];
                go.await();
                CompletableFuture<Position> last = null;
                for (int seq = 0; seq < perThread; seq++) {
                    if (source % 2 == 0) {
                        offer(producer, source, seq, key, value); // zero-allocation path
                    } else {
                        encode(value, source, seq); // send copies the arrays before it returns
                        last = producer.send(key, value);
                    }
                }
                if (last != null) {
                    last.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                }
            }, failure));
        }
        // Read while they send: the consumer found the table when the producer created it.
        receiveUntil(consumer, check, (long) threads * perThread);
        for (Thread t : senders) {
            join(t, failure);
        }
        producer.flush(WAIT);
        assertNull(ackFailure.get());
        assertEquals((long) threads * perThread, acknowledged.get());
        for (int t = 0; t < threads; t++) {
            assertEquals(perThread, check.next[t], "source " + t);
        }
        sentinelIsNext(producer, consumer, check);

        Map<Integer, Integer> kernel = kernelCounts(-1);
        for (int t = 0; t < threads; t++) {
            assertEquals(perThread, kernel.get(t), "Kernel's rows of source " + t);
        }
        assertEquals(1, kernel.get(SENTINEL_SOURCE));
        assertEquals(threads + 1, kernel.size());
    }

    @Test
    void twoProducersWithDifferentIdsLeaveNoGapLoseNoCommitAndEveryAcknowledgedMessageIsReadOnceWhereAcknowledged()
            throws Exception {
        int perProducer = 50_000;
        String[] ids = {"e2e-alpha", "e2e-beta"};
        long[][] acked = new long[2][perProducer];
        for (long[] a : acked) {
            Arrays.fill(a, -1);
        }
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long[] commits = new long[2];
        CyclicBarrier go = new CyclicBarrier(2);
        CountDownLatch[] firstAck = {new CountDownLatch(1), new CountDownLatch(1)};
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < 2; p++) {
            int source = p;
            threads.add(start("producer-" + ids[p], () -> {
                go.await(); // both create the table at once: one wins, the other adopts it
                AckListener listener = new AckListener() {
                    @Override
                    public void onAcknowledged(long sequence, long version, int index) {
                        if (acked[source][(int) sequence] != -1) {
                            failure.compareAndSet(null, new AssertionError(ids[source] + " sequence " + sequence
                                    + " acknowledged twice"));
                        }
                        acked[source][(int) sequence] = Position.toOffset(version, index);
                        firstAck[source].countDown();
                    }

                    @Override
                    public void onFailed(long sequence, Throwable cause) {
                        failure.compareAndSet(null, cause);
                    }
                };
                try (Producer producer = Producer.create(store, "", Map.of(ProducerConfig.PRODUCER_ID, ids[source]),
                        listener)) {
                    byte[] key = key(source);
                    byte[] value = new byte[VALUE_BYTES];
                    for (int seq = 0; seq < perProducer; seq++) {
                        if (seq == perProducer / 2) {
                            // Half way, wait for the other's first commit: their commits must interleave.
                            assertTrue(firstAck[1 - source].await(WAIT.toSeconds(), TimeUnit.SECONDS));
                        }
                        assertEquals(seq, offer(producer, source, seq, key, value), "offer's sequence number");
                    }
                    producer.flush(WAIT);
                    commits[source] = producer.metrics().commits();
                }
            }, failure));
        }
        for (Thread t : threads) {
            join(t, failure);
        }
        // flush() returned after the acknowledgements (a volatile handoff), and join() orders the rest.
        for (int p = 0; p < 2; p++) {
            for (int seq = 0; seq < perProducer; seq++) {
                assertTrue(acked[p][seq] >= 0, ids[p] + " sequence " + seq + " was acknowledged");
            }
        }

        DeltaTable table = DeltaTable.at(store, "");
        long latest = table.latestVersion();
        assertEquals(commits[0] + commits[1], latest, "version 0 creates the table; every other version is one "
                + "producer commit, none lost");
        long[] nextBatch = new long[2];
        int switches = 0;
        int previous = -1;
        for (long v = 0; v <= latest; v++) {
            Optional<Commit> commit = table.readCommit(v).get(60, TimeUnit.SECONDS);
            assertTrue(commit.isPresent(), "version " + v + " exists: no gap");
            if (v == 0) {
                assertTrue(commit.get().metadata().isPresent() && commit.get().protocol().isPresent());
                continue;
            }
            List<SetTransaction> txns = commit.get().txns();
            assertEquals(1, txns.size(), "version " + v + " has one txn");
            int p = Arrays.asList(ids).indexOf(txns.get(0).appId());
            assertTrue(p >= 0, "version " + v + " by " + txns.get(0).appId());
            assertEquals(nextBatch[p]++, txns.get(0).version(), "batch sequence of " + ids[p] + " at version " + v);
            switches += previous >= 0 && previous != p ? 1 : 0;
            previous = p;
        }
        assertTrue(switches >= 2, "the producers' commits interleave in the log (" + switches + " switches)");
        assertEquals(commits[0], nextBatch[0]);
        assertEquals(commits[1], nextBatch[1]);

        OrderCheck check = new OrderCheck() {
            @Override
            void check(ConsumedMessage m, int source, int sequence) {
                if (source != SENTINEL_SOURCE && acked[source][sequence] != m.offset()) {
                    throw new AssertionError(ids[source] + " sequence " + sequence + " read at " + m.position()
                            + " but acknowledged at " + Position.fromOffset(acked[source][sequence]));
                }
            }
        };
        Consumer consumer = consumer();
        receiveUntil(consumer, check, 2L * perProducer);
        Producer sentinel = producer("e2e-sentinel", AckListener.NONE);
        sentinelIsNext(sentinel, consumer, check);

        Map<Integer, Integer> kernel = kernelCounts(latest + 1);
        assertEquals(perProducer, kernel.get(0));
        assertEquals(perProducer, kernel.get(1));
    }

    @Test
    void aConsumerRestartedFromItsCommittedPositionNeitherSkipsNorRepeatsWhileTheProducerKeepsProducing()
            throws Exception {
        AtomicLong acknowledged = new AtomicLong();
        Producer producer = producer("e2e-restart", (sequence, version, index) -> acknowledged.incrementAndGet());
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong produced = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread sender = start("steady-sender", () -> {
            byte[] key = key(0);
            byte[] value = new byte[VALUE_BYTES];
            int seq = 0;
            while (!stop.get()) {
                offer(producer, 0, seq, key, value);
                produced.lazySet(++seq);
                if ((seq & 127) == 0) {
                    LockSupport.parkNanos(1_000_000); // a steady stream rather than one burst
                }
            }
        }, failure);

        String name = "e2e-reader";
        OrderCheck check = new OrderCheck();
        Consumer consumer = consumer(ConsumerConfig.CONSUMER_NAME, name);
        int midCommit = 0;
        for (long target : new long[] {2_000, 9_999, 17_003, 30_000, 41_111}) {
            receiveUntil(consumer, check, target);
            consumer.commitSync();
            Position committed = consumer.position();
            assertTrue(sender.isAlive() && produced.get() > target, "the producer is still producing at restart "
                    + target);
            consumer.close();
            consumer = consumer(ConsumerConfig.CONSUMER_NAME, name);
            assertEquals(committed, consumer.position(), "the restarted consumer starts at the committed position");
            assertEquals(Optional.of(committed), consumer.committed());
            midCommit += committed.index() > 0 ? 1 : 0;
        }
        assertTrue(midCommit > 0, "some restart fell inside a commit (index > 0)");
        stop.set(true);
        join(sender, failure);
        producer.flush(WAIT);
        long total = produced.get();
        assertEquals(total, acknowledged.get());
        receiveUntil(consumer, check, total);
        assertEquals(total, check.next[0]);
        sentinelIsNext(producer, consumer, check);

        Map<Integer, Integer> kernel = kernelCounts(-1);
        assertEquals((int) total, kernel.get(0));
        assertEquals(1, kernel.get(SENTINEL_SOURCE));
    }
}

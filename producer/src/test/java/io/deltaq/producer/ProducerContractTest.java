package io.deltaq.producer;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deltaq.deltalog.DeltaTable;
import io.deltaq.deltalog.Header;
import io.deltaq.deltalog.MessageLimits;
import io.deltaq.deltalog.MessageSchema;
import io.deltaq.deltalog.Position;
import io.deltaq.s3io.FaultInjectingStore.Fault;
import io.deltaq.s3io.FaultInjectingStore.Kind;
import io.deltaq.s3io.FaultInjectingStore.Rule;
import io.deltaq.s3io.ConditionalWritesUnsupportedException;
import io.deltaq.s3io.FaultInjectingStore;
import io.deltaq.s3io.ForwardingObjectStore;
import io.deltaq.s3io.ObjectInfo;
import io.deltaq.s3io.ObjectStore;
import io.deltaq.s3io.StoreMetrics.Operation;
import io.deltaq.s3io.config.ConfigException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The producer's promises, against each real store. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
abstract class ProducerContractTest {

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
        assertNoProducerThreads();
    }

    static void assertNoProducerThreads() {
        Set<String> left = new HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().startsWith("deltaq-producer")) {
                left.add(t.getName());
            }
        }
        assertEquals(Set.of(), left, "threads left behind");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }

    @Test
    void headersReachTheTableInOrderAndCountTowardsTheLargestMessage() throws Exception {
        List<Header> headers = List.of(new Header("trace", bytes("t-1")), new Header("empty", null),
                new Header("trace", new byte[0]), new Header("\u00fcber", bytes("\u00e9")));
        try (Producer producer = Producer.create(store, table, Map.of(MessageLimits.MAX_MESSAGE_BYTES, 100))) {
            Position with = producer.send(bytes("k"), bytes("v1"), 1L, headers).get(60, TimeUnit.SECONDS);
            Position without = producer.send(bytes("k"), bytes("v2"), 2L, List.of()).get(60, TimeUnit.SECONDS);
            // 60 bytes of value and 57 of encoded headers: neither alone, but both together, exceed the limit.
            MessageTooLargeException tooLarge = assertThrows(MessageTooLargeException.class,
                    () -> producer.send(null, new byte[60], 3L, headers));
            assertTrue(tooLarge.getMessage().contains("headers 57"), tooLarge.getMessage());
            Map<Position, TableContents.Row> rows = new HashMap<>();
            TableContents.read(store, table).forEach(r -> rows.put(r.position(), r));
            assertEquals(2, rows.size());
            assertEquals(headers, rows.get(with).headers());
            assertEquals(List.of(), rows.get(without).headers());
        }
    }

    @Test
    void aTableCreatedBeforeHeadersTakesMessagesWithoutThemAndRefusesHeaders() throws Exception {
        // Version 0 as deltaq wrote it before headers: the message schema without the headers column.
        store.putIfAbsent(table + "/_delta_log/00000000000000000000.json", bytes(String.join("\n",
                "{\"protocol\":{\"minReaderVersion\":1,\"minWriterVersion\":2}}",
                "{\"metaData\":{\"id\":\"" + UUID.randomUUID() + "\",\"format\":{\"provider\":\"parquet\",\"options\":{}},"
                        + "\"schemaString\":\"" + MessageSchema.SCHEMA_STRING_WITHOUT_HEADERS.replace("\"", "\\\"") + "\","
                        + "\"partitionColumns\":[],\"configuration\":{},\"createdTime\":1}}") + "\n")).get(30, TimeUnit.SECONDS);
        try (Producer producer = Producer.create(store, table, Map.of())) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> producer.send(null, bytes("v"), 1L, List.of(new Header("h", null))));
            assertTrue(refused.getMessage().contains("no headers column"), refused.getMessage());
            producer.send(null, bytes("plain"), 2L).get(60, TimeUnit.SECONDS);
        }
        assertEquals(List.of("plain"), TableContents.read(store, table).stream().map(TableContents.Row::valueString).toList());
    }

    @Test
    void sendCompletesWithThePositionOfTheMessage() throws Exception {
        List<CompletableFuture<Position>> sent = new ArrayList<>();
        try (Producer producer = Producer.create(store, table, Map.of())) {
            for (int i = 0; i < 500; i++) {
                sent.add(producer.send(i % 3 == 0 ? null : bytes("k" + i), bytes("v" + i), 1_000_000L + i));
            }
            producer.flush(Duration.ofSeconds(60));
        }
        List<TableContents.Row> rows = TableContents.read(store, table);
        assertEquals(500, rows.size());
        Map<Position, TableContents.Row> byPosition = new HashMap<>();
        rows.forEach(r -> byPosition.put(r.position(), r));
        for (int i = 0; i < 500; i++) {
            TableContents.Row row = byPosition.get(sent.get(i).get(10, TimeUnit.SECONDS));
            assertNotNull(row, "message " + i + " is at the position its future names");
            assertEquals("v" + i, row.valueString());
            assertEquals(i % 3 == 0 ? null : "k" + i, row.key() == null ? null : new String(row.key(), UTF_8));
            assertEquals(1_000_000L + i, row.timestampMicros());
        }
    }

    @Test
    void fourThreadsOfAHundredThousandLoseNothingAndKeepTheirOrder() throws Exception {
        int threads = 4;
        int perThread = 100_000;
        Map<Long, Position> acked = new ConcurrentHashMap<>();
        AckListener listener = (sequence, version, index) -> {
            if (acked.put(sequence, new Position(version, index)) != null) {
                throw new AssertionError("sequence " + sequence + " acknowledged twice");
            }
        };
        try (Producer producer = Producer.create(store, table, Map.of("buffer.bytes", 4 << 20, MessageLimits.MAX_MESSAGE_BYTES, 1000), listener)) {
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> senders = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                senders.add(new Thread(() -> {
                    byte[] key = bytes("thread-" + thread);
                    byte[] value = new byte[16];
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = 0; i < perThread; i++) {
                        encode(value, thread, i);
                        while (producer.offer(key, 0, key.length, value, 0, value.length, i) == Producer.BACK_PRESSURED) {
                            Thread.onSpinWait();
                        }
                    }
                }));
            }
            senders.forEach(Thread::start);
            start.countDown();
            for (Thread sender : senders) {
                sender.join(120_000);
            }
            producer.flush(Duration.ofSeconds(120));
            assertEquals(threads * (long) perThread, acked.size(), "every message acknowledged");
            assertTrue(producer.metrics().meanBatchSize() > 1, "messages were batched");
        }
        List<TableContents.Row> rows = TableContents.read(store, table);
        assertEquals(threads * perThread, rows.size(), "every message in the table, none twice");
        int[] next = new int[threads];
        for (TableContents.Row row : rows) {
            int thread = decodeThread(row.value());
            int counter = decodeCounter(row.value());
            assertEquals(next[thread], counter, "thread " + thread + " order at " + row.position());
            next[thread]++;
        }
        assertEquals(new HashSet<>(acked.values()).size(), acked.size(), "no two messages share a position");
        assertNamedNextFilesAreCommittedNext();
    }

    /** Each commit that names the producer's next data file is followed by the commit adding it. */
    private void assertNamedNextFilesAreCommittedNext() {
        DeltaTable t = DeltaTable.at(store, table);
        long latest = t.latestVersion();
        int named = 0;
        for (long v = 1; v < latest; v++) {
            Optional<String> next = t.readCommit(v).join().orElseThrow().nextDataFile();
            if (next.isPresent()) {
                named++;
                assertEquals(next.get(), t.readCommit(v + 1).join().orElseThrow().dataAdds().get(0).path(),
                        "the data file version " + v + " names as the next one");
            }
        }
        // The senders outpace the commits, so a batch is always waiting when one commits.
        assertTrue(named > 0, "no commit of " + latest + " named the next data file");
    }

    @Test
    void twoProducersOnOneTableInterleaveWithoutGapsOrLoss() throws Exception {
        int each = 20_000;
        try (Producer a = Producer.create(store, table, Map.of("producer.id", "a"));
                Producer b = Producer.create(store, table, Map.of("producer.id", "b"))) {
            Thread ta = new Thread(() -> sendNumbered(a, "a", each));
            Thread tb = new Thread(() -> sendNumbered(b, "b", each));
            ta.start();
            tb.start();
            ta.join(120_000);
            tb.join(120_000);
            a.flush(Duration.ofSeconds(60));
            b.flush(Duration.ofSeconds(60));
            assertTrue(a.metrics().commits() > 0 && b.metrics().commits() > 0);
        }
        DeltaTable delta = DeltaTable.at(store, table);
        long latest = delta.latestVersion();
        for (long v = 0; v <= latest; v++) {
            assertTrue(delta.readCommit(v).get(10, TimeUnit.SECONDS).isPresent(), "version " + v + " exists: no gap");
        }
        List<TableContents.Row> rows = TableContents.read(store, table);
        assertEquals(2 * each, rows.size());
        Set<String> values = new HashSet<>();
        rows.forEach(r -> values.add(r.valueString()));
        assertEquals(2 * each, values.size(), "no message twice");
        assertEquals(Set.of("a", "b"), delta.snapshot().transactions().keySet());
    }

    private static void sendNumbered(Producer producer, String prefix, int count) {
        for (int i = 0; i < count; i++) {
            producer.send(null, bytes(prefix + "-" + i));
        }
    }

    @Test
    void aCommitWhoseAnswerWasLostIsNotCommittedTwice() throws Exception {
        FaultInjectingStore faulty = new FaultInjectingStore(store);
        List<CompletableFuture<Position>> sent = new ArrayList<>();
        try (Producer producer = Producer.create(faulty, table, Map.of("producer.id", "lossy"))) {
            faulty.inject(Rule.next(3, Operation.PUT_IF_ABSENT, key -> key.contains("_delta_log/") && key.endsWith(".json"),
                    Fault.lostResponse()));
            for (int i = 0; i < 2_000; i++) {
                sent.add(producer.send(null, bytes("m" + i)));
                if (i % 200 == 0) {
                    producer.flush(Duration.ofSeconds(60));
                }
            }
            producer.flush(Duration.ofSeconds(60));
        }
        assertEquals(3L, faulty.injected().get(Kind.LOST_RESPONSE), "the fault fired");
        for (CompletableFuture<Position> f : sent) {
            f.get(10, TimeUnit.SECONDS);
        }
        List<TableContents.Row> rows = TableContents.read(store, table);
        assertEquals(2_000, rows.size(), "nothing lost, nothing twice");
        Set<String> values = new HashSet<>();
        rows.forEach(r -> values.add(r.valueString()));
        assertEquals(2_000, values.size());
    }

    @Test
    void failedUploadsAreRetried() throws Exception {
        FaultInjectingStore faulty = new FaultInjectingStore(store);
        faulty.inject(Rule.next(2, Operation.PUT_IF_ABSENT, key -> key.endsWith(".parquet") && !key.contains("_delta_log/"),
                Fault.error(503)));
        try (Producer producer = Producer.create(faulty, table, Map.of())) {
            Position p = producer.send(null, bytes("survivor")).get(60, TimeUnit.SECONDS);
            assertEquals(1, p.version());
            assertEquals(2, producer.metrics().retriedBatches());
        }
        assertEquals(2L, faulty.injected().get(Kind.ERROR));
        assertEquals(List.of("survivor"), TableContents.read(store, table).stream().map(TableContents.Row::valueString).toList());
    }

    @Test
    void aRestartedProducerContinuesItsBatchSequence() throws Exception {
        try (Producer first = Producer.create(store, table, Map.of("producer.id", "p1"))) {
            first.send(null, bytes("one")).get(60, TimeUnit.SECONDS);
            first.send(null, bytes("two")).get(60, TimeUnit.SECONDS);
        }
        long before = DeltaTable.at(store, table).snapshot().transaction("p1").orElseThrow().txnVersion();
        try (Producer again = Producer.create(store, table, Map.of("producer.id", "p1"))) {
            again.send(null, bytes("three")).get(60, TimeUnit.SECONDS);
        }
        long after = DeltaTable.at(store, table).snapshot().transaction("p1").orElseThrow().txnVersion();
        assertEquals(before + 1, after);
        assertEquals(List.of("one", "two", "three"),
                TableContents.read(store, table).stream().map(TableContents.Row::valueString).toList());
    }

    @Test
    void aFullBufferBackPressuresOfferAndTimesOutSend() throws Exception {
        FaultInjectingStore stalled = new FaultInjectingStore(store);
        Map<String, Object> config = Map.of("buffer.bytes", 64 * 1024, "block.timeout.ms", 20L, "batch.max.records", 1,
                MessageLimits.MAX_MESSAGE_BYTES, 1000);
        try (Producer producer = Producer.create(stalled, table, config)) {
            CompletableFuture<Void> gate = new CompletableFuture<>();
            // Nothing uploads or commits from here on.
            stalled.inject(new Rule(EnumSet.of(Operation.PUT, Operation.PUT_IF_ABSENT), key -> true, Fault.hold(gate), 1.0, -1));
            byte[] value = new byte[1000];
            // One batch waits at its upload, the next is full: the commit thread can take no more.
            producer.offer(null, 0, 0, value, 0, value.length, 1);
            producer.offer(null, 0, 0, value, 0, value.length, 2);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (producer.metrics().pendingMessages() < 2) {
                assertTrue(System.nanoTime() < deadline, "the commit thread never took two messages");
                Thread.onSpinWait();
            }
            int accepted = 0;
            while (producer.offer(null, 0, 0, value, 0, value.length, 3) >= 0) {
                accepted++;
            }
            assertTrue(accepted > 50 && accepted < 64, "a 64 KiB ring holds about 63 such messages, took " + accepted);
            assertEquals(Producer.BACK_PRESSURED, producer.offer(null, 0, 0, value, 0, value.length, 4));
            assertTrue(producer.bufferedBytes() <= 64 * 1024);
            ExecutionException timedOut = assertThrows(ExecutionException.class,
                    () -> producer.send(null, value).get(10, TimeUnit.SECONDS));
            assertInstanceOf(ProducerBufferFullException.class, timedOut.getCause());
            assertTrue(timedOut.getCause().getMessage().contains("block.timeout.ms"), timedOut.getCause().getMessage());
            gate.complete(null);
            producer.flush(Duration.ofSeconds(60));
            assertEquals(accepted + 2, producer.metrics().messages(), "everything accepted is committed once storage returns");
        }
    }

    @Test
    void closeCommitsWhatWasAcceptedAndRefusesMore() throws Exception {
        Producer producer = Producer.create(store, table, Map.of("linger.ms", 200L));
        AtomicLong last = new AtomicLong();
        List<CompletableFuture<Position>> sent = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            sent.add(producer.send(null, bytes("m" + i)));
        }
        producer.close(Duration.ofSeconds(60));
        for (CompletableFuture<Position> f : sent) {
            last.set(f.get(1, TimeUnit.SECONDS).version());
        }
        assertEquals(Producer.CLOSED, producer.offer(null, bytes("late")));
        ExecutionException refused = assertThrows(ExecutionException.class, () -> producer.send(null, bytes("late")).get());
        assertTrue(refused.getCause().getMessage().contains("closed"), refused.getCause().getMessage());
        assertEquals(100, TableContents.read(store, table).size());
    }

    @Test
    void aBufferThatCannotHoldAMessageOfTheLimitIsRefusedNamingBothKeys() {
        // A 4 MiB ring takes records of 512 KiB: below the default limit of 1,000,000 bytes.
        ConfigException e = assertThrows(ConfigException.class,
                () -> Producer.create(store, table, Map.of(ProducerConfig.BUFFER_BYTES, 4 << 20)));
        assertTrue(e.getMessage().contains("'" + ProducerConfig.BUFFER_BYTES + "' (4194304)"), e.getMessage());
        assertTrue(e.getMessage().contains("'" + MessageLimits.MAX_MESSAGE_BYTES + "' (1000000)"), e.getMessage());
    }

    @Test
    void aMessageOverTheLimitIsRefusedAtSendAndOfferAndNothingIsEnqueued() throws Exception {
        try (Producer producer = Producer.create(store, table, Map.of(MessageLimits.MAX_MESSAGE_BYTES, 100))) {
            MessageTooLargeException e = assertThrows(MessageTooLargeException.class,
                    () -> producer.send(new byte[1], new byte[100]));
            assertTrue(e.getMessage().contains("message of 101 bytes"), e.getMessage());
            assertTrue(e.getMessage().contains(MessageLimits.MAX_MESSAGE_BYTES + " (100)"), e.getMessage());
            assertThrows(MessageTooLargeException.class, () -> producer.offer(null, new byte[101]));
            assertEquals(0, producer.bufferedBytes());
            producer.send(null, new byte[100]).get(60, TimeUnit.SECONDS);
            producer.send(new byte[40], new byte[60]).get(60, TimeUnit.SECONDS);
        }
        assertEquals(2, TableContents.read(store, table).size(), "the two messages at the limit, nothing else");
    }

    @Test
    void unknownAndInvalidConfigurationIsRefusedByName() {
        ConfigException unknown = assertThrows(ConfigException.class, () -> Producer.create(store, table, Map.of("linger.msec", 5)));
        assertTrue(unknown.getMessage().contains("linger.msec"), unknown.getMessage());
        ConfigException invalid = assertThrows(ConfigException.class, () -> Producer.create(store, table, Map.of("compression", "lz77")));
        assertTrue(invalid.getMessage().contains("compression") && invalid.getMessage().contains("lz77"), invalid.getMessage());
        ConfigException neverHeld = assertThrows(ConfigException.class, () -> Producer.create(store, table,
                Map.of("maintenance.lease.ms", 1000, "maintenance.lease.skew.ms", 1000)));
        assertTrue(neverHeld.getMessage().startsWith("producer configuration: ")
                && neverHeld.getMessage().contains("'maintenance.lease.skew.ms' must be at least 0 and below"
                + " 'maintenance.lease.ms'"), neverHeld.getMessage());
    }

    @Test
    void offerAllocatesNothingPerMessage() throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        try (Producer producer = Producer.create(store, table, Map.of())) {
            byte[] key = bytes("key");
            byte[] value = new byte[100];
            int count = 200_000;
            for (int i = 0; i < count; i++) { // warm up, so JIT and lazy set-up do not count
                while (producer.offer(key, 0, key.length, value, 0, value.length, i) < 0) {
                    Thread.onSpinWait();
                }
            }
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < count; i++) {
                while (producer.offer(key, 0, key.length, value, 0, value.length, i) < 0) {
                    Thread.onSpinWait();
                }
            }
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertTrue(allocated < count / 10, "offer allocated " + allocated + " bytes for " + count + " messages");
            producer.flush(Duration.ofSeconds(120));
        }
    }

    static void encode(byte[] value, int thread, int counter) {
        value[0] = (byte) thread;
        value[1] = (byte) (counter >>> 24);
        value[2] = (byte) (counter >>> 16);
        value[3] = (byte) (counter >>> 8);
        value[4] = (byte) counter;
    }

    static int decodeThread(byte[] value) {
        return value[0];
    }

    static int decodeCounter(byte[] value) {
        return ((value[1] & 0xff) << 24) | ((value[2] & 0xff) << 16) | ((value[3] & 0xff) << 8) | (value[4] & 0xff);
    }

    @Test
    void everyAcceptedMessageIsAcknowledgedOrFailedWhenCloseRacesTheSenders() throws Exception {
        for (int round = 0; round < 5; round++) {
            Map<Long, String> outcomes = new ConcurrentHashMap<>();
            List<Throwable> problems = java.util.Collections.synchronizedList(new ArrayList<>());
            AckListener listener = new AckListener() {
                @Override
                public void onAcknowledged(long sequence, long version, int index) {
                    if (outcomes.put(sequence, "acknowledged") != null) {
                        problems.add(new AssertionError("sequence " + sequence + " answered twice"));
                    }
                }

                @Override
                public void onFailed(long sequence, Throwable cause) {
                    if (outcomes.put(sequence, "failed") != null) {
                        problems.add(new AssertionError("sequence " + sequence + " answered twice"));
                    }
                }
            };
            Producer producer = Producer.create(store, table + "-" + round, Map.of("buffer.bytes", 1 << 20, MessageLimits.MAX_MESSAGE_BYTES, 1000), listener);
            int threads = 3;
            CountDownLatch sending = new CountDownLatch(threads);
            List<List<Long>> accepted = new ArrayList<>();
            List<Thread> senders = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                List<Long> mine = new ArrayList<>();
                accepted.add(mine);
                senders.add(new Thread(() -> {
                    byte[] value = new byte[32];
                    while (true) {
                        long result = producer.offer(null, 0, 0, value, 0, value.length, 1);
                        if (result >= 0) {
                            if (mine.isEmpty()) {
                                sending.countDown();
                            }
                            mine.add(result);
                        } else if (result == Producer.CLOSED) {
                            return;
                        } else {
                            Thread.onSpinWait();
                        }
                    }
                }));
            }
            senders.forEach(Thread::start);
            assertTrue(sending.await(60, TimeUnit.SECONDS), "every sender got a message in");
            long start = System.nanoTime();
            producer.close(Duration.ofSeconds(60)); // while the senders keep offering
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(30), "close did not wait out its timeout");
            for (Thread t : senders) {
                t.join(TimeUnit.SECONDS.toMillis(30));
                assertTrue(!t.isAlive(), "a sender stopped on CLOSED");
            }
            assertEquals(List.of(), problems);
            long total = 0;
            for (List<Long> mine : accepted) {
                for (long sequence : mine) {
                    assertNotNull(outcomes.get(sequence), "round " + round + ": sequence " + sequence
                            + " was accepted but never acknowledged or failed");
                }
                total += mine.size();
            }
            assertEquals(total, outcomes.size(), "round " + round + ": answers only for accepted messages");
        }
    }

    /** A store that accepts If-None-Match: * and ignores it, as some S3-compatible servers do. */
    private static final class IgnoresPrecondition extends ForwardingObjectStore {
        IgnoresPrecondition(ObjectStore delegate) {
            super(delegate);
        }

        @Override
        public CompletableFuture<Boolean> putIfAbsent(String key, ByteBuffer data) {
            return delegate.put(key, data).thenApply(ignored -> true);
        }
    }

    private List<String> keysUnder(String prefix) throws Exception {
        return store.list(prefix, null, 1000).get(30, TimeUnit.SECONDS).objects().stream()
                .map(ObjectInfo::key).toList();
    }

    @Test
    void aStoreThatIgnoresConditionalWritesIsRefusedBeforeTheTableOrAnyMessage() throws Exception {
        ObjectStore ignoring = new IgnoresPrecondition(store);

        ConditionalWritesUnsupportedException e = assertThrows(ConditionalWritesUnsupportedException.class,
                () -> Producer.create(ignoring, table, Map.of()));

        assertTrue(e.getMessage().contains(store.location()), e.getMessage());
        assertTrue(e.getMessage().contains("conditional writes (If-None-Match: *)"), e.getMessage());
        assertEquals(List.of(), keysUnder(table + "/"), "no table, no probe left behind");
    }

    @Test
    void aStoreThatHonoursConditionalWritesPassesTheProbeAndKeepsNoProbeKey() throws Exception {
        try (Producer producer = Producer.create(store, table, Map.of())) {
            producer.send("k", "v").get(60, TimeUnit.SECONDS);
        }

        // The maintenance lease lives under _deltaq/ too; only probe keys must be gone.
        assertEquals(List.of(), keysUnder(table + "/_deltaq/").stream().filter(k -> k.contains("/_deltaq/probe-")).toList(),
                "the probe key is deleted");
        assertEquals(1, TableContents.read(store, table).size());
    }
}

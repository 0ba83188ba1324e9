package io.deltaq.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deltaq.consumer.Consumer;
import io.deltaq.consumer.ConsumerConfig;
import io.deltaq.deltalog.DeltaTable;
import io.deltaq.deltalog.Header;
import io.deltaq.deltalog.Maintenance;
import io.deltaq.deltalog.MaintenanceReport;
import io.deltaq.producer.Producer;
import io.deltaq.producer.ProducerConfig;
import io.deltaq.s3io.ObjectStore;
import io.deltaq.testkit.TestS3;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Apache Spark 4.0 with Delta Lake 4.0 ({@code local[1]}, in its own JVM) against tables on the local
 * store: a batch read of what deltaq wrote (headers included), a Structured Streaming read of a topic deltaq keeps
 * appending to and then compacts and expires, and a table Spark wrote that deltaq reads and tails.
 * Rows are compared whole (key, value, timestamp to the microsecond), as sorted lists; each test
 * prints the count and a SHA-256 of the sorted rows it compared.
 */
class SparkInteropTest {

    private static final HexFormat HEX = HexFormat.of();

    @TempDir
    static Path dir;

    private static SparkProcess spark;
    private static ObjectStore store;

    @BeforeAll
    static void start() throws Exception {
        spark = new SparkProcess(dir);
        store = TestS3.local(dir.resolve("tables"));
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (spark != null) {
                spark.close();
            }
        } finally {
            if (store != null) {
                store.close();
            }
        }
    }

    @Test
    void sparkReadsExactlyTheRowsDeltaqWrote() throws Exception {
        List<String> sent = new ArrayList<>();
        try (Producer producer = producer("batch")) {
            for (int round = 0; round < 4; round++) {
                sent.addAll(send(producer, round * 1_000, 1_000, 1_700_000_000_000_000L));
            }
        }
        List<String> read = spark.run("read " + path("batch")).rows();
        assertSameRows(sent, read, "Spark's batch read of a deltaq table");
    }

    @Test
    void aStreamSeesEveryMessageOnceWhileDeltaqAppendsCompactsAndExpires() throws Exception {
        String table = "stream";
        long now = System.currentTimeMillis() * 1_000;
        List<String> sent = new ArrayList<>();
        List<String> streamed = new ArrayList<>();
        try (Producer producer = producer(table)) {
            sent.addAll(send(producer, 0, 500, now));
            spark.run("stream " + path(table) + " " + dir.resolve("stream-checkpoint"));
            streamed.addAll(spark.run("drain").rows());
            for (int round = 1; round < 3; round++) {
                sent.addAll(send(producer, round * 500, 500, now));
                streamed.addAll(spark.run("drain").rows());
            }
            assertSameRows(sent, streamed, "the stream after three appends");

            // Compaction (dataChange = false) and retention (removes): the stream passes over both. A
            // retention of one byte expires every compacted file, whatever its age.
            DeltaTable delta = DeltaTable.at(store, table);
            delta.setProperties(Map.of("deltaq.compaction.min.age.ms", "0", "deltaq.retention.bytes", "1"), Set.of());
            MaintenanceReport report = Maintenance.of(delta, System::currentTimeMillis).runOnce("interop-test", 1);
            assertTrue(report.succeeded() && report.filesCompacted() > 0 && report.filesExpired() > 0,
                    "maintenance compacted and expired: " + report);

            List<String> fresh = send(producer, 1_500, 500, now);
            sent.addAll(fresh);
            streamed.addAll(spark.run("drain").rows());
            assertSameRows(sent, streamed, "the stream after compaction, retention and one more append");

            // A batch read now returns the retained rows: what deltaq itself reads from the start.
            List<String> retained = consumeAll(table);
            assertTrue(retained.containsAll(fresh) && retained.size() < sent.size(),
                    "retention expired the old rows and kept the new: " + retained.size() + " of " + sent.size());
            assertSameRows(retained, spark.run("read " + path(table)).rows(), "Spark's batch read after retention");
        }
    }

    @Test
    void deltaqReadsAndTailsATableSparkWrote() throws Exception {
        String table = "from-spark";
        spark.run("write " + path(table) + " 0 700");
        List<String> expected = new ArrayList<>();
        for (long i = 0; i < 1_000; i++) {
            expected.add(row("k" + i, "v" + i, i * 1_000_000));
        }
        Map<String, Object> config = Map.of(ConsumerConfig.POLL_INTERVAL_MS, 20);
        try (Consumer consumer = Consumer.create(store, table, config)) {
            List<String> got = poll(consumer, 700);
            spark.run("write " + path(table) + " 700 300"); // deltaq is tailing the table as Spark appends
            got.addAll(poll(consumer, 300));
            assertSameRows(expected, got, "deltaq's read and tail of a table Spark wrote");
            assertEquals(List.of(), consumer.poll(Duration.ofMillis(200)), "nothing more");
        }
    }

    private Producer producer(String table) {
        return Producer.create(store, table, Map.of(ProducerConfig.PRODUCER_ID, "interop-" + table,
                ProducerConfig.MAINTENANCE_ENABLED, false));
    }

    /**
     * Sends {@code count} messages numbered from {@code from} (every third without a key, every fourth
     * with two headers, one of them with a null value); waits for all.
     */
    private static List<String> send(Producer producer, int from, int count, long timestampMicros) throws Exception {
        List<String> rows = new ArrayList<>();
        List<CompletableFuture<?>> acks = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            String key = i % 3 == 0 ? null : "key-" + i;
            String value = "message " + i + " \u00fc";
            long ts = timestampMicros + i;
            List<Header> headers = i % 4 == 1
                    ? List.of(new Header("trace", ("t-" + i).getBytes(StandardCharsets.UTF_8)), new Header("\u00fcber", null))
                    : List.of();
            acks.add(producer.send(key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                    value.getBytes(StandardCharsets.UTF_8), ts, headers));
            rows.add(row(key == null ? null : key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8),
                    ts, headers));
        }
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        return rows;
    }

    private List<String> consumeAll(String table) throws Exception {
        try (Consumer consumer = Consumer.create(store, table, Map.of(ConsumerConfig.POLL_INTERVAL_MS, 20))) {
            long end = DeltaTable.at(store, table).latestVersion();
            List<String> rows = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (consumer.position().version() <= end) {
                assertTrue(System.nanoTime() < deadline, "deltaq read the table to version " + end + " within 60 s");
                consumer.poll(m -> rows.add(row(m.key(), m.value(), m.timestampMicros(), m.headers().toList())), 10_000);
            }
            return rows;
        }
    }

    private static List<String> poll(Consumer consumer, int count) {
        List<String> rows = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (rows.size() < count) {
            assertTrue(System.nanoTime() < deadline, "received " + rows.size() + " of " + count + " within 60 s");
            consumer.poll(m -> rows.add(row(m.key(), m.value(), m.timestampMicros(), m.headers().toList())),
                    count - rows.size());
        }
        return rows;
    }

    /** A row as SparkTool prints it: key hex (or -), value hex, timestamp in microseconds, headers if any. */
    private static String row(String key, String value, long micros) {
        return row(key == null ? null : key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8),
                micros, List.of());
    }

    private static String row(byte[] key, byte[] value, long micros, List<Header> headers) {
        StringBuilder row = new StringBuilder(key == null ? "-" : HEX.formatHex(key)).append(' ')
                .append(HEX.formatHex(value)).append(' ').append(micros);
        for (int i = 0; i < headers.size(); i++) {
            Header h = headers.get(i);
            row.append(i == 0 ? " " : ",").append(HEX.formatHex(h.key().getBytes(StandardCharsets.UTF_8))).append('=')
                    .append(h.value() == null ? "-" : HEX.formatHex(h.value()));
        }
        return row.toString();
    }

    private static void assertSameRows(List<String> expected, List<String> actual, String what) throws Exception {
        List<String> e = new ArrayList<>(expected);
        List<String> a = new ArrayList<>(actual);
        e.sort(null);
        a.sort(null);
        assertEquals(e.size(), a.size(), what + ": row count");
        assertEquals(e, a, what);
        System.out.printf("%s: %d rows, sha-256 %s%n", what, a.size(), digest(a));
    }

    private static String digest(List<String> sortedRows) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (String r : sortedRows) {
            sha.update(r.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) '\n');
        }
        return HEX.formatHex(sha.digest());
    }

    private String path(String table) {
        return dir.resolve("tables").resolve(table).toString();
    }
}

package io.deltaq.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deltaq.s3io.ObjectStore;
import io.deltaq.testkit.RecordingStore;
import io.deltaq.testkit.TestS3;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A commit may name its writer's next data file; the consumer fetches that file before the commit
 * that adds it lands, and delivers from those bytes without a second GET. A named file that is not
 * there, or never committed, costs a few GETs and nothing else.
 */
class PrefetchTest {

    @TempDir
    Path dir;

    @Test
    void theNextDataFileNamedByACommitIsFetchedOnceAndAheadOfItsCommit() throws Exception {
        try (ObjectStore local = TestS3.local(dir)) {
            TestTable table = new TestTable(local, "t").create();
            TestTable.DataFile second = table.upload(10, 20);
            table.appendNamingNext(second.path(), table.upload(0, 10));
            RecordingStore store = new RecordingStore(local);
            Consumer consumer = Consumer.create(store, "t", Map.of(ConsumerConfig.START, "earliest",
                    ConsumerConfig.POLL_INTERVAL_MIN_MS, 1, ConsumerConfig.POLL_INTERVAL_MS, 20));
            try {
                List<String> values = new ArrayList<>();
                pollUntil(consumer, values, () -> values.size() == 10 && store.getsOf(second.path()) == 1);
                // Only now is the file committed: its messages come from the bytes fetched before.
                table.appendFiles(second);
                pollUntil(consumer, values, () -> values.size() == 20);
                assertEquals(1, store.getsOf(second.path()), "one GET of the prefetched file: " + store.gets);
                for (int n = 0; n < 20; n++) {
                    assertEquals(TestTable.value(n), values.get(n));
                }
            } finally {
                consumer.close();
            }
        }
    }

    @Test
    void interleavedWritersEachHaveTheirNextFileFetchedOnce() throws Exception {
        try (ObjectStore local = TestS3.local(dir)) {
            TestTable table = new TestTable(local, "t").create();
            TestTable.DataFile a1 = table.upload(0, 10);
            TestTable.DataFile b1 = table.upload(10, 20);
            TestTable.DataFile a2 = table.upload(20, 30);
            TestTable.DataFile b2 = table.upload(30, 40);
            // Two producers committing in turn: each commit names its own writer's next file.
            table.appendNamingNext(a2.path(), a1);
            table.appendNamingNext(b2.path(), b1);
            table.appendFiles(a2);
            table.appendFiles(b2);
            RecordingStore store = new RecordingStore(local);
            Consumer consumer = Consumer.create(store, "t", Map.of(ConsumerConfig.START, "earliest"));
            try {
                List<String> values = new ArrayList<>();
                pollUntil(consumer, values, () -> values.size() == 40);
                for (TestTable.DataFile f : List.of(a1, b1, a2, b2)) {
                    assertEquals(1, store.getsOf(f.path()), "GETs of " + f.path() + ": " + store.gets);
                }
                for (int n = 0; n < 40; n++) {
                    assertEquals(TestTable.value(n), values.get(n));
                }
            } finally {
                consumer.close();
            }
        }
    }

    @Test
    void aNamedFileThatIsNotThereYetIsAskedForAFewTimesThenReadWhenCommitted() throws Exception {
        try (ObjectStore local = TestS3.local(dir)) {
            TestTable table = new TestTable(local, "t").create();
            String never = "part-never-committed.parquet";
            table.appendNamingNext("part-uploaded-late.parquet", table.upload(0, 10));
            RecordingStore store = new RecordingStore(local);
            Consumer consumer = Consumer.create(store, "t", Map.of(ConsumerConfig.START, "earliest",
                    ConsumerConfig.POLL_INTERVAL_MIN_MS, 1, ConsumerConfig.POLL_INTERVAL_MS, 20));
            try {
                List<String> values = new ArrayList<>();
                pollUntil(consumer, values, () -> values.size() == 10
                        && store.getsOf("part-uploaded-late.parquet") == TailerAgent.MAX_PREFETCH_ATTEMPTS);
                // The named file is not the one committed next, and the one after names a file never written.
                TestTable.DataFile other = table.upload(10, 20);
                table.appendNamingNext(never, other);
                pollUntil(consumer, values, () -> values.size() == 20);
                assertEquals(1, store.getsOf(other.path()), store.gets.toString());
                table.append(20, 30);
                pollUntil(consumer, values, () -> values.size() == 30);
                assertTrue(store.getsOf(never) <= TailerAgent.MAX_PREFETCH_ATTEMPTS, store.gets.toString());
                assertEquals(TailerAgent.MAX_PREFETCH_ATTEMPTS, store.getsOf("part-uploaded-late.parquet"),
                        "no more GETs of a missing named file than the attempts allowed");
                for (int n = 0; n < 30; n++) {
                    assertEquals(TestTable.value(n), values.get(n));
                }
            } finally {
                consumer.close();
            }
        }
    }

    private static void pollUntil(Consumer consumer, List<String> values, BooleanSupplier done) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!done.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out; received " + values.size());
            consumer.poll(m -> values.add(m.valueAsString()), 100);
            Thread.onSpinWait();
        }
    }
}

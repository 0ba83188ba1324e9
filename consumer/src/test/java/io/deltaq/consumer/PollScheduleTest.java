package io.deltaq.consumer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deltaq.s3io.LocalObjectStore;
import io.deltaq.s3io.ObjectStore;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How often the tailer looks for the next commit: at the shortest interval for the first few misses
 * after a commit is found (a busy table is followed closely), then backing off to the longest
 * interval (an idle table costs little). Counted GETs of commit files, with wide margins, since
 * the machine running the test may be slow.
 */
class PollScheduleTest {

    private static final long MIN_MS = 10;
    private static final long MAX_MS = 1_000;

    @TempDir
    Path dir;

    @Test
    void pollsAtTheShortestIntervalRightAfterACommitThenBacksOff() throws Exception {
        try (ObjectStore local = new LocalObjectStore(dir)) {
            TestTable table = new TestTable(local, "t").create();
            table.append(0, 10);
            RecordingStore store = new RecordingStore(local);
            Consumer consumer = Consumer.create(store, "t", Map.of(ConsumerConfig.START, "earliest",
                    ConsumerConfig.POLL_INTERVAL_MIN_MS, MIN_MS, ConsumerConfig.POLL_INTERVAL_MS, MAX_MS));
            try {
                long[] received = {0};
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (received[0] < 10 && System.nanoTime() < deadline) {
                    consumer.poll(m -> received[0]++, 100);
                    Thread.onSpinWait();
                }
                assertTrue(received[0] == 10, "received " + received[0] + " of 10 messages");
                // The consumer found version 1 (the append) by now: from here the table is quiet.
                long found = System.nanoTime();
                long busyWindowEnd = found + TimeUnit.MILLISECONDS.toNanos(MAX_MS * 9 / 10);
                long idleFrom = found + TimeUnit.MILLISECONDS.toNanos(MAX_MS * 3);
                long idleTo = idleFrom + TimeUnit.MILLISECONDS.toNanos(MAX_MS * 3);
                waitUntil(idleTo);
                long busy = store.commitGetsBetween(found, busyWindowEnd);
                long idle = store.commitGetsBetween(idleFrom, idleTo);
                // 8 misses at 10 ms, then 20, 40, 80, 160, 320 ms: about 13 GETs in 900 ms, where doubling
                // from the first miss gives 6, and the shortest interval throughout would give 80.
                assertTrue(busy >= 10 && busy <= 30,
                        busy + " GETs in the " + MAX_MS * 9 / 10 + " ms after a commit was found");
                // 3 s at the 1 s ceiling is 3; the shortest interval would give hundreds.
                assertTrue(idle <= 6, idle + " GETs in 3 s of a table idle for 3 s");
            } finally {
                consumer.close();
            }
        }
    }

    private static void waitUntil(long nanoTime) throws InterruptedException {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }
}

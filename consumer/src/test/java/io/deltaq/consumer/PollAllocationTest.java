package io.deltaq.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.deltaq.s3io.ObjectStore;
import io.deltaq.testkit.TestS3;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code poll(handler, limit)} allocates nothing per message: the bytes this thread allocates over a
 * warm loop of 100,000 messages, divided by the messages, stay under one.
 */
class PollAllocationTest {

    private static final int WARM_UP = 20_000;
    private static final int MEASURED = 100_000;
    private static final int PER_COMMIT = 10_000;

    @TempDir
    Path dir;

    /** Touches every field of the view, as an application would; allocates nothing for messages without headers. */
    static final class Summing implements MessageHandler {
        long count;
        long sum;

        @Override
        public void onMessage(ConsumedMessage m) {
            count++;
            sum += m.version() + m.index() + m.offset() + m.timestampMicros() + m.keyLength() + m.valueLength()
                    + m.buffer().getByte(m.valueOffset()) + m.headers().count() + (m.hasHeaders() ? 1 : 0);
        }
    }

    @Test
    void pollAllocatesNothingPerMessage() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
        int total = WARM_UP + MEASURED;
        try (ObjectStore store = TestS3.local(dir)) {
            TestTable table = new TestTable(store, "t").create();
            for (int from = 0; from < total; from += PER_COMMIT) {
                table.append(from, Math.min(total, from + PER_COMMIT));
            }
            Consumer consumer = Consumer.create(store, "t", Map.of(ConsumerConfig.POLL_INTERVAL_MIN_MS, 1));
            try {
                Summing handler = new Summing();
                drain(consumer, handler, WARM_UP);
                long before = threads.getCurrentThreadAllocatedBytes();
                drain(consumer, handler, total);
                long allocated = threads.getCurrentThreadAllocatedBytes() - before;
                assertEquals(total, handler.count);
                double perMessage = (double) allocated / MEASURED;
                assertTrue(perMessage < 1.0, "poll allocated " + allocated + " bytes for " + MEASURED
                        + " messages (" + perMessage + " per message)");
            } finally {
                consumer.close();
            }
        }
    }

    private static void drain(Consumer consumer, Summing handler, long until) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (handler.count < until) {
            if (consumer.poll(handler, 1000) == 0) {
                if (System.nanoTime() - deadline > 0) {
                    fail("only " + handler.count + " of " + until + " messages within 60 s");
                }
                Thread.onSpinWait();
            }
        }
    }
}

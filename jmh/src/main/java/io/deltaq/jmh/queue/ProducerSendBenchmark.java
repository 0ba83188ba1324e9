package io.deltaq.jmh.queue;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import io.deltaq.deltalog.Position;
import io.deltaq.producer.AckListener;
import io.deltaq.producer.Producer;
import io.deltaq.producer.ProducerConfig;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The producer's send path: one thread hands {@value #BURST} messages of {@value #VALUE_BYTES} bytes
 * (no key) to a producer whose commit thread runs meanwhile against the store, encoding, uploading
 * and committing them. Each iteration is one burst, timed on its own ({@link Mode#SingleShotTime}),
 * and starts with an empty buffer (everything before was flushed, untimed), so the time is that of
 * the send call itself, never of waiting for room; {@code backPressured} says how often a burst
 * found the buffer full anyway (0 expected).
 *
 * <ul>
 *   <li>{@link #offer}: the zero-allocation path, acknowledgements through an {@link AckListener}.
 *   <li>{@link #send}: the Kafka-like path, a {@link CompletableFuture} per message.
 * </ul>
 *
 * <p>Allocation: {@code -prof gc} reports {@code gc.alloc.rate.norm} for the whole JVM per message,
 * so it includes the commit thread (Parquet, uploads, commits) and, for {@code s3}, the in-process
 * S3 server. The sending thread's own allocation is the aux counter pair
 * {@code senderAllocatedBytes}/{@code senderMessages} (both reported as totals per iteration; their
 * ratio is bytes per message on the sending thread).
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 40)
@Measurement(iterations = 40)
public class ProducerSendBenchmark {

    /** Messages per timed burst: a few milliseconds of sending, well within the buffer. */
    static final int BURST = 20_000;
    static final int VALUE_BYTES = 100;
    private static final Duration FLUSH_TIMEOUT = Duration.ofMinutes(2);

    /** The store and a producer on it, its commit thread running. */
    @State(Scope.Benchmark)
    public static class Pipeline {

        @Param({QueueStore.LOCAL, QueueStore.S3})
        public String store;

        QueueStore storage;
        Producer producer;
        final AtomicLong acknowledged = new AtomicLong();
        final AtomicLong failed = new AtomicLong();

        @Setup(Level.Trial)
        public void open() {
            storage = QueueStore.open(store);
            producer = Producer.create(storage.store, "", Map.of(ProducerConfig.PRODUCER_ID, "jmh-send"),
                    new AckListener() {
                        @Override
                        public void onAcknowledged(long sequence, long version, int index) {
                            acknowledged.lazySet(acknowledged.get() + 1); // the commit thread alone writes it
                        }

                        @Override
                        public void onFailed(long sequence, Throwable cause) {
                            failed.incrementAndGet();
                        }
                    });
        }

        /** Untimed: every message of the last burst committed, so the next burst finds an empty buffer. */
        @Setup(Level.Iteration)
        public void drain() throws TimeoutException {
            producer.flush(FLUSH_TIMEOUT);
        }

        @TearDown(Level.Trial)
        public void close() {
            producer.close(FLUSH_TIMEOUT);
            storage.close();
            if (failed.get() > 0) {
                throw new IllegalStateException(failed.get() + " messages failed to commit");
            }
        }
    }

    /** The sending thread's message and what it counted. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Sender {
        public long senderAllocatedBytes;
        public long senderMessages;
        public long backPressured;

        final byte[] value = new byte[VALUE_BYTES];
        final long timestampMicros = System.currentTimeMillis() * 1_000;
        private final com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long counter;

        @Setup(Level.Trial)
        public void fill() {
            byte[] text = "deltaq-benchmark-payload-".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            for (int i = 0; i < VALUE_BYTES; i++) {
                value[i] = text[i % text.length];
            }
        }

        @Setup(Level.Iteration)
        public void reset() {
            senderAllocatedBytes = 0;
            senderMessages = 0;
            backPressured = 0;
        }

        long allocated() {
            return threads.getCurrentThreadAllocatedBytes();
        }

        /** Makes each message differ, as real ones do, in its first 8 bytes. */
        void next() {
            long c = ++counter;
            for (int i = 0; i < 8; i++) {
                value[i] = (byte) (c >>> (i * 8));
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public long offer(Pipeline p, Sender s) {
        long before = s.allocated();
        Producer producer = p.producer;
        long sequence = 0;
        for (int i = 0; i < BURST; i++) {
            s.next();
            while ((sequence = producer.offer(null, 0, 0, s.value, 0, VALUE_BYTES, s.timestampMicros)) < 0) {
                if (sequence == Producer.CLOSED) {
                    throw new IllegalStateException("the producer closed");
                }
                s.backPressured++;
                Thread.onSpinWait();
            }
        }
        s.senderAllocatedBytes += s.allocated() - before;
        s.senderMessages += BURST;
        return sequence;
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public void send(Pipeline p, Sender s, Blackhole bh) {
        long before = s.allocated();
        Producer producer = p.producer;
        for (int i = 0; i < BURST; i++) {
            s.next();
            CompletableFuture<Position> acked = producer.send(null, s.value, s.timestampMicros);
            bh.consume(acked);
        }
        s.senderAllocatedBytes += s.allocated() - before;
        s.senderMessages += BURST;
    }
}

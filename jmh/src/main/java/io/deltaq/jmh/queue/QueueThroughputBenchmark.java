package io.deltaq.jmh.queue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import io.deltaq.consumer.ConsumedMessage;
import io.deltaq.consumer.Consumer;
import io.deltaq.consumer.ConsumerConfig;
import io.deltaq.consumer.MessageHandler;
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
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * In-process producer-to-consumer throughput: a sending thread offers {@value #VALUE_BYTES}-byte
 * messages to a producer as fast as it takes them (parking 20 us while back-pressured); a consumer of
 * the same table is drained by the benchmark thread with {@code poll(handler, 4096)}. The result is
 * the aux counter {@code messages}: messages received per second, in steady state (the producer's
 * buffer is full, so the rate is that of the slower side, commit or tail). The primary score counts
 * poll calls and means nothing.
 *
 * <p>Values differ in their first 8 bytes (a counter) and repeat one of 64 text fragments after
 * that, so Parquet's dictionary does not collapse them and Snappy finds what real text would give.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
public class QueueThroughputBenchmark {

    static final int VALUE_BYTES = 100;
    private static final int POLL_LIMIT = 4096;
    private static final long BACK_OFF_NS = 20_000;

    @State(Scope.Benchmark)
    public static class Queue {

        @Param({QueueStore.LOCAL, QueueStore.S3})
        public String store;

        QueueStore storage;
        Producer producer;
        Consumer consumer;
        Thread sender;
        volatile boolean stopping;
        final AtomicLong failed = new AtomicLong();
        final AtomicReference<Throwable> senderFailure = new AtomicReference<>();

        @Setup(Level.Trial)
        public void open() {
            storage = QueueStore.open(store);
            producer = Producer.create(storage.store, "", Map.of(ProducerConfig.PRODUCER_ID, "jmh-throughput"),
                    new AckListener() {
                        @Override
                        public void onAcknowledged(long sequence, long version, int index) {
                        }

                        @Override
                        public void onFailed(long sequence, Throwable cause) {
                            failed.incrementAndGet();
                        }
                    });
            consumer = Consumer.create(storage.store, "", Map.of(
                    ConsumerConfig.POLL_INTERVAL_MS, 20, ConsumerConfig.POLL_INTERVAL_MIN_MS, 1));
            sender = new Thread(this::send, "jmh-sender");
            sender.setDaemon(true);
            sender.start();
        }

        private void send() {
            byte[][] fragments = new byte[64][VALUE_BYTES];
            for (int f = 0; f < fragments.length; f++) {
                byte[] text = ("fragment " + f + " of a deltaq message payload; ").getBytes(StandardCharsets.US_ASCII);
                for (int i = 0; i < VALUE_BYTES; i++) {
                    fragments[f][i] = text[i % text.length];
                }
            }
            long timestamp = System.currentTimeMillis() * 1_000;
            try {
                for (long n = 0; !stopping; n++) {
                    byte[] value = fragments[(int) (n & 63)];
                    for (int i = 0; i < 8; i++) {
                        value[i] = (byte) (n >>> (i * 8));
                    }
                    long result;
                    while ((result = producer.offer(null, 0, 0, value, 0, VALUE_BYTES, timestamp)) < 0) {
                        if (result == Producer.CLOSED || stopping) {
                            return;
                        }
                        // Park, not spin: with two cores a spinning sender takes the commit thread's time.
                        LockSupport.parkNanos(BACK_OFF_NS);
                    }
                }
            } catch (RuntimeException e) {
                senderFailure.set(e);
            }
        }

        @TearDown(Level.Trial)
        public void close() throws InterruptedException {
            stopping = true;
            sender.join(TimeUnit.MINUTES.toMillis(1));
            consumer.close();
            producer.close(Duration.ofMinutes(1));
            storage.close();
            if (senderFailure.get() != null) {
                throw new IllegalStateException("the sender failed", senderFailure.get());
            }
            if (failed.get() > 0) {
                throw new IllegalStateException(failed.get() + " messages failed to commit");
            }
        }
    }

    /** Counts received messages; JMH reports the count per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Received implements MessageHandler {
        public long messages;
        long valueBytes;

        @Setup(Level.Iteration)
        public void reset() {
            messages = 0;
        }

        @Override
        public void onMessage(ConsumedMessage message) {
            valueBytes += message.valueLength();
        }
    }

    @Benchmark
    public int poll(Queue q, Received r) {
        int n = q.consumer.poll(r, POLL_LIMIT);
        r.messages += n;
        if (n == 0) {
            LockSupport.parkNanos(BACK_OFF_NS); // nothing committed yet: leave the cores to the pipeline
        }
        return n;
    }
}

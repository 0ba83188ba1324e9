package io.deltaq.bench.driver;

import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import java.nio.ByteOrder;

import io.deltaq.consumer.ConsumedMessage;
import io.deltaq.consumer.Consumer;
import io.deltaq.consumer.ConsumerConfig;
import io.deltaq.consumer.MessageHandler;
import io.deltaq.producer.AckListener;
import io.deltaq.producer.Producer;
import io.deltaq.producer.ProducerConfig;
import io.deltaq.s3io.FaultInjectingStore;
import io.deltaq.s3io.ObjectStore;
import io.deltaq.s3io.ObjectStores;
import org.agrona.DirectBuffer;

/**
 * deltaq as the system under test: one fresh Delta table per rate in the target store, producers
 * appending with {@link Producer#offer} (no allocation) and consumers tailing the log.
 */
public final class DeltaqDriver implements BenchDriver {

    @Override
    public String name() {
        return "deltaq";
    }

    @Override
    public String describeDefaults() {
        return "linger.ms=0 (group commit), compression snappy, one table per rate";
    }

    @Override
    public BenchTarget openTarget(TargetOptions options) throws Exception {
        return DeltaqTarget.open(options);
    }

    @Override
    public boolean auditable() {
        return true;
    }

    @Override
    public Map<String, String> faultConnection(String spec, long seed) {
        return Map.of(DeltaqTarget.STORE_PREFIX + ObjectStores.FAULT_SPEC, spec,
                DeltaqTarget.STORE_PREFIX + ObjectStores.FAULT_SEED, Long.toString(seed));
    }

    @Override
    public BenchProducer newProducer(Map<String, String> connection, String topic, ClientOptions options, int index) {
        return newProducer(connection, topic, options, index, SendOutcomes.NONE);
    }

    /**
     * The producer's id is its index, so that a producer restarted after its worker was killed
     * continues as the same writer (its batch sequence, its fencing).
     */
    @Override
    public BenchProducer newProducer(Map<String, String> connection, String topic, ClientOptions options, int index,
            SendOutcomes outcomes) {
        // Each producer's and consumer's store draws its own faults: the same seed would make them fail in step.
        ObjectStore store = DeltaqTarget.openStore(connection, 2L * index);
        try {
            Map<String, Object> config = new HashMap<>();
            config.put(ProducerConfig.PRODUCER_ID, producerId(index));
            options.lingerMs().ifPresent(v -> config.put(ProducerConfig.LINGER_MS, v));
            options.compression().ifPresent(v -> config.put(ProducerConfig.COMPRESSION, v));
            config.putAll(options.producerConfig());
            AckCounter acks = new AckCounter(outcomes);
            Producer producer = Producer.create(store, topic, config, acks);
            return new DeltaqProducer(store, producer, acks);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /** Named by its index, so that a consumer restarted after its worker was killed resumes at its committed position. */
    @Override
    public BenchConsumer newConsumer(Map<String, String> connection, String topic, ClientOptions options, int index) {
        ObjectStore store = DeltaqTarget.openStore(connection, 2L * index + 1);
        try {
            Consumer consumer = Consumer.create(store, topic, Map.of(ConsumerConfig.START, "earliest",
                    ConsumerConfig.CONSUMER_NAME, consumerName(index)));
            return new DeltaqConsumer(store, consumer);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    static String producerId(int index) {
        return "bench-producer-" + index;
    }

    static String consumerName(int index) {
        return "bench-consumer-" + index;
    }

    /** Adds the faults {@code store} injected so far, by kind, as {@code fault.<kind>} counters. */
    static void addFaultCounters(ObjectStore store, Map<String, Long> into) {
        if (store instanceof FaultInjectingStore faults) {
            faults.injected().forEach((kind, count) ->
                    into.merge(FAULT_COUNTER_PREFIX + kind.name().toLowerCase(Locale.ROOT), count, Long::sum));
        }
    }

    /** Tick field: how long the newest checkpoint a producer wrote took, in ms; absent before its first. */
    public static final String LAST_CHECKPOINT_MS = "lastCheckpointMs";

    /** Tick counters of injected faults start with this, followed by the kind in lower case. */
    public static final String FAULT_COUNTER_PREFIX = "fault.";

    /** Polls with one reused handler that decodes the {@link Payload} header in place. */
    private static final class DeltaqConsumer implements BenchConsumer, MessageHandler {
        private final ObjectStore store;
        private final Consumer consumer;
        private MessageSink sink;

        DeltaqConsumer(ObjectStore store, Consumer consumer) {
            this.store = store;
            this.consumer = consumer;
        }

        @Override
        public int poll(MessageSink sink, int limit) {
            this.sink = sink;
            return consumer.poll(this, limit);
        }

        @Override
        public void onMessage(ConsumedMessage message) {
            DirectBuffer buffer = message.buffer();
            int value = message.valueOffset();
            sink.onMessage(buffer.getLong(value + Payload.INTENDED_MICROS_OFFSET, ByteOrder.BIG_ENDIAN),
                    buffer.getInt(value + Payload.PRODUCER_INDEX_OFFSET, ByteOrder.BIG_ENDIAN),
                    buffer.getLong(value + Payload.SEQUENCE_OFFSET, ByteOrder.BIG_ENDIAN));
        }

        @Override
        public void commitPosition() {
            consumer.commitSync();
        }

        @Override
        public boolean reached(long end) {
            return consumer.position().version() > end;
        }

        @Override
        public void addCounters(Map<String, Long> into) {
            into.merge("storeRequests", store.metrics().totalRequests(), Long::sum);
            addFaultCounters(store, into);
        }

        @Override
        public void close() {
            try {
                consumer.close(Duration.ofSeconds(10));
            } finally {
                store.close();
            }
        }
    }

    /**
     * Counts acknowledgements on the commit thread, its only writer, and passes each on. The
     * producer numbers the messages it accepts from 0 without gaps, so its sequence is the offer index.
     */
    private static final class AckCounter implements AckListener {
        final AtomicLong acknowledged = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final SendOutcomes outcomes;
        volatile Throwable firstFailure;

        AckCounter(SendOutcomes outcomes) {
            this.outcomes = outcomes;
        }

        @Override
        public void onAcknowledged(long sequence, long version, int index) {
            outcomes.acknowledged(sequence);
            acknowledged.lazySet(acknowledged.get() + 1);
        }

        @Override
        public void onFailed(long sequence, Throwable cause) {
            if (firstFailure == null) {
                firstFailure = cause;
            }
            outcomes.failed(sequence, cause);
            failed.lazySet(failed.get() + 1);
        }
    }

    private static final class DeltaqProducer implements BenchProducer {
        private final ObjectStore store;
        private final Producer producer;
        private final AckCounter acks;

        DeltaqProducer(ObjectStore store, Producer producer, AckCounter acks) {
            this.store = store;
            this.producer = producer;
            this.acks = acks;
        }

        @Override
        public boolean offer(byte[] value, int length, long timestampMicros) {
            long result = producer.offer(null, 0, 0, value, 0, length, timestampMicros);
            if (result == Producer.CLOSED) {
                Throwable cause = acks.firstFailure;
                throw new IllegalStateException("deltaq producer " + producer.producerId() + " can send no more"
                        + (cause == null ? "" : ": " + cause.getMessage()), cause);
            }
            return result >= 0;
        }

        @Override
        public long acknowledged() {
            return acks.acknowledged.get();
        }

        @Override
        public long failed() {
            return acks.failed.get();
        }

        @Override
        public void addCounters(Map<String, Long> into) {
            into.merge("commits", producer.metrics().commits(), Long::sum);
            into.merge("committedMessages", producer.metrics().messages(), Long::sum);
            into.merge("lostRaces", producer.metrics().lostRaces(), Long::sum);
            into.merge("retriedBatches", producer.metrics().retriedBatches(), Long::sum);
            into.merge("failedMessages", producer.metrics().failedMessages(), Long::sum);
            into.merge("unknownOutcomes", producer.metrics().unknownOutcomes(), Long::sum);
            into.merge("unknownMessages", producer.metrics().unknownMessages(), Long::sum);
            into.merge("failedCheckpoints", producer.metrics().failedCheckpoints(), Long::sum);
            double checkpointMs = producer.metrics().lastCheckpointMillis();
            if (checkpointMs >= 0) { // absent before the producer's first checkpoint
                into.merge(LAST_CHECKPOINT_MS, Math.round(checkpointMs), Math::max);
            }
            into.merge("storeRequests", store.metrics().totalRequests(), Long::sum);
            addFaultCounters(store, into);
        }

        @Override
        public void close() {
            try {
                producer.close(Duration.ofSeconds(30));
            } finally {
                store.close();
            }
        }
    }
}

package io.deltaq.bench.driver;

import java.time.Duration;
import java.util.HashMap;
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
import io.deltaq.s3io.ObjectStore;
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
    public BenchProducer newProducer(Map<String, String> connection, String topic, ClientOptions options, int index) {
        ObjectStore store = DeltaqTarget.openStore(connection);
        try {
            Map<String, Object> config = new HashMap<>();
            options.lingerMs().ifPresent(v -> config.put(ProducerConfig.LINGER_MS, v));
            options.compression().ifPresent(v -> config.put(ProducerConfig.COMPRESSION, v));
            AckCounter acks = new AckCounter();
            Producer producer = Producer.create(store, topic, config, acks);
            return new DeltaqProducer(store, producer, acks);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    @Override
    public BenchConsumer newConsumer(Map<String, String> connection, String topic, ClientOptions options, int index) {
        ObjectStore store = DeltaqTarget.openStore(connection);
        try {
            Consumer consumer = Consumer.create(store, topic, Map.of(ConsumerConfig.START, "earliest"));
            return new DeltaqConsumer(store, consumer);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

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
        public void addCounters(Map<String, Long> into) {
            into.merge("storeRequests", store.metrics().totalRequests(), Long::sum);
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

    /** Counts acknowledgements on the commit thread, its only writer. */
    private static final class AckCounter implements AckListener {
        final AtomicLong acknowledged = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        volatile Throwable firstFailure;

        @Override
        public void onAcknowledged(long sequence, long version, int index) {
            acknowledged.lazySet(acknowledged.get() + 1);
        }

        @Override
        public void onFailed(long sequence, Throwable cause) {
            if (firstFailure == null) {
                firstFailure = cause;
            }
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
            into.merge("storeRequests", store.metrics().totalRequests(), Long::sum);
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

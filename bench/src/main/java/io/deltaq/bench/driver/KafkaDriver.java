package io.deltaq.bench.driver;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Kafka 4.4 as the system under test: a single-node KRaft broker in the coordinator's JVM, topics
 * of {@code --partitions} partitions, {@code acks=all}, keyless records spread by the producer's
 * default partitioner, and consumers that each {@code assign} every partition (no group: every
 * consumer reads everything, and no rebalance delays the start).
 *
 * <p>The Kafka clients allocate per message (a {@link ProducerRecord} per send, the records of each
 * poll); the harness's own loops do not, and the summary's per-message allocation shows the
 * difference.
 */
public final class KafkaDriver implements BenchDriver {

    static final String BOOTSTRAP = "kafka.bootstrap.servers";
    static final long DEFAULT_LINGER_MS = 5;
    static final int BATCH_BYTES = 64 * 1024;
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);

    @Override
    public String name() {
        return "kafka";
    }

    @Override
    public String describeDefaults() {
        return "acks=all, linger.ms=" + DEFAULT_LINGER_MS + ", batch.size=" + BATCH_BYTES + ", compression none,"
                + " replication factor 1, keyless records (default partitioner), consumers assigned every partition";
    }

    @Override
    public BenchTarget openTarget(TargetOptions options) throws Exception {
        return EmbeddedKafka.start(options.workDir().resolve("kafka"));
    }

    @Override
    public BenchProducer newProducer(Map<String, String> connection, String topic, ClientOptions options, int index) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, connection.get(BOOTSTRAP));
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "bench-producer-" + index);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, Long.toString(options.lingerMs().orElse(DEFAULT_LINGER_MS)));
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(BATCH_BYTES));
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, options.compression().orElse("none"));
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return new Producer(new KafkaProducer<>(props), topic);
    }

    @Override
    public BenchConsumer newConsumer(Map<String, String> connection, String topic, ClientOptions options, int index) {
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps(connection, "bench-consumer-" + index));
        try {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            partitions.forEach(consumer::position); // resolve the start now, not inside the first timed poll
        } catch (RuntimeException e) {
            consumer.close(Duration.ZERO);
            throw e;
        }
        return new Consumer(consumer);
    }

    /**
     * A member of group {@code bench-consumer-<group>} by {@code subscribe}: Kafka's own assignment,
     * committing the delivered position before a partition is revoked.
     */
    @Override
    public BenchConsumer newGroupMember(Map<String, String> connection, String topic, ClientOptions options, int group,
            int member) {
        Map<String, Object> props = consumerProps(connection, "bench-consumer-" + group + "-" + member);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-consumer-" + group);
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props);
        consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                consumer.commitSync();
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            }
        });
        return new Consumer(consumer);
    }

    /** A bench consumer's settings: from the earliest offset, positions committed only when asked, large polls. */
    private static Map<String, Object> consumerProps(Map<String, String> connection, String clientId) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, connection.get(BOOTSTRAP));
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "10000");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return props;
    }

    private static final class Producer implements BenchProducer, Callback {
        private final KafkaProducer<byte[], byte[]> producer;
        private final String topic;
        private final AtomicLong acknowledged = new AtomicLong();
        private final AtomicLong failed = new AtomicLong();
        private volatile Exception firstFailure;

        Producer(KafkaProducer<byte[], byte[]> producer, String topic) {
            this.producer = producer;
            this.topic = topic;
        }

        @Override
        public boolean offer(byte[] value, int length, long timestampMicros) {
            // send() copies the value into its batch before returning, so the caller may reuse it.
            // It blocks (max.block.ms) rather than refusing when its buffer is full. No partition and no
            // key: the default partitioner sticks to a partition per batch, as deltaq's keyless messages do.
            producer.send(new ProducerRecord<>(topic, null, timestampMicros / 1000, null, value), this);
            return true;
        }

        /** Completions arrive on the producer's I/O thread, one at a time. */
        @Override
        public void onCompletion(RecordMetadata metadata, Exception exception) {
            if (exception == null) {
                acknowledged.lazySet(acknowledged.get() + 1);
            } else {
                if (firstFailure == null) {
                    firstFailure = exception;
                }
                failed.lazySet(failed.get() + 1);
            }
        }

        @Override
        public long acknowledged() {
            return acknowledged.get();
        }

        @Override
        public long failed() {
            return failed.get();
        }

        @Override
        public void addCounters(Map<String, Long> into) {
            Exception failure = firstFailure;
            if (failure != null) {
                into.merge("sendErrors", failed.get(), Long::sum);
            }
        }

        @Override
        public void close() {
            producer.close(Duration.ofSeconds(30));
        }
    }

    private static final class Consumer implements BenchConsumer {
        private final KafkaConsumer<byte[], byte[]> consumer;

        Consumer(KafkaConsumer<byte[], byte[]> consumer) {
            this.consumer = consumer;
        }

        @Override
        public int poll(MessageSink sink, int limit) {
            ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL_TIMEOUT);
            int count = 0;
            for (ConsumerRecord<byte[], byte[]> record : records) {
                byte[] value = record.value();
                sink.onMessage(record.partition(), Payload.intendedMicros(value, 0), Payload.producerIndex(value, 0),
                        Payload.sequence(value, 0));
                count++;
            }
            return count;
        }

        @Override
        public long heldPartitions() {
            long held = 0;
            for (TopicPartition tp : consumer.assignment()) {
                held |= 1L << tp.partition();
            }
            return held;
        }

        @Override
        public long reachedPartitions(long[] end) {
            long reached = 0;
            for (TopicPartition tp : consumer.assignment()) {
                if (tp.partition() < end.length && consumer.position(tp) > end[tp.partition()]) {
                    reached |= 1L << tp.partition();
                }
            }
            return reached;
        }

        @Override
        public void close() {
            consumer.close(Duration.ofSeconds(5));
        }
    }
}

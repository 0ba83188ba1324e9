package io.deltaq.topic;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;

import io.deltaq.deltalog.Header;
import io.deltaq.producer.AckListener;
import io.deltaq.producer.Producer;
import io.deltaq.producer.ProducerConfig;
import io.deltaq.s3io.ObjectStore;
import io.deltaq.s3io.ObjectStores;
import io.deltaq.s3io.config.ConfigDef;

/**
 * Sends messages to a topic's partitions: a message with a key goes to the partition Kafka's
 * default partitioner would choose, a keyless one to the partition its producer is sticking to
 * ({@link Partitioner}). Each partition has its own {@link Producer}, opened with this producer's
 * configuration, so order is kept per partition and per producer, and every partition's commits
 * proceed in parallel. {@code buffer.bytes} is the whole producer's, split evenly between the
 * partitions (at least a ring that holds one message of {@code max.message.bytes} each).
 *
 * <p>Two ways to send, as {@link Producer} has: {@link #send} returns a future per message;
 * {@link #offer} allocates nothing and never waits, and the {@link TopicAckListener} given at
 * creation hears each message's acknowledgement or failure.
 *
 * <p>The partition count is read when the producer opens; partitions added later are used by
 * producers opened after the growth.
 *
 * <p>Thread-safe.
 */
public final class TopicProducer implements AutoCloseable {

    public static final String PARTITIONER_STICKY_BYTES = "partitioner.sticky.bytes";
    public static final long PARTITIONER_STICKY_BYTES_DEFAULT = 1 << 20;
    public static final String PARTITIONER_AVOID_CONTENTION = "partitioner.avoid.contention";

    /** The topic producer's own keys; every other key is a {@link ProducerConfig} key, passed to each partition's producer. */
    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(PARTITIONER_STICKY_BYTES, ConfigDef.Type.LONG, PARTITIONER_STICKY_BYTES_DEFAULT,
                    ConfigDef.between(1, Integer.MAX_VALUE),
                    "Keyless messages go to one partition until this many key, value and header bytes were sent, then"
                            + " to the next, so that each partition's producer gets runs long enough to fill batches. A"
                            + " producer starts at a random partition.")
            .define(PARTITIONER_AVOID_CONTENTION, ConfigDef.Type.BOOLEAN, true,
                    "Whether keyless messages move on to the next partition when the current one's producer lost two"
                            + " commit races there (another producer commits there too), so that the producers of a topic"
                            + " spread over its partitions instead of taking turns on one log.");

    private final Topic topic;
    private final Producer[] producers;
    private final Partitioner partitioner;
    /** Each partition's lost commit races when keyless messages last looked; guarded by {@link #partitioner}. */
    private final long[] lostRacesSeen;
    /** Lost races on the current partition that make keyless messages move on. */
    private static final int CONTENDED_LOSSES = 2;
    private final boolean avoidContention;
    private final ObjectStore ownedStore;

    private TopicProducer(Topic topic, Map<String, ?> config, TopicAckListener listener, ObjectStore ownedStore) {
        Objects.requireNonNull(listener, "listener");
        this.topic = topic;
        this.ownedStore = ownedStore;
        Map<String, Object> own = DEFINITION.parse(DEFINITION.subset(config), "topic producer configuration");
        Map<String, Object> producerConfig = new java.util.HashMap<>(config);
        producerConfig.keySet().removeIf(DEFINITION::defines);
        ProducerConfig whole = new ProducerConfig(producerConfig); // refuses a wrong setting before any partition's producer starts
        // buffer.bytes is the whole producer's, as Kafka's buffer.memory: each partition gets its share,
        // but never less than a ring that holds the largest message.
        long share = Math.max(whole.bufferBytes() / topic.partitions(), ProducerConfig.minBufferBytes(whole.maxMessageBytes()));
        producerConfig.put(ProducerConfig.BUFFER_BYTES, (int) Math.min(Integer.MAX_VALUE, share));
        this.partitioner = new Partitioner((Long) own.get(PARTITIONER_STICKY_BYTES),
                ThreadLocalRandom.current().nextInt(topic.partitions()));
        topic.createMissingPartitionTables();
        this.producers = new Producer[topic.partitions()];
        this.lostRacesSeen = new long[producers.length];
        this.avoidContention = (Boolean) own.get(PARTITIONER_AVOID_CONTENTION);
        try {
            for (int p = 0; p < producers.length; p++) {
                producers[p] = Producer.create(topic.store(), topic.partitionPath(p), producerConfig,
                        new PartitionAcks(p, listener));
            }
        } catch (RuntimeException e) {
            closeOpened(Duration.ZERO);
            throw e;
        }
    }

    /**
     * A producer for the topic at {@code address} ({@code s3://bucket/prefix}, {@code file:///path} or
     * a path), which must exist ({@link Topic#create}) or be a plain table. The store is closed with
     * the producer.
     *
     * @param config {@link #DEFINITION} and {@link ProducerConfig} keys
     */
    public static TopicProducer open(String address, Map<String, ?> config) {
        ObjectStore store = ObjectStores.open(address, System.getenv(), ObjectStores.DEFINITION.subset(config));
        try {
            return new TopicProducer(Topic.open(store, ""), config, TopicAckListener.NONE, store);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /** A producer for the topic at {@code topicPath} in {@code store}, which stays the caller's to close. */
    public static TopicProducer create(ObjectStore store, String topicPath, Map<String, ?> config) {
        return create(store, topicPath, config, TopicAckListener.NONE);
    }

    /**
     * {@link #create(ObjectStore, String, Map)} with a listener that hears the fate of every message,
     * those of {@link #offer} and of {@link #send} alike.
     */
    public static TopicProducer create(ObjectStore store, String topicPath, Map<String, ?> config,
            TopicAckListener listener) {
        return new TopicProducer(Topic.open(store, topicPath), config, listener, null);
    }

    /**
     * Tells the topic's listener which partition a partition producer's outcomes are of: one per
     * partition, made at opening, so that nothing is allocated per message.
     */
    private record PartitionAcks(int partition, TopicAckListener listener) implements AckListener {

        @Override
        public void onAcknowledged(long sequence, long version, int index) {
            listener.onAcknowledged(partition, sequence, version, index);
        }

        @Override
        public void onFailed(long sequence, Throwable cause) {
            listener.onFailed(partition, sequence, cause);
        }
    }

    /* ------------------------------ sending ------------------------------ */

    /**
     * Appends a message to its partition without waiting and without allocating: a key chooses the
     * partition as in {@link #send}, a keyless message goes where keyless messages stick.
     *
     * <p>The message gets the next sequence of its partition's producer, which numbers the messages
     * it accepts from 0 and is what the {@link TopicAckListener} hears. A caller that offers from one
     * thread therefore knows each message's sequence by counting the messages each partition
     * accepted; with several offering threads, only the partition is known.
     *
     * @param key may be null
     * @param timestampMicros the message's time, microseconds since the epoch
     * @return the partition the message went to, or {@link Producer#BACK_PRESSURED} when that
     *     partition's buffer is full (nothing was sent; try again later), or {@link Producer#CLOSED}
     * @throws io.deltaq.producer.MessageTooLargeException if key plus value bytes exceed
     *     {@code max.message.bytes}; nothing is sent
     * @see Producer#offer(byte[], int, int, byte[], int, int, long)
     */
    public long offer(byte[] key, int keyOffset, int keyLength, byte[] value, int valueOffset, int valueLength,
            long timestampMicros) {
        int partition = partition(key, keyOffset, keyLength, valueLength);
        long result = producers[partition].offer(key, keyOffset, keyLength, value, valueOffset, valueLength,
                timestampMicros);
        return result >= 0 ? partition : result;
    }

    /** {@link #offer(byte[], int, int, byte[], int, int, long)} of whole arrays, stamped now. */
    public long offer(byte[] key, byte[] value) {
        return offer(key, 0, key == null ? 0 : key.length, value, 0, value.length, System.currentTimeMillis() * 1000);
    }

    /** {@link #send(byte[], byte[], long, List)} at the current time, without headers. */
    public CompletableFuture<TopicPosition> send(byte[] key, byte[] value) {
        return send(key, value, System.currentTimeMillis() * 1000, List.of());
    }

    /**
     * Sends a message to its partition; the future completes when the message is in that
     * partition's table, with the partition and the position it holds there.
     *
     * @see Producer#send(byte[], byte[], long, List)
     */
    public CompletableFuture<TopicPosition> send(byte[] key, byte[] value, long timestampMicros, List<Header> headers) {
        int bytes = value == null ? 0 : value.length;
        for (Header h : headers) {
            bytes += h.key().length() + (h.value() == null ? 0 : h.value().length);
        }
        int partition = partition(key, 0, key == null ? 0 : key.length, bytes);
        return producers[partition].send(key, value, timestampMicros, headers)
                .thenApply(position -> new TopicPosition(partition, position));
    }

    /** The partition the next message with this key and {@code bytes} of value and headers goes to. */
    private int partition(byte[] key, int keyOffset, int keyLength, int bytes) {
        if (producers.length == 1) {
            return 0; // nowhere else to go: a topic of one partition sends as a plain producer does, without the lock
        }
        if (key != null) {
            return Partitioner.keyPartition(key, keyOffset, keyLength, producers.length);
        }
        synchronized (partitioner) {
            // A race lost on the current partition means another producer commits there too: move on.
            int current = partitioner.stickyPartition(producers.length);
            long lost = producers[current].metrics().lostRaces();
            // Two lost races, not one: a producer that yielded a turn to a loser (ContentionSignal) loses
            // the next version once, and must not give up a partition it holds for that.
            if (avoidContention && lost - lostRacesSeen[current] >= CONTENDED_LOSSES) {
                lostRacesSeen[current] = lost;
                // The next one, not a random one: producers that all move on in one direction keep their
                // distance from each other, so once spread they stay spread (measured in RFC 0006).
                partitioner.moveTo((current + 1) % producers.length);
            }
            return partitioner.partition(null, 0, -1, bytes, producers.length);
        }
    }

    /** Waits until everything sent so far is acknowledged or failed, on every partition. */
    public void flush(Duration timeout) throws TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Producer p : producers) {
            p.flush(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        }
    }

    /** Closes every partition's producer (each commits what it accepted), within {@code timeout} in all. */
    public void close(Duration timeout) {
        closeOpened(timeout);
        if (ownedStore != null) {
            ownedStore.close();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }

    private void closeOpened(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<RuntimeException> failures = new ArrayList<>();
        for (Producer p : producers) {
            if (p != null) {
                try {
                    p.close(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
                } catch (RuntimeException e) {
                    failures.add(e);
                }
            }
        }
        if (!failures.isEmpty()) {
            RuntimeException first = failures.get(0);
            failures.subList(1, failures.size()).forEach(first::addSuppressed);
            throw first;
        }
    }

    /* ------------------------------ reading ------------------------------ */

    public Topic topic() {
        return topic;
    }

    public int partitions() {
        return producers.length;
    }

    /** Partition {@code p}'s producer, for its metrics and id. */
    public Producer partitionProducer(int partition) {
        Objects.checkIndex(partition, producers.length);
        return producers[partition];
    }
}

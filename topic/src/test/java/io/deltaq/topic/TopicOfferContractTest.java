package io.deltaq.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

import io.deltaq.consumer.Consumer;
import io.deltaq.consumer.ConsumerConfig;
import io.deltaq.producer.Producer;
import io.deltaq.s3io.ObjectStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link TopicProducer#offer} and its {@link TopicAckListener} against a real store: the partition
 * an offer returns, counted per partition, is the sequence the listener hears, and the (version,
 * index) it hears holds that very message in that partition's table.
 */
abstract class TopicOfferContractTest {

    static final Duration WAIT = Duration.ofSeconds(60);

    protected abstract ObjectStore openStore();

    ObjectStore store;
    String path;

    @BeforeEach
    void openStoreAndPath() {
        store = openStore();
        path = "topics/o-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    /** What the listener heard: "partition/sequence" → "version/index", and anything it should not have. */
    final Map<String, String> acked = new ConcurrentHashMap<>();
    final List<String> wrong = java.util.Collections.synchronizedList(new ArrayList<>());

    final TopicAckListener listener = new TopicAckListener() {
        @Override
        public void onAcknowledged(int partition, long sequence, long version, int index) {
            if (acked.put(partition + "/" + sequence, version + "/" + index) != null) {
                wrong.add("acknowledged twice: " + partition + "/" + sequence);
            }
        }

        @Override
        public void onFailed(int partition, long sequence, Throwable cause) {
            wrong.add("failed: " + partition + "/" + sequence + ": " + cause);
        }
    };

    @Test
    void offersReturnTheirPartitionAndTheListenerHearsEachBySequenceWhereItLanded() throws Exception {
        int partitions = 3;
        Topic.create(store, path, partitions, Map.of());
        // message number → "partition/sequence", the sequence counted per partition from the offers' answers
        Map<Integer, String> sent = new HashMap<>();
        long[] accepted = new long[partitions];
        TopicProducer producer = TopicProducer.create(store, path, Map.of(TopicProducer.PARTITIONER_STICKY_BYTES, 1000),
                listener);
        try {
            for (int i = 0; i < 300; i++) {
                byte[] key = i % 10 == 0 ? ("k" + i).getBytes() : null; // a few keyed ones among the keyless
                byte[] value = ByteBuffer.allocate(100).putInt(i).array();
                long partition;
                while ((partition = producer.offer(key, value)) == Producer.BACK_PRESSURED) {
                    LockSupport.parkNanos(100_000);
                }
                assertTrue(partition >= 0 && partition < partitions, "offer " + i + " returned " + partition);
                if (key != null) {
                    assertEquals(Partitioner.keyPartition(key, 0, key.length, partitions), partition, "keyed offer " + i);
                }
                int p = (int) partition;
                sent.put(i, p + "/" + accepted[p]++);
            }
            producer.flush(WAIT);
        } finally {
            producer.close(WAIT);
        }
        assertEquals(Producer.CLOSED, producer.offer(null, new byte[100]), "a closed producer refuses");
        assertEquals(List.of(), wrong);
        assertEquals(300, acked.size(), "one acknowledgement per message: " + acked.keySet());
        for (int p = 0; p < partitions; p++) {
            assertTrue(accepted[p] > 0, "keyless messages spread over every partition: " + Arrays.toString(accepted));
        }

        // Each message is in its partition's table at the (version, index) the listener heard for its sequence.
        Topic topic = Topic.open(store, path);
        Map<String, Integer> landed = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            int partition = p;
            long read = 0;
            long deadline = System.nanoTime() + WAIT.toNanos();
            try (Consumer consumer = Consumer.create(store, topic.partitionPath(p), Map.of(ConsumerConfig.START, "earliest"))) {
                while (read < accepted[p]) {
                    assertTrue(System.nanoTime() < deadline, "partition " + p + " read back within " + WAIT);
                    read += consumer.poll(m -> landed.put(partition + "@" + m.version() + "/" + m.index(),
                            ByteBuffer.wrap(m.value()).getInt()), 1000);
                    LockSupport.parkNanos(1_000_000);
                }
            }
        }
        for (Map.Entry<Integer, String> e : sent.entrySet()) {
            String where = acked.get(e.getValue());
            String partition = e.getValue().substring(0, e.getValue().indexOf('/'));
            assertEquals(e.getKey(), landed.get(partition + "@" + where),
                    "message " + e.getKey() + " offered as " + e.getValue() + ", acknowledged at " + where);
        }
    }
}

package io.deltaq.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

import io.deltaq.consumer.Consumer;
import io.deltaq.consumer.ConsumerConfig;
import io.deltaq.consumer.ConsumerFencedException;
import io.deltaq.e2e.KernelRows;
import io.deltaq.s3io.ObjectStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The topic producer and consumer groups against a real store. Group timings are short (session
 * 1.5 s, heartbeat 100 ms) so that hand-overs happen within a test; waits are on conditions.
 */
abstract class TopicClientsContractTest {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final long SESSION_MS = 1_500;

    protected abstract ObjectStore openStore();

    ObjectStore store;
    String path;
    final List<AutoCloseable> open = new ArrayList<>();

    @BeforeEach
    void openStoreAndPath() {
        store = openStore();
        path = "topics/t-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void closeEverything() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        store.close();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && (t.getName().startsWith("deltaq-group-") || t.getName().startsWith(Consumer.THREAD_NAME_PREFIX))) {
                fail("thread left running: " + t.getName());
            }
        }
    }

    Map<String, Object> groupConfig(String group) {
        Map<String, Object> m = new HashMap<>();
        m.put(GroupConfig.GROUP_ID, group);
        m.put(GroupConfig.SESSION_TIMEOUT_MS, SESSION_MS);
        m.put(GroupConfig.HEARTBEAT_INTERVAL_MS, 100);
        m.put(GroupConfig.CLOCK_SKEW_MS, 100);
        m.put(ConsumerConfig.POLL_INTERVAL_MS, 20);
        m.put(ConsumerConfig.POLL_INTERVAL_MIN_MS, 1);
        return m;
    }

    GroupConsumer member(String group) {
        GroupConsumer member = GroupConsumer.create(store, path, groupConfig(group), GroupRebalanceListener.NONE);
        open.add(() -> member.close(Duration.ofSeconds(10)));
        return member;
    }

    /** Sends {@code count} messages with values {@code from..from+count-1}, keyed by value mod 20, and waits for their acks. */
    List<TopicPosition> produce(int from, int count, Map<String, Object> config) {
        try (TopicProducer producer = TopicProducer.create(store, path, config)) {
            List<CompletableFuture<TopicPosition>> acks = new ArrayList<>();
            for (int i = from; i < from + count; i++) {
                acks.add(producer.send(key(i), Integer.toString(i).getBytes(StandardCharsets.UTF_8)));
            }
            return acks.stream().map(CompletableFuture::join).toList();
        }
    }

    static byte[] key(int value) {
        return ("k" + value % 20).getBytes(StandardCharsets.UTF_8);
    }

    /** What the members delivered: value → how many times. */
    final Map<Integer, Integer> delivered = new ConcurrentHashMap<>();
    final Map<Integer, Integer> deliveredFrom = new ConcurrentHashMap<>();

    final GroupMessageHandler record = (partition, m) -> {
        int value = Integer.parseInt(m.valueAsString());
        delivered.merge(value, 1, Integer::sum);
        deliveredFrom.put(value, partition);
    };

    void pollUntil(List<GroupConsumer> members, BooleanSupplier done, String what) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("not within " + WAIT.toSeconds() + " s: " + what + "; delivered " + delivered.size()
                        + ", assignments " + members.stream().map(GroupConsumer::assignment).toList());
            }
            for (GroupConsumer m : members) {
                m.poll(record, 100);
            }
            Thread.onSpinWait();
        }
    }

    void awaitAssignments(List<GroupConsumer> members, int... sizes) {
        pollUntil(members, () -> {
            for (int i = 0; i < sizes.length; i++) {
                if (members.get(i).assignment().size() != sizes[i]) {
                    return false;
                }
            }
            return true;
        }, "assignments of sizes " + java.util.Arrays.toString(sizes));
    }

    /* ------------------------------- producing ------------------------------- */

    @Test
    void keyedMessagesLandOnKafkasPartitionForTheirKeyInSendOrder() {
        Topic.create(store, path, 4, Map.of());
        List<TopicPosition> acks = produce(0, 400, Map.of());
        for (int i = 0; i < acks.size(); i++) {
            byte[] key = key(i);
            assertEquals(Partitioner.keyPartition(key, 0, key.length, 4), acks.get(i).partition(), "message " + i);
        }
        GroupConsumer only = member("g");
        pollUntil(List.of(only), () -> delivered.size() == 400, "every message delivered");
        for (int i = 0; i < 400; i++) {
            assertEquals(1, delivered.get(i), "message " + i + " once");
            assertEquals(acks.get(i).partition(), deliveredFrom.get(i), "message " + i + " from its partition");
        }
        for (int i = 20; i < 400; i++) {
            TopicPosition before = acks.get(i - 20); // the same key, sent 20 messages earlier
            TopicPosition after = acks.get(i);
            assertTrue(after.position().compareTo(before.position()) > 0, "order of key " + i % 20 + ": " + before + " then " + after);
        }
    }

    @Test
    void keylessMessagesReachEveryPartition() {
        Topic.create(store, path, 4, Map.of());
        Map<Integer, Integer> perPartition = new HashMap<>();
        try (TopicProducer producer = TopicProducer.create(store, path, Map.of(TopicProducer.PARTITIONER_STICKY_BYTES, 500))) {
            List<CompletableFuture<TopicPosition>> acks = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                acks.add(producer.send(null, new byte[100]));
            }
            for (CompletableFuture<TopicPosition> ack : acks) {
                perPartition.merge(ack.join().partition(), 1, Integer::sum);
            }
        }
        assertEquals(Set.of(0, 1, 2, 3), perPartition.keySet(), "partitions used: " + perPartition);
        perPartition.values().forEach(n -> assertEquals(50, n, "an equal share: " + perPartition));
    }

    @Test
    void kernelReadsEveryPartitionAsATableWithTheRowsProducedToIt(@org.junit.jupiter.api.io.TempDir java.nio.file.Path copy)
            throws Exception {
        Topic topic = Topic.create(store, path, 4, Map.of());
        List<TopicPosition> acks = produce(0, 400, Map.of());
        KernelRows.copyToDirectory(store, copy);
        int rows = 0;
        for (int p = 0; p < 4; p++) {
            long[] version = new long[1];
            List<KernelRows.Message> read = KernelRows.read(copy.resolve(topic.partitionPath(p)), version);
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < acks.size(); i++) {
                if (acks.get(i).partition() == p) {
                    expected.add(i + "@" + new String(key(i), StandardCharsets.UTF_8));
                }
            }
            List<String> actual = read.stream().map(m -> new String(m.value(), StandardCharsets.UTF_8) + "@"
                    + new String(m.key(), StandardCharsets.UTF_8)).sorted().toList();
            assertEquals(expected.stream().sorted().toList(), actual, "partition " + p + " as Kernel reads it");
            rows += read.size();
        }
        assertEquals(400, rows);
    }

    /* ------------------------------- groups ------------------------------- */

    @Test
    void membersOfAGroupSplitThePartitionsAndTogetherDeliverEveryMessageOnce() {
        Topic.create(store, path, 4, Map.of());
        GroupConsumer a = member("split");
        GroupConsumer b = member("split");
        awaitAssignments(List.of(a, b), 2, 2);
        assertEquals(Set.of(), intersection(a.assignment(), b.assignment()));
        produce(0, 400, Map.of());
        pollUntil(List.of(a, b), () -> delivered.size() == 400, "every message delivered");
        delivered.forEach((value, times) -> assertEquals(1, times, "message " + value));
        assertEquals(2, a.members().size());
    }

    @Test
    void aMemberThatLeavesHandsItsPartitionsOverFromItsCommittedPositions() {
        Topic.create(store, path, 4, Map.of());
        GroupConsumer a = member("leave");
        GroupConsumer b = member("leave");
        awaitAssignments(List.of(a, b), 2, 2);
        produce(0, 200, Map.of());
        pollUntil(List.of(a, b), () -> delivered.size() == 200, "the first 200 delivered");
        a.commitSync();
        b.commitSync();
        produce(200, 200, Map.of());
        a.close(Duration.ofSeconds(10));
        pollUntil(List.of(b), () -> delivered.size() == 400 && b.assignment().size() == 4, "b takes over and delivers the rest");
        delivered.forEach((value, times) -> assertEquals(1, times, "message " + value + ": committed before the hand-over, so once"));
    }

    @Test
    void aDeadMembersPartitionsMoveAfterItsSessionAndItsCommitIsRefused() {
        Topic.create(store, path, 4, Map.of());
        GroupConsumer a = member("dead");
        GroupConsumer b = member("dead");
        awaitAssignments(List.of(a, b), 2, 2);
        produce(0, 200, Map.of());
        pollUntil(List.of(a, b), () -> delivered.size() == 200, "the first 200 delivered");
        b.commitSync();
        Set<Integer> aHeld = a.assignment();

        a.membership().halt(); // a's process stops heartbeating, as if paused or killed
        long haltedAt = System.nanoTime();
        produce(200, 200, Map.of());
        pollUntil(List.of(b), () -> b.assignment().size() == 4 && delivered.size() == 400, "b takes a's partitions");
        long movedMs = (System.nanoTime() - haltedAt) / 1_000_000;
        assertTrue(movedMs >= SESSION_MS - 200, "not before a's lease ran out: " + movedMs + " ms");

        ConsumerFencedException fenced = assertThrows(ConsumerFencedException.class, a::commitSync);
        for (int p : aHeld) {
            assertTrue(fenced.getMessage().contains(Integer.toString(p)), fenced.getMessage());
        }
        // a never committed: b re-delivers a's partitions from their start, and skips nothing.
        for (int i = 0; i < 400; i++) {
            assertTrue(delivered.getOrDefault(i, 0) >= 1, "message " + i + " delivered");
        }
    }

    static Set<Integer> intersection(Set<Integer> x, Set<Integer> y) {
        Set<Integer> both = new java.util.TreeSet<>(x);
        both.retainAll(y);
        return both;
    }
}

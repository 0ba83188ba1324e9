package io.deltaq.topic;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.deltaq.consumer.ConsumedMessage;
import io.deltaq.consumer.Consumer;
import io.deltaq.consumer.ConsumerFencedException;
import io.deltaq.consumer.ConsumerRecord;
import io.deltaq.consumer.MessageHandler;
import io.deltaq.s3io.ObjectStore;
import io.deltaq.s3io.ObjectStores;

/**
 * A member of a consumer group ({@code group.id}): the members of a group split a topic's
 * partitions between them, each partition held by one member at a time under a lease in the bucket
 * (RFC 0006). Each partition this member holds is read by a {@link Consumer} named after the group,
 * so positions are committed per group and partition, and a member that is given a partition
 * resumes from the position the group committed for it.
 *
 * <p>Delivery is at least once with {@link #commitSync()}: a partition changes hands only after its
 * lease was released or ran out, and the next member starts at the newest committed position, so
 * no message is skipped across a rebalance; what was delivered after the last commit is delivered
 * again to the next member.
 *
 * <p>Not thread-safe, as a Kafka consumer: one application thread polls, commits and closes.
 * Rebalances happen inside {@link #poll}, where the {@link GroupRebalanceListener} hears them.
 */
public final class GroupConsumer implements AutoCloseable {

    /** The longest a poll with a timeout parks between looks at its partitions. */
    private static final long IDLE_PARK_NS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final Duration PARTITION_CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private final Topic topic;
    private final GroupConfig config;
    /** What each partition's consumer is opened with: the member's buffer split between the partitions at opening. */
    private final Map<String, Object> partitionConfig;
    private final GroupRebalanceListener listener;
    private final GroupMembership membership;
    private final ObjectStore ownedStore;
    private final TreeMap<Integer, Assigned> assigned = new TreeMap<>();
    /** {@link #assigned} as an array, rebuilt when it changes, so that a poll allocates nothing. */
    private Assigned[] order = new Assigned[0];
    /** The membership's change count this member last acted on. */
    private long seenChanges = -1;
    private int rotation;
    private boolean closed;

    /** A partition this member consumes, and the adapter that tells the handler its number without allocating. */
    private static final class Assigned implements MessageHandler {
        final int partition;
        final Consumer consumer;
        GroupMessageHandler handler;

        Assigned(int partition, Consumer consumer) {
            this.partition = partition;
            this.consumer = consumer;
        }

        @Override
        public void onMessage(ConsumedMessage message) {
            handler.onMessage(partition, message);
        }
    }

    private GroupConsumer(Topic topic, Map<String, ?> config, GroupRebalanceListener listener, ObjectStore ownedStore) {
        this.topic = topic;
        this.config = new GroupConfig(config);
        this.partitionConfig = this.config.partitionConsumerConfig(topic.partitions());
        this.listener = Objects.requireNonNull(listener, "listener");
        this.ownedStore = ownedStore;
        this.membership = new GroupMembership(topic, this.config);
        membership.start();
    }

    /**
     * A member of {@code group.id} for the topic at {@code address}; the store is closed with it.
     *
     * @param config {@link GroupConfig} keys and {@link io.deltaq.consumer.ConsumerConfig} keys but {@code consumer.name}
     */
    public static GroupConsumer open(String address, Map<String, ?> config, GroupRebalanceListener listener) {
        ObjectStore store = ObjectStores.open(address, System.getenv(), ObjectStores.DEFINITION.subset(config));
        try {
            return new GroupConsumer(Topic.open(store, ""), config, listener, store);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /** A member for the topic at {@code topicPath} in {@code store}, which stays the caller's to close. */
    public static GroupConsumer create(ObjectStore store, String topicPath, Map<String, ?> config,
                                       GroupRebalanceListener listener) {
        return new GroupConsumer(Topic.open(store, topicPath), config, listener, null);
    }

    /* ------------------------------- polling ------------------------------- */

    /**
     * Hands up to {@code limit} buffered messages of this member's partitions to {@code handler},
     * taking the partitions in turn; returns how many. Never waits for messages; first carries out
     * any change of the assignment (opening, closing and claiming partitions, telling the listener).
     */
    public int poll(GroupMessageHandler handler, int limit) {
        Objects.requireNonNull(handler, "handler");
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive, was " + limit);
        }
        ensureOpen();
        rebalance();
        Assigned[] partitions = order;
        if (partitions.length == 0) {
            return 0;
        }
        int n = 0;
        int start = (rotation = (rotation + 1) % partitions.length);
        for (int i = 0; i < partitions.length && n < limit; i++) {
            Assigned a = partitions[(start + i) % partitions.length];
            a.handler = handler;
            try {
                n += a.consumer.poll(a, limit - n);
            } finally {
                a.handler = null;
            }
        }
        return n;
    }

    /** Waits up to {@code timeout} for messages and returns those buffered, at most one poll's worth per partition. */
    public List<TopicRecord> poll(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<TopicRecord> out = new ArrayList<>();
        while (true) {
            ensureOpen();
            rebalance();
            for (Assigned a : assigned.values()) {
                for (ConsumerRecord r : a.consumer.poll(Duration.ZERO)) {
                    out.add(new TopicRecord(a.partition, r));
                }
            }
            long remaining = deadline - System.nanoTime();
            if (!out.isEmpty() || remaining <= 0) {
                return out;
            }
            LockSupport.parkNanos(this, Math.min(remaining, IDLE_PARK_NS));
        }
    }

    /**
     * Stores the position of every partition this member consumes, under the group's name.
     *
     * @throws ConsumerFencedException if this member no longer holds a partition's lease (it ran
     *     out, or another member took the partition and claimed its position); the partitions it
     *     still holds are committed first
     */
    public void commitSync() {
        ensureOpen();
        List<Integer> fenced = new ArrayList<>();
        for (Assigned a : assigned.values()) {
            if (!membership.holds(a.partition)) {
                fenced.add(a.partition);
                continue;
            }
            try {
                a.consumer.commitSync();
            } catch (ConsumerFencedException e) {
                fenced.add(a.partition);
            }
        }
        if (!fenced.isEmpty()) {
            throw new ConsumerFencedException(topic.location(), "group '" + config.groupId + "' member "
                    + membership.memberId() + " no longer holds partitions " + fenced + " of " + topic.location()
                    + ": their leases ran out or another member took them, so their positions were not committed;"
                    + " the next poll hands them over");
        }
    }

    /** The partitions this member consumes now. */
    public Set<Integer> assignment() {
        return Collections.unmodifiableSet(new TreeSet<>(assigned.keySet()));
    }

    /** This member's id, unique per instance, as the other members and the leases name it. */
    public String memberId() {
        return membership.memberId();
    }

    /** The live members of the group as this member last saw them, by id. */
    public List<String> members() {
        return membership.members();
    }

    public Topic topic() {
        return topic;
    }

    /** The consumer of a partition this member holds, for its position and metrics; empty otherwise. */
    public java.util.Optional<Consumer> partitionConsumer(int partition) {
        Assigned a = assigned.get(partition);
        return a == null ? java.util.Optional.empty() : java.util.Optional.of(a.consumer);
    }

    /** The membership behind this member, for tests that stop its heartbeats. */
    GroupMembership membership() {
        return membership;
    }

    /* ------------------------------- rebalancing ------------------------------- */

    /** Carries out what the membership thread decided: lost, revoked and newly held partitions. */
    private void rebalance() {
        long changes = membership.changes();
        if (changes == seenChanges) {
            return;
        }
        seenChanges = changes;
        try {
            applyMembership();
        } finally {
            order = assigned.values().toArray(new Assigned[0]);
        }
    }

    private void applyMembership() {
        Set<Integer> lost = new TreeSet<>();
        for (Integer p; (p = membership.pollLost()) != null; ) {
            Assigned a = assigned.remove(p);
            if (a != null) {
                lost.add(p);
                closeQuietly(a);
            }
        }
        if (!lost.isEmpty()) {
            listener.onPartitionsLost(lost);
        }
        Set<Integer> revoked = new TreeSet<>();
        for (int p : membership.toRevoke()) {
            if (assigned.containsKey(p)) {
                revoked.add(p);
            } else {
                membership.handBack(p);
            }
        }
        if (!revoked.isEmpty()) {
            listener.onPartitionsRevoked(revoked); // may commit: the leases are still held
            for (int p : revoked) {
                closeQuietly(assigned.remove(p));
                membership.handBack(p);
            }
        }
        Set<Integer> added = new TreeSet<>();
        for (int p : membership.held()) {
            if (!assigned.containsKey(p) && !membership.toRevoke().contains(p)) {
                Consumer consumer = Consumer.create(topic.store(), topic.partitionPath(p), partitionConfig);
                try {
                    // The claim: a position generation of this instance, so that a former holder that
                    // still believes in its lease is fenced at its next commit (RFC 0006, I3).
                    consumer.commitSync();
                } catch (RuntimeException e) {
                    consumer.close(PARTITION_CLOSE_TIMEOUT);
                    membership.handBack(p);
                    seenChanges = -1; // look again at the next poll
                    throw e;
                }
                assigned.put(p, new Assigned(p, consumer));
                added.add(p);
            }
        }
        if (!added.isEmpty()) {
            listener.onPartitionsAssigned(added);
        }
    }

    private static void closeQuietly(Assigned a) {
        try {
            a.consumer.close(PARTITION_CLOSE_TIMEOUT);
        } catch (RuntimeException e) {
            // Closing a partition's reader loses nothing: its position is whatever was committed.
        }
    }

    /* ------------------------------- lifecycle ------------------------------- */

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("group consumer of " + topic.location() + " is closed");
        }
    }

    /**
     * Leaves the group: closes every partition's consumer (without committing: call
     * {@link #commitSync()} first), releases the leases so that the other members take the
     * partitions at their next heartbeat, and stops the membership thread, within {@code timeout}.
     */
    public void close(Duration timeout) {
        if (closed) {
            return;
        }
        closed = true;
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Assigned a : assigned.values()) {
            closeQuietly(a);
        }
        assigned.clear();
        order = new Assigned[0];
        membership.close(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        if (ownedStore != null) {
            ownedStore.close();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }
}

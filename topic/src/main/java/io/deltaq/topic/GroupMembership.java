package io.deltaq.topic;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.deltaq.deltalog.TableLease;
import io.deltaq.s3io.Futures;
import io.deltaq.s3io.Listing;
import io.deltaq.s3io.ObjectStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member's side of a consumer group (RFC 0006, "Consumer groups"), on a thread of its own. Each
 * heartbeat it writes its member file, reads the members and the topic, computes the assignment every
 * member computes alike (partition {@code p} to the {@code p mod n}-th live member by id), renews the
 * leases it holds, asks the application to hand back the partitions assigned elsewhere, releases what
 * was handed back, and tries to take the leases of the partitions assigned to it. A partition is the
 * member's only while it holds that partition's {@link TableLease}; the application consumes exactly
 * the partitions in {@link #held}.
 */
final class GroupMembership {

    private static final Logger LOG = LoggerFactory.getLogger(GroupMembership.class);
    private static final JsonFactory JSON = new JsonFactory();
    /** Member files of members gone this many session timeouts are deleted by whoever sees them. */
    private static final int FORGET_AFTER_SESSIONS = 10;

    private final Topic initialTopic;
    private final ObjectStore store;
    private final GroupConfig config;
    private final String memberId = UUID.randomUUID().toString();
    private final String membersPrefix;
    private final Thread thread;
    private volatile boolean running = true;
    /** Set by {@link #halt()}: the thread stops as a killed process would, leaving leases and member file behind. */
    private volatile boolean halted;
    private volatile boolean wakeRequested;

    /** The lease of every partition this member holds or is trying to take; written by the membership thread. */
    private final Map<Integer, TableLease> leases = new ConcurrentHashMap<>();
    /** Partitions whose lease this member holds: the application's to consume. */
    private final Set<Integer> held = ConcurrentHashMap.newKeySet();
    /** Held partitions that the assignment gives to another member: the application hands them back. */
    private final Set<Integer> toRevoke = ConcurrentHashMap.newKeySet();
    /** Partitions whose lease ran out or was taken while held; the application stops consuming them. */
    private final Queue<Integer> lost = new ConcurrentLinkedQueue<>();
    /** Partitions the application handed back: their leases are released next. */
    private final Queue<Integer> handedBack = new ConcurrentLinkedQueue<>();

    private volatile List<String> members = List.of();
    private volatile int partitions;
    /** Counts every change of {@link #held}, {@link #toRevoke} and {@link #lost}, so that the application looks only after one. */
    private final AtomicLong changes = new AtomicLong();
    private final AtomicLong heartbeats = new AtomicLong();
    private final AtomicLong failedHeartbeats = new AtomicLong();

    GroupMembership(Topic topic, GroupConfig config) {
        this.initialTopic = topic;
        this.store = topic.store();
        this.config = config;
        this.partitions = topic.partitions();
        this.membersPrefix = topic.root() + groupDir(config.groupId) + "members/";
        this.thread = new Thread(this::run, "deltaq-group-" + config.groupId + "-" + memberId.substring(0, 8));
    }

    /** Where a group's files live under the topic root. */
    static String groupDir(String groupId) {
        return "_deltaq/groups/" + groupId + "/";
    }

    /** The directory of a group's lease of one partition, under that partition's table root. */
    static String leaseDir(String groupId) {
        return groupDir(groupId);
    }

    void start() {
        thread.start();
    }

    /* ------------------------- what the application reads ------------------------- */

    String memberId() {
        return memberId;
    }

    Set<Integer> held() {
        return held;
    }

    Set<Integer> toRevoke() {
        return toRevoke;
    }

    long changes() {
        return changes.get();
    }

    Integer pollLost() {
        return lost.poll();
    }

    /** Whether this member holds partition {@code p}'s lease now, by its own clock: only then may it commit p's position. */
    boolean holds(int partition) {
        TableLease lease = leases.get(partition);
        return held.contains(partition) && lease != null && lease.holds();
    }

    /** The application stopped consuming {@code partition}: release its lease at once. */
    void handBack(int partition) {
        // No longer the application's at once: were it left in held until the release, a new
        // assignment could give it back to the application while its lease is being released.
        handedBack.add(partition);
        held.remove(partition);
        toRevoke.remove(partition);
        changes.incrementAndGet();
        wake();
    }

    List<String> members() {
        return members;
    }

    long heartbeats() {
        return heartbeats.get();
    }

    long failedHeartbeats() {
        return failedHeartbeats.get();
    }

    /* ------------------------------- the thread ------------------------------- */

    private void run() {
        long intervalNs = TimeUnit.MILLISECONDS.toNanos(config.heartbeatIntervalMs);
        long failuresInARow = 0;
        while (running) {
            long next = System.nanoTime() + intervalNs;
            try {
                cycle();
                heartbeats.incrementAndGet();
                failuresInARow = 0;
            } catch (RuntimeException e) {
                failedHeartbeats.incrementAndGet();
                if (failuresInARow++ == 0) {
                    LOG.warn("group '{}' member {}: heartbeat failed; leases stay held until they run out: {}",
                            config.groupId, memberId, e.toString());
                }
            }
            dropExpired();
            while (running && !wakeRequested && next - System.nanoTime() > 0) {
                LockSupport.parkNanos(this, next - System.nanoTime());
            }
            wakeRequested = false;
        }
        if (!halted) {
            leave();
        }
    }

    private void wake() {
        wakeRequested = true;
        LockSupport.unpark(thread);
    }

    private void cycle() {
        writeHeartbeat(System.currentTimeMillis() + config.sessionTimeoutMs);
        Topic topic = initialTopic.plainTable() ? initialTopic : initialTopic.refresh();
        partitions = topic.partitions();
        members = liveMembers();
        releaseHandedBack();
        Set<Integer> target = assignment(members, memberId, partitions);
        for (int p : held) {
            renew(p);
        }
        for (int p : held) {
            if (target.contains(p) ? toRevoke.remove(p) : toRevoke.add(p)) {
                changes.incrementAndGet();
            }
        }
        for (int p : target) {
            if (!held.contains(p) && !handedBack.contains(p) && running) {
                TableLease lease = leases.computeIfAbsent(p, q -> TableLease.at(topic.partitionTable(q),
                        leaseDir(config.groupId), memberId, Duration.ofMillis(config.sessionTimeoutMs),
                        Duration.ofMillis(config.clockSkewMs)));
                if (lease.tryAcquireOrRenew()) {
                    held.add(p);
                    changes.incrementAndGet();
                    LOG.debug("group '{}' member {}: took partition {}", config.groupId, memberId, p);
                }
            }
        }
    }

    private void renew(int partition) {
        TableLease lease = leases.get(partition);
        if (!lease.renewalDue()) {
            return; // renewed less than a third of the session ago: dropExpired() guards the deadline
        }
        try {
            if (!lease.tryAcquireOrRenew()) {
                markLost(partition, "its lease was taken by " + lease.lastSeen().map(TableLease.Lease::holder).orElse("?"));
            }
        } catch (RuntimeException e) {
            // Held until its deadline; dropExpired() notices if no renewal gets through by then.
            LOG.debug("group '{}' member {}: renewing partition {} failed: {}", config.groupId, memberId, partition, e.toString());
        }
    }

    /** Leases that ran out by this member's clock: the partition is no longer its to consume. */
    private void dropExpired() {
        for (int p : held) {
            TableLease lease = leases.get(p);
            if (lease == null || !lease.holds()) {
                markLost(p, "its lease ran out before it could be renewed");
            }
        }
    }

    private void markLost(int partition, String why) {
        if (held.remove(partition)) {
            toRevoke.remove(partition);
            lost.add(partition);
            changes.incrementAndGet();
            LOG.warn("group '{}' member {}: lost partition {}: {}", config.groupId, memberId, partition, why);
        }
    }

    private void releaseHandedBack() {
        for (Integer p; (p = handedBack.peek()) != null; handedBack.poll()) {
            held.remove(p);
            toRevoke.remove(p);
            changes.incrementAndGet();
            TableLease lease = leases.remove(p);
            if (lease != null) {
                lease.release();
            }
        }
    }

    /** Releases every lease and removes the member file, so that the others take the partitions at their next heartbeat. */
    private void leave() {
        releaseHandedBack();
        for (int p : new ArrayList<>(leases.keySet())) {
            held.remove(p);
            TableLease lease = leases.remove(p);
            lease.release();
        }
        try {
            await(store.delete(memberKey(memberId)), "deleting " + memberKey(memberId));
        } catch (RuntimeException e) {
            LOG.debug("group '{}' member {}: leaving without deleting its member file: {}", config.groupId, memberId, e.toString());
        }
    }

    /** Stops the thread, releasing the leases and leaving the group; waits up to {@code timeout}. */
    void close(Duration timeout) {
        running = false;
        wake();
        try {
            thread.join(Math.max(1, timeout.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops the thread without leaving: no release, no member file removed, as when the process is
     * killed or paused. The others take the partitions after the session timeout. For tests.
     */
    void halt() {
        halted = true;
        close(Duration.ofSeconds(10));
    }

    /* ------------------------------- members ------------------------------- */

    /**
     * The assignment every member computes alike from the same members: partition {@code p} goes to
     * the {@code p mod n}-th member in id order.
     */
    static Set<Integer> assignment(List<String> sortedMembers, String member, int partitions) {
        Set<Integer> mine = new TreeSet<>();
        int index = sortedMembers.indexOf(member);
        if (index < 0) {
            return mine;
        }
        for (int p = index; p < partitions; p += sortedMembers.size()) {
            mine.add(p);
        }
        return mine;
    }

    private void writeHeartbeat(long expiresAtMs) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("member", memberId);
            g.writeStringField("host", ProcessHandle.current().pid() + "@" + hostName());
            g.writeNumberField("expiresAtMs", expiresAtMs);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        await(store.put(memberKey(memberId), out.toByteArray()), "writing the heartbeat " + memberKey(memberId));
    }

    /** The members whose heartbeat has not run out, sorted by id, this one always among them. */
    private List<String> liveMembers() {
        List<String> keys = new ArrayList<>();
        await(Listing.forEach(store, membersPrefix, null, 1000, info -> {
            if (info.key().endsWith(".json")) {
                keys.add(info.key());
            }
            return true;
        }), "listing " + membersPrefix);
        List<CompletableFuture<Optional<byte[]>>> reads = new ArrayList<>();
        for (String key : keys) {
            reads.add(store.get(key));
        }
        long now = System.currentTimeMillis();
        TreeSet<String> live = new TreeSet<>();
        live.add(memberId);
        for (int i = 0; i < keys.size(); i++) {
            Optional<byte[]> data = await(reads.get(i), "reading " + keys.get(i));
            if (data.isEmpty()) {
                continue; // it left between the listing and the read
            }
            long expiresAtMs = expiresAtMs(data.get());
            String id = keys.get(i).substring(membersPrefix.length(), keys.get(i).length() - ".json".length());
            if (expiresAtMs < 0) {
                LOG.warn("group '{}': member file {} is not readable; its member is taken as gone", config.groupId, keys.get(i));
            } else if (now <= expiresAtMs + config.clockSkewMs) {
                live.add(id);
            } else if (now > expiresAtMs + FORGET_AFTER_SESSIONS * config.sessionTimeoutMs) {
                store.delete(keys.get(i)); // best effort: a member long gone
            }
        }
        return List.copyOf(live);
    }

    private static long expiresAtMs(byte[] data) {
        try (JsonParser p = JSON.createParser(data)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return -1;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("expiresAtMs") && value == JsonToken.VALUE_NUMBER_INT) {
                    return p.getLongValue();
                }
                p.skipChildren();
            }
            return -1;
        } catch (IOException e) {
            return -1;
        }
    }

    private String memberKey(String id) {
        return membersPrefix + id + ".json";
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown-host";
        }
    }

    private <T> T await(CompletableFuture<T> future, String what) {
        return Futures.await(future, TimeUnit.MILLISECONDS.toNanos(config.heartbeatIntervalMs * 2),
                cause -> new TopicException("group '" + config.groupId + "': " + what + " failed: " + cause, cause));
    }
}

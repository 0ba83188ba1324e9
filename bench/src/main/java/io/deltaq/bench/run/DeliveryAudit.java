package io.deltaq.bench.run;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checks a run's deliveries against what its producers were told and what the topic holds: the
 * delivery audit of a chaos run. Messages are named by (producer index, the producer's sequence
 * number in the payload); sequence numbers of one producer increase in send order across restarts
 * of its worker (a restarted pacer continues at the current time's number), so a set of them per
 * producer, and the last one seen per partition, are all the books it needs. Order is checked per
 * partition and producer: a producer's messages in one partition must come in its send order, and
 * its messages in different partitions have no order between them.
 *
 * <p>Feed it each partition's table in order ({@link #inTable}), the producers' records ({@link #offered},
 * {@link #acknowledged}, {@link #failed}) and each consumer's incarnations in order
 * ({@link #consumerStarted}, then its {@link #delivered} and {@link #committed} records in the
 * order they happened), then {@link #finish}. The checks that must come out 0:
 * <ol>
 *   <li>acknowledged messages missing from the table;
 *   <li>messages delivered again to a consumer although a position after them had been committed
 *       before its restart, or delivered twice by one incarnation;
 *   <li>order violations per partition and producer, in the table and in each incarnation's delivery stream;
 *   <li>messages reported failed (not "outcome unknown") that are in the table;
 * </ol>
 * and, as the table is exactly-once too, duplicates in the table, and messages of the table never
 * delivered to a consumer that reached the table's end.
 */
final class DeliveryAudit {

    /** The figures of an audit, and whether it is clean. */
    record Result(long tableMessages, long tableDuplicates, long tableOrderViolations, long acknowledged,
            long acknowledgedMissing, long acknowledgedExpired, long failed, long failedInTable, long outcomeUnknown, long outcomeUnknownInTable,
            long unresolved, long unresolvedInTable, long deliveries, long legalRedeliveries, long illegalRedeliveries,
            long deliveryOrderViolations, long undelivered, long foreign, Map<String, Long> failureCauses,
            List<String> examples) {

        boolean clean() {
            return acknowledgedMissing == 0 && illegalRedeliveries == 0 && tableOrderViolations == 0
                    && deliveryOrderViolations == 0 && failedInTable == 0 && tableDuplicates == 0 && undelivered == 0
                    && foreign == 0;
        }

        /** What failed, for a verdict; empty when clean. */
        String problems() {
            List<String> problems = new ArrayList<>();
            add(problems, acknowledgedMissing, "acknowledged messages missing from the table");
            add(problems, illegalRedeliveries, "deliveries of messages at or before a committed position");
            add(problems, tableOrderViolations, "order violations per partition and producer in the table");
            add(problems, deliveryOrderViolations, "order violations per partition and producer in a consumer's deliveries");
            add(problems, failedInTable, "messages reported failed that are in the table");
            add(problems, tableDuplicates, "messages twice in the table");
            add(problems, undelivered, "messages in the table never delivered to a consumer that reached its end");
            add(problems, foreign, "messages of unknown producers");
            return String.join(", ", problems);
        }

        private static void add(List<String> problems, long count, String what) {
            if (count > 0) {
                problems.add(count + " " + what);
            }
        }
    }

    private static final int MAX_EXAMPLES = 10;

    /** One producer's books. */
    private static final class Producer {
        final BitSet table = new BitSet();
        final BitSet offered = new BitSet();
        final BitSet acked = new BitSet();
        final BitSet failed = new BitSet();
        final BitSet unknown = new BitSet();
        /** By partition, the highest sequence read from its table so far. */
        final long[] lastInTable;

        Producer(int partitions) {
            lastInTable = new long[partitions];
            java.util.Arrays.fill(lastInTable, -1);
        }
    }

    /** One consumer's books across its incarnations. */
    private static final class Consumer {
        final List<BitSet> delivered = new ArrayList<>();
        /** Covered by a position committed by an earlier incarnation: must not come again. */
        final List<BitSet> covered = new ArrayList<>();
        /** Delivered by the current incarnation. */
        final List<BitSet> current = new ArrayList<>();
        /** By producer and partition, the highest sequence the current incarnation delivered. */
        long[][] lastSequence;
        /** Delivered by the current incarnation since its last commit, as (producer, sequence) pairs. */
        long[] sinceCommit = new long[1024];
        int sinceCommitCount;
        /** Covered by the current incarnation's commits, for the next incarnations. */
        final List<long[]> committedNow = new ArrayList<>();
        int committedNowCount;
        boolean started;
    }

    private final List<Producer> producers = new ArrayList<>();
    private final Map<Integer, Consumer> consumers = new TreeMap<>();
    private final Map<String, Long> failureCauses = new TreeMap<>();
    private final List<String> examples = new ArrayList<>();
    private long tableMessages;
    private long tableDuplicates;
    private long tableOrderViolations;
    private long deliveries;
    private long legalRedeliveries;
    private long illegalRedeliveries;
    private long deliveryOrderViolations;
    private long foreign;

    /** Whether retention may have removed the oldest messages before the table was read back. */
    private final boolean retention;
    private final int partitions;
    /** Members per consumer group: consumer {@code c} of the records is member {@code c % members} of group {@code c / members}. */
    private final int members;
    private final java.util.Set<Integer> groupsReachedEnd = new java.util.TreeSet<>();

    DeliveryAudit(int producerCount, int partitions) {
        this(producerCount, partitions, false, 1);
    }

    /**
     * @param retention the table's retention may have expired its oldest messages (a soak with
     *     maintenance, on a topic of one partition): an acknowledged message missing from the table
     *     is then legal when it is older than its producer's oldest message in the table, since
     *     retention removes whole prefixes of positions and a producer's messages are in the table in
     *     its order; a missing message after that is lost as always
     */
    DeliveryAudit(int producerCount, int partitions, boolean retention, int members) {
        if (retention && partitions != 1) {
            throw new IllegalArgumentException("retention is audited on a topic of one partition only, not "
                    + partitions);
        }
        this.retention = retention;
        this.partitions = partitions;
        this.members = members;
        for (int i = 0; i < producerCount; i++) {
            producers.add(new Producer(partitions));
        }
    }

    private Producer producer(int index) {
        return index >= 0 && index < producers.size() ? producers.get(index) : null;
    }

    private boolean knownPartition(int partition) {
        return partition >= 0 && partition < partitions;
    }

    private void example(String text) {
        if (examples.size() < MAX_EXAMPLES) {
            examples.add(text);
        }
    }

    private static int bit(long sequence) {
        if (sequence < 0 || sequence > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("sequence number " + sequence + " out of the audit's range");
        }
        return (int) sequence;
    }

    /** The next message of {@code partition}'s table, in that table's order. */
    void inTable(int partition, int producerIndex, long sequence) {
        tableMessages++;
        Producer p = producer(producerIndex);
        if (p == null || !knownPartition(partition)) {
            foreign++;
            example("table: message of unknown producer " + producerIndex + " or partition " + partition + " seq "
                    + sequence);
            return;
        }
        int s = bit(sequence);
        long last = p.lastInTable[partition];
        if (p.table.get(s)) {
            tableDuplicates++;
            example("table: producer " + producerIndex + " seq " + sequence + " twice");
        } else if (sequence < last) {
            tableOrderViolations++;
            example("table: partition " + partition + ": producer " + producerIndex + " seq " + sequence
                    + " after seq " + last);
        }
        p.table.set(s);
        p.lastInTable[partition] = Math.max(last, sequence);
    }

    void offered(int producerIndex, long from, long to) {
        Producer p = producer(producerIndex);
        if (p != null) {
            p.offered.set(bit(from), bit(to) + 1);
        }
    }

    void acknowledged(int producerIndex, long from, long to) {
        Producer p = producer(producerIndex);
        if (p != null) {
            p.acked.set(bit(from), bit(to) + 1);
            p.offered.set(bit(from), bit(to) + 1);
        }
    }

    void failed(int producerIndex, long from, long to, boolean outcomeUnknown, String cause) {
        Producer p = producer(producerIndex);
        if (p != null) {
            (outcomeUnknown ? p.unknown : p.failed).set(bit(from), bit(to) + 1);
            p.offered.set(bit(from), bit(to) + 1);
            failureCauses.merge((outcomeUnknown ? "outcome unknown: " : "failed: ") + cause, to - from + 1, Long::sum);
        }
    }

    /** A consumer's next incarnation begins (its first, or a restart after a kill). */
    void consumerStarted(int consumerIndex) {
        Consumer c = consumers.computeIfAbsent(consumerIndex, i -> {
            Consumer fresh = new Consumer();
            for (int k = 0; k < producers.size(); k++) {
                fresh.delivered.add(new BitSet());
                fresh.covered.add(new BitSet());
                fresh.current.add(new BitSet());
            }
            return fresh;
        });
        if (c.started) {
            // What the ended incarnation committed now covers the next ones.
            for (long[] chunk : c.committedNow) {
                for (long pair : chunk) {
                    if (pair != Long.MIN_VALUE) {
                        c.covered.get((int) (pair >>> 32)).set((int) pair);
                    }
                }
            }
        }
        c.started = true;
        c.committedNow.clear();
        c.committedNowCount = 0;
        c.sinceCommitCount = 0;
        c.current.forEach(BitSet::clear);
        c.lastSequence = new long[producers.size()][partitions];
        for (long[] byPartition : c.lastSequence) {
            java.util.Arrays.fill(byPartition, -1);
        }
    }

    void delivered(int consumerIndex, int partition, int producerIndex, long sequence) {
        Consumer c = consumers.get(consumerIndex);
        if (c == null || !c.started) {
            throw new IllegalStateException("a delivery to consumer " + consumerIndex + " before it started");
        }
        deliveries++;
        if (producer(producerIndex) == null || !knownPartition(partition)) {
            foreign++;
            example("consumer " + consumerIndex + ": message of unknown producer " + producerIndex + " or partition "
                    + partition + " seq " + sequence);
            return;
        }
        int s = bit(sequence);
        long[] last = c.lastSequence[producerIndex];
        if (c.current.get(producerIndex).get(s)) {
            illegalRedeliveries++;
            example("consumer " + consumerIndex + ": producer " + producerIndex + " seq " + sequence
                    + " delivered twice by one incarnation");
        } else if (c.covered.get(producerIndex).get(s)) {
            illegalRedeliveries++;
            example("consumer " + consumerIndex + ": producer " + producerIndex + " seq " + sequence
                    + " delivered again after a position past it was committed");
        } else if (c.delivered.get(producerIndex).get(s)) {
            legalRedeliveries++;
        }
        if (sequence < last[partition]) {
            deliveryOrderViolations++;
            example("consumer " + consumerIndex + ": partition " + partition + ": producer " + producerIndex + " seq "
                    + sequence + " after seq " + last[partition]);
        }
        last[partition] = Math.max(last[partition], sequence);
        c.current.get(producerIndex).set(s);
        c.delivered.get(producerIndex).set(s);
        if (c.sinceCommitCount == c.sinceCommit.length) {
            c.sinceCommit = java.util.Arrays.copyOf(c.sinceCommit, c.sinceCommit.length * 2);
        }
        c.sinceCommit[c.sinceCommitCount++] = ((long) producerIndex << 32) | s;
    }

    /** The consumer committed a position after everything its current incarnation delivered so far. */
    void committed(int consumerIndex) {
        Consumer c = consumers.get(consumerIndex);
        if (c == null || !c.started) {
            throw new IllegalStateException("a commit of consumer " + consumerIndex + " before it started");
        }
        long[] chunk = java.util.Arrays.copyOf(c.sinceCommit, c.sinceCommitCount);
        c.committedNow.add(chunk);
        c.sinceCommitCount = 0;
    }

    /**
     * Consumer group {@code group} (its last incarnations) delivered the table through its end: between
     * them, its members must have delivered every message in it. With one member per group, the group
     * is the consumer of the same index.
     */
    void reachedEnd(int group) {
        groupsReachedEnd.add(group);
    }

    Result finish() {
        long acked = 0;
        long ackedMissing = 0;
        long ackedExpired = 0;
        long failed = 0;
        long failedInTable = 0;
        long unknown = 0;
        long unknownInTable = 0;
        long unresolved = 0;
        long unresolvedInTable = 0;
        for (int i = 0; i < producers.size(); i++) {
            Producer p = producers.get(i);
            acked += p.acked.cardinality();
            BitSet missing = (BitSet) p.acked.clone();
            missing.andNot(p.table);
            if (retention) {
                int oldestInTable = p.table.nextSetBit(0);
                int expiredBelow = oldestInTable < 0 ? Integer.MAX_VALUE : oldestInTable;
                ackedExpired += missing.get(0, expiredBelow).cardinality();
                missing.clear(0, expiredBelow);
            }
            ackedMissing += missing.cardinality();
            for (int s = missing.nextSetBit(0); s >= 0 && examples.size() < MAX_EXAMPLES; s = missing.nextSetBit(s + 1)) {
                example("producer " + i + " seq " + s + " acknowledged, not in the table");
            }
            failed += p.failed.cardinality();
            BitSet failedPresent = (BitSet) p.failed.clone();
            failedPresent.and(p.table);
            failedInTable += failedPresent.cardinality();
            for (int s = failedPresent.nextSetBit(0); s >= 0 && examples.size() < MAX_EXAMPLES;
                    s = failedPresent.nextSetBit(s + 1)) {
                example("producer " + i + " seq " + s + " reported failed, in the table");
            }
            unknown += p.unknown.cardinality();
            BitSet unknownPresent = (BitSet) p.unknown.clone();
            unknownPresent.and(p.table);
            unknownInTable += unknownPresent.cardinality();
            // Neither acknowledged nor failed: in flight when a worker was killed, or offered after its last record.
            BitSet open = (BitSet) p.offered.clone();
            open.or(p.table);
            open.andNot(p.acked);
            open.andNot(p.failed);
            open.andNot(p.unknown);
            unresolved += open.cardinality();
            open.and(p.table);
            unresolvedInTable += open.cardinality();
        }
        long undelivered = 0;
        for (int group : groupsReachedEnd) {
            for (int i = 0; i < producers.size(); i++) {
                BitSet never = (BitSet) producers.get(i).table.clone();
                for (int m = 0; m < members; m++) {
                    Consumer member = consumers.get(group * members + m);
                    if (member != null) {
                        never.andNot(member.delivered.get(i));
                    }
                }
                undelivered += never.cardinality();
                int s = never.nextSetBit(0);
                if (s >= 0) {
                    example((members == 1 ? "consumer " : "consumer group ") + group + ": producer " + i + " seq " + s
                            + " in the table, never delivered");
                }
            }
        }
        return new Result(tableMessages, tableDuplicates, tableOrderViolations, acked, ackedMissing, ackedExpired, failed,
                failedInTable,
                unknown, unknownInTable, unresolved, unresolvedInTable, deliveries, legalRedeliveries, illegalRedeliveries,
                deliveryOrderViolations, undelivered, foreign, java.util.Collections.unmodifiableMap(new TreeMap<>(failureCauses)),
                List.copyOf(examples));
    }
}

package io.deltaq.bench.driver;

import java.nio.ByteOrder;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.deltaq.consumer.ConsumedMessage;
import io.deltaq.consumer.Consumer;
import io.deltaq.consumer.ConsumerConfig;
import io.deltaq.producer.Producer;
import io.deltaq.producer.ProducerConfig;
import io.deltaq.producer.ProducerMetrics;
import io.deltaq.s3io.FaultInjectingStore;
import io.deltaq.s3io.ObjectStore;
import io.deltaq.s3io.ObjectStores;
import io.deltaq.s3io.StoreMetrics;
import io.deltaq.topic.GroupConfig;
import io.deltaq.topic.GroupConsumer;
import io.deltaq.topic.GroupMessageHandler;
import io.deltaq.topic.GroupRebalanceListener;
import io.deltaq.topic.Topic;
import io.deltaq.topic.TopicAckListener;
import io.deltaq.topic.TopicProducer;
import org.agrona.DirectBuffer;

/**
 * deltaq as the system under test: a fresh topic per rate in the target store (a plain table when it
 * has one partition, as before topics), producers sending keyless messages with
 * {@link TopicProducer#offer} (no allocation), and consumers that are each a group of their own
 * ({@link GroupConsumer}), so each holds and tails every partition.
 */
public final class DeltaqDriver implements BenchDriver {

    @Override
    public String name() {
        return "deltaq";
    }

    @Override
    public String describeDefaults() {
        return "linger.ms=5 (group commit), compression snappy, a topic per rate (one partition: a plain table),"
                + " keyless messages, each consumer a group of its own";
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
     * continues as the same writer (its batch sequence, its fencing) in every partition.
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
            // The listener is made before the producer, which needs it: sized by the topic as it is now,
            // and checked against the producer's own count below (the bench never grows a topic).
            int partitions = Topic.open(store, topic).partitions();
            AckCounter acks = new AckCounter(new OfferIndexes(partitions), outcomes);
            TopicProducer producer = TopicProducer.create(store, topic, config, acks);
            if (producer.partitions() != partitions) {
                producer.close(Duration.ZERO);
                throw new IllegalStateException("topic " + topic + " grew from " + partitions + " to "
                        + producer.partitions() + " partitions while producer " + index + " opened");
            }
            return new DeltaqProducer(store, producer, acks);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /**
     * A group of its own, named by its index: it holds every partition, and a consumer restarted
     * after its worker was killed resumes at the group's committed positions. Opened once it holds
     * them all, so that taking the leases and opening the partitions is not part of its first timed poll.
     */
    @Override
    public BenchConsumer newConsumer(Map<String, String> connection, String topic, ClientOptions options, int index) {
        return groupConsumer(connection, topic, options, index, 2L * index + 1, false);
    }

    /**
     * A member of group {@link #consumerName} {@code group}, sharing its partitions with the others: it
     * starts at once, holding what the group gives it, and commits before it gives a partition up.
     */
    @Override
    public BenchConsumer newGroupMember(Map<String, String> connection, String topic, ClientOptions options, int group,
            int member) {
        return groupConsumer(connection, topic, options, group, 2L * (group + 1_000L * member) + 1, true);
    }

    /**
     * A member of group {@code group} reading from the earliest position, its store's faults drawn with
     * {@code storeSeed}: alone in its group and opened once it holds every partition, or {@code shared}.
     */
    private static BenchConsumer groupConsumer(Map<String, String> connection, String topic, ClientOptions options,
            int group, long storeSeed, boolean shared) {
        ObjectStore store = DeltaqTarget.openStore(connection, storeSeed);
        DeltaqConsumer consumer = new DeltaqConsumer(store);
        try {
            Map<String, Object> config = new HashMap<>();
            config.put(GroupConfig.GROUP_ID, consumerName(group));
            config.put(ConsumerConfig.START, "earliest");
            // The session matters only when a worker is killed or a member leaves: the library's defaults,
            // unless the run says otherwise (a run with kills shortens it).
            config.putAll(options.consumerConfig());
            GroupConsumer member = GroupConsumer.create(store, topic, config, consumer);
            if (shared) {
                consumer.join(member);
            } else {
                consumer.open(member);
            }
            return consumer;
        } catch (RuntimeException e) {
            consumer.close();
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

    /** Adds {@code nanos} to {@code into} under the stage's name in lower case, {@code commit_wait} as {@code commit-wait}. */
    static void addStage(Map<String, org.HdrHistogram.Histogram> into, Enum<?> stage, org.HdrHistogram.Histogram nanos) {
        addTimes(into, stage.name().toLowerCase(Locale.ROOT).replace('_', '-'), nanos);
    }

    private static void addTimes(Map<String, org.HdrHistogram.Histogram> into, String name,
            org.HdrHistogram.Histogram nanos) {
        org.HdrHistogram.Histogram sum = into.get(name);
        if (sum == null) {
            into.put(name, nanos);
        } else {
            sum.add(nanos);
        }
    }

    /**
     * Adds the latency of every {@code op} request {@code store} sent (retries included) under
     * {@code store.<op>}: the storage round trips under this run's load, beside the stages they are in.
     */
    static void addStoreTimes(ObjectStore store, StoreMetrics.Operation op, Map<String, org.HdrHistogram.Histogram> into) {
        addTimes(into, "store." + op.label(),
                store.metrics().snapshot(op).latencyNanos());
    }

    /** Tick field: how long the newest checkpoint a producer wrote took, in ms; absent before its first. */
    public static final String LAST_CHECKPOINT_MS = "lastCheckpointMs";

    /** Tick counters of injected faults start with this, followed by the kind in lower case. */
    public static final String FAULT_COUNTER_PREFIX = "fault.";

    /**
     * How long a consumer may take to hold every partition of its topic when it opens: at once on a
     * fresh topic; after a kill, once its predecessor's leases ran out.
     */
    private static final long ASSIGNMENT_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(60);

    /** Hands a consumed message's {@link Payload} header to {@code sink}, decoded in place. */
    static void deliver(int partition, ConsumedMessage message, MessageSink sink) {
        DirectBuffer buffer = message.buffer();
        int value = message.valueOffset();
        sink.onMessage(partition, buffer.getLong(value + Payload.INTENDED_MICROS_OFFSET, ByteOrder.BIG_ENDIAN),
                buffer.getInt(value + Payload.PRODUCER_INDEX_OFFSET, ByteOrder.BIG_ENDIAN),
                buffer.getLong(value + Payload.SEQUENCE_OFFSET, ByteOrder.BIG_ENDIAN));
    }

    /**
     * A group member of its own that polls with itself as the reused handler. It keeps each held
     * partition's consumer by partition number, from the rebalance callbacks, so that
     * {@link #reached} looks at their positions without allocating.
     */
    private static final class DeltaqConsumer implements BenchConsumer, GroupMessageHandler, GroupRebalanceListener {
        private final ObjectStore store;
        private GroupConsumer group;
        private Consumer[] byPartition = new Consumer[0];
        private MessageSink sink;
        /** A member of a group of several, which commits before it gives a partition up. */
        private boolean shared;
        /** A message delivered while waiting for the partitions at opening, handed to the first poll's sink. */
        private boolean holding;
        private int heldPartition;
        private long heldIntendedMicros;
        private int heldProducer;
        private long heldSequence;
        private final MessageSink hold = (partition, intendedMicros, producerIndex, sequence) -> {
            holding = true;
            heldPartition = partition;
            heldIntendedMicros = intendedMicros;
            heldProducer = producerIndex;
            heldSequence = sequence;
        };

        DeltaqConsumer(ObjectStore store) {
            this.store = store;
        }

        /**
         * Polls one message at a time until every partition is held and open. A fresh topic has no
         * messages yet; a restarted consumer's has, and the one a poll may deliver is held for the
         * first real poll rather than lost.
         */
        void open(GroupConsumer group) {
            this.group = group;
            this.byPartition = new Consumer[group.topic().partitions()];
            this.sink = hold;
            long deadline = System.nanoTime() + ASSIGNMENT_TIMEOUT_NS;
            RuntimeException lastFailure = null;
            while (!holding && group.assignment().size() < byPartition.length) {
                if (System.nanoTime() - deadline > 0) {
                    IllegalStateException e = new IllegalStateException("consumer group member " + group.memberId()
                            + " of " + group.topic() + " held partitions " + group.assignment() + " of "
                            + byPartition.length + " after " + TimeUnit.NANOSECONDS.toSeconds(ASSIGNMENT_TIMEOUT_NS) + " s");
                    if (lastFailure != null) {
                        e.addSuppressed(lastFailure);
                    }
                    throw e;
                }
                try {
                    if (group.poll(this, 1) > 0) {
                        continue;
                    }
                } catch (RuntimeException e) {
                    // Claiming a partition failed (storage): it is handed back and taken again at the next heartbeat.
                    lastFailure = e;
                }
                LockSupport.parkNanos(1_000_000);
            }
            this.sink = null;
        }

        /** Joins a group shared with other members: what it holds comes with its polls. */
        void join(GroupConsumer group) {
            this.group = group;
            this.byPartition = new Consumer[group.topic().partitions()];
            this.shared = true;
        }

        @Override
        public int poll(MessageSink sink, int limit) {
            int delivered = 0;
            if (holding) {
                holding = false;
                sink.onMessage(heldPartition, heldIntendedMicros, heldProducer, heldSequence);
                if (++delivered == limit) {
                    return delivered;
                }
            }
            this.sink = sink;
            return delivered + group.poll(this, limit - delivered);
        }

        @Override
        public void onMessage(int partition, ConsumedMessage message) {
            deliver(partition, message, sink);
        }

        @Override
        public void onPartitionsAssigned(Set<Integer> partitions) {
            for (int p : partitions) {
                byPartition[p] = group.partitionConsumer(p).orElse(null);
            }
        }

        @Override
        public void onPartitionsRevoked(Set<Integer> partitions) {
            if (shared) {
                // The leases are still held: the next holder starts after what this member delivered.
                group.commitSync();
            }
            partitions.forEach(p -> byPartition[p] = null);
        }

        @Override
        public void onPartitionsLost(Set<Integer> partitions) {
            partitions.forEach(p -> byPartition[p] = null);
        }

        @Override
        public void commitPosition() {
            group.commitSync();
        }

        @Override
        public boolean reached(long[] end) {
            for (int p = 0; p < end.length; p++) {
                Consumer c = p < byPartition.length ? byPartition[p] : null;
                if (c == null || c.position().version() <= end[p]) {
                    return false;
                }
            }
            return true;
        }

        /** The held partitions' consumers' stages (a partition given up takes its times along). */
        @Override
        public void addStages(Map<String, org.HdrHistogram.Histogram> into) {
            addStoreTimes(store, StoreMetrics.Operation.GET, into);
            Consumer[] held = byPartition;
            for (Consumer c : held) {
                if (c != null) {
                    for (io.deltaq.consumer.ConsumerMetrics.Stage stage : io.deltaq.consumer.ConsumerMetrics.Stage.values()) {
                        addStage(into, stage, c.metrics().stageNanos(stage));
                    }
                }
            }
        }

        @Override
        public long heldPartitions() {
            long held = 0;
            for (int p = 0; p < byPartition.length; p++) {
                if (byPartition[p] != null) {
                    held |= 1L << p;
                }
            }
            return held;
        }

        @Override
        public long reachedPartitions(long[] end) {
            long reached = 0;
            for (int p = 0; p < byPartition.length && p < end.length; p++) {
                Consumer c = byPartition[p];
                if (c != null && c.position().version() > end[p]) {
                    reached |= 1L << p;
                }
            }
            return reached;
        }

        @Override
        public void addCounters(Map<String, Long> into) {
            into.merge("storeRequests", store.metrics().totalRequests(), Long::sum);
            addFaultCounters(store, into);
        }

        @Override
        public void close() {
            try {
                if (group != null) {
                    group.close(Duration.ofSeconds(10));
                }
            } finally {
                store.close();
            }
        }
    }

    /**
     * Counts outcomes on the partitions' commit threads and passes each on by its offer index.
     * Several partitions report at once, hence the atomic count of failures. Acknowledgements have no
     * counter of their own, which would cost an atomic add on a shared line per message: they are the
     * outcomes {@link OfferIndexes} settles less the failures.
     */
    private static final class AckCounter implements TopicAckListener {
        final AtomicLong failed = new AtomicLong();
        final OfferIndexes offers;
        final SendOutcomes outcomes;
        volatile Throwable firstFailure;
        /** Set when an outcome could not be matched to its offer: the books would be wrong, so the run fails. */
        volatile RuntimeException broken;

        AckCounter(OfferIndexes offers, SendOutcomes outcomes) {
            this.offers = offers;
            this.outcomes = outcomes;
        }

        @Override
        public void onAcknowledged(int partition, long sequence, long version, int index) {
            try {
                outcomes.acknowledged(offers.settle(partition, sequence));
            } catch (RuntimeException e) {
                broken = e;
            }
        }

        /**
         * Never more than were acknowledged: a failure is counted before it is settled, so every
         * failure among the settled outcomes read here is in the count of failures read after them.
         */
        long acknowledged() {
            long settled = offers.settled();
            return settled - failed.get();
        }

        @Override
        public void onFailed(int partition, long sequence, Throwable cause) {
            if (firstFailure == null) {
                firstFailure = cause;
            }
            failed.incrementAndGet(); // before it is settled: see acknowledged()
            try {
                outcomes.failed(offers.settle(partition, sequence), cause);
            } catch (RuntimeException e) {
                broken = e;
            }
        }
    }

    private static final class DeltaqProducer implements BenchProducer {
        private final ObjectStore store;
        private final TopicProducer producer;
        private final AckCounter acks;
        /** Messages accepted so far: the next offer's index. */
        private long offered;

        DeltaqProducer(ObjectStore store, TopicProducer producer, AckCounter acks) {
            this.store = store;
            this.producer = producer;
            this.acks = acks;
        }

        @Override
        public boolean offer(byte[] value, int length, long timestampMicros) {
            RuntimeException broken = acks.broken;
            if (broken != null) {
                throw new IllegalStateException("deltaq producer " + producerId() + ": " + broken.getMessage(), broken);
            }
            acks.offers.prepare(offered);
            long result = producer.offer(null, 0, 0, value, 0, length, timestampMicros);
            if (result == Producer.CLOSED) {
                Throwable cause = acks.firstFailure;
                throw new IllegalStateException("deltaq producer " + producerId() + " can send no more"
                        + (cause == null ? "" : ": " + cause.getMessage()), cause);
            }
            if (result < 0) {
                return false;
            }
            acks.offers.accepted((int) result);
            offered++;
            return true;
        }

        private String producerId() {
            return producer.partitionProducer(0).producerId();
        }

        @Override
        public long acknowledged() {
            return acks.acknowledged();
        }

        @Override
        public long failed() {
            return acks.failed.get();
        }

        /** The partitions' producers' counters, summed: a topic's commits are those of all its partitions. */
        @Override
        public void addCounters(Map<String, Long> into) {
            for (int p = 0; p < producer.partitions(); p++) {
                ProducerMetrics metrics = producer.partitionProducer(p).metrics();
                into.merge("commits", metrics.commits(), Long::sum);
                into.merge("committedMessages", metrics.messages(), Long::sum);
                into.merge("lostRaces", metrics.lostRaces(), Long::sum);
                into.merge("retriedBatches", metrics.retriedBatches(), Long::sum);
                into.merge("failedMessages", metrics.failedMessages(), Long::sum);
                into.merge("unknownOutcomes", metrics.unknownOutcomes(), Long::sum);
                into.merge("unknownMessages", metrics.unknownMessages(), Long::sum);
                into.merge("failedCheckpoints", metrics.failedCheckpoints(), Long::sum);
                double checkpointMs = metrics.lastCheckpointMillis();
                if (checkpointMs >= 0) { // absent before the producer's first checkpoint
                    into.merge(LAST_CHECKPOINT_MS, Math.round(checkpointMs), Math::max);
                }
            }
            into.merge("storeRequests", store.metrics().totalRequests(), Long::sum);
            addFaultCounters(store, into);
        }

        @Override
        public void addStages(Map<String, org.HdrHistogram.Histogram> into) {
            addStoreTimes(store, StoreMetrics.Operation.PUT_IF_ABSENT, into);
            addStoreTimes(store, StoreMetrics.Operation.PUT, into);
            for (int p = 0; p < producer.partitions(); p++) {
                ProducerMetrics metrics = producer.partitionProducer(p).metrics();
                for (ProducerMetrics.Stage stage : ProducerMetrics.Stage.values()) {
                    addStage(into, stage, metrics.stageNanos(stage));
                }
            }
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

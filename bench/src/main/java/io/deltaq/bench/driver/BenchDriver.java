package io.deltaq.bench.driver;

import java.util.Map;

/**
 * The seam between the benchmark harness and one messaging system. The harness knows nothing of
 * Kafka or deltaq: it paces producers, timestamps deliveries, and keeps the books; a driver only
 * moves bytes.
 *
 * <p>A driver has two halves that may run in different JVMs. The coordinator calls
 * {@link #openTarget} once per sweep to start or reach what the clients talk to (a broker, an S3
 * server, a bucket) and creates one fresh topic per rate on it. The workers, given only the
 * target's {@link BenchTarget#connection() connection settings} (strings, so they cross a process
 * boundary), open {@link BenchProducer}s and {@link BenchConsumer}s against that topic.
 *
 * <p>Order is per partition: a producer's messages reach each partition, and each consumer, in the
 * order they were sent, and its messages in different partitions have no order between them.
 */
public interface BenchDriver {

    /** What {@code --driver} calls it. */
    String name();

    /** The client settings this driver uses by default, for the summary (e.g. {@code linger.ms=5}). */
    String describeDefaults();

    /** Starts or connects to the system under test. The coordinator closes it after the sweep. */
    BenchTarget openTarget(TargetOptions options) throws Exception;

    /**
     * A producer of {@code topic}, in a worker. It sends keyless messages, which the client spreads
     * over the topic's partitions as it does by default.
     *
     * @param connection {@link BenchTarget#connection()} of the coordinator's target
     * @param index which of the run's producers this is (0-based)
     */
    BenchProducer newProducer(Map<String, String> connection, String topic, ClientOptions options, int index)
            throws Exception;

    /**
     * A consumer that reads {@code topic}, every partition of it, from its beginning, independently
     * of any other consumer (every consumer receives every message).
     */
    BenchConsumer newConsumer(Map<String, String> connection, String topic, ClientOptions options, int index)
            throws Exception;

    /**
     * Member {@code member} of consumer group {@code group}: the group's members split the topic's
     * partitions between them, and together receive every message. On a rebalance a member commits
     * its position before it gives a partition up, as an application does, so the next holder goes on
     * where it stopped.
     */
    default BenchConsumer newGroupMember(Map<String, String> connection, String topic, ClientOptions options, int group,
            int member) throws Exception {
        throw new UnsupportedOperationException(name() + " has no consumer groups");
    }

    /**
     * Whether this driver can run under the chaos options: it reports each message's outcome to
     * {@link SendOutcomes}, keeps a producer's identity and a consumer's committed position across
     * a restart of its worker (by index), injects storage faults from its connection settings, and
     * reads a topic back whole for the delivery audit ({@link BenchTarget#readAll}).
     */
    default boolean auditable() {
        return false;
    }

    /**
     * Connection settings to add to a worker's so that its clients' storage injects {@code spec}
     * (the syntax of {@code io.deltaq.s3io.FaultInjectingStore#parseSpec}) seeded with {@code seed}.
     */
    default Map<String, String> faultConnection(String spec, long seed) {
        throw new UnsupportedOperationException(name() + " cannot inject storage faults");
    }

    /**
     * A producer as {@link #newProducer(Map, String, ClientOptions, int)} that tells {@code outcomes}
     * what became of each message. A producer opened again with the same index after its worker was
     * killed continues as the same writer.
     */
    default BenchProducer newProducer(Map<String, String> connection, String topic, ClientOptions options, int index,
            SendOutcomes outcomes) throws Exception {
        return newProducer(connection, topic, options, index);
    }
}

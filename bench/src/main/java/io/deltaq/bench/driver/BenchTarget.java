package io.deltaq.bench.driver;

import java.util.Map;
import java.util.Optional;

/** What a driver's clients talk to, as started or reached by the coordinator. */
public interface BenchTarget extends AutoCloseable {

    /** One line for the summary, e.g. {@code in-process KRaft broker 127.0.0.1:41234}. */
    String describe();

    /** Everything a worker needs to open clients against this target, as strings. */
    Map<String, String> connection();

    /**
     * Creates a new, empty topic named {@code name} of {@code partitions} partitions and returns the
     * name the clients use for it (OpenMessaging Benchmark's {@code createTopic(topic, partitions)}).
     */
    String createTopic(String name, int partitions) throws Exception;

    /**
     * Creates a new, empty topic with {@code properties} set on it (deltaq: the table properties of
     * every partition, in version 0). Drivers without topic properties refuse any.
     */
    default String createTopic(String name, int partitions, Map<String, String> properties) throws Exception {
        if (!properties.isEmpty()) {
            throw new UnsupportedOperationException("this driver cannot set topic properties " + properties.keySet());
        }
        return createTopic(name, partitions);
    }

    /** What {@code topic} costs in storage now, for the soak benchmark (deltaq only). */
    default TopicSample sampleTopic(String topic) throws Exception {
        throw new UnsupportedOperationException("this driver cannot sample a topic's storage");
    }

    /**
     * The median round trips of the storage the system writes to, when it has one worth measuring
     * (deltaq's object store); empty otherwise.
     *
     * @param samples round trips of each kind
     */
    default Optional<StorageFloor> measureFloor(int samples) throws Exception {
        return Optional.empty();
    }

    /**
     * Where each partition of {@code topic} ends now, by partition, as numbers its consumers'
     * {@link BenchConsumer#reached} and {@link #readAll} understand (deltaq: each partition table's
     * latest version).
     */
    default long[] end(String topic) throws Exception {
        throw new UnsupportedOperationException("this driver cannot say where a topic ends");
    }

    /**
     * Reads {@code topic} from its beginning through {@code end}, each partition in its order, with
     * the system's own reader.
     */
    default void readAll(String topic, long[] end, MessageSink sink) throws Exception {
        throw new UnsupportedOperationException("this driver cannot read a topic back");
    }

    @Override
    void close();
}

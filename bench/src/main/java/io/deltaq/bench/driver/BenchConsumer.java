package io.deltaq.bench.driver;

import java.util.Map;

/** One consumer of a driver, polled by one thread. */
public interface BenchConsumer extends AutoCloseable {

    /**
     * Delivers what has arrived to {@code sink}, at most {@code limit} messages; may wait briefly
     * (a few milliseconds to a hundred) when nothing has. Must not allocate where the client
     * allows it.
     *
     * @return messages delivered
     */
    int poll(MessageSink sink, int limit);

    /**
     * Stores the position after the last message delivered as this consumer's committed position,
     * where a consumer of the same index opened later (after its worker was killed) resumes.
     *
     * @throws RuntimeException if the commit failed (its outcome may be unknown)
     */
    default void commitPosition() {
        throw new UnsupportedOperationException("this driver's consumers cannot commit positions");
    }

    /**
     * Whether everything up to and including {@code end} (as {@link BenchTarget#end} says, by
     * partition) has been delivered.
     */
    default boolean reached(long[] end) {
        return false;
    }

    /**
     * The partitions this group member holds now, bit {@code p} for partition {@code p} (a bench topic of
     * a group with several members has at most 64). Called by the polling thread only.
     */
    default long heldPartitions() {
        throw new UnsupportedOperationException("this driver's consumers are not group members");
    }

    /**
     * Of {@link #heldPartitions()}, those delivered up to and including {@code end} (as {@link #reached}).
     * Called by the polling thread only.
     */
    default long reachedPartitions(long[] end) {
        throw new UnsupportedOperationException("this driver's consumers are not group members");
    }

    /** Adds this consumer's stage times to {@code into}, as {@link BenchProducer#addStages}. */
    default void addStages(Map<String, org.HdrHistogram.Histogram> into) {
    }

    /** Adds this consumer's counters to {@code into}, as {@link BenchProducer#addCounters}. */
    default void addCounters(Map<String, Long> into) {
    }

    @Override
    void close();
}

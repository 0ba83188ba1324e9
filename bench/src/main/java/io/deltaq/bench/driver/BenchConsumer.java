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

    /** Adds this consumer's counters to {@code into}, as {@link BenchProducer#addCounters}. */
    default void addCounters(Map<String, Long> into) {
    }

    @Override
    void close();
}

package io.deltaq.bench.driver;

import java.util.Map;

/**
 * One producer of a driver, used by one pacing thread. Acknowledgements may arrive on any thread;
 * the harness waits for {@link #acknowledged()} plus {@link #failed()} to reach what it offered.
 * The client must send what it holds without being asked (a linger, a group commit), not only on
 * an explicit flush.
 */
public interface BenchProducer extends AutoCloseable {

    /**
     * Hands over one message. Must not allocate where the client allows it, and must not wait for
     * the message to be durable.
     *
     * @param value the message; the producer may reuse the array once this returns
     * @param timestampMicros the message's timestamp (the intended send time)
     * @return false when the client is back-pressured: nothing was sent, try again later
     */
    boolean offer(byte[] value, int length, long timestampMicros);

    /** Messages acknowledged as durable so far. */
    long acknowledged();

    /** Messages that failed for good so far. */
    long failed();

    /**
     * Adds this producer's counters to {@code into} (summing with what is there), e.g.
     * {@code commits}, {@code storeRequests}. Called about once a second, never on the hot path.
     */
    default void addCounters(Map<String, Long> into) {
    }

    /**
     * Adds the client's own stage times so far (cumulative, nanoseconds) to {@code into} by stage
     * name, adding to what is there: where its batches' time went. Called about once a second.
     */
    default void addStages(Map<String, org.HdrHistogram.Histogram> into) {
    }

    @Override
    void close();
}

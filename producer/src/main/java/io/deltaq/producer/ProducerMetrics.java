package io.deltaq.producer;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What the producer's commit thread has done. Written by that thread alone, readable from any:
 * plain counters with ordered writes, so reading never slows the commit path.
 */
public final class ProducerMetrics {

    final AtomicLong commits = new AtomicLong();
    final AtomicLong messages = new AtomicLong();
    final AtomicLong dataFileBytes = new AtomicLong();
    final AtomicLong lostRaces = new AtomicLong();
    final AtomicLong retriedBatches = new AtomicLong();
    final AtomicLong failedMessages = new AtomicLong();
    final AtomicLong pendingMessages = new AtomicLong();

    /** Commits this producer created. */
    public long commits() {
        return commits.get();
    }

    /** Messages acknowledged as durable. */
    public long messages() {
        return messages.get();
    }

    /** Bytes of Parquet data files uploaded by committed batches. */
    public long dataFileBytes() {
        return dataFileBytes.get();
    }

    /** Versions another writer took first; each cost one more conditional PUT. */
    public long lostRaces() {
        return lostRaces.get();
    }

    /** Batches whose upload or commit failed and was tried again. */
    public long retriedBatches() {
        return retriedBatches.get();
    }

    /** Messages that failed for good. */
    public long failedMessages() {
        return failedMessages.get();
    }

    /** Messages taken from the buffer into batches and not yet acknowledged or failed. */
    public long pendingMessages() {
        return pendingMessages.get();
    }

    /** Mean messages per commit, 0 before the first. */
    public double meanBatchSize() {
        long c = commits.get();
        return c == 0 ? 0 : (double) messages.get() / c;
    }

    static void add(AtomicLong counter, long delta) {
        counter.lazySet(counter.get() + delta);
    }
}

package io.deltaq.consumer;

import io.deltaq.s3io.StoreMetrics;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a consumer has done, readable from any thread while the polling and tailing threads go on:
 * counters written by one thread each with ordered writes, so reading never slows a poll. Published
 * over JMX as {@code io.deltaq:type=consumer-metrics,client-id=...,table=...} while the consumer is
 * open.
 */
public final class ConsumerMetrics {

    // Polling thread.
    final AtomicLong messages = new AtomicLong();
    final AtomicLong polls = new AtomicLong();
    final AtomicLong positionVersion = new AtomicLong(-1);
    final AtomicLong positionsCommitted = new AtomicLong();
    // Tailing thread.
    final AtomicLong commitsRead = new AtomicLong();
    final AtomicLong newestVersionRead = new AtomicLong(-1);

    private final StoreMetrics store;

    ConsumerMetrics(StoreMetrics store) {
        this.store = store;
    }

    /** Messages handed to the application by {@code poll}. */
    public long messages() {
        return messages.get();
    }

    /** Calls of {@code poll} that delivered at least one message. */
    public long polls() {
        return polls.get();
    }

    /** The version of the consumer's position (the next message's commit); -1 before it is known. */
    public long positionVersion() {
        return positionVersion.get();
    }

    /** Positions stored by {@code commitSync}. */
    public long positionsCommitted() {
        return positionsCommitted.get();
    }

    /** Commits the tailing thread read from the log (those before the start position excluded). */
    public long commitsRead() {
        return commitsRead.get();
    }

    /** The newest version the tailing thread has read; -1 before the first. */
    public long newestVersionRead() {
        return newestVersionRead.get();
    }

    /**
     * Versions read from the log but not yet passed by the position: what the ring and the read-ahead
     * hold. 0 when either is unknown. The lag behind the table's head is larger by the commits not yet
     * discovered.
     */
    public long versionsAhead() {
        long read = newestVersionRead.get();
        long position = positionVersion.get();
        return read < 0 || position < 0 ? 0 : Math.max(0, read + 1 - position);
    }

    /** Requests the consumer's store sent, retries included (the store may be shared with others). */
    public long storeRequests() {
        return store.totalRequests();
    }

    static void add(AtomicLong counter, long delta) {
        counter.lazySet(counter.get() + delta);
    }
}

package io.deltaq.consumer;

import io.deltaq.s3io.StageTimes;
import io.deltaq.s3io.StoreMetrics;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * What a consumer has done, readable from any thread while the polling and tailing threads go on:
 * counters written by one thread each with ordered writes, so reading never slows a poll. Published
 * over JMX as {@code io.deltaq:type=consumer-metrics,client-id=...,table=...} while the consumer is
 * open.
 */
public final class ConsumerMetrics {

    /**
     * Where the time of a commit that gains rows goes on the consumer's side, stage by stage
     * (docs/performance.md); recorded by the tailing thread once per such commit, once all its rows are
     * in the ring. {@link #stageNanos} gives the times, and the MBean each stage's p99.
     */
    public enum Stage {
        /**
         * The commit's own time (its {@code commitInfo.timestamp}, taken as its writer sent it) until this
         * consumer read it from the log: the commit's PUT and the wait for this consumer's next look.
         * Millisecond resolution; across machines, their clocks' difference is in it.
         */
        DISCOVERY,
        /** Read from the log until its first row goes into the ring: its data file's GET, and commits ahead of it. */
        FETCH,
        /** First row into the ring until its last: decoding, and waiting for room the application makes by polling. */
        DECODE
    }

    final StageTimes<Stage> stages = new StageTimes<>(Stage.class);

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

    /** A copy of the times {@code stage} took, in nanoseconds, one per commit that gained rows. */
    public Histogram stageNanos(Stage stage) {
        return stages.snapshot(stage);
    }

    /** p99 of {@link Stage#DISCOVERY}, in milliseconds. */
    public double discoveryP99Ms() {
        return stages.millis(Stage.DISCOVERY, 99);
    }

    /** p99 of {@link Stage#FETCH}, in milliseconds. */
    public double fetchP99Ms() {
        return stages.millis(Stage.FETCH, 99);
    }

    /** p99 of {@link Stage#DECODE}, in milliseconds. */
    public double decodeP99Ms() {
        return stages.millis(Stage.DECODE, 99);
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

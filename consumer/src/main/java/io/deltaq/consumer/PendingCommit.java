package io.deltaq.consumer;

import io.deltaq.deltalog.LiveFile;
import java.util.concurrent.CompletableFuture;

/**
 * A commit read from the log, waiting to be delivered in order: the {@link Prefetcher} fills in its
 * data files and their GETs, the {@link RingPublisher} records how far into them it got.
 */
final class PendingCommit {
    final long version;
    /** Rows of this commit before this index are not delivered (the start position's index). */
    final long skip;
    /** Non-null where delivery stops: a rewrite commit under rewrite.policy=fail, or where reading the log failed. */
    ConsumerException failure;
    /** The data files whose rows are delivered, in commit order; null for a commit that adds none. */
    LiveFile[] files;
    /** Each file's row count from its statistics, or -1 when the log has none. */
    long[] rowsFromStats;
    /** Each file's bytes being fetched; null for a file not fetched (wholly before {@link #skip}) or done with. */
    CompletableFuture<byte[]>[] data;
    /** The file being published. */
    int fileIndex;
    /** Next row of the current file to decode. */
    int nextRow;
    /** Index, within the commit, of the current file's first row. */
    long indexBase;
    /** Whether every row and the commit-end record are in the ring. */
    boolean published;
    /**
     * For a version read from a compacted file (its one file): the file's row where this version's
     * rows begin, and how many there are ({@link io.deltaq.deltalog.CompactedRange}). Otherwise 0
     * and -1: the file's rows are all this commit's.
     */
    int windowStart;
    long windowRows = -1;
    /**
     * Set by the publisher when a data file of this commit is gone (vacuumed after a compaction):
     * its rows are to be read from a compacted file; this is the error if none holds them.
     */
    ConsumerException dataFileMissing;

    /** For the stage times: when it was read from the log, when its first row went into the ring; 0 before. */
    long readNs;
    long firstRowNs;

    PendingCommit(long version, long skip) {
        this.version = version;
        this.skip = skip;
    }

    /** A place in the log where delivery stops with {@code failure}, once everything before it was delivered. */
    static PendingCommit failingWith(long version, ConsumerException failure) {
        PendingCommit c = new PendingCommit(version, 0);
        c.failure = failure;
        return c;
    }

    /** The index within the commit of the next row to deliver. */
    long resumeIndex() {
        return Math.max(skip, indexBase + nextRow);
    }

    void nextFile(long rowsInFile) {
        data[fileIndex] = null; // the bytes are no longer needed
        indexBase += rowsInFile;
        fileIndex++;
        nextRow = 0;
    }
}

package io.deltaq.producer;

import io.deltaq.deltalog.CommitWriter;
import io.deltaq.deltalog.MaintenanceRunner;
import io.deltaq.s3io.StageTimes;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * What the producer's commit thread has done. Written by that thread alone, readable from any:
 * plain counters with ordered writes, so reading never slows the commit path.
 */
public final class ProducerMetrics {

    /**
     * Where a committed batch's time goes, stage by stage (docs/performance.md); each is recorded once per
     * committed batch. {@link #stageNanos} gives the times, and the MBean each stage's p99.
     */
    public enum Stage {
        /** Its first message taken from the buffer until it is sealed: the linger, or the commit before it still in flight. */
        BATCHING,
        /** Sealed until its Parquet data file is encoded (on the encoder thread). */
        ENCODE,
        /** Encoded until the data file is durable in the store. */
        UPLOAD,
        /** Data file durable until its commit is sent: waiting for the commit before it, or a courtesy pause. */
        COMMIT_WAIT,
        /** Commit sent until it is durable and the commit thread knows: the conditional PUT, lost races and retries included. */
        COMMIT
    }

    final StageTimes<Stage> stages = new StageTimes<>(Stage.class);

    final AtomicLong commits = new AtomicLong();
    final AtomicLong messages = new AtomicLong();
    final AtomicLong dataFileBytes = new AtomicLong();
    final AtomicLong lostRaces = new AtomicLong();
    final AtomicLong retriedBatches = new AtomicLong();
    final AtomicLong failedMessages = new AtomicLong();
    final AtomicLong pendingMessages = new AtomicLong();
    final AtomicLong unknownOutcomes = new AtomicLong();
    final AtomicLong unknownMessages = new AtomicLong();
    private volatile CommitWriter writer;
    private volatile MaintenanceRunner maintenance;

    void checkpointsOf(CommitWriter commitWriter) {
        this.writer = commitWriter;
    }

    void maintenanceOf(MaintenanceRunner runner) {
        this.maintenance = runner;
    }

    /** Maintenance passes this producer ran to the end (while it held the table's maintenance lease). */
    public long maintenancePasses() {
        MaintenanceRunner m = maintenance;
        return m == null ? 0 : m.passes();
    }

    /** Maintenance passes this producer started that failed; each is logged, and the next runs at the next interval. */
    public long maintenanceFailures() {
        MaintenanceRunner m = maintenance;
        return m == null ? 0 : m.failures();
    }

    /** Whether this producer holds the table's maintenance lease now (false when maintenance.enabled is false). */
    public boolean maintenanceLeader() {
        MaintenanceRunner m = maintenance;
        return m != null && m.isLeader();
    }

    /** Times this producer acquired the maintenance lease. */
    public long maintenanceLeaseAcquisitions() {
        MaintenanceRunner m = maintenance;
        return m == null ? 0 : m.leaseAcquisitions();
    }

    /** Times this producer lost the maintenance lease while holding it (to another maintainer, or unrenewed). */
    public long maintenanceLeaseLosses() {
        MaintenanceRunner m = maintenance;
        return m == null ? 0 : m.leaseLosses();
    }

    /** Checkpoints this producer started that failed; each is retried with the next commit. */
    public long failedCheckpoints() {
        CommitWriter w = writer;
        return w == null ? 0 : w.failedCheckpoints();
    }

    /** Bytes of the last checkpoint this producer wrote; -1 before its first. */
    public long lastCheckpointBytes() {
        CommitWriter w = writer;
        return w == null ? -1 : w.lastCheckpointBytes();
    }

    /** Milliseconds the last checkpoint this producer wrote took to encode and store; -1 before its first. */
    public double lastCheckpointMillis() {
        CommitWriter w = writer;
        long nanos = w == null ? -1 : w.lastCheckpointNanos();
        return nanos < 0 ? -1 : nanos / 1e6;
    }

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

    /**
     * Commit attempts whose outcome was unknown (no answer, read-back failed). Each was settled by
     * the retry that followed, unless its batch is counted in {@link #unknownMessages()}.
     */
    public long unknownOutcomes() {
        return unknownOutcomes.get();
    }

    /**
     * Messages completed with {@link DeliveryOutcomeUnknownException}: they may be in the table.
     * Not counted in {@link #failedMessages()}.
     */
    public long unknownMessages() {
        return unknownMessages.get();
    }

    /** Messages that failed for good: none of them is in the table. */
    public long failedMessages() {
        return failedMessages.get();
    }

    /** Messages taken from the buffer into batches and not yet acknowledged or failed. */
    public long pendingMessages() {
        return pendingMessages.get();
    }

    /** A copy of the times {@code stage} took, in nanoseconds, one per committed batch. */
    public Histogram stageNanos(Stage stage) {
        return stages.snapshot(stage);
    }

    /** p99 of {@link Stage#BATCHING}, in milliseconds. */
    public double batchingP99Ms() {
        return stages.millis(Stage.BATCHING, 99);
    }

    /** p99 of {@link Stage#ENCODE}, in milliseconds. */
    public double encodeP99Ms() {
        return stages.millis(Stage.ENCODE, 99);
    }

    /** p99 of {@link Stage#UPLOAD}, in milliseconds. */
    public double uploadP99Ms() {
        return stages.millis(Stage.UPLOAD, 99);
    }

    /** p99 of {@link Stage#COMMIT_WAIT}, in milliseconds. */
    public double commitWaitP99Ms() {
        return stages.millis(Stage.COMMIT_WAIT, 99);
    }

    /** p99 of {@link Stage#COMMIT}, in milliseconds. */
    public double commitP99Ms() {
        return stages.millis(Stage.COMMIT, 99);
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

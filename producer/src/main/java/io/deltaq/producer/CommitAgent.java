package io.deltaq.producer;

import io.deltaq.deltalog.CommitConflictException;
import io.deltaq.deltalog.CommitPause;
import io.deltaq.deltalog.CommitResult;
import io.deltaq.deltalog.CommitStateUnknownException;
import io.deltaq.deltalog.CommitWriter;
import io.deltaq.deltalog.DeltaTable;
import io.deltaq.deltalog.MessageStats;
import io.deltaq.deltalog.Position;
import io.deltaq.deltalog.actions.AddFile;
import io.deltaq.s3io.StageTimes;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The producer's commit thread: drains the ring into a batch, seals it, uploads its data file and
 * commits it, one commit at a time, then acknowledges every message of the batch.
 *
 * <p>Three batches rotate: one fills from the ring, one uploads its data file, one commits. A batch
 * is sealed as soon as the upload slot is free (after {@code linger.ms} if set), so its upload
 * overlaps the commit before it; while a commit is in flight the next batch grows by itself. When
 * every slot is busy the ring is not drained and fills up, which is the back-pressure senders see.
 *
 * <p>A failed upload or commit is retried with the same writer until {@code delivery.timeout.ms}:
 * the writer recognises its own commit by its identity, so a retry after an unknown outcome
 * settles it instead of committing the batch twice (docs/rfcs/0003-commit.md). Nothing is reported
 * as failed that may be in the table: such a batch fails with
 * {@link DeliveryOutcomeUnknownException}.
 *
 * <p>Each duty cycle reads the clock once and does a bounded amount of work; storage completions
 * wake the thread through the idle strategy instead of being polled for.
 */
final class CommitAgent implements Agent, MessageHandler {

    private static final Logger LOG = LoggerFactory.getLogger(CommitAgent.class);

    /** Most ring messages drained per duty cycle, so completions are never starved. */
    private static final int DRAIN_LIMIT = 8_192;
    /** How long failing what is left waits for senders caught between claiming and committing. */
    private static final long IN_FLIGHT_SEND_WAIT_NS = 1_000_000_000L;
    /** A producer that committed this recently commits back to back: it checks for writers it may be starving. */
    private static final long BUSY_NS = TimeUnit.MILLISECONDS.toNanos(200);
    /** Bounds of the gap a courteous producer leaves after each commit (RFC 0006, "Fairness on one log"). */
    private static final long MIN_COURTESY_NS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long MAX_COURTESY_NS = TimeUnit.MILLISECONDS.toNanos(500);
    /**
     * The gap in commit times: a loser needs about three round trips (reading the winner, listing
     * the log, its own create) between learning of its loss and landing.
     */
    private static final int COURTESY_COMMITS = 3;
    /** The smallest batch byte cap that failed uploads shrink it to. */
    private static final int MIN_BATCH_CAP_BYTES = 1 << 20;

    private final ProducerConfig config;
    private final RingBuffer ring;
    private final DeltaTable table;
    private final Executor encoder;
    private final AckListener listener;
    private final Map<Long, CompletableFuture<Position>> futures;
    private final ProducerMetrics metrics;
    private final WakeableIdleStrategy idle;

    private final CommitWriter writer;
    private long nextBatchSequence;
    /**
     * Most key and value bytes in the next batch: {@code batch.max.bytes}, halved by each failed
     * upload and doubled back by each commit, so that batches stop growing while storage is slow.
     */
    private int batchCapBytes;

    private PendingBatch filling;
    /** Sealed batches in batch-sequence order, uploading or uploaded, not yet committing. */
    private final ArrayDeque<PendingBatch> sealed = new ArrayDeque<>(4);
    private PendingBatch committing;
    private final ArrayDeque<PendingBatch> free = new ArrayDeque<>(4);
    private long nowNs;
    /** When the last commit completed, and how long commits take (moving average), for courtesy. */
    private long lastCommitEndNs = Long.MIN_VALUE / 2;
    private long commitStartNs;
    private long averageCommitNs;
    /** The gap a courteous producer leaves after its last commit, jittered once per commit. */
    private long courtesyGapNs;

    /** Ring position up to which every message is acknowledged or failed. */
    private volatile long completedRingPosition;
    /** Set when the producer can commit nothing more; senders and flush see it. */
    private volatile Throwable fatal;
    /**
     * While {@code System.nanoTime()} is before it, no new commit starts: the producer's maintenance
     * is committing at the head ({@link #hold}). 0 when there is no pause.
     */
    private volatile long pausedUntilNs;
    /** Whether a commit is in flight: a pause waits for it to end, so that the head stands still. */
    private volatile boolean commitInFlight;

    CommitAgent(ProducerConfig config, RingBuffer ring, DeltaTable table, CommitWriter writer, Executor encoder, AckListener listener,
            Map<Long, CompletableFuture<Position>> futures, ProducerMetrics metrics, WakeableIdleStrategy idle) {
        this.config = config;
        this.ring = ring;
        this.table = table;
        this.writer = writer;
        this.nextBatchSequence = writer.lastBatchSequence() + 1;
        this.batchCapBytes = config.batchMaxBytes;
        this.encoder = encoder;
        this.listener = listener;
        this.futures = futures;
        this.metrics = metrics;
        this.idle = idle;
        this.filling = new PendingBatch(config.compression);
        this.completedRingPosition = ring.consumerPosition();
    }

    @Override
    public String roleName() {
        return "deltaq-producer-" + config.producerId;
    }

    /**
     * The {@link CommitPause} of this producer's maintenance: no commit starts until the hold is
     * closed or {@link CommitPause#MAX_HOLD_MS} passed, and the hold is handed over once the commit in
     * flight (if any) ended, or after half that time at most. Any thread.
     */
    CommitPause.Hold hold() {
        long start = System.nanoTime();
        pausedUntilNs = start + TimeUnit.MILLISECONDS.toNanos(CommitPause.MAX_HOLD_MS);
        long waitUntil = start + TimeUnit.MILLISECONDS.toNanos(CommitPause.MAX_HOLD_MS / 2);
        while (commitInFlight && System.nanoTime() - waitUntil < 0) {
            LockSupport.parkNanos(50_000);
        }
        return () -> {
            pausedUntilNs = 0;
            idle.wake();
        };
    }

    long completedRingPosition() {
        return completedRingPosition;
    }

    Throwable fatal() {
        return fatal;
    }

    @Override
    public int doWork() {
        if (fatal != null) {
            return 0;
        }
        nowNs = System.nanoTime();
        if (nowNs - lastCommitEndNs < BUSY_NS) {
            writer.contention().poll(nowNs);
        }
        int work = 0;
        work += completeCommit();
        work += startCommit();
        // Copying messages into a batch that waits (for its linger, or for the upload slot) is not
        // work that needs the next cycle at once: the backoff then grows, and the batch gathers the
        // messages of a millisecond per cycle instead of a few per pacing burst. A drain cut short
        // by its limit left more in the ring, which is.
        work += drain() == DRAIN_LIMIT ? 1 : 0;
        work += seal();
        work += retryUpload();
        awaitNext();
        return work;
    }

    /**
     * Tells the idle strategy what the agent waits for: a send only matters at once when it starts
     * a batch (its linger begins when it is drained); a lingering batch is sealed at its deadline;
     * anything else waits for a storage completion, which wakes the thread itself.
     */
    private void awaitNext() {
        boolean empty = filling.size() == 0;
        idle.wakeOnSend(empty);
        idle.parkUntil(!empty && sealed.isEmpty() && fatal == null ? filling.firstMessageNs + config.lingerNs : Long.MAX_VALUE);
    }

    /* ------------------------------ drain ------------------------------ */

    private int drain() {
        int room = Math.min(DRAIN_LIMIT, config.batchMaxRecords - filling.size());
        if (room <= 0 || filling.messages.payloadBytes() >= batchCapBytes || fatal != null) {
            return 0;
        }
        int read = ring.read(this, room);
        if (read > 0) {
            filling.endRingPosition = ring.consumerPosition();
            ProducerMetrics.add(metrics.pendingMessages, read);
        } else if (filling.size() == 0 && sealed.isEmpty() && committing == null) {
            // Nothing in the pipeline: all the ring held is done, including records a sender
            // withdrew (aborted claims read as padding, which no batch would ever account for).
            long position = ring.consumerPosition();
            if (position > completedRingPosition) {
                completedRingPosition = position;
            }
        }
        return read;
    }

    @Override
    public void onMessage(int msgTypeId, MutableDirectBuffer buffer, int index, int length) {
        int keyLength = buffer.getInt(index + SendRecordDescriptor.KEY_LENGTH_OFFSET);
        int valueLength = buffer.getInt(index + SendRecordDescriptor.VALUE_LENGTH_OFFSET);
        int headersLength = buffer.getInt(index + SendRecordDescriptor.HEADERS_LENGTH_OFFSET);
        ByteBuffer memory = buffer.byteBuffer(); // the ring's direct memory: copied once, into the batch
        int base = buffer.wrapAdjustment();
        int position = filling.messages.appendFromBuffers(
                keyLength < 0 ? null : memory, base + SendRecordDescriptor.keyOffset(index), keyLength,
                memory, base + SendRecordDescriptor.valueOffset(index, keyLength), valueLength,
                buffer.getLong(index + SendRecordDescriptor.TIMESTAMP_OFFSET),
                memory, base + SendRecordDescriptor.headersOffset(index, keyLength, valueLength), headersLength);
        filling.addMessageMeta(position, buffer.getLong(index + SendRecordDescriptor.SEQUENCE_OFFSET),
                msgTypeId == SendRecordDescriptor.MESSAGE_WITH_FUTURE_TYPE_ID, nowNs);
    }

    /* ------------------------------ seal and upload ------------------------------ */

    private int seal() {
        if (!sealed.isEmpty() || filling.size() == 0 || fatal != null) {
            return 0;
        }
        boolean full = filling.size() >= config.batchMaxRecords || filling.messages.payloadBytes() >= batchCapBytes;
        if (!full && nowNs - filling.firstMessageNs < config.lingerNs) {
            return 0;
        }
        PendingBatch batch = filling;
        filling = free.isEmpty() ? new PendingBatch(config.compression) : free.poll();
        batch.sealedNs = nowNs;
        batch.batchSequence = nextBatchSequence++;
        batch.fileName = DeltaTable.newDataFilePath(config.compression);
        sealed.add(batch);
        // Encoding costs about a microsecond a message. On this thread it would hold up draining the
        // ring and the commit that completes meanwhile, so it runs on the encoder thread.
        batch.encoded = CompletableFuture.runAsync(() -> encode(batch), encoder);
        startUpload(batch);
        return 1;
    }

    /** On the encoder thread: the batch's data file and its add action. */
    private void encode(PendingBatch batch) {
        batch.writer.encode(batch.messages);
        batch.add = AddFile.ofNewFile(batch.fileName, batch.writer.length(), System.currentTimeMillis(),
                MessageStats.of(batch.writer.stats()).toJson());
        batch.encodedNs = System.nanoTime();
    }

    private void startUpload(PendingBatch batch) {
        batch.retryAtNs = 0;
        batch.upload = batch.encoded.thenCompose(
                encoded -> table.writeDataFile(batch.add.path(), batch.writer.asByteBuffer()))
                .whenComplete((ok, error) -> batch.uploadedNs = System.nanoTime());
        batch.upload.whenComplete((ok, error) -> idle.wake());
    }

    private int retryUpload() {
        PendingBatch batch = sealed.peek();
        if (batch == null || batch.retryAtNs == 0 || nowNs < batch.retryAtNs || failureOf(batch.upload) == null) {
            return 0;
        }
        // A fresh name: an earlier attempt that lands late then only leaves a file no commit names.
        batch.fileName = DeltaTable.newDataFilePath(config.compression);
        batch.add = batch.add.withPath(batch.fileName);
        startUpload(batch);
        return 1;
    }

    /* ------------------------------ commit ------------------------------ */

    private int startCommit() {
        PendingBatch batch = sealed.peek();
        if (committing != null || batch == null || !batch.upload.isDone() || nowNs < batch.retryAtNs) {
            return 0;
        }
        long pausedUntil = pausedUntilNs;
        if (pausedUntil != 0 && nowNs - pausedUntil < 0) {
            return 0; // the maintenance commit goes first; batches keep sealing and uploading meanwhile
        }
        if (writer.contention().yieldRequested()) {
            if (nowNs - lastCommitEndNs < courtesyGapNs) {
                return 0; // another writer lost to this one lately: let its catch-up land first
            }
            writer.contention().yielded();
        }
        Throwable uploadFailure = failureOf(batch.upload);
        Throwable encodeFailure = failureOf(batch.encoded);
        if (encodeFailure != null) {
            // Not a storage failure that a retry could cure: the commit thread fails, as it did when it
            // encoded batches itself.
            throw ProducerErrors.encodingFailed(config.producerId, table.location(), batch.batchSequence, encodeFailure);
        }
        if (uploadFailure != null) {
            if (batch.retryAtNs == 0) {
                batchCapBytes = Math.max(Math.min(MIN_BATCH_CAP_BYTES, config.batchMaxBytes), batchCapBytes / 2);
                scheduleRetry(batch, uploadFailure);
            }
            return 0;
        }
        sealed.poll();
        batch.retryAtNs = 0;
        committing = batch;
        // Seal the next batch first, so this commit can name its data file: a consumer that reads this
        // commit fetches that file while it uploads and commits, and finds it in hand when it lands.
        seal();
        PendingBatch next = sealed.peek();
        commitInFlight = true;
        commitStartNs = nowNs;
        batch.commit = writer.commit(batch.batchSequence, List.of(batch.add), next == null ? null : next.fileName);
        batch.commit.whenComplete((result, error) -> idle.wake());
        return 1;
    }

    private int completeCommit() {
        PendingBatch batch = committing;
        if (batch == null || !batch.commit.isDone()) {
            return 0;
        }
        committing = null;
        commitInFlight = false;
        long tookNs = nowNs - commitStartNs;
        averageCommitNs = averageCommitNs == 0 ? tookNs : averageCommitNs + (tookNs - averageCommitNs) / 8;
        lastCommitEndNs = nowNs;
        long gap = Math.max(MIN_COURTESY_NS, Math.min(MAX_COURTESY_NS, COURTESY_COMMITS * averageCommitNs));
        // Jitter, so that two courteous writers do not stay in step.
        courtesyGapNs = gap + java.util.concurrent.ThreadLocalRandom.current().nextLong(gap / 4 + 1);
        Throwable failure = failureOf(batch.commit);
        if (failure == null) {
            batchCapBytes = (int) Math.min(config.batchMaxBytes, 2L * batchCapBytes);
            acknowledge(batch, batch.commit.join());
        } else if (failure instanceof CommitConflictException) {
            // The table changed under the producer (protocol, schema, or its id in use by another
            // writer): nothing it sends can be committed safely any more.
            fatal = failure;
            LOG.error("producer '{}' of {} stops committing: {}", config.producerId, table.location(), failure.getMessage());
            fail(batch, failure);
            while (!sealed.isEmpty()) {
                fail(sealed.poll(), failure);
            }
        } else {
            // Outcome unknown, or storage unavailable: commit the same batch again with the same
            // writer, which settles an unknown outcome by recognising its own commit.
            if (failure instanceof CommitStateUnknownException) {
                ProducerMetrics.add(metrics.unknownOutcomes, 1);
                LOG.warn("producer '{}' of {}: the outcome of batch {}'s commit is unknown; committing it again settles it: {}",
                        config.producerId, table.location(), batch.batchSequence, failure.getMessage());
            }
            sealed.addFirst(batch);
            scheduleRetry(batch, failure);
        }
        return 1;
    }

    private void scheduleRetry(PendingBatch batch, Throwable failure) {
        batch.failures++;
        if (nowNs - batch.sealedNs >= config.deliveryTimeoutNs) {
            sealed.remove(batch);
            fail(batch, ProducerErrors.deliveryTimeout(config.producerId, table.location(), batch.batchSequence,
                    config.deliveryTimeoutNs / 1_000_000, batch.failures, failure));
            return;
        }
        ProducerMetrics.add(metrics.retriedBatches, 1);
        batch.retryAtNs = nowNs + config.commitRetry.backoffNanos(batch.failures + 1);
    }

    /* ------------------------------ acknowledge ------------------------------ */

    private void acknowledge(PendingBatch batch, CommitResult result) {
        if (result.outcome() != CommitResult.Outcome.COMMITTED) {
            // A producer's sequences start after its snapshot's txn and only grow: a batch is only
            // ever acknowledged at the version this instance wrote it to.
            throw new IllegalStateException("batch " + batch.batchSequence + " of producer '" + config.producerId
                    + "' was reported " + result.outcome() + "; only COMMITTED is acknowledged");
        }
        long version = result.version();
        int count = batch.size();
        // Counted before the futures complete: whoever a future wakes sees metrics that include it.
        ProducerMetrics.add(metrics.commits, 1);
        ProducerMetrics.add(metrics.lostRaces, result.attempts() - 1);
        ProducerMetrics.add(metrics.messages, count);
        ProducerMetrics.add(metrics.pendingMessages, -count);
        ProducerMetrics.add(metrics.dataFileBytes, batch.add.size());
        StageTimes<ProducerMetrics.Stage> stages = metrics.stages;
        stages.record(ProducerMetrics.Stage.BATCHING, batch.sealedNs - batch.firstMessageNs);
        stages.record(ProducerMetrics.Stage.ENCODE, batch.encodedNs - batch.sealedNs);
        stages.record(ProducerMetrics.Stage.UPLOAD, batch.uploadedNs - batch.encodedNs);
        // The batch acknowledged is the one commit in flight, sent at commitStartNs.
        stages.record(ProducerMetrics.Stage.COMMIT_WAIT, commitStartNs - batch.uploadedNs);
        stages.record(ProducerMetrics.Stage.COMMIT, nowNs - commitStartNs);
        for (int i = 0; i < count; i++) {
            long sequence = batch.sequences[i];
            listener.onAcknowledged(sequence, version, i);
            if (batch.hasFuture[i]) {
                CompletableFuture<Position> future = futures.remove(sequence);
                if (future != null) {
                    future.complete(new Position(version, i));
                }
            }
        }
        release(batch);
    }

    /**
     * Fails a batch's messages with {@code cause}, or, when an attempt to commit it may have landed,
     * with {@link DeliveryOutcomeUnknownException}: never "failed" for what may be in the table.
     */
    private void fail(PendingBatch batch, Throwable cause) {
        if (writer.mayHaveLanded(batch.batchSequence) && !(cause instanceof DeliveryOutcomeUnknownException)) {
            cause = ProducerErrors.outcomeUnknown(config.producerId, table.location(), batch.batchSequence, cause);
        }
        int count = batch.size();
        boolean unknown = cause instanceof DeliveryOutcomeUnknownException;
        ProducerMetrics.add(unknown ? metrics.unknownMessages : metrics.failedMessages, count);
        ProducerMetrics.add(metrics.pendingMessages, -count);
        LOG.warn("producer '{}' of {}: {} message(s) of batch {} {}: {}", config.producerId, table.location(), count,
                batch.batchSequence, unknown ? "have an unknown outcome" : "failed", cause.getMessage());
        for (int i = 0; i < count; i++) {
            long sequence = batch.sequences[i];
            listener.onFailed(sequence, cause);
            if (batch.hasFuture[i]) {
                CompletableFuture<Position> future = futures.remove(sequence);
                if (future != null) {
                    future.completeExceptionally(cause);
                }
            }
        }
        release(batch);
    }

    private void release(PendingBatch batch) {
        if (batch.endRingPosition > completedRingPosition) {
            completedRingPosition = batch.endRingPosition;
        }
        if (batch.encoded != null && !batch.encoded.isDone()) {
            return; // failed while the encoder thread still reads it: never reset nor reused
        }
        batch.reset();
        if (batch != filling) {
            free.add(batch);
        }
    }

    /**
     * An unexpected fault in the duty cycle: stop committing and fail everything accepted so far.
     * Runs on the agent thread (the runner's error handler), which owns the batches and the ring's
     * read side.
     */
    void failFatally(Throwable error) {
        if (fatal == null) {
            fatal = error;
            failRemaining(ProducerErrors.commitThreadFailed(config.producerId, table.location(), error), System.nanoTime());
        }
    }

    /**
     * Settles and fails what is still buffered or in flight; called once the thread has stopped. A
     * commit in flight is waited for until {@code deadlineNs}: if it lands its batch is acknowledged,
     * and if it is still unanswered then, its batch fails as unknown, never as failed.
     */
    void failRemaining(Throwable cause, long deadlineNs) {
        if (committing != null) {
            PendingBatch batch = committing;
            committing = null;
            try {
                batch.commit.get(Math.max(0, deadlineNs - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception settledOrNot) {
                // Failed or still in flight: decided below.
            }
            Throwable failure = failureOf(batch.commit);
            if (batch.commit.isDone() && failure == null) {
                acknowledge(batch, batch.commit.join());
            } else if (!batch.commit.isDone() || failure instanceof CommitStateUnknownException) {
                fail(batch, ProducerErrors.outcomeUnknown(config.producerId, table.location(), batch.batchSequence,
                        failure != null ? failure : cause));
            } else {
                fail(batch, cause);
            }
        }
        while (!sealed.isEmpty()) {
            fail(sealed.poll(), cause);
        }
        if (filling.size() > 0) {
            fail(filling, cause);
        }
        MessageHandler failer = (msgTypeId, buffer, index, length) -> {
            long sequence = buffer.getLong(index + SendRecordDescriptor.SEQUENCE_OFFSET);
            listener.onFailed(sequence, cause);
            CompletableFuture<Position> future = futures.remove(sequence);
            if (future != null) {
                future.completeExceptionally(cause);
            }
        };
        // A sender between its claim and its commit holds up the read; wait for it (it commits, or
        // sees the closed flag and aborts), so that its message fails rather than stays unanswered.
        long sendersDeadlineNs = System.nanoTime() + IN_FLIGHT_SEND_WAIT_NS;
        while (true) {
            ring.read(failer, Integer.MAX_VALUE);
            if (ring.consumerPosition() >= ring.producerPosition() || System.nanoTime() - sendersDeadlineNs >= 0) {
                break;
            }
            Thread.yield();
        }
        completedRingPosition = ring.consumerPosition();
        futures.values().forEach(f -> f.completeExceptionally(cause));
        futures.clear();
    }

    private static Throwable failureOf(CompletableFuture<?> future) {
        if (!future.isCompletedExceptionally()) {
            return null;
        }
        try {
            future.join();
            return null;
        } catch (CompletionException e) {
            return e.getCause() != null ? e.getCause() : e;
        } catch (java.util.concurrent.CancellationException e) {
            return e;
        }
    }
}

package io.deltaq.deltalog;

import io.deltaq.deltalog.actions.Action;
import io.deltaq.deltalog.actions.AddFile;
import io.deltaq.deltalog.actions.CommitInfo;
import io.deltaq.deltalog.actions.Metadata;
import io.deltaq.deltalog.actions.Protocol;
import io.deltaq.deltalog.actions.SetTransaction;
import io.deltaq.s3io.CreateOutcome;
import io.deltaq.s3io.Futures;
import io.deltaq.s3io.Listing;
import io.deltaq.s3io.StoreUnavailableException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends batches of data files to a table as blind-append commits, for one writer id.
 *
 * <p>Each commit holds {@code commitInfo} (operation WRITE, {@code isBlindAppend} true, and this
 * writer instance's random id under {@value Commit#WRITER_INSTANCE_PARAMETER}),
 * {@code txn {appId: writer id, version: batch sequence}} and the batch's {@code add} actions, and is
 * created with put-if-absent at the version after the latest one this writer knows. Losing the race
 * means reading the winner and trying the version after it; a winner that changed the protocol or
 * the metadata, or holds a {@code txn} of this writer id written by another instance, ends the
 * commit with a {@link CommitConflictException}. Each version is written through the table's
 * {@link io.deltaq.s3io.ConditionalCreate}, which recognises this writer's own earlier attempt by
 * identity (writer id, batch sequence, instance), never by bytes: design in docs/rfcs/0003-commit.md.
 *
 * <p>Commits of one writer are serial: {@link #commit} must not be called while a previous commit is
 * in flight, so version N+1 is never attempted before version N is known to exist. Batch sequences
 * must increase, also across restarts (a restarted producer continues after
 * {@link #lastBatchSequence()}, which comes from the snapshot's {@code txn}).
 *
 * <p>After a {@link CommitStateUnknownException} the writer stays usable: calling {@link #commit}
 * again with the same batch sequence settles it, by writing the same version again, where the late
 * original and the retry race for one key and either way only one of them holds it. After a
 * conflict the writer refuses further commits.
 *
 * <p>Futures complete on the store's I/O threads; do not block in dependent stages.
 */
public final class CommitWriter {

    /** Versions one catch-up listing may skip; a writer further behind lists again after the next loss. */
    private static final int CATCH_UP_LIST_KEYS = 1000;

    private final LogStore io;
    private final String writerId;
    private final Checkpointer checkpointer;
    private final Executor checkpointExecutor;
    private final ActionJson.Writer json = new ActionJson.Writer();
    private final AtomicBoolean inFlight = new AtomicBoolean();
    private static final Logger LOG = LoggerFactory.getLogger(CommitWriter.class);

    private final String instance = UUID.randomUUID().toString();
    private final Map<String, String> operationParameters;

    // Written by the commit's completion stage, read by the caller after the future completes.
    private volatile long knownVersion;
    private volatile long lastBatchSequence;
    private volatile long lastBatchVersion;
    private final Protocol protocol;
    /** The table's metadata as of {@link #knownVersion}: a change of its settings alone is adopted. */
    private volatile Metadata metadata;
    /**
     * The table's state at {@link #knownVersion}: the snapshot the writer opened with, plus each
     * commit it wrote or read since (a writer reads every version it did not write, I4), so that a
     * checkpoint is a copy of it rather than a replay of the log. Touched only by the stage that
     * completes a commit, and commits are serial.
     */
    private final LogReplay state;
    private volatile DeltaLogException unusable;
    private final Object checkpointLock = new Object();
    private volatile CompletableFuture<Long> checkpoint = CompletableFuture.completedFuture(-1L);
    private Snapshot queuedCheckpoint; // guarded by checkpointLock
    private boolean checkpointQueued; // guarded by checkpointLock
    /** Set when a checkpoint failed: the next commit checkpoints its own version, interval or not. */
    private volatile boolean checkpointOwed;
    private final AtomicLong failedCheckpoints = new AtomicLong();
    private volatile long lastCheckpointBytes = -1;
    private volatile long lastCheckpointNanos = -1;
    private final AtomicLong lateOwnCommits = new AtomicLong();
    /**
     * The batch sequence and version of the last attempt whose outcome is unknown, until a later
     * create at that version decides it; -1 when nothing is in doubt. The original can only ever
     * land at that one version, so once the version is taken by anyone it is settled.
     */
    private volatile long inDoubtSequence = -1;
    private volatile long inDoubtVersion = -1;
    private final ContentionSignal contention;

    CommitWriter(LogStore io, String writerId, Snapshot snapshot, Checkpointer checkpointer,
                 Executor checkpointExecutor) {
        this.io = io;
        this.writerId = writerId;
        this.checkpointer = checkpointer;
        this.checkpointExecutor = checkpointExecutor;
        this.operationParameters = Map.of("mode", "Append", Commit.WRITER_INSTANCE_PARAMETER, instance);
        this.contention = new ContentionSignal(io, writerId, instance);
        this.knownVersion = snapshot.version();
        this.protocol = snapshot.protocol();
        this.metadata = snapshot.metadata();
        this.state = LogReplay.startingFrom(snapshot, io.options);
        Optional<TransactionState> txn = snapshot.transaction(writerId);
        this.lastBatchSequence = txn.map(TransactionState::txnVersion).orElse(-1L);
        // A checkpoint keeps a txn but not the version of the commit that held it.
        this.lastBatchVersion = txn.filter(t -> !t.fromCheckpoint()).map(TransactionState::committedAtVersion).orElse(-1L);
    }

    public String writerId() {
        return writerId;
    }

    /** How this writer takes turns with others on the log: it announces its lost races there. */
    public ContentionSignal contention() {
        return contention;
    }

    /** The newest version this writer knows to exist (its own last commit or a winner it read). */
    public long knownVersion() {
        return knownVersion;
    }

    /**
     * This writer instance's id, recorded in each of its commits: a commit of this writer id without
     * it was written by another instance.
     */
    public String instance() {
        return instance;
    }

    /** Bytes of the last checkpoint this writer wrote, -1 before its first. */
    public long lastCheckpointBytes() {
        return lastCheckpointBytes;
    }

    /** How long the last checkpoint this writer wrote took to encode and store, in nanoseconds; -1 before its first. */
    public long lastCheckpointNanos() {
        return lastCheckpointNanos;
    }

    /** Checkpoints that failed (each is retried with the next commit). */
    public long failedCheckpoints() {
        return failedCheckpoints.get();
    }

    /**
     * Commits of this instance found in the log after their call had reported an unknown outcome
     * and the batch had moved on: a batch given up as unknown that did land.
     */
    public long lateOwnCommits() {
        return lateOwnCommits.get();
    }

    /**
     * Whether an attempt to commit {@code batchSequence} got no answer and no later create has
     * settled its version: the batch may be in the table, or may still land.
     */
    public boolean mayHaveLanded(long batchSequence) {
        return batchSequence >= 0 && inDoubtSequence == batchSequence;
    }

    /** The last committed batch sequence of this writer id, -1 when none. */
    public long lastBatchSequence() {
        return lastBatchSequence;
    }

    /**
     * The latest checkpoint this writer started or queued: completes with the version it wrote (-1 if
     * none was started), or with the failure that stopped it.
     */
    public CompletableFuture<Long> lastCheckpoint() {
        return checkpoint;
    }

    /**
     * Commits one batch.
     *
     * @param batchSequence this writer's sequence number for the batch, increasing from commit to commit
     * @param adds the batch's data files, already uploaded; each with {@code dataChange true}
     * @return completes with the committed version, or with a {@link CommitFailedException} (nothing
     *     of this call landed), {@link CommitStateUnknownException} (it may have: call again with the
     *     same sequence to settle it) or other {@link DeltaLogException}
     * @throws IllegalStateException if a commit of this writer is still in flight
     */
    public CompletableFuture<CommitResult> commit(long batchSequence, List<AddFile> adds) {
        return commit(batchSequence, adds, null);
    }

    /**
     * Commits one batch, naming in its {@code commitInfo} the data file this writer expects to commit
     * next (see {@link Commit#nextDataFile()}), so that a reader following the log can fetch that file
     * while the next commit is still being made.
     *
     * @param nextDataFile the {@code add.path} of the data file that will likely come next, or null
     */
    public CompletableFuture<CommitResult> commit(long batchSequence, List<AddFile> adds, String nextDataFile) {
        if (adds.isEmpty()) {
            throw new IllegalArgumentException("a commit needs at least one data file");
        }
        for (AddFile add : adds) {
            if (!add.dataChange()) {
                throw new IllegalArgumentException("an appended file must have dataChange true: " + add.path());
            }
            io.dataFileKey(add.path()); // refused now rather than by readers after it landed
        }
        DeltaLogException failure = unusable;
        if (failure != null) {
            return CompletableFuture.failedFuture(failure);
        }
        if (!inFlight.compareAndSet(false, true)) {
            throw new IllegalStateException("writer '" + writerId + "' already has a commit in flight; "
                    + "commits of one writer are serial");
        }
        if (batchSequence <= lastBatchSequence) {
            inFlight.set(false);
            return CompletableFuture.completedFuture(new CommitResult(
                    CommitResult.Outcome.ALREADY_COMMITTED, lastBatchVersion, batchSequence, 0));
        }
        long now = System.currentTimeMillis();
        List<Action> actions = new ArrayList<>(adds.size() + 2);
        Map<String, String> parameters = operationParameters;
        if (nextDataFile != null) {
            parameters = new LinkedHashMap<>(operationParameters);
            parameters.put(Commit.NEXT_DATA_FILE_PARAMETER, nextDataFile);
        }
        actions.add(new CommitInfo(now, null, "WRITE", parameters, Boolean.TRUE,
                io.options.engineInfo(), null));
        actions.add(new SetTransaction(writerId, batchSequence, now));
        actions.addAll(adds);
        Attempt attempt = new Attempt(batchSequence, actions, json.write(actions));
        attempt.tryVersion(knownVersion + 1);
        return attempt.result;
    }

    /** One commit's journey through versions until it lands or fails. */
    private final class Attempt {
        final long batchSequence;
        final List<Action> actions;
        final byte[] bytes;
        final CompletableFuture<CommitResult> result = new CompletableFuture<>();
        int attempts;

        Attempt(long batchSequence, List<Action> actions, byte[] bytes) {
            this.batchSequence = batchSequence;
            this.actions = actions;
            this.bytes = bytes;
        }

        void tryVersion(long version) {
            if (attempts >= io.options.maxCommitAttempts()) {
                fail(DeltaErrors.tooManyAttempts(io.tableName, version, attempts));
                return;
            }
            attempts++;
            String key = io.commitKey(version);
            CompletableFuture<CreateOutcome> create;
            try {
                create = io.creates.create(key, bytes, existing -> isThisBatch(existing, key, version));
            } catch (RuntimeException e) {
                fail(e);
                return;
            }
            create.whenComplete((outcome, error) -> guarded(() -> {
                String file = io.display(key);
                if (error == null && outcome.kind() != CreateOutcome.Kind.UNKNOWN && version == inDoubtVersion) {
                    inDoubtSequence = -1;
                    inDoubtVersion = -1;
                }
                if (error != null) {
                    // Nothing of this commit can have landed: the store refused before any attempt
                    // that might have been written.
                    Throwable cause = Futures.unwrap(error);
                    fail(DeltaErrors.commitStorageFailure(file, version, cause, cause instanceof StoreUnavailableException));
                    return;
                }
                switch (outcome.kind()) {
                    case CREATED -> succeed(version);
                    case UNKNOWN -> {
                        inDoubtVersion = version;
                        inDoubtSequence = batchSequence;
                        fail(DeltaErrors.commitStateUnknown(file, version, outcome.cause()));
                    }
                    case TAKEN -> {
                        Commit winner = Commit.parse(version, outcome.existing(), file);
                        DeltaLogException conflict = conflictWith(winner, version);
                        if (conflict != null) {
                            fail(conflict);
                            return;
                        }
                        learn(file, winner);
                        // Lost twice for one batch: starving, not a passing collision. Ask for a turn.
                        contention.lost(version, attempts > 1);
                        catchUp(version);
                    }
                }
            }));
        }

        /**
         * After losing {@code lostAt} to a writer that keeps committing, stepping one version per
         * round trip never reaches the head: the other writer advances as fast. One listing finds
         * how far the log goes; the winners up to there are read in parallel and checked for
         * conflicts; the next attempt goes just past the head.
         */
        void catchUp(long lostAt) {
            String startAfter = io.commitKey(lostAt);
            long[] head = {lostAt};
            int[] seen = {0};
            Listing.forEach(io.store, io.logPrefix, startAfter, CATCH_UP_LIST_KEYS, info -> {
                LogFiles.LogFile file = LogFiles.parse(info.key().substring(io.logPrefix.length()), info.size());
                if (file != null && file.kind() == LogFiles.Kind.COMMIT && file.version() == head[0] + 1) {
                    head[0] = file.version();
                }
                return ++seen[0] < CATCH_UP_LIST_KEYS;
            }).whenComplete((walked, listError) -> guarded(() -> {
                // A failed listing only costs the shortcut: go on one version at a time.
                if (head[0] == lostAt) {
                    tryVersion(lostAt + 1);
                    return;
                }
                long last = head[0];
                List<CompletableFuture<Optional<byte[]>>> reads = new ArrayList<>();
                for (long v = lostAt + 1; v <= last; v++) {
                    reads.add(io.getBounded(io.commitKey(v)));
                }
                CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).whenComplete((ignored, readError) -> guarded(() -> {
                    long checked = lostAt;
                    for (int i = 0; i < reads.size() && readError == null; i++) {
                        Optional<byte[]> data = reads.get(i).join();
                        if (data.isEmpty()) {
                            break;
                        }
                        long version = lostAt + 1 + i;
                        String file = io.display(io.commitKey(version));
                        Commit winner = Commit.parse(version, data.get(), file);
                        DeltaLogException conflict = conflictWith(winner, version);
                        if (conflict != null) {
                            fail(conflict);
                            return;
                        }
                        learn(file, winner);
                        checked = version;
                    }
                    tryVersion(checked + 1);
                }));
            }));
        }

        private DeltaLogException conflictWith(Commit winner, long attemptedVersion) {
            for (Action a : winner.actions()) {
                if (a instanceof Protocol p && !p.equals(protocol)) {
                    return DeltaErrors.protocolChanged(io.tableName, attemptedVersion, winner.version());
                }
                if (a instanceof Metadata m && !m.equals(metadata) && !onlySettingsDiffer(m)) {
                    return DeltaErrors.metadataChanged(io.tableName, attemptedVersion, winner.version());
                }
                if (a instanceof SetTransaction t && t.appId().equals(writerId)) {
                    if (!instance.equals(winner.writerInstance())) {
                        return DeltaErrors.writerIdInUse(io.tableName, attemptedVersion, winner.version(), writerId,
                                t.version());
                    }
                    // Ours, from an earlier call given up as unknown that landed after all (this
                    // call's own batch is recognised before it gets here).
                    lateOwnCommits.incrementAndGet();
                }
            }
            return null;
        }

        /** Whether commit bytes found at {@code key} are this very batch of this instance. */
        private boolean isThisBatch(byte[] existing, String key, long version) {
            Commit found;
            try {
                found = Commit.parse(version, existing, io.display(key));
            } catch (RuntimeException unreadable) {
                return false; // not ours: ours always parse; the caller reads and reports it as the winner
            }
            if (!instance.equals(found.writerInstance())) {
                return false;
            }
            for (SetTransaction t : found.txns()) {
                if (t.appId().equals(writerId) && t.version() == batchSequence) {
                    return true;
                }
            }
            return false;
        }

        private void succeed(long version) {
            // Cannot fail: its paths were checked before the first attempt.
            learn(io.display(io.commitKey(version)), new Commit(version, actions));
            lastBatchSequence = batchSequence;
            lastBatchVersion = version;
            try {
                maybeCheckpoint(version);
            } catch (RuntimeException e) {
                // The commit stands whatever happens to its checkpoint (an executor shut down by close).
                onCheckpointFailed(version, e);
            }
            inFlight.set(false);
            result.complete(new CommitResult(CommitResult.Outcome.COMMITTED, version, batchSequence, attempts));
        }

        private void fail(Throwable error) {
            if (error instanceof CommitConflictException conflict) {
                unusable = conflict;
            }
            inFlight.set(false);
            result.completeExceptionally(error);
        }

        private void guarded(Runnable step) {
            try {
                step.run();
            } catch (Throwable t) {
                fail(t);
            }
        }
    }

    /** The writer knows {@code commit}, the version after its last known one, exists: it joins the state. */
    private void learn(String file, Commit commit) {
        state.apply(file, commit);
        metadata = state.metadata();
        knownVersion = commit.version();
    }

    /**
     * Whether the table has the {@code headers} column (tables created before headers do not), as of the
     * last version this writer knows.
     */
    public boolean tableHasHeaders() {
        return MessageSchema.hasHeaders(metadata);
    }

    /**
     * Whether {@code changed} is this table's metadata with other settings only (a retention set by
     * an operator, say): same id, schema, partitioning and format, and still writable. Such a change
     * is adopted; any other ends the writer.
     */
    private boolean onlySettingsDiffer(Metadata changed) {
        Metadata current = metadata;
        if (!changed.id().equals(current.id()) || MessageSchema.mismatch(changed) != null
                || !changed.partitionColumns().equals(current.partitionColumns())) {
            return false;
        }
        try {
            ProtocolGate.checkWritable(io.tableName, protocol, changed);
            return true;
        } catch (DeltaLogException e) {
            return false;
        }
    }

    /**
     * Starts the checkpoint of {@code version} when it is a multiple of the interval, or when an
     * earlier checkpoint failed. While one runs,
     * at most one more is queued, and it writes the newest version requested by then: checkpoints
     * never pile up behind slow storage, and the newest state is always checkpointed eventually.
     */
    private void maybeCheckpoint(long version) {
        if (checkpointExecutor == null || checkpointer == null || version == 0
                || (version % checkpointInterval() != 0 && !checkpointOwed)) {
            return;
        }
        // A copy of the state at this version, taken before the next commit can change it: O(live
        // files), and no read of the log. What the checkpoint leaves out the writer forgets too.
        state.dropExpired(System.currentTimeMillis());
        Snapshot atVersion = state.toSnapshot(version, -1);
        synchronized (checkpointLock) {
            CompletableFuture<Long> running = checkpoint;
            if (running.isDone()) {
                checkpointOwed = false;
                checkpoint = CompletableFuture.supplyAsync(() -> writeCheckpoint(atVersion), checkpointExecutor);
                return;
            }
            queuedCheckpoint = atVersion;
            if (!checkpointQueued) {
                checkpointQueued = true;
                checkpoint = running.handle((v, e) -> null).thenApplyAsync(ignored -> {
                    Snapshot newest;
                    synchronized (checkpointLock) {
                        newest = queuedCheckpoint;
                        queuedCheckpoint = null;
                        checkpointQueued = false;
                    }
                    return writeCheckpoint(newest);
                }, checkpointExecutor);
            }
        }
    }

    private long writeCheckpoint(Snapshot snapshot) {
        long started = System.nanoTime();
        try {
            lastCheckpointBytes = checkpointer.write(snapshot);
            lastCheckpointNanos = System.nanoTime() - started;
            return snapshot.version();
        } catch (RuntimeException e) {
            onCheckpointFailed(snapshot.version(), e);
            throw e;
        }
    }

    private void onCheckpointFailed(long version, RuntimeException e) {
        checkpointOwed = true;
        LOG.atWarn().log(() -> "checkpoint of version " + version + " of " + io.tableName
                + " failed; the next commit checkpoints again: " + e.getMessage());
        // Counted after the warning is logged: whoever sees the count can find its cause in the log.
        failedCheckpoints.incrementAndGet();
    }

    private int checkpointInterval() {
        return TableProperties.checkpointInterval(metadata, io.options.defaultCheckpointInterval());
    }
}

package io.deltaq.deltalog;

import io.deltaq.deltalog.actions.Action;
import io.deltaq.deltalog.actions.CommitInfo;
import io.deltaq.deltalog.actions.Protocol;
import io.deltaq.deltalog.actions.RemoveFile;
import io.deltaq.deltalog.actions.SetTransaction;
import io.deltaq.s3io.CreateOutcome;
import io.deltaq.s3io.Futures;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * Commits of one maintenance step (compaction or retention) made from one snapshot: each is a
 * put-if-absent of the version after the newest one known, recognised as its own after an unknown
 * outcome by a random id under {@value #COMMIT_ID_PARAMETER}. It first reads every commit up to the
 * head (one listing), then tries the next version, checking each winner it loses to (and listing again
 * after {@value #LOSSES_BEFORE_LISTING} losses in a row); it gives up with a
 * {@link MaintenanceConflictException} if one of them removes a file this commit removes, moves
 * compaction on ({@code txn} {@value CompactedRange#COMPACTION_APP_ID}, for a compaction commit) or changes the
 * protocol; otherwise the next version is tried (docs/rfcs/0005-maintenance.md, I2).
 *
 * <p>Every winner read since the snapshot is kept, so that a second commit of the same step (the
 * next compacted group) is checked against all of them too. Blocking; one thread.
 */
final class MaintenanceCommit {

    /** The maintainer instance (the lease holder's) that made the commit. */
    static final String MAINTAINER_PARAMETER = "deltaq.maintainer";
    static final String LEASE_EPOCH_PARAMETER = "deltaq.leaseEpoch";
    /**
     * A random id per commit: the maintainer instance alone would recognise a commit of an earlier run
     * of the same instance, which landed after all, as this one.
     */
    static final String COMMIT_ID_PARAMETER = "deltaq.maintenanceCommit";

    /** Versions lost one after another before the log is listed again to find the head. */
    static final int LOSSES_BEFORE_LISTING = 8;

    private final LogStore io;
    private final CommitPause pause;
    private final Protocol protocol;
    private final String maintainer;
    private final long leaseEpoch;
    private final LongSupplier clockMs;
    private long knownVersion;
    private final List<Commit> winners = new ArrayList<>();

    MaintenanceCommit(LogStore io, Snapshot read, String maintainer, long leaseEpoch, LongSupplier clockMs,
                      CommitPause pause) {
        this.pause = pause;
        this.io = io;
        this.protocol = read.protocol();
        this.knownVersion = read.version();
        this.maintainer = maintainer;
        this.leaseEpoch = leaseEpoch;
        this.clockMs = clockMs;
    }

    /**
     * Commits {@code actions} (without {@code commitInfo}, which is added first).
     *
     * @param operation the Delta operation ({@code OPTIMIZE}, {@code DELETE})
     * @param kind {@value Commit#MAINTENANCE_COMPACTION} or {@value Commit#MAINTENANCE_RETENTION}
     * @return the version it landed at
     * @throws MaintenanceConflictException if a concurrent commit makes it invalid; nothing was written
     * @throws CommitStateUnknownException if it may or may not have landed
     * @throws CommitFailedException if storage refused (nothing was written) or too many versions were lost
     */
    long commit(String operation, String kind, List<Action> actions) {
        String id = UUID.randomUUID().toString();
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put(Commit.MAINTENANCE_PARAMETER, kind);
        parameters.put(MAINTAINER_PARAMETER, maintainer);
        parameters.put(LEASE_EPOCH_PARAMETER, Long.toString(leaseEpoch));
        parameters.put(COMMIT_ID_PARAMETER, id);
        List<Action> all = new ArrayList<>(actions.size() + 1);
        all.add(new CommitInfo(clockMs.getAsLong(), null, operation, parameters, Boolean.FALSE, io.options.engineInfo(),
                null));
        all.addAll(actions);
        byte[] bytes = new ActionJson.Writer().write(all);
        Set<String> removes = new HashSet<>();
        boolean compaction = false;
        for (Action a : actions) {
            if (a instanceof RemoveFile r) {
                removes.add(decoded(r.path()));
            } else if (a instanceof SetTransaction t && t.appId().equals(CompactedRange.COMPACTION_APP_ID)) {
                compaction = true;
            }
        }
        Check check = new Check(operation, removes, compaction);
        for (Commit w : winners) {
            check.against(w, knownVersion + 1);
        }
        // A compaction takes seconds to prepare; producers committed meanwhile. The producer sharing
        // this process (if any) pauses, one listing brings this commit to the head, and it steps one
        // version per race lost to other writers; a run of losses (far behind again) pays for another
        // listing.
        catchUp(check, knownVersion); // the long part, while the producer goes on
        try (CommitPause.Hold held = pause.hold()) {
            return commitAtTheHead(bytes, check, operation, id);
        }
    }

    private long commitAtTheHead(byte[] bytes, Check check, String operation, String id) {
        catchUp(check, knownVersion);
        int attempts = 0;
        int lostInARow = 0;
        long version = knownVersion + 1;
        while (true) {
            if (attempts >= io.options.maxCommitAttempts()) {
                throw DeltaErrors.tooManyAttempts(io.tableName, version, attempts);
            }
            attempts++;
            String key = io.commitKey(version);
            String file = io.display(key);
            long v = version;
            CreateOutcome outcome = await(io.creates.create(key, bytes,
                    existing -> Commit.carries(existing, file, v, COMMIT_ID_PARAMETER, id)), file, version);
            switch (outcome.kind()) {
                case CREATED -> {
                    knownVersion = version;
                    return version;
                }
                case UNKNOWN -> throw DeltaErrors.maintenanceCommitUnknown(file, operation, version, outcome.cause());
                case TAKEN -> {
                    Commit winner = Commit.parse(version, outcome.existing(), file);
                    check.against(winner, version);
                    winners.add(winner);
                    knownVersion = version;
                    if (++lostInARow % LOSSES_BEFORE_LISTING == 0) {
                        catchUp(check, version);
                    }
                    version = knownVersion + 1;
                }
            }
        }
    }

    /**
     * Reads and checks every commit after {@code lostAt} up to the head, found with one listing of
     * the log: how a commit far behind the head reaches it in a few round trips.
     */
    private void catchUp(Check check, long lostAt) {
        List<LogFiles.LogFile> files = io.listLog(lostAt + 1, Long.MAX_VALUE);
        long head = lostAt;
        for (LogFiles.LogFile f : files) {
            if (f.kind() == LogFiles.Kind.COMMIT && f.version() == head + 1) {
                head = f.version();
            }
        }
        int window = io.options.maxConcurrentReads();
        for (long from = lostAt + 1; from <= head; from += window) {
            List<CompletableFuture<Optional<Commit>>> reads = new ArrayList<>();
            for (long v = from; v <= head && v < from + window; v++) {
                reads.add(io.readCommit(v));
            }
            for (int i = 0; i < reads.size(); i++) {
                long v = from + i;
                Optional<Commit> read = io.join(reads.get(i), "reading " + io.display(io.commitKey(v)));
                if (read.isEmpty()) {
                    return; // cleaned up meanwhile: the next create finds out where the head is
                }
                Commit winner = read.get();
                check.against(winner, v + 1);
                winners.add(winner);
                knownVersion = v;
            }
        }
    }

    private CreateOutcome await(CompletableFuture<CreateOutcome> create, String file, long version) {
        try {
            // ConditionalCreate bounds each attempt and the number of attempts: this ends.
            return create.join();
        } catch (RuntimeException e) {
            Throwable cause = Futures.unwrap(e);
            throw DeltaErrors.commitStorageFailure(file, version, cause, DeltaStorageException.isTransient(cause));
        }
    }

    private String decoded(String rawPath) {
        try {
            return DataFilePaths.decode(rawPath, io.options.tableUri()).path();
        } catch (URISyntaxException e) {
            return rawPath;
        }
    }

    /** What makes a winner conflict with one commit. */
    private final class Check {
        final String operation;
        final Set<String> removes;
        final boolean compaction;

        Check(String operation, Set<String> removes, boolean compaction) {
            this.operation = operation;
            this.removes = removes;
            this.compaction = compaction;
        }

        void against(Commit winner, long attempted) {
            for (Action a : winner.actions()) {
                if (a instanceof Protocol p && !p.equals(protocol)) {
                    throw DeltaErrors.maintenanceConflict(io.tableName, operation, attempted, winner.version(),
                            "changed the protocol");
                }
                if (compaction && a instanceof SetTransaction t && t.appId().equals(CompactedRange.COMPACTION_APP_ID)) {
                    throw DeltaErrors.maintenanceConflict(io.tableName, operation, attempted, winner.version(),
                            "is another compaction (txn " + CompactedRange.COMPACTION_APP_ID + " version " + t.version() + ")");
                }
                if (a instanceof RemoveFile r && removes.contains(decoded(r.path()))) {
                    throw DeltaErrors.maintenanceConflict(io.tableName, operation, attempted, winner.version(),
                            "removed data file '" + r.path() + "', which this commit removes too");
                }
            }
        }
    }
}

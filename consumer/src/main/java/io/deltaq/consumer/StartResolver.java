package io.deltaq.consumer;

import io.deltaq.deltalog.Commit;
import io.deltaq.deltalog.CompactedRange;
import io.deltaq.deltalog.DeltaTable;
import io.deltaq.deltalog.LogGapException;
import io.deltaq.deltalog.Position;
import io.deltaq.deltalog.Snapshot;
import io.deltaq.deltalog.actions.CommitInfo;
import io.deltaq.s3io.Futures;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Turns the configured start, a committed position or a seek target into the position to deliver
 * from and the snapshot to tail after. Blocking (a snapshot load and a few GETs, each bounded by the
 * log's I/O timeout); runs on the tailer thread before tailing begins, where an interrupt from
 * {@code close} ends it.
 */
final class StartResolver {

    /**
     * Where to begin.
     *
     * @param tailFrom the snapshot whose next version the tail reads first
     * @param start the first position to deliver; commits before its version and rows before its index
     *     are passed over
     * @param firstCommit version 0's commit when starting there (a tail cannot read its own snapshot's
     *     version), else null
     * @param retained whether the log before the start is gone: then {@code tailFrom} is the latest
     *     snapshot, and the start's version is read from the compacted file holding it, or from the log
     *     with the latest protocol and metadata ({@link CompactedReads#at})
     * @param reset whether {@code auto.offset.reset} moved the start (the position asked for was
     *     before the log start)
     */
    record Startup(Snapshot tailFrom, Position start, Commit firstCommit, boolean retained, boolean reset) {
    }

    /** What the table still holds, found once per resolution when needed. */
    private record Retained(Snapshot latest, long oldestInLog, long logStart, RuntimeException failure) {
    }

    private final DeltaTable table;
    private final ConsumerConfig config;
    private final CommittedPositions positions;
    private final long ioTimeoutMs;
    /** The table's metadata id as of the last resolution, stored with committed positions. */
    private volatile String tableId;
    /** The current resolution's oldest version in the log, or -1 before it is listed. */
    private long oldestInLog;
    /** The current resolution's view of the retained data, or null before it is needed. */
    private Retained retained;

    StartResolver(DeltaTable table, ConsumerConfig config, CommittedPositions positions) {
        this.table = table;
        this.config = config;
        this.positions = positions;
        this.ioTimeoutMs = table.options().ioTimeout().toMillis();
    }

    /**
     * @param target an explicit position (a seek), or null for the committed position or the configured start
     * @param waitedForTable whether the table did not exist when the consumer started
     * @throws io.deltaq.deltalog.TableNotFoundException while the table does not exist
     */
    Startup resolve(Position target, boolean waitedForTable) {
        try {
            return resolveOrThrow(target, waitedForTable);
        } catch (LogGapException gap) {
            // The start itself needs the missing versions: name all of them, as the tail does.
            long missing = gap.missingVersion();
            long later = Futures.await(table.firstVersionAfter(missing), TimeUnit.MILLISECONDS.toNanos(ioTimeoutMs),
                    cause -> gap);
            throw later > missing ? ConsumerErrors.logGap(table.location(), missing, later) : gap;
        }
    }

    private Startup resolveOrThrow(Position target, boolean waitedForTable) {
        oldestInLog = -1;
        retained = null;
        // A listing, not a replay: a corrupt or missing commit ahead of the start is the tail's to report,
        // after everything before it was delivered.
        long latest;
        try {
            latest = table.latestVersion();
        } catch (LogGapException gap) {
            if (gap.missingVersion() <= 0) {
                throw gap;
            }
            // The readable log ends before the gap; the tail delivers up to it, then reports it.
            latest = gap.missingVersion() - 1;
        }
        Optional<CommittedPositions.Committed> committed = Optional.empty();
        if (positions != null && !positions.loaded()) {
            // Read once, when the instance starts: the generation found is what fencing compares against.
            committed = positions.load(ioTimeoutMs);
        } else if (positions != null && target == null) {
            // The first start again, after a storage fault: what its first attempt loaded still holds.
            committed = positions.latest();
        }
        Position start;
        if (target != null) {
            start = target;
        } else if (committed.isPresent()) {
            start = committed.get().position();
        } else {
            start = fromConfig(config.start(), latest, waitedForTable);
        }
        Startup startup = startupAt(start, latest, false);
        String id = startup.tailFrom().metadata().id();
        if (target == null && committed.isPresent()) {
            CommittedPositions.Committed c = committed.get();
            if (c.tableId() != null && !c.tableId().equals(id)) {
                throw ConsumerErrors.committedForAnotherTable(table.location(), positions.name(), c, id);
            }
        }
        tableId = id;
        return startup;
    }

    /** The table's id, once a resolution has read it; null before. */
    String tableId() {
        return tableId;
    }

    private Position fromConfig(StartPosition spec, long latest, boolean waitedForTable) {
        return switch (spec.kind()) {
            case EARLIEST -> new Position(earliestVersion(), 0);
            // Everything in a table that did not exist when the consumer started came after the start.
            case LATEST -> waitedForTable ? new Position(earliestVersion(), 0) : new Position(latest + 1, 0);
            case VERSION -> new Position(spec.value(), 0);
            case TIMESTAMP -> new Position(firstCommitAtOrAfter(spec.value(), latest), 0);
        };
    }

    /**
     * The log start version: the oldest whose rows the table still holds, in its commits or in
     * compacted files ({@link CompactedRange#logStartVersion}).
     */
    private long earliestVersion() {
        return retained().logStart();
    }

    private Retained retained() {
        if (retained == null) {
            long oldest = oldestInLog();
            Snapshot latest;
            try {
                latest = table.snapshot();
            } catch (RuntimeException e) {
                if (ReadRetry.retryable(e)) {
                    throw e;
                }
                // A gap or a corrupt commit ahead: the tail delivers up to it and reports it there.
                retained = new Retained(null, oldest, oldest, e);
                return retained;
            }
            retained = new Retained(latest, oldest, CompactedRange.logStartVersion(latest, oldest), null);
        }
        return retained;
    }

    /** The oldest version with a commit or checkpoint in the log: a listing's first page. */
    private long oldestInLog() {
        if (oldestInLog < 0) {
            oldestInLog = Futures.await(table.firstVersionAfter(-1), TimeUnit.MILLISECONDS.toNanos(ioTimeoutMs),
                    cause -> cause instanceof RuntimeException re ? re
                            : ConsumerErrors.startReadFailed(table.location(), -1, cause));
        }
        return oldestInLog;
    }

    /**
     * Binary search over commit timestamps, assumed not to decrease with the version, among the
     * commits still in the log at or after the log start.
     */
    private long firstCommitAtOrAfter(long epochMs, long latestVersion) {
        long lo = Math.max(earliestVersion(), oldestInLog());
        long hi = latestVersion;
        if (lo > hi || timestampOf(hi) < epochMs) {
            return latestVersion + 1;
        }
        while (lo < hi) {
            long mid = (lo + hi) >>> 1;
            if (timestampOf(mid) >= epochMs) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    private long timestampOf(long version) {
        Commit c = read(version)
                .orElseThrow(() -> ConsumerErrors.versionVanishedDuringSearch(table.location(), version));
        Optional<CommitInfo> info = c.commitInfo();
        Long ts = info.map(i -> i.inCommitTimestamp() != null ? i.inCommitTimestamp() : i.timestamp()).orElse(null);
        if (ts == null) {
            throw ConsumerErrors.noCommitTimestamp(table.location(), version);
        }
        return ts;
    }

    private Startup startupAt(Position start, long latest, boolean reset) {
        long v = start.version();
        if (v > latest) {
            // Beyond the latest version: tail from the latest and pass over commits before the start.
            return new Startup(table.snapshotAt(latest), start, null, false, reset);
        }
        long oldest = oldestInLog();
        if (v == 0 && oldest == 0) {
            Snapshot s0 = table.snapshotAt(0);
            Commit c0 = read(0).orElseThrow(() -> ConsumerErrors.versionZeroGone(table.location()));
            return new Startup(s0, start, c0, false, reset);
        }
        if (v > oldest) {
            return new Startup(table.snapshotAt(v - 1), start, null, false, reset);
        }
        // The log before the start is gone (log cleanup): no snapshot just before it can be loaded, and
        // its rows, if retained, are in compacted files of the latest snapshot.
        Retained r = retained();
        if (r.latest() == null) {
            throw r.failure();
        }
        if (v < r.logStart()) {
            Position to = CompactedReads.resetTarget(config, table.location(), start, r.logStart(),
                    r.latest().version());
            return startupAt(to, Math.max(latest, r.latest().version()), true);
        }
        return new Startup(r.latest(), start, null, true, reset);
    }

    private Optional<Commit> read(long version) {
        return Futures.await(table.readCommit(version), TimeUnit.MILLISECONDS.toNanos(ioTimeoutMs), cause -> {
            if (cause instanceof TimeoutException) {
                return ConsumerErrors.startReadTimedOut(table.location(), version, ioTimeoutMs, cause);
            }
            if (cause instanceof InterruptedException) {
                return ConsumerErrors.startReadInterrupted(table.location(), version, cause);
            }
            return cause instanceof RuntimeException re ? re : ConsumerErrors.startReadFailed(table.location(), version, cause);
        });
    }
}

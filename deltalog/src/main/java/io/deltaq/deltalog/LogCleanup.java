package io.deltaq.deltalog;

import io.deltaq.deltalog.actions.CommitInfo;
import io.deltaq.s3io.Listing;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Log cleanup (docs/rfcs/0005-maintenance.md, I4): keeps {@code K}, the newest complete checkpoint
 * with {@code K <= B + 1} whose commit is older than {@code delta.logRetentionDuration}, and deletes,
 * oldest first, every commit, checkpoint and {@code .crc} with a version below it, a window of them at
 * a time. What remains is always {@code K}'s checkpoint, its commit and every commit after it, and
 * below {@code K}, while a run is under way or after one was stopped, whatever it has not deleted
 * yet, holes included: no reader looks there, since every reader starts at the newest checkpoint and
 * the log start is at least {@code B + 1 >= K}. {@code _last_checkpoint} is not touched.
 */
final class LogCleanup {

    /**
     * The log files one run lists at most, from the oldest: a run's cost stays bounded however long
     * the log has grown (a soak's log of 45,000 files took more than the 30 s I/O timeout to list on
     * the embedded server, so every later run failed and the log only grew). A longer log is cleaned
     * over several runs.
     */
    static final int MAX_LISTED = 10_000;

    private final DeltaTable table;
    private final LogStore io;
    private final LongSupplier clockMs;
    private final int maxListed;

    LogCleanup(DeltaTable table, LogStore io, LongSupplier clockMs, int maxListed) {
        this.table = table;
        this.io = io;
        this.clockMs = clockMs;
        this.maxListed = maxListed;
    }

    /** What one run did: files deleted, and the checkpoint kept (-1 when none qualified). */
    record Result(long filesDeleted, long keptCheckpoint) {
    }

    private record Named(String name, long version) {
    }

    Result run(Snapshot s) {
        long compactedThrough = CompactedRange.compactedThrough(s);
        if (compactedThrough < 0) {
            return new Result(0, -1); // K <= B + 1 = the oldest version: nothing may go
        }
        long bound = Math.min(compactedThrough + 1, s.version());
        long cutoffMs = clockMs.getAsLong() - TableProperties.logRetentionMs(s.metadata());

        // The versioned files (commits, checkpoints, .crc, ...) from the oldest, in version order, up to
        // the bound, or up to maxListed once a checkpoint above the oldest version was listed with its
        // commit (so that the run can make progress whatever the checkpoint interval). A version cut
        // short has no commit listed (its name sorts last), so it is no candidate, and every version
        // below a candidate was listed whole.
        long[] newestCandidate = {-1};
        List<Named> files = new ArrayList<>();
        Set<Long> commits = new HashSet<>();
        Map<Long, Map<Integer, Integer>> multiPart = new HashMap<>();
        List<Long> checkpoints = new ArrayList<>();
        io.join(Listing.forEach(io.store, io.logPrefix, null, io.options.listPageSize(), info -> {
            String name = info.key().substring(io.logPrefix.length());
            if (!LogFiles.startsWithVersion(name)) {
                return name.isEmpty() || name.charAt(0) <= '9';
            }
            if (name.indexOf('/') >= 0) {
                return true;
            }
            long version = Long.parseLong(name, 0, 20, 10);
            if (version > bound || (files.size() >= maxListed && newestCandidate[0] > files.get(0).version())) {
                return false;
            }
            files.add(new Named(name, version));
            LogFiles.LogFile f = LogFiles.parse(name, info.size());
            if (f != null) {
                switch (f.kind()) {
                    case COMMIT -> {
                        commits.add(version);
                        if (checkpoints.contains(version)) {
                            newestCandidate[0] = version; // its checkpoint's names sort before its commit's
                        }
                    }
                    case CLASSIC_CHECKPOINT -> checkpoints.add(version);
                    case MULTIPART_CHECKPOINT -> {
                        Map<Integer, Integer> parts = multiPart.computeIfAbsent(version, v -> new HashMap<>());
                        parts.put(f.part(), f.parts());
                        if (parts.size() == f.parts() && parts.values().stream().allMatch(n -> n == f.parts())) {
                            checkpoints.add(version);
                        }
                    }
                    default -> { }
                }
            }
            return true;
        }), "listing " + io.display(io.logPrefix));
        // Readers (Kernel) want the commit at the checkpoint's version too.
        List<Long> candidates = checkpoints.stream().distinct().filter(commits::contains).sorted().toList();
        long kept = newestOlderThan(candidates, cutoffMs);
        if (kept < 0) {
            return new Result(0, -1);
        }
        // Oldest version first, within a version the commit last: a stopped run leaves the fewest holes
        // below K (at most a window's worth) for the next run to finish.
        List<Named> doomed = new ArrayList<>();
        for (Named f : files) {
            if (f.version() < kept) {
                doomed.add(f);
            }
        }
        doomed.sort(Comparator.comparingLong(Named::version).thenComparing(f -> f.name().endsWith(".json") ? 1 : 0));
        List<String> keys = new ArrayList<>(doomed.size());
        for (Named f : doomed) {
            keys.add(io.logKey(f.name()));
        }
        long[] deleted = {0};
        io.deleteInOrder(keys, "log file", key -> deleted[0]++);
        return new Result(deleted[0], kept);
    }

    /**
     * The newest of {@code versions} (ascending) whose commit is older than {@code cutoffMs}, or -1;
     * commit times grow with versions, so a binary search reads a few commits, not all.
     */
    private long newestOlderThan(List<Long> versions, long cutoffMs) {
        int lo = 0;
        int hi = versions.size() - 1;
        long found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long v = versions.get(mid);
            Optional<Commit> c = io.join(table.readCommit(v), "reading " + io.display(io.commitKey(v)));
            Long ts = c.flatMap(Commit::commitInfo).map(CommitInfo::timestamp).orElse(null);
            if (ts != null && ts < cutoffMs) {
                found = v;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }
}

package io.deltaq.deltalog;

import io.deltaq.deltalog.LogFiles.LogFile;
import io.deltaq.deltalog.actions.Action;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * Finds the files of a snapshot and replays them.
 *
 * <p>Finding: {@code _last_checkpoint} names a recent checkpoint; the log is listed from that
 * version only (newer checkpoints and commits included, so a stale hint costs nothing). When the
 * hint is missing the log is listed from version 0; when it is wrong (no checkpoint there) or the
 * checkpoint is unreadable, earlier windows of the log are listed, each twice as long as the last.
 * A commit after the chosen checkpoint that the listing did not show, below one it did show, is looked
 * for by its name: a listing is not a snapshot of the log. Only when it is not there is it a
 * {@link LogGapException}; missing commits before the checkpoint do not matter.
 *
 * <p>A gap may also be a listing that raced log cleanup (RFC 0005): a page listed before the cleanup
 * deleted its commits, the next after, or a commit deleted between listing and reading it. The log
 * is then listed again, up to {@value #RELISTS_ON_GAP} times; the new listing shows the checkpoint the
 * cleanup kept. A real gap stays and is reported.
 *
 * <p>A checkpoint that cannot be read (truncated, corrupt, a part missing) is replaced by an older
 * checkpoint or by the commits from version 0 when the log still has them; otherwise the error
 * names the checkpoint and why the log cannot replace it.
 */
final class SnapshotLoader {

    private static final long FIRST_BACKWARD_WINDOW = 1000;
    static final int RELISTS_ON_GAP = 3;
    /** The size of a commit that a later commit implies but the listing did not show. */
    private static final long UNLISTED = -1;

    private final LogStore io;
    private final CheckpointFormat format;

    SnapshotLoader(LogStore io, CheckpointFormat format) {
        this.io = io;
        this.format = format;
    }

    /** The latest snapshot. */
    Snapshot latest() {
        return load(Long.MAX_VALUE, true);
    }

    /** The snapshot at exactly {@code version}. */
    Snapshot at(long version) {
        if (version < 0) {
            throw new IllegalArgumentException("version must be >= 0, was " + version);
        }
        return load(version, true);
    }

    /** Replays commits only, ignoring checkpoints: for verifying checkpoints against the log. */
    Snapshot fromCommitsOnly(long maxVersion) {
        return load(maxVersion, false);
    }

    /** The files of the latest snapshot (listing only, no replay). */
    LogSegment latestSegment() {
        return segment(Long.MAX_VALUE, Set.of(), true);
    }

    private Snapshot load(long maxVersion, boolean useCheckpoints) {
        for (int relists = 0; ; relists++) {
            try {
                return loadOnce(maxVersion, useCheckpoints);
            } catch (LogGapException e) {
                if (relists == RELISTS_ON_GAP) {
                    throw e;
                }
            }
        }
    }

    private Snapshot loadOnce(long maxVersion, boolean useCheckpoints) {
        Set<Long> unreadable = new HashSet<>();
        CorruptLogException firstFailure = null;
        String firstFile = null;
        while (true) {
            LogSegment segment;
            try {
                segment = segment(maxVersion, unreadable, useCheckpoints);
            } catch (LogGapException | TableNotFoundException e) {
                if (firstFailure != null) {
                    throw DeltaErrors.corruptCheckpointNoFallback(firstFile, firstFailure.version(),
                            firstFailure.getMessage(), firstFailure, e.getMessage());
                }
                throw e;
            }
            LogReplay replay = new LogReplay(io.tableName, io.options);
            if (segment.checkpointVersion() >= 0) {
                try {
                    readCheckpoint(segment, replay);
                } catch (CorruptLogException e) {
                    if (firstFailure == null) {
                        firstFailure = e;
                        firstFile = io.displayLog(segment.checkpointParts().get(0).name());
                    }
                    unreadable.add(segment.checkpointVersion());
                    continue;
                }
            }
            replayCommits(segment, replay);
            Snapshot snapshot = replay.toSnapshot(segment.version(), segment.checkpointVersion());
            ProtocolGate.checkReadable(io.tableName, snapshot.protocol(), snapshot.metadata());
            return snapshot;
        }
    }

    /* ------------------------------ finding ------------------------------ */

    LogSegment segment(long maxVersion, Set<Long> unreadable, boolean useCheckpoints) {
        Optional<LastCheckpoint> hint = useCheckpoints ? readHint() : Optional.empty();
        long from;
        if (hint.isPresent() && hint.get().version() <= maxVersion && !unreadable.contains(hint.get().version())) {
            from = hint.get().version();
        } else if (hint.isPresent()) {
            from = Math.max(0, Math.min(hint.get().version(), maxVersion) - FIRST_BACKWARD_WINDOW);
        } else {
            from = 0;
        }
        List<LogFile> files = io.listLog(from, maxVersion);
        long window = FIRST_BACKWARD_WINDOW;
        while (true) {
            LogSegment segment = build(files, from, maxVersion, unreadable, useCheckpoints);
            if (segment != null) {
                checkUnlisted(segment);
                return segment;
            }
            long earlierFrom = Math.max(0, from - window);
            window *= 2;
            List<LogFile> earlier = new ArrayList<>(io.listLog(earlierFrom, from - 1));
            earlier.addAll(files);
            files = earlier;
            from = earlierFrom;
        }
    }

    /**
     * Reads, by name, every commit of the segment that the listing did not show: one that exists is
     * a commit that landed while the log was listed; one that does not is a gap. Checked before
     * anything is replayed, so that a gap is reported as one and not as whatever an earlier file holds.
     */
    private void checkUnlisted(LogSegment segment) {
        List<LogFile> unlisted = new ArrayList<>();
        List<CompletableFuture<Optional<byte[]>>> reads = new ArrayList<>();
        for (LogFile commit : segment.commits()) {
            if (commit.size() == UNLISTED) {
                unlisted.add(commit);
                reads.add(io.get(io.logKey(commit.name())));
            }
        }
        for (int i = 0; i < unlisted.size(); i++) {
            LogFile commit = unlisted.get(i);
            if (io.join(reads.get(i), "reading " + io.displayLog(commit.name())).isEmpty()) {
                long checkpoint = segment.checkpointVersion();
                throw checkpoint < 0
                        ? DeltaErrors.gapWithoutCheckpoint(io.tableName, commit.version(), segment.version())
                        : DeltaErrors.gapAfterCheckpoint(io.tableName, checkpoint, commit.version(), segment.version());
            }
        }
    }

    private Optional<LastCheckpoint> readHint() {
        return LastCheckpoint.parse(io.getOrNull(io.logKey(LogFiles.LAST_CHECKPOINT)));
    }

    /** The segment from files listed from {@code from}; null when an earlier listing is needed. */
    private LogSegment build(List<LogFile> files, long from, long maxVersion, Set<Long> unreadable,
                             boolean useCheckpoints) {
        TreeMap<Long, LogFile> commits = new TreeMap<>();
        TreeMap<Long, List<LogFile>> complete = new TreeMap<>();
        TreeMap<Long, LogFile> uuidCheckpoints = new TreeMap<>();
        Map<String, List<LogFile>> multipart = new HashMap<>();
        for (LogFile f : files) {
            switch (f.kind()) {
                case COMMIT -> commits.put(f.version(), f);
                case CLASSIC_CHECKPOINT -> complete.put(f.version(), List.of(f));
                case MULTIPART_CHECKPOINT ->
                        multipart.computeIfAbsent(f.version() + "/" + f.parts(), k -> new ArrayList<>()).add(f);
                case UUID_CHECKPOINT -> uuidCheckpoints.put(f.version(), f);
                default -> throw new IllegalStateException(f.kind().toString());
            }
        }
        for (List<LogFile> parts : multipart.values()) {
            LogFile first = parts.get(0);
            Set<Integer> seen = new HashSet<>();
            for (LogFile p : parts) {
                seen.add(p.part());
            }
            // A multi-part checkpoint with a missing part is incomplete and must be ignored.
            if (seen.size() == first.parts() && !complete.containsKey(first.version())) {
                parts.sort((a, b) -> Integer.compare(a.part(), b.part()));
                complete.put(first.version(), List.copyOf(parts));
            }
        }
        long checkpoint = -1;
        if (useCheckpoints) {
            for (Long v : complete.descendingKeySet()) {
                if (!unreadable.contains(v)) {
                    checkpoint = v;
                    break;
                }
            }
            Long uuid = uuidCheckpoints.isEmpty() ? null : uuidCheckpoints.lastKey();
            if (uuid != null && uuid > checkpoint && !unreadable.contains(uuid)) {
                throw DeltaErrors.v2CheckpointFound(io.tableName, io.displayLog(uuidCheckpoints.get(uuid).name()));
            }
        }
        if (checkpoint < 0 && from > 0) {
            return null;
        }
        if (checkpoint < 0 && commits.isEmpty()) {
            throw DeltaErrors.tableNotFound(io.tableName);
        }
        long latest = Math.max(checkpoint, commits.isEmpty() ? -1 : commits.lastKey());
        if (maxVersion != Long.MAX_VALUE && latest < maxVersion) {
            throw DeltaErrors.versionNotFound(io.tableName, maxVersion, latest);
        }
        List<LogFile> needed = new ArrayList<>();
        for (long v = checkpoint + 1; v <= latest; v++) {
            LogFile commit = commits.get(v);
            // Not listed, yet a later commit was: a listing is no snapshot of the log (a directory
            // walked while commits land, pages listed at different moments), so the commit is read
            // by its name and only a failed read is a gap.
            needed.add(commit != null ? commit : new LogFile(LogFiles.Kind.COMMIT, v, 0, 0, LogFiles.commitName(v),
                    UNLISTED));
        }
        return new LogSegment(latest, checkpoint, checkpoint < 0 ? List.of() : complete.get(checkpoint), needed);
    }

    /* ------------------------------ replaying ------------------------------ */

    private void readCheckpoint(LogSegment segment, LogReplay replay) {
        long version = segment.checkpointVersion();
        List<LogFile> parts = segment.checkpointParts();
        if (format == null) {
            throw new DeltaLogException(io.tableName + ": cannot read checkpoint at version " + version
                    + ": no Parquet checkpoint format available");
        }
        List<CompletableFuture<Optional<byte[]>>> reads = new ArrayList<>(parts.size());
        for (LogFile part : parts) {
            reads.add(io.get(io.logKey(part.name())));
        }
        for (int i = 0; i < parts.size(); i++) {
            String file = io.displayLog(parts.get(i).name());
            Optional<byte[]> data = io.join(reads.get(i), "reading checkpoint " + file);
            if (data.isEmpty()) {
                throw DeltaErrors.checkpointVanished(file, version); // log cleanup, most likely: list again
            }
            format.read(file, version, data.get(), (Action a) -> replay.apply(file, version, a, true));
        }
        // Every checkpoint holds the table's protocol and metadata; one without them lost rows.
        if (replay.protocol() == null || replay.metadata() == null) {
            throw DeltaErrors.corruptCheckpoint(io.displayLog(parts.get(0).name()), version, "it holds no "
                    + (replay.protocol() == null ? "protocol" : "metaData") + " action", null);
        }
    }

    private void replayCommits(LogSegment segment, LogReplay replay) {
        List<LogFile> commits = segment.commits();
        int n = commits.size();
        int window = io.options.maxConcurrentReads();
        List<CompletableFuture<Optional<byte[]>>> reads = new ArrayList<>(Collections.nCopies(n, null));
        int issued = 0;
        for (int i = 0; i < n; i++) {
            while (issued < n && issued < i + window) {
                reads.set(issued, io.get(io.logKey(commits.get(issued).name())));
                issued++;
            }
            LogFile commit = commits.get(i);
            String file = io.displayLog(commit.name());
            Optional<byte[]> data = io.join(reads.get(i), "reading " + file);
            reads.set(i, null);
            if (data.isEmpty()) {
                throw DeltaErrors.commitVanished(io.tableName, commit.version());
            }
            long version = commit.version();
            byte[] bytes = data.get();
            ActionJson.parseCommit(bytes, 0, bytes.length, file, version, a -> replay.apply(file, version, a, false));
        }
    }
}

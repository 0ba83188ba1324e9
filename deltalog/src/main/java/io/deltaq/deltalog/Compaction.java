package io.deltaq.deltalog;

import io.deltaq.deltalog.actions.Action;
import io.deltaq.deltalog.actions.AddFile;
import io.deltaq.deltalog.actions.CommitInfo;
import io.deltaq.deltalog.actions.RemoveFile;
import io.deltaq.deltalog.actions.SetTransaction;
import io.deltaq.deltalog.internal.parquet.MessageBatch;
import io.deltaq.deltalog.internal.parquet.MessageFileReader;
import io.deltaq.deltalog.internal.parquet.MessageFileWriter;
import io.deltaq.deltalog.internal.parquet.MessageRowHandler;
import io.deltaq.deltalog.internal.parquet.ParquetFormatException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compaction (docs/rfcs/0005-maintenance.md, Mechanism): the data commits after {@code B} (the
 * version of the {@value CompactedRange#COMPACTION_APP_ID} {@code txn}) that are older than {@code deltaq.compaction.min.age.ms}
 * are rewritten, in position order, into files of about {@code deltaq.compaction.target.bytes}, each
 * holding whole versions and saying which in its {@link CompactedRange} tags; one commit per file
 * removes the sources ({@code dataChange false}), adds the file and moves {@code B}.
 */
final class Compaction {

    static final String OPERATION = "OPTIMIZE";
    private static final Logger LOG = LoggerFactory.getLogger(Compaction.class);

    /** What one run did. */
    record Result(long filesCompacted, long filesWritten, long compactedThrough) {
    }

    /** One data commit to compact: its version, its files that are still live, its timestamp. */
    private record Version(long version, List<LiveFile> files, long bytes, long timestampMs) {
    }

    private final DeltaTable table;
    private final LogStore io;
    private final LongSupplier clockMs;
    private final NavigableMap<Long, Seen> seen = new TreeMap<>();

    Compaction(DeltaTable table, LogStore io, LongSupplier clockMs) {
        this.table = table;
        this.io = io;
        this.clockMs = clockMs;
    }

    /**
     * One run from snapshot {@code s}, committing through {@code commits}. A group whose commit
     * conflicts ends the run with the {@link MaintenanceConflictException}; groups committed before
     * it stay.
     */
    Result run(Snapshot s, MaintenanceCommit commits) {
        String mismatch = MessageSchema.mismatch(s.metadata());
        if (mismatch != null) {
            throw DeltaErrors.notAMessageTable(io.tableName, s.version(), mismatch);
        }
        ProtocolGate.checkWritable(io.tableName, s.protocol(), s.metadata());
        long now = clockMs.getAsLong();
        long minAge = TableProperties.compactionMinAgeMs(s.metadata());
        long target = TableProperties.compactionTargetBytes(s.metadata());
        long b = CompactedRange.compactedThrough(s);
        if (b < 0) {
            // Never compacted: start at the oldest version in the log (0 unless another engine cleaned it).
            b = io.join(table.firstVersionAfter(-1), "listing " + io.display(io.logPrefix)) - 1;
        }
        List<Version> versions = compactable(s, b, now, minAge);

        List<List<Version>> groups = new ArrayList<>();
        List<Version> group = new ArrayList<>();
        long bytes = 0;
        for (Version v : versions) {
            group.add(v);
            bytes += v.bytes();
            if (bytes >= target) {
                groups.add(group);
                group = new ArrayList<>();
                bytes = 0;
            }
        }
        // A small trailing group waits for more data, unless it has waited long enough already.
        if (!group.isEmpty() && now - group.get(group.size() - 1).timestampMs() >= 2 * minAge) {
            groups.add(group);
        }
        long compacted = 0;
        long written = 0;
        for (List<Version> g : groups) {
            if (g.stream().allMatch(v -> v.files().isEmpty())) {
                continue; // nothing to rewrite; B moves with the next group that has data
            }
            compacted += compact(g, commits, now);
            written++;
            b = g.get(g.size() - 1).version();
        }
        return new Result(compacted, written, b);
    }

    /**
     * The versions {@code b+1..} in order, while their commit is older than {@code minAge} and does
     * not rewrite rows; each with its data files that are live in {@code s}.
     */
    private List<Version> compactable(Snapshot s, long b, long now, long minAge) {
        Map<String, LiveFile> live = new HashMap<>();
        for (LiveFile f : s.liveFiles()) {
            if (f.add().deletionVector() == null) {
                live.put(f.path(), f);
            }
        }
        seen.headMap(b, true).clear(); // compacted: never read again
        List<Version> versions = new ArrayList<>();
        int window = io.options.maxConcurrentReads();
        for (long from = b + 1; from <= s.version(); from += window) {
            long to = Math.min(s.version(), from + window - 1);
            Map<Long, CompletableFuture<Optional<Commit>>> reads = new HashMap<>();
            for (long v = from; v <= to; v++) {
                if (!seen.containsKey(v)) {
                    reads.put(v, table.readCommit(v));
                }
            }
            for (long v = from; v <= to; v++) {
                Seen c = seen.get(v);
                if (c == null) {
                    Optional<Commit> read = io.join(reads.get(v), "reading " + io.display(io.commitKey(v)));
                    if (read.isEmpty()) {
                        return versions; // a gap: nothing after it can be placed
                    }
                    c = Seen.of(read.get(), table, v);
                    seen.put(v, c);
                }
                if (now - c.timestampMs() < minAge || c.rewritesRows()) {
                    return versions;
                }
                List<LiveFile> files = new ArrayList<>();
                long bytes = 0;
                for (String path : c.dataFiles()) {
                    LiveFile f = live.get(path);
                    if (f != null) {
                        files.add(new LiveFile(f.path(), f.add(), v, f.insideTable()));
                        bytes += f.size();
                    }
                }
                versions.add(new Version(v, files, bytes, c.timestampMs()));
            }
        }
        return versions;
    }

    /**
     * What compaction needs of one commit, kept from one run to the next until the version is
     * compacted: each version above {@code B} is read once, not once per run while it waits to be old
     * enough or for its group to fill.
     *
     * @param rewritesRows the commit takes rows out for readers, or has rows deleted by a vector: not
     *     a plain append, so compaction stops before it
     * @param dataFiles the decoded paths of the data files it added
     */
    private record Seen(long timestampMs, boolean rewritesRows, List<String> dataFiles) {
        static Seen of(Commit c, DeltaTable table, long version) {
            List<String> paths = new ArrayList<>(1);
            boolean vectors = false;
            for (AddFile add : c.dataAdds()) {
                vectors |= add.deletionVector() != null;
                paths.add(table.dataFile(version, add).path());
            }
            return new Seen(timestamp(c), vectors || Compaction.rewritesRows(c), List.copyOf(paths));
        }
    }

    /** A commit that takes rows out for readers: a {@code remove} with {@code dataChange true}, other than retention. */
    private static boolean rewritesRows(Commit c) {
        for (RemoveFile r : c.removes()) {
            if (r.dataChange()) {
                return !c.isRetention();
            }
        }
        return false;
    }

    /** When a commit was made: {@code commitInfo}'s time, or its newest file's, or (neither) long ago. */
    private static long timestamp(Commit c) {
        Optional<CommitInfo> info = c.commitInfo();
        if (info.isPresent() && info.get().inCommitTimestamp() != null) {
            return info.get().inCommitTimestamp();
        }
        if (info.isPresent() && info.get().timestamp() != null) {
            return info.get().timestamp();
        }
        long newest = Long.MIN_VALUE;
        for (AddFile a : c.adds()) {
            newest = Math.max(newest, a.modificationTime());
        }
        return newest == Long.MIN_VALUE ? 0 : newest;
    }

    /** Writes one group's rows into one file and commits it; returns the number of files it replaced. */
    private long compact(List<Version> group, MaintenanceCommit commits, long now) {
        long first = group.get(0).version();
        long last = group.get(group.size() - 1).version();
        long[] rows = new long[(int) (last - first + 1)];
        List<Action> actions = new ArrayList<>();
        long newestSource = 0;
        long sources = 0;
        MessageBatch batch = new MessageBatch();
        String path;
        int length;
        String stats;
        List<LiveFile> files = new ArrayList<>();
        for (Version v : group) {
            files.addAll(v.files());
        }
        // The GETs are the cost (a group is hundreds of small files): keep a window of them in flight
        // and decode in order as they arrive.
        int window = Math.max(1, io.options.maxConcurrentReads());
        List<CompletableFuture<byte[]>> reads = new ArrayList<>(files.size());
        for (int i = 0; i < files.size() && i < window; i++) {
            reads.add(table.readDataFile(files.get(i)));
        }
        int next = 0;
        try (MessageFileReader reader = new MessageFileReader(); MessageFileWriter writer = new MessageFileWriter()) {
            for (Version v : group) {
                for (LiveFile f : v.files()) {
                    byte[] data = io.join(reads.get(next), "reading data file " + io.display(io.root + f.path()));
                    reads.set(next, null);
                    if (next + window < files.size()) {
                        reads.add(table.readDataFile(files.get(next + window)));
                    }
                    next++;
                    int before = batch.size();
                    decodeInto(reader, f, data, batch);
                    rows[(int) (v.version() - first)] += batch.size() - before;
                    newestSource = Math.max(newestSource, f.add().modificationTime());
                    AddFile a = f.add();
                    actions.add(new RemoveFile(a.path(), now, false, true, a.partitionValues(), a.size(), null,
                            a.tags(), null));
                    sources++;
                }
            }
            length = writer.encode(batch);
            stats = MessageStats.of(writer.stats()).toJson();
            path = DeltaTable.newDataFilePath(writer.compression());
            io.joinWrite(table.writeDataFile(path, writer.asByteBuffer()), length, "writing compacted data file "
                    + io.display(io.root + path));
        }
        CompactedRange range = new CompactedRange(first, rows);
        actions.add(new AddFile(path, Map.of(), length, newestSource, false, stats, range.toTags(), null));
        actions.add(new SetTransaction(CompactedRange.COMPACTION_APP_ID, last, now));
        try {
            commits.commit(OPERATION, Commit.MAINTENANCE_COMPACTION, actions);
        } catch (CommitFailedException definitelyNot) {
            // Nothing of the commit was written, so no reader can ever be sent to the file: delete it
            // rather than leave an orphan (an unknown outcome keeps it: it may be in the table).
            io.store.delete(io.root + path).whenComplete((ok, e) -> {
                if (e != null) {
                    LOG.atDebug().log(() -> "could not delete uncommitted compacted file " + path + ": " + e);
                }
            });
            throw definitelyNot;
        }
        return sources;
    }

    /** Appends every row of {@code f} to {@code batch}, exactly: keys (null ones too), values, timestamps, headers. */
    private void decodeInto(MessageFileReader reader, LiveFile f, byte[] data, MessageBatch batch) {
        int before = batch.size();
        MessageRowHandler append = (row, kb, ko, kl, vb, vo, vl, ts, hb, ho, hl) -> {
            if (vl == MessageBatch.NULL_LENGTH) {
                throw DeltaErrors.cannotCompact(io.tableName, f.path(), f.addedInVersion(),
                        "row " + row + " has a null value, which the message schema forbids");
            }
            if (ts == MessageRowHandler.NULL_TIMESTAMP) {
                throw DeltaErrors.cannotCompact(io.tableName, f.path(), f.addedInVersion(),
                        "row " + row + " has no timestamp, which the message schema requires");
            }
            batch.append(kb, ko, kl, vb, vo, vl, ts, hb, ho, hl);
        };
        try {
            reader.decode(data, f.path(), append);
        } catch (ParquetFormatException e) {
            throw DeltaErrors.corruptDataFile(io.tableName, f.path(), f.addedInVersion(), e.getMessage(), e);
        }
        long expected = f.numRecordsFromStats();
        if (expected >= 0 && expected != batch.size() - before) {
            throw DeltaErrors.cannotCompact(io.tableName, f.path(), f.addedInVersion(), "it holds "
                    + (batch.size() - before) + " rows but its statistics say " + expected);
        }
    }
}

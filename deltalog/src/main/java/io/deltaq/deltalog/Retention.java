package io.deltaq.deltalog;

import io.deltaq.deltalog.actions.Action;
import io.deltaq.deltalog.actions.AddFile;
import io.deltaq.deltalog.actions.RemoveFile;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Retention (docs/rfcs/0005-maintenance.md, Mechanism): removes the oldest compacted files while
 * their newest row is older than {@code deltaq.retention.ms} (raised to
 * {@code deltaq.compaction.min.age.ms}) or the live bytes exceed {@code deltaq.retention.bytes}, in
 * one commit, operation {@code DELETE}. Only compacted files, oldest range first, so that the
 * retained data stays one contiguous range of positions; never a file younger than the minimum age.
 */
final class Retention {

    static final String OPERATION = "DELETE";

    private final LongSupplier clockMs;

    Retention(LongSupplier clockMs) {
        this.clockMs = clockMs;
    }

    /** Removes what is due in {@code s}; returns the number of files removed. */
    long run(Snapshot s, MaintenanceCommit commits) {
        long retentionMs = TableProperties.retentionMs(s.metadata());
        long retentionBytes = TableProperties.retentionBytes(s.metadata());
        long minAge = TableProperties.compactionMinAgeMs(s.metadata());
        if (retentionMs == TableProperties.UNLIMITED && retentionBytes == TableProperties.UNLIMITED) {
            return 0;
        }
        long maxAge = retentionMs == TableProperties.UNLIMITED ? Long.MAX_VALUE : Math.max(retentionMs, minAge);
        long now = clockMs.getAsLong();
        List<Compacted> compacted = new ArrayList<>();
        for (LiveFile f : s.liveFiles()) {
            CompactedRange.of(f.add(), f.addedInVersion()).ifPresent(r -> compacted.add(new Compacted(f, r)));
        }
        compacted.sort(Comparator.comparingLong(c -> c.range().fromVersion()));
        long liveBytes = s.sizeInBytes();
        List<Action> removes = new ArrayList<>();
        for (Compacted c : compacted) {
            AddFile a = c.file().add();
            long age = now - a.modificationTime();
            boolean byAge = age > maxAge;
            boolean byBytes = retentionBytes != TableProperties.UNLIMITED && liveBytes > retentionBytes;
            if (age < minAge || !(byAge || byBytes)) {
                break;
            }
            removes.add(new RemoveFile(a.path(), now, true, true, a.partitionValues(), a.size(), null, a.tags(), null));
            liveBytes -= a.size();
        }
        if (removes.isEmpty()) {
            return 0;
        }
        commits.commit(OPERATION, Commit.MAINTENANCE_RETENTION, removes);
        return removes.size();
    }

    private record Compacted(LiveFile file, CompactedRange range) {
    }
}

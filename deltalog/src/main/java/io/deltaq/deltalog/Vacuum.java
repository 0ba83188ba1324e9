package io.deltaq.deltalog;

import io.deltaq.deltalog.actions.RemoveFile;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Vacuum (docs/rfcs/0005-maintenance.md, I5): deletes the data file of every tombstone of the latest
 * snapshot older than {@code delta.deletedFileRetentionDuration}; a file already gone is fine. A
 * live file, a tombstone without a time, and a file outside the table are never touched; orphans
 * (files no commit names) are left alone.
 */
final class Vacuum {

    private final LogStore io;
    private final LongSupplier clockMs;
    /**
     * Files this instance deleted whose tombstones are still in the snapshot (they stay until a
     * checkpoint drops them, two periods later): not deleted again at every run.
     */
    private final Set<String> deleted = new HashSet<>();

    Vacuum(LogStore io, LongSupplier clockMs) {
        this.io = io;
        this.clockMs = clockMs;
    }

    /** Deletes what is due in {@code s}; returns the number of files deleted (or found already gone). */
    long run(Snapshot s) {
        long cutoff = clockMs.getAsLong() - TableProperties.deletedFileRetentionMs(s.metadata());
        Set<String> live = new HashSet<>();
        for (LiveFile f : s.liveFiles()) {
            live.add(f.path());
        }
        Set<String> tombstoned = new HashSet<>();
        List<String> due = new ArrayList<>();
        for (RemoveFile r : s.tombstones()) {
            String path;
            try {
                DataFilePaths.Decoded d = DataFilePaths.decode(r.path(), io.options.tableUri());
                if (!d.insideTable()) {
                    continue;
                }
                path = d.path();
            } catch (URISyntaxException e) {
                continue; // log replay refuses such paths; never delete by a guess
            }
            tombstoned.add(path);
            if (r.deletionTimestamp() != null && r.deletionTimestamp() < cutoff && !live.contains(path)
                    && !deleted.contains(path)) {
                due.add(path);
            }
        }
        deleted.retainAll(tombstoned);
        long[] count = {0};
        List<String> keys = new ArrayList<>(due.size());
        for (String path : due) {
            keys.add(io.root + path);
        }
        io.deleteInOrder(keys, "data file", key -> {
            deleted.add(key.substring(io.root.length()));
            count[0]++;
        });
        return count[0];
    }
}

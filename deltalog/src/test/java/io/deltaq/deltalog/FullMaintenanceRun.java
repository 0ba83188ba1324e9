package io.deltaq.deltalog;

import io.deltaq.deltalog.MaintenanceTables.Clock;
import io.deltaq.deltalog.MaintenanceTables.Row;
import io.deltaq.s3io.ListPage;
import io.deltaq.s3io.ObjectInfo;
import io.deltaq.s3io.ObjectStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A message table at {@code topic} brought to the point where the next maintenance run does work in
 * every step: compaction (young data versions not yet compacted), retention (compacted files whose
 * newest rows fall out of {@code deltaq.retention.ms} once the clock moves 3 days), vacuum (the
 * tombstones of an earlier run, older than {@code delta.deletedFileRetentionDuration}) and log
 * cleanup (a checkpoint at the head of the data, commits older than {@code delta.logRetentionDuration}
 * below it). {@link #prepare} leaves the clock where that run must happen.
 */
public final class FullMaintenanceRun {

    public static final long HOUR = 3_600_000L;
    public static final long DAY = 24 * HOUR;

    public final DeltaTable table;
    public final MaintenanceTables data;
    public final Clock clock;
    /** The checkpoint {@link #prepare} wrote: the one log cleanup keeps. */
    public final long checkpoint;

    private FullMaintenanceRun(DeltaTable table, MaintenanceTables data, Clock clock, long checkpoint) {
        this.table = table;
        this.data = data;
        this.clock = clock;
        this.checkpoint = checkpoint;
    }

    /** Writes and maintains once a freshly created message table; see the class comment. */
    public static FullMaintenanceRun prepare(DeltaTable table, long seed) {
        MaintenanceTables.setProperties(table, Map.of(
                TableProperties.COMPACTION_TARGET_BYTES, "1500",
                TableProperties.RETENTION_MS, Long.toString(7 * DAY),
                TableProperties.DELETED_FILE_RETENTION, "interval 1 hour",
                TableProperties.LOG_RETENTION, "interval 1 hour"));
        Clock clock = new Clock();
        MaintenanceTables data = new MaintenanceTables(table, seed);
        long now = clock.getAsLong();
        // Rows 12 days to 1 day old, in small versions (some of two files).
        for (int i = 0; i < 12; i++) {
            data.append(now - (12 - i) * DAY, i % 5 == 0 ? new int[] {3, 2} : new int[] {1 + i % 7});
        }
        clock.advance(2 * HOUR);
        MaintenanceReport first = Maintenance.of(table, clock).runOnce("prepare", 1);
        if (!first.succeeded() || first.filesCompacted() == 0 || first.filesExpired() == 0) {
            throw new IllegalStateException("the first run compacts and expires: " + first);
        }
        // Young rows, compacted by the next run and kept; a checkpoint at the newest for log cleanup.
        long last = -1;
        for (int i = 0; i < 4; i++) {
            last = data.append(clock.getAsLong(), 2 + i);
        }
        long checkpoint = table.checkpoint(last);
        clock.advance(3 * DAY);
        return new FullMaintenanceRun(table, data, clock, checkpoint);
    }

    /** The rows of the data versions at or after {@code logStartVersion}: what the table must still hold. */
    public List<Row> rowsFrom(long logStartVersion) {
        List<Row> rows = new ArrayList<>();
        data.rows.forEach((version, versionRows) -> {
            if (version >= logStartVersion) {
                rows.addAll(versionRows);
            }
        });
        return rows;
    }

    /** Every row of every live file of the latest snapshot of {@code table}, read with deltaq's reader. */
    public static List<Row> liveRows(DeltaTable table) {
        List<Row> rows = new ArrayList<>();
        for (LiveFile f : table.snapshot().liveFiles()) {
            rows.addAll(MaintenanceTables.read(table, f));
        }
        return rows;
    }

    /** Rows as a multiset: each row with how often it occurs. */
    public static Map<Row, Integer> multiset(List<Row> rows) {
        Map<Row, Integer> counts = new HashMap<>();
        rows.forEach(r -> counts.merge(r, 1, Integer::sum));
        return counts;
    }

    /** Copies every object of {@code from} into {@code to} (both fresh stores): a second table to run against. */
    public static void copy(ObjectStore from, ObjectStore to) throws Exception {
        for (String key : keys(from)) {
            byte[] bytes = from.get(key).get(60, TimeUnit.SECONDS)
                    .orElseThrow(() -> new IllegalStateException(key + " was listed, then vanished"));
            to.put(key, bytes).get(60, TimeUnit.SECONDS);
        }
    }

    /** Every key of {@code store}, in listing order. */
    public static List<String> keys(ObjectStore store) throws Exception {
        List<String> keys = new ArrayList<>();
        String after = null;
        while (true) {
            ListPage page = store.list("", after, 1000).get(60, TimeUnit.SECONDS);
            for (ObjectInfo info : page.objects()) {
                keys.add(info.key());
            }
            if (!page.truncated() || page.nextStartAfter() == null) {
                return keys;
            }
            after = page.nextStartAfter();
        }
    }

    /** The data files among {@code keys} (for comparing what two runs left in storage). */
    public static Set<String> dataFiles(List<String> keys) {
        Set<String> files = new java.util.TreeSet<>();
        for (String k : keys) {
            if (k.endsWith(".parquet") && !k.contains("_delta_log/")) {
                files.add(k);
            }
        }
        return files;
    }
}

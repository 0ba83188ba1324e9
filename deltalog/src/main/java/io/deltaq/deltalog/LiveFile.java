package io.deltaq.deltalog;

import io.deltaq.deltalog.actions.AddFile;

/**
 * A data file in a snapshot.
 *
 * @param path the decoded path relative to the table root (or, when the snapshot was built with
 *     {@code allowPathsOutsideTable}, possibly an absolute location); the log replay key
 * @param add the {@code add} action that made it live
 * @param addedInVersion the commit that added it, or the version of the checkpoint it was read from
 *     (the add happened at or before it)
 * @param insideTable whether the file lies under the table root (always true unless allowed)
 */
public record LiveFile(String path, AddFile add, long addedInVersion, boolean insideTable) {

    /** Size in bytes, from the log. */
    public long size() {
        return add.size();
    }

    /**
     * Row count from the file's statistics, or -1 when the log has no {@code numRecords} for it (the
     * Parquet footer then has the answer).
     *
     * @throws CorruptLogException if the statistics are not valid JSON
     */
    public long numRecordsFromStats() {
        String stats = add.stats();
        if (stats == null) {
            return -1;
        }
        try {
            return MessageStats.numRecords(stats);
        } catch (IllegalArgumentException e) {
            throw DeltaErrors.invalidStats(addedInVersion, path, e.getMessage(), e);
        }
    }
}

package io.deltaq.deltalog;

import io.deltaq.deltalog.actions.AddFile;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The versions a compacted data file holds, from its {@code add.tags}: every row of the data
 * commits from {@link #fromVersion()} to {@link #toVersion()}, in position order, so that a row's
 * original position ({@link Position}) can be found in it without its commit
 * (docs/rfcs/0005-maintenance.md).
 *
 * <p>Tags: {@value #FROM_VERSION_TAG} is the first version; {@value #VERSION_ROWS_TAG} lists, comma
 * separated, how many rows each version from it on contributed (0 for a version without data, or
 * whose data had already left the table). Row {@code r} of version {@code v} is row
 * {@code firstRow(v) + r} of the file.
 */
public final class CompactedRange {

    public static final String FROM_VERSION_TAG = "deltaq.fromVersion";
    public static final String VERSION_ROWS_TAG = "deltaq.versionRows";
    /**
     * The {@code txn.appId} of compaction commits; its version is the last version compacted, so
     * the next compaction starts after it.
     */
    public static final String COMPACTION_APP_ID = "deltaq-compaction";

    private final long fromVersion;
    private final long[] rows;
    /** firstRows[i]: rows of the file before version fromVersion + i; firstRows[n] is the total. */
    private final long[] firstRows;

    /**
     * @param rowsPerVersion rows of each version from {@code fromVersion} on, at least one version
     */
    public CompactedRange(long fromVersion, long[] rowsPerVersion) {
        if (fromVersion < 0) {
            throw new IllegalArgumentException("fromVersion must be >= 0, was " + fromVersion);
        }
        if (rowsPerVersion.length == 0) {
            throw new IllegalArgumentException("a compacted range holds at least one version");
        }
        this.fromVersion = fromVersion;
        this.rows = rowsPerVersion.clone();
        this.firstRows = new long[rows.length + 1];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] < 0) {
                throw new IllegalArgumentException("rows of version " + (fromVersion + i) + " is negative: " + rows[i]);
            }
            firstRows[i + 1] = firstRows[i] + rows[i];
        }
    }

    /**
     * The range a file's {@code add} carries, or empty for a file that is not a compaction's output.
     *
     * @throws CorruptLogException if the tags are there but malformed, naming the file and the version
     *     of the log it was read from
     */
    public static Optional<CompactedRange> of(AddFile add, long version) {
        Map<String, String> tags = add.tags();
        String from = tags == null ? null : tags.get(FROM_VERSION_TAG);
        String list = tags == null ? null : tags.get(VERSION_ROWS_TAG);
        if (from == null && list == null) {
            return Optional.empty();
        }
        if (from == null || list == null) {
            throw DeltaErrors.invalidCompactedRange(version, add.path(), "it has "
                    + (from == null ? VERSION_ROWS_TAG + " but not " + FROM_VERSION_TAG
                            : FROM_VERSION_TAG + " but not " + VERSION_ROWS_TAG));
        }
        try {
            String[] parts = list.split(",", -1);
            long[] counts = new long[parts.length];
            for (int i = 0; i < parts.length; i++) {
                counts[i] = Long.parseLong(parts[i].trim());
            }
            return Optional.of(new CompactedRange(Long.parseLong(from.trim()), counts));
        } catch (IllegalArgumentException e) {
            throw DeltaErrors.invalidCompactedRange(version, add.path(), e.getMessage());
        }
    }

    /**
     * The <em>log start version</em> of {@code snapshot}: the oldest version whose rows a reader can
     * still get. It is the first version of the oldest live compacted file; when there is none (none
     * yet, or retention removed them all), the version after the last one compacted (the
     * {@link #COMPACTION_APP_ID} txn), since everything up to it was compacted and then expired; and
     * without compactions, the oldest version in the log. Never below {@code oldestInLog} then,
     * since a version neither compacted nor in the log cannot be read.
     *
     * @param oldestInLog the oldest version with a commit or checkpoint in the log
     */
    public static long logStartVersion(Snapshot snapshot, long oldestInLog) {
        long first = Long.MAX_VALUE;
        for (LiveFile f : snapshot.liveFiles()) {
            Optional<CompactedRange> range = of(f.add(), f.addedInVersion());
            if (range.isPresent()) {
                first = Math.min(first, range.get().fromVersion());
            }
        }
        if (first != Long.MAX_VALUE) {
            return first;
        }
        return Math.max(compactedThrough(snapshot) + 1, oldestInLog);
    }

    /**
     * {@code B}, the last version compaction has rewritten in {@code snapshot} (the version of the
     * {@value #COMPACTION_APP_ID} {@code txn}), or -1 when nothing was compacted. The rows of versions
     * up to it are read from compacted files; those after it from their commits' files.
     */
    public static long compactedThrough(Snapshot snapshot) {
        return snapshot.transaction(COMPACTION_APP_ID).map(TransactionState::txnVersion).orElse(-1L);
    }

    /**
     * The live file of {@code snapshot} whose compacted range covers {@code version}, if any; live
     * compacted ranges never overlap.
     */
    public static Optional<LiveFile> fileCovering(Snapshot snapshot, long version) {
        for (LiveFile f : snapshot.liveFiles()) {
            Optional<CompactedRange> range = of(f.add(), f.addedInVersion());
            if (range.isPresent() && range.get().covers(version)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    /** The tags to put on the compacted file's {@code add}. */
    public Map<String, String> toTags() {
        StringBuilder list = new StringBuilder(rows.length * 4);
        for (int i = 0; i < rows.length; i++) {
            if (i > 0) {
                list.append(',');
            }
            list.append(rows[i]);
        }
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(FROM_VERSION_TAG, Long.toString(fromVersion));
        tags.put(VERSION_ROWS_TAG, list.toString());
        return tags;
    }

    public long fromVersion() {
        return fromVersion;
    }

    /** The last version the file holds rows of (or passed over with 0 rows). */
    public long toVersion() {
        return fromVersion + rows.length - 1;
    }

    public boolean covers(long version) {
        return version >= fromVersion && version <= toVersion();
    }

    /** Rows of {@code version} in the file. */
    public long rowsOf(long version) {
        return rows[slot(version)];
    }

    /** The file's row at which {@code version}'s rows begin. */
    public long firstRowOf(long version) {
        return firstRows[slot(version)];
    }

    /** Rows in the file. */
    public long totalRows() {
        return firstRows[rows.length];
    }

    private int slot(long version) {
        if (!covers(version)) {
            throw new IllegalArgumentException("version " + version + " is outside " + this);
        }
        return (int) (version - fromVersion);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CompactedRange r && r.fromVersion == fromVersion && Arrays.equals(r.rows, rows);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(fromVersion) * 31 + Arrays.hashCode(rows);
    }

    @Override
    public String toString() {
        return "versions " + fromVersion + " to " + toVersion() + " (" + totalRows() + " rows)";
    }
}

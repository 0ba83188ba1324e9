package io.deltaq.deltalog;

import io.deltaq.deltalog.actions.Metadata;
import io.deltaq.deltalog.actions.Protocol;
import io.deltaq.deltalog.actions.RemoveFile;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The state of a table at one version: protocol, metadata, live files, tombstones and the latest
 * {@code txn} per application. Immutable.
 */
public final class Snapshot {

    private final String table;
    private final long version;
    private final long checkpointVersion;
    private final Protocol protocol;
    private final Metadata metadata;
    private final List<LiveFile> liveFiles;
    private final List<RemoveFile> tombstones;
    private final Map<String, TransactionState> transactions;

    Snapshot(String table, long version, long checkpointVersion, Protocol protocol, Metadata metadata,
             List<LiveFile> liveFiles, List<RemoveFile> tombstones, Map<String, TransactionState> transactions) {
        this.table = table;
        this.version = version;
        this.checkpointVersion = checkpointVersion;
        this.protocol = protocol;
        this.metadata = metadata;
        this.liveFiles = List.copyOf(liveFiles);
        this.tombstones = List.copyOf(tombstones);
        this.transactions = Map.copyOf(transactions);
    }

    /** The table's location, for messages. */
    public String table() {
        return table;
    }

    public long version() {
        return version;
    }

    /** The version of the checkpoint this snapshot was built from, if any. */
    public OptionalLong checkpointVersion() {
        return checkpointVersion < 0 ? OptionalLong.empty() : OptionalLong.of(checkpointVersion);
    }

    public Protocol protocol() {
        return protocol;
    }

    public Metadata metadata() {
        return metadata;
    }

    /** The live data files, keyed by decoded path, in the order they were added. */
    public List<LiveFile> liveFiles() {
        return liveFiles;
    }

    /** Bytes in the live data files, from the log. */
    public long sizeInBytes() {
        long total = 0;
        for (LiveFile f : liveFiles) {
            total += f.size();
        }
        return total;
    }

    /**
     * Rows in the live files according to their statistics; empty when some file has no
     * {@code numRecords} (then only the Parquet footers know).
     */
    public OptionalLong numRecordsFromStats() {
        long total = 0;
        for (LiveFile f : liveFiles) {
            long n = f.numRecordsFromStats();
            if (n < 0) {
                return OptionalLong.empty();
            }
            total += n;
        }
        return OptionalLong.of(total);
    }

    /** Files removed and not yet expired (for vacuum), as their {@code remove} actions. */
    public List<RemoveFile> tombstones() {
        return tombstones;
    }

    /** The latest {@code txn} of every application. */
    public Map<String, TransactionState> transactions() {
        return transactions;
    }

    /** The latest {@code txn} of one application (a deltaq writer id). */
    public Optional<TransactionState> transaction(String appId) {
        return Optional.ofNullable(transactions.get(appId));
    }

    /** The table's {@code delta.checkpointInterval}, or {@code defaultInterval} when unset or invalid. */
    public int checkpointInterval(int defaultInterval) {
        return TableProperties.checkpointInterval(metadata, defaultInterval);
    }

    @Override
    public String toString() {
        return "Snapshot[" + table + " v" + version + ", " + liveFiles.size() + " files]";
    }
}

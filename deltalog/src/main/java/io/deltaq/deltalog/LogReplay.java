package io.deltaq.deltalog;

import io.deltaq.deltalog.actions.Action;
import io.deltaq.deltalog.actions.AddFile;
import io.deltaq.deltalog.actions.DeletionVector;
import io.deltaq.deltalog.actions.Metadata;
import io.deltaq.deltalog.actions.Protocol;
import io.deltaq.deltalog.actions.RemoveFile;
import io.deltaq.deltalog.actions.SetTransaction;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reconciles actions into table state, in log order: the latest protocol and metadata win, the
 * latest {@code txn} per application wins, and logical files are keyed by
 * {@code (decoded path, deletion vector id)} with the newest {@code add} or {@code remove} winning.
 */
final class LogReplay {

    private final String table;
    private final String tableUri;
    private final boolean allowOutside;

    private Protocol protocol;
    private Metadata metadata;
    private final Map<FileKey, LiveFile> live = new LinkedHashMap<>();
    private final Map<FileKey, RemoveFile> tombstones = new HashMap<>();
    private final Map<String, TransactionState> transactions = new HashMap<>();

    LogReplay(String table, DeltaLogOptions options) {
        this.table = table;
        this.tableUri = options.tableUri();
        this.allowOutside = options.allowPathsOutsideTable();
    }

    /**
     * A replay that starts from {@code snapshot}'s state, to which a writer applies the commits it
     * learns of: the state of every later version without reading the log again.
     */
    static LogReplay startingFrom(Snapshot snapshot, DeltaLogOptions options) {
        LogReplay replay = new LogReplay(snapshot.table(), options);
        replay.protocol = snapshot.protocol();
        replay.metadata = snapshot.metadata();
        for (LiveFile f : snapshot.liveFiles()) {
            replay.live.put(new FileKey(f.path(), dvId(f.add().deletionVector())), f);
        }
        for (RemoveFile r : snapshot.tombstones()) {
            DataFilePaths.Decoded path = replay.decode(r.path(), "the snapshot", snapshot.version());
            replay.tombstones.put(new FileKey(path.path(), dvId(r.deletionVector())), r);
        }
        replay.transactions.putAll(snapshot.transactions());
        return replay;
    }

    /** Applies every action of the commit of {@code version}. */
    void apply(String file, Commit commit) {
        for (Action a : commit.actions()) {
            apply(file, commit.version(), a, false);
        }
    }

    /**
     * Applies one action of {@code version} (a commit, or a checkpoint when {@code fromCheckpoint}),
     * read from {@code file} (named in errors).
     */
    void apply(String file, long version, Action action, boolean fromCheckpoint) {
        if (action instanceof AddFile add) {
            DataFilePaths.Decoded path = decode(add.path(), file, version);
            FileKey key = new FileKey(path.path(), dvId(add.deletionVector()));
            live.put(key, new LiveFile(path.path(), add, version, path.insideTable()));
            tombstones.remove(key);
        } else if (action instanceof RemoveFile remove) {
            DataFilePaths.Decoded path = decode(remove.path(), file, version);
            FileKey key = new FileKey(path.path(), dvId(remove.deletionVector()));
            live.remove(key);
            tombstones.put(key, remove);
        } else if (action instanceof SetTransaction txn) {
            transactions.put(txn.appId(),
                    new TransactionState(txn.appId(), txn.version(), version, fromCheckpoint, txn.lastUpdated()));
        } else if (action instanceof Protocol p) {
            protocol = p;
        } else if (action instanceof Metadata m) {
            metadata = m;
        }
        // commitInfo and unknown actions (cdc, domainMetadata, ...) do not change what deltaq reads.
    }

    Protocol protocol() {
        return protocol;
    }

    Metadata metadata() {
        return metadata;
    }

    /**
     * Forgets the {@code txn}s and tombstones a checkpoint written at {@code nowMs} would leave out:
     * a writer that holds its state for months holds what its checkpoints hold, not every file and
     * writer the table ever had.
     */
    void dropExpired(long nowMs) {
        if (metadata != null) {
            transactions.values().removeIf(t -> Checkpointer.expired(t, metadata, nowMs));
            tombstones.values().removeIf(r -> Checkpointer.expired(r, metadata, nowMs));
        }
    }

    Snapshot toSnapshot(long version, long checkpointVersion) {
        if (protocol == null) {
            throw DeltaErrors.noProtocolOrMetadata(table, version, "protocol");
        }
        if (metadata == null) {
            throw DeltaErrors.noProtocolOrMetadata(table, version, "metaData");
        }
        return new Snapshot(table, version, checkpointVersion, protocol, metadata, new ArrayList<>(live.values()),
                new ArrayList<>(tombstones.values()), transactions);
    }

    private DataFilePaths.Decoded decode(String rawPath, String file, long version) {
        DataFilePaths.Decoded decoded;
        try {
            decoded = DataFilePaths.decode(rawPath, tableUri);
        } catch (URISyntaxException e) {
            throw DeltaErrors.invalidPath(table, file, version, rawPath, e.getMessage());
        }
        if (!decoded.insideTable() && !allowOutside) {
            throw DeltaErrors.pathOutsideTable(table, file, version, rawPath);
        }
        return decoded;
    }

    private static String dvId(DeletionVector dv) {
        return dv == null ? null : dv.uniqueId();
    }

    private record FileKey(String path, String deletionVectorId) {
    }
}

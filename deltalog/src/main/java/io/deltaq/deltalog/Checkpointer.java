package io.deltaq.deltalog;

import io.deltaq.deltalog.actions.Action;
import io.deltaq.deltalog.actions.AddFile;
import io.deltaq.deltalog.actions.Metadata;
import io.deltaq.deltalog.actions.RemoveFile;
import io.deltaq.deltalog.actions.SetTransaction;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Writes classic single-file Parquet checkpoints ({@code <v>.checkpoint.parquet}) and then
 * {@code _last_checkpoint}. Runs off the commit path, on an executor the caller supplies.
 */
final class Checkpointer {

    private final LogStore io;
    private final SnapshotLoader loader;
    private final CheckpointFormat format;

    Checkpointer(LogStore io, SnapshotLoader loader, CheckpointFormat format) {
        this.io = io;
        this.loader = loader;
        this.format = format;
    }

    /**
     * Writes the checkpoint of {@code version}, replaying the log up to it (for callers that hold no
     * state), then points {@code _last_checkpoint} at it unless the hint already names a newer one.
     *
     * @return {@code version}
     */
    long write(long version) {
        write(loader.at(version));
        return version;
    }

    /**
     * Writes the checkpoint of {@code snapshot}'s version unless it exists, from the state given:
     * a writer that followed the log passes its own, so nothing is read but {@code _last_checkpoint}.
     *
     * @return the checkpoint's bytes
     */
    long write(Snapshot snapshot) {
        long version = snapshot.version();
        if (format == null) {
            throw new DeltaLogException(io.tableName + ": cannot write checkpoint at version " + version
                    + ": no Parquet checkpoint format available");
        }
        // A checkpoint keeps only the state deltaq models; writer features it does not implement
        // (row tracking, domain metadata, ...) could need more, so they are refused like for commits.
        ProtocolGate.checkWritable(io.tableName, snapshot.protocol(), snapshot.metadata());
        List<Action> actions = actions(snapshot, System.currentTimeMillis());
        byte[] data = format.write(actions);
        String key = io.logKey(LogFiles.classicCheckpointName(version));
        // Two writers of the same classic checkpoint write the same state; the first one is kept.
        io.joinWrite(io.store.putIfAbsent(key, data), data.length, "writing checkpoint " + io.display(key));
        long adds = snapshot.liveFiles().size();
        byte[] hint = new LastCheckpoint(version, actions.size(), 0, data.length, adds, false).toJson();
        String hintKey = io.logKey(LogFiles.LAST_CHECKPOINT);
        Optional<LastCheckpoint> current = LastCheckpoint.parse(io.getOrNull(hintKey));
        if (current.isEmpty() || current.get().version() < version) {
            io.join(io.store.put(hintKey, hint), "writing " + io.display(hintKey));
        }
        return data.length;
    }

    /**
     * The rows of a checkpoint: protocol, metadata, the {@code txn}s not expired, the live files and
     * the tombstones not expired. File actions carry {@code dataChange false}: a checkpoint records
     * state, not change.
     *
     * <p>A {@code txn} expires when its {@code lastUpdated} is older than
     * {@code delta.setTransactionRetentionDuration} (never when the table has no such property, or the
     * txn no {@code lastUpdated}); compaction's own {@code txn} ({@value CompactedRange#COMPACTION_APP_ID}) never
     * does, since it is the only record of how far compaction got. A tombstone expires only when older
     * than twice {@code delta.deletedFileRetentionDuration}, so that vacuum, due after one period,
     * finds it in every checkpoint while it is due (docs/rfcs/0005-maintenance.md, I6).
     */
    static List<Action> actions(Snapshot snapshot, long nowMs) {
        List<Action> actions = new ArrayList<>(snapshot.liveFiles().size() + snapshot.transactions().size() + 2);
        actions.add(snapshot.protocol());
        actions.add(snapshot.metadata());
        for (TransactionState txn : snapshot.transactions().values()) {
            if (!expired(txn, snapshot.metadata(), nowMs)) {
                actions.add(new SetTransaction(txn.appId(), txn.txnVersion(), txn.lastUpdated()));
            }
        }
        for (LiveFile file : snapshot.liveFiles()) {
            AddFile a = file.add();
            actions.add(a.dataChange()
                    ? new AddFile(a.path(), a.partitionValues(), a.size(), a.modificationTime(), false, a.stats(),
                            a.tags(), a.deletionVector())
                    : a);
        }
        for (RemoveFile r : snapshot.tombstones()) {
            if (!expired(r, snapshot.metadata(), nowMs)) {
                actions.add(new RemoveFile(r.path(), r.deletionTimestamp(), false, r.extendedFileMetadata(),
                        r.partitionValues(), r.size(), null, null, r.deletionVector()));
            }
        }
        return actions;
    }

    /** Whether a checkpoint written at {@code nowMs} leaves {@code txn} out (see {@link #actions}). */
    static boolean expired(TransactionState txn, Metadata metadata, long nowMs) {
        long retention = TableProperties.setTransactionRetentionMs(metadata);
        return retention >= 0 && txn.lastUpdated() != null && txn.lastUpdated() < nowMs - retention
                && !txn.appId().equals(CompactedRange.COMPACTION_APP_ID);
    }

    /** Whether a checkpoint written at {@code nowMs} leaves the tombstone out (see {@link #actions}). */
    static boolean expired(RemoveFile tombstone, Metadata metadata, long nowMs) {
        long retention = TableProperties.deletedFileRetentionMs(metadata);
        return tombstone.deletionTimestamp() != null
                && tombstone.deletionTimestamp() < nowMs - Math.min(retention, Long.MAX_VALUE / 4) * 2;
    }
}

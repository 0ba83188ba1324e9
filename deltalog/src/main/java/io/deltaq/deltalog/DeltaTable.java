package io.deltaq.deltalog;

import io.deltaq.deltalog.actions.Action;
import io.deltaq.deltalog.actions.AddFile;
import io.deltaq.deltalog.actions.CommitInfo;
import io.deltaq.deltalog.actions.Format;
import io.deltaq.deltalog.actions.Metadata;
import io.deltaq.deltalog.actions.Protocol;
import io.deltaq.deltalog.internal.parquet.Compression;
import io.deltaq.deltalog.internal.parquet.ParquetFiles;
import io.deltaq.deltalog.internal.parquet.ParquetFormatException;
import io.deltaq.s3io.ConditionalWritesProbe;
import io.deltaq.s3io.ConditionalWritesUnsupportedException;
import io.deltaq.s3io.CreateOutcome;
import io.deltaq.s3io.Listing;
import io.deltaq.s3io.ObjectStore;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * A Delta table at a path in an {@link ObjectStore}: create it, read snapshots, tail its log, append
 * to it and checkpoint it.
 *
 * <p>Methods that return a value wait for storage, each round trip bounded by
 * {@link DeltaLogOptions#ioTimeout()}; methods that return a future do not block. Thread-safe.
 */
public final class DeltaTable {

    /** Bytes read from a data file's end to find its footer in one request; message-file footers are far smaller. */
    private static final int FOOTER_READ_BYTES = 64 * 1024;
    /** "PAR1", a footer, its length and "PAR1": nothing shorter is a Parquet file. */
    private static final int MIN_PARQUET_BYTES = 12;
    /** Keys per page when looking for the first version after a missing one: its files come first. */
    private static final int FIRST_VERSION_PAGE = 16;

    private final LogStore io;
    private final CheckpointFormat checkpointFormat;
    private final SnapshotLoader loader;
    private final Checkpointer checkpointer;

    DeltaTable(ObjectStore store, String tablePath, DeltaLogOptions options, CheckpointFormat checkpointFormat) {
        this.io = new LogStore(Objects.requireNonNull(store, "store"), tablePath, Objects.requireNonNull(options));
        this.checkpointFormat = checkpointFormat;
        this.loader = new SnapshotLoader(io, checkpointFormat);
        this.checkpointer = new Checkpointer(io, loader, checkpointFormat);
    }

    /**
     * The table at {@code tablePath} (a key prefix in the store; empty for the store's root).
     */
    public static DeltaTable at(ObjectStore store, String tablePath, DeltaLogOptions options) {
        return new DeltaTable(store, tablePath, options, Checkpoints.defaultFormat());
    }

    public static DeltaTable at(ObjectStore store, String tablePath) {
        return at(store, tablePath, DeltaLogOptions.defaults());
    }

    /** The table's location, as used in messages. */
    public String location() {
        return io.tableName;
    }

    public DeltaLogOptions options() {
        return io.options;
    }

    /** This table's view of the store: for maintenance, and deltaq's own files next to the log (the lease). */
    LogStore io() {
        return io;
    }

    /* ------------------------------ creating ------------------------------ */

    /**
     * Creates the table as a deltaq message table, or accepts it if it exists with the message schema.
     * Version 0 holds {@code commitInfo}, {@code protocol {1, 2}} and {@code metaData} (message
     * schema, unpartitioned, {@code delta.checkpointInterval}, {@code delta.setTransactionRetentionDuration
     * = interval 7 days}); it is written with put-if-absent, so
     * of racing creators exactly one creates and the others read version 0 and check its schema.
     * Call {@link #snapshot()} afterwards to start writing.
     *
     * @throws IncompatibleTableException if the table exists with another schema or partitioning
     * @throws UnsupportedTableFeatureException if the table exists and deltaq cannot write it
     * @throws ConditionalWritesUnsupportedException if the store does not honour conditional creates
     *     ({@link ConditionalWritesProbe}); checked first, before anything is written
     */
    public TableCreation createMessageTable() {
        return createMessageTable(Map.of());
    }

    /**
     * {@link #createMessageTable()} with {@code extraProperties} added to version 0's
     * {@code metaData.configuration} (they win over deltaq's own), e.g. a topic's retention. An
     * existing table is accepted as it is: its properties are not changed.
     *
     * @throws IllegalArgumentException as {@link #setProperties} does for an invalid property
     */
    public TableCreation createMessageTable(Map<String, String> extraProperties) {
        checkProperties(Objects.requireNonNull(extraProperties, "extraProperties"));
        // Before anything is written: a store that ignores If-None-Match would let two writers both
        // commit one version, losing acknowledged messages.
        ConditionalWritesProbe.verify(io.store, io.creates, io.root, io.options.ioTimeout());
        // A table whose early commits were cleaned up still has _last_checkpoint: never write a
        // version 0 into it.
        if (io.getOrNull(io.logKey(LogFiles.LAST_CHECKPOINT)) != null) {
            Snapshot snapshot = loader.latest();
            checkMessageTable(snapshot.version(), snapshot.protocol(), snapshot.metadata());
            return new TableCreation(false, snapshot.metadata());
        }
        long now = System.currentTimeMillis();
        Metadata metadata = new Metadata(UUID.randomUUID().toString(), null, null, Format.PARQUET,
                MessageSchema.SCHEMA_STRING, List.of(),
                Map.of(TableProperties.CHECKPOINT_INTERVAL, Integer.toString(io.options.defaultCheckpointInterval()),
                        // Without it a txn never leaves the checkpoints: every producer id ever used
                        // would stay in every checkpoint (docs/rfcs/0005-maintenance.md).
                        TableProperties.SET_TRANSACTION_RETENTION, TableProperties.CREATED_SET_TRANSACTION_RETENTION),
                now);
        if (!extraProperties.isEmpty()) {
            Map<String, String> configuration = new java.util.LinkedHashMap<>(metadata.configuration());
            configuration.putAll(extraProperties);
            metadata = new Metadata(metadata.id(), null, null, Format.PARQUET, MessageSchema.SCHEMA_STRING, List.of(),
                    configuration, now);
        }
        List<Action> actions = List.of(
                new CommitInfo(now, null, "CREATE TABLE", Map.of("partitionBy", "[]"), Boolean.TRUE,
                        io.options.engineInfo(), null),
                Protocol.DELTAQ_DEFAULT, metadata);
        byte[] bytes = new ActionJson.Writer().write(actions);
        String key = io.commitKey(0);
        String file = io.display(key);
        CreateOutcome outcome = io.join(io.creates.create(key, bytes), "creating " + file);
        return switch (outcome.kind()) {
            case CREATED -> new TableCreation(true, metadata);
            case TAKEN -> verifyVersionZero(outcome.existing(), file);
            case UNKNOWN -> throw DeltaErrors.createConflict(io.tableName,
                    "could not learn whether version 0 was created (" + outcome + ")");
        };
    }

    /**
     * Why {@code value} cannot be set for the table property {@code key} ({@link #createMessageTable(Map)},
     * {@link #setProperties}), or null when it can: for callers that must refuse a property before
     * they write anything of their own, such as a topic's manifest.
     */
    public static String propertyProblem(String key, String value) {
        return TableProperties.problem(key, value);
    }

    /** Refuses, before anything is written, a value deltaq would read as something other than what was meant. */
    private void checkProperties(Map<String, String> properties) {
        for (Map.Entry<String, String> e : properties.entrySet()) {
            String problem = TableProperties.problem(e.getKey(), e.getValue());
            if (problem != null) {
                throw DeltaErrors.invalidTableProperty(io.tableName, problem);
            }
        }
    }

    /** Another creator won: its version 0 must describe a message table deltaq can write. */
    private TableCreation verifyVersionZero(byte[] versionZero, String file) {
        Protocol protocol = null;
        Metadata metadata = null;
        for (Action a : ActionJson.parseCommit(versionZero, file, 0)) {
            if (a instanceof Protocol p) {
                protocol = p;
            } else if (a instanceof Metadata m) {
                metadata = m;
            }
        }
        if (protocol == null || metadata == null) {
            throw DeltaErrors.noProtocolOrMetadata(io.tableName, 0, protocol == null ? "protocol" : "metaData");
        }
        checkMessageTable(0, protocol, metadata);
        return new TableCreation(false, metadata);
    }

    private void checkMessageTable(long version, Protocol protocol, Metadata metadata) {
        String mismatch = MessageSchema.mismatch(metadata);
        if (mismatch != null) {
            throw DeltaErrors.notAMessageTable(io.tableName, version, mismatch);
        }
        ProtocolGate.checkWritable(io.tableName, protocol, metadata);
    }

    /**
     * Sets and removes table properties ({@code metaData.configuration}) in one metadata-only commit,
     * operation {@code SET TBLPROPERTIES}, as Spark's {@code ALTER TABLE ... SET TBLPROPERTIES} does.
     * Schema, id and partitioning stay; deltaq writers adopt such a change without failing. A version
     * lost to another writer is retried from a fresh snapshot, so concurrent changes of other
     * properties are kept.
     *
     * @return the version holding the change, or the latest version when the properties already are so
     * @throws IllegalArgumentException if a value is not valid for a property deltaq reads, or a
     *     {@code deltaq.} key is not one it reads (a typo); nothing is written
     * @throws CommitStateUnknownException if the outcome of the commit could not be learnt
     * @throws CommitFailedException if the version was lost {@link DeltaLogOptions#maxCommitAttempts()} times
     */
    public long setProperties(Map<String, String> set, Set<String> unset) {
        checkProperties(set);
        String instance = UUID.randomUUID().toString();
        long version = -1;
        for (int attempt = 1; attempt <= io.options.maxCommitAttempts(); attempt++) {
            Snapshot snapshot = loader.latest();
            checkMessageTable(snapshot.version(), snapshot.protocol(), snapshot.metadata());
            Metadata current = snapshot.metadata();
            Map<String, String> configuration = new LinkedHashMap<>(current.configuration());
            configuration.putAll(set);
            configuration.keySet().removeAll(unset);
            if (configuration.equals(current.configuration())) {
                return snapshot.version();
            }
            Metadata changed = new Metadata(current.id(), current.name(), current.description(), current.format(),
                    current.schemaString(), current.partitionColumns(), configuration, current.createdTime());
            Map<String, String> parameters = new LinkedHashMap<>();
            parameters.put("properties", set.toString());
            if (!unset.isEmpty()) {
                parameters.put("unset", unset.toString());
            }
            parameters.put(Commit.WRITER_INSTANCE_PARAMETER, instance);
            byte[] bytes = new ActionJson.Writer().write(List.of(new CommitInfo(System.currentTimeMillis(), null,
                    "SET TBLPROPERTIES", parameters, Boolean.FALSE, io.options.engineInfo(), null), changed));
            version = snapshot.version() + 1;
            String key = io.commitKey(version);
            long v = version;
            CreateOutcome outcome = io.join(io.creates.create(key, bytes, existing -> Commit.madeBy(existing, instance,
                    io.display(key), v)), "writing " + io.display(key));
            switch (outcome.kind()) {
                case CREATED -> {
                    return version;
                }
                case UNKNOWN -> throw DeltaErrors.commitStateUnknown(io.display(key), version, outcome.cause());
                case TAKEN -> {
                    // another writer took the version: read the table again and apply the change to it
                }
            }
        }
        throw DeltaErrors.tooManyAttempts(io.tableName, version, io.options.maxCommitAttempts());
    }

    /* ------------------------------ reading ------------------------------ */

    /**
     * The latest snapshot, from the newest checkpoint plus the commits after it.
     *
     * @throws TableNotFoundException if there is no table
     * @throws LogGapException if a commit after the checkpoint is missing
     * @throws UnsupportedTableFeatureException if deltaq cannot read the table
     * @throws CorruptLogException if a needed log file cannot be understood
     */
    public Snapshot snapshot() {
        return loader.latest();
    }

    /** The snapshot at exactly {@code version}. */
    public Snapshot snapshotAt(long version) {
        return loader.at(version);
    }

    /** The snapshot at {@code version} from the commits alone, ignoring checkpoints (for verification). */
    Snapshot snapshotFromCommits(long version) {
        return loader.fromCommitsOnly(version);
    }

    /**
     * The latest version, from {@code _last_checkpoint} and a listing from there; reads no commit.
     */
    public long latestVersion() {
        return loader.latestSegment().version();
    }

    /** The version of the newest complete checkpoint, or -1 when there is none. */
    public long latestCheckpointVersion() {
        return loader.latestSegment().checkpointVersion();
    }

    /**
     * The newest complete checkpoint in the log (a listing, reading no file): its version and the size
     * of its files; empty when there is none.
     */
    public Optional<CheckpointFiles> latestCheckpoint() {
        LogSegment segment = loader.latestSegment();
        if (segment.checkpointVersion() < 0) {
            return Optional.empty();
        }
        long bytes = 0;
        for (LogFiles.LogFile part : segment.checkpointParts()) {
            bytes += part.size();
        }
        return Optional.of(new CheckpointFiles(segment.checkpointVersion(), segment.checkpointParts().size(), bytes));
    }

    /**
     * A checkpoint's files.
     *
     * @param parts 1, or the parts of a multi-part checkpoint
     * @param sizeInBytes the bytes of all its files, as listed
     */
    public record CheckpointFiles(long version, int parts, long sizeInBytes) {
    }

    /**
     * Reads one version's commit file; empty when it does not exist. The protocol gate is not applied:
     * use {@link #tail} to follow a table.
     */
    public CompletableFuture<Optional<Commit>> readCommit(long version) {
        return io.readCommit(version);
    }

    /**
     * The lowest version above {@code version} that has a commit or a checkpoint in the log, or -1
     * when there is none: a listing from just past {@code version}'s files, usually one short page,
     * without waiting. A reader whose next version is missing asks this to tell "not written yet"
     * (nothing later) from "missing for good" (a later version exists, since versions are created in
     * order), however many versions are missing. With {@code version} -1 it is the oldest version in
     * the log.
     */
    public CompletableFuture<Long> firstVersionAfter(long version) {
        // Every file of a version is named "<20 digits>.<...>", and '/' sorts right after '.'.
        String startAfter = version < 0 ? null : io.logPrefix + LogFiles.pad(version) + "/";
        long[] found = {-1};
        return Listing.forEach(io.store, io.logPrefix, startAfter, FIRST_VERSION_PAGE, info -> {
            String name = info.key().substring(io.logPrefix.length());
            if (!LogFiles.startsWithVersion(name)) {
                // Past every versioned file (_commits/, _last_checkpoint) the walk can stop.
                return name.isEmpty() || name.charAt(0) <= '9';
            }
            LogFiles.LogFile file = LogFiles.parse(name, info.size());
            if (file != null && file.version() > version) {
                found[0] = file.version();
                return false;
            }
            return true;
        }).handle((done, error) -> {
            if (error != null) {
                throw new CompletionException(io.failure(error, "listing " + io.display(io.logPrefix)
                        + " after version " + version));
            }
            return found[0];
        });
    }

    /** A tail that reads the versions after {@code snapshot}. */
    public LogTail tail(Snapshot snapshot) {
        return new LogTail(io, snapshot.version(), snapshot.protocol(), snapshot.metadata());
    }

    /**
     * A tail that reads the versions from {@code nextVersion} on, starting from the protocol and
     * metadata of {@code state}: for a reader whose versions before {@code nextVersion} were cleaned
     * from the log, so that no snapshot just before it can be loaded (then {@code state} is the
     * latest snapshot; a commit that changes the protocol or metadata is checked as it is read).
     */
    public LogTail tailFrom(long nextVersion, Snapshot state) {
        if (nextVersion < 0) {
            throw new IllegalArgumentException("nextVersion must be >= 0, was " + nextVersion);
        }
        return new LogTail(io, nextVersion - 1, state.protocol(), state.metadata());
    }

    /**
     * The live compacted file of {@code snapshot} that holds the rows of {@code version}
     * ({@link CompactedRange}), for a reader whose commit or data file of that version is gone.
     *
     * @throws CorruptLogException if a live file's compaction tags are malformed
     */
    public Optional<LiveFile> compactedFileCovering(Snapshot snapshot, long version) {
        return CompactedRange.fileCovering(snapshot, version);
    }

    /**
     * The data file that {@code add}, read from the commit of {@code version}, names: its path decoded
     * and checked as log replay does, for readers that follow commits rather than snapshots.
     *
     * @throws CorruptLogException if the path is not a valid URI, or leaves the table root and
     *     {@link DeltaLogOptions#allowPathsOutsideTable()} is off
     */
    public LiveFile dataFile(long version, AddFile add) {
        DataFilePaths.Decoded decoded;
        try {
            decoded = DataFilePaths.decode(add.path(), io.options.tableUri());
        } catch (URISyntaxException e) {
            throw DeltaErrors.invalidPath(io.tableName, io.displayLog(LogFiles.commitName(version)), version, add.path(),
                    e.getMessage());
        }
        if (!decoded.insideTable() && !io.options.allowPathsOutsideTable()) {
            throw DeltaErrors.pathOutsideTable(io.tableName, io.displayLog(LogFiles.commitName(version)), version, add.path());
        }
        return new LiveFile(decoded.path(), add, version, decoded.insideTable());
    }

    /**
     * A new data file's {@code add.path}, unique across writers and restarts:
     * {@code part-00000-<uuid>-c000<.codec>.parquet}, as Spark names them, at the table root.
     */
    public static String newDataFilePath(Compression compression) {
        String suffix = switch (compression) {
            case SNAPPY -> ".snappy.parquet";
            case GZIP -> ".gz.parquet";
            default -> ".parquet";
        };
        return "part-00000-" + UUID.randomUUID() + "-c000" + suffix;
    }

    /**
     * Uploads a data file that a later commit will name with {@code addPath}: the mirror of
     * {@link #readDataFile}, resolving the path against the table root the same way. The file is
     * created if absent, so that no late attempt can change it; a name already holding other bytes
     * fails the upload (upload again under a fresh name).
     *
     * @throws IllegalArgumentException if {@code addPath} is not a valid URI or leaves the table root
     */
    public CompletableFuture<Void> writeDataFile(String addPath, ByteBuffer data) {
        String key = io.dataFileKey(addPath);
        // Created, never overwritten: an attempt that timed out may still be sending, and once a
        // commit names the file nothing may change it (docs/rfcs/0003-commit.md, "data files").
        return io.creates.create(key, data).handle((outcome, error) -> {
            String file = io.display(key);
            if (error != null) {
                throw new CompletionException(io.failure(error, "writing data file " + file));
            }
            return switch (outcome.kind()) {
                case CREATED -> null;
                case TAKEN -> throw new CompletionException(DeltaErrors.dataFileTaken(file));
                case UNKNOWN -> throw new CompletionException(io.failure(outcome.cause(), "writing data file " + file));
            };
        });
    }

    /**
     * Reads a live data file's bytes.
     *
     * @return completes with the bytes, or with {@link DataFileNotFoundException} when the file is missing
     */
    public CompletableFuture<byte[]> readDataFile(LiveFile file) {
        if (!file.insideTable()) {
            return CompletableFuture.failedFuture(new DeltaLogException(
                    io.tableName + ": data file '" + file.path() + "' lies outside the table and cannot be read "
                            + "through its store"));
        }
        return getDataFile(file.path()).thenApply(data -> data.orElseThrow(
                () -> DeltaErrors.dataFileNotFound(io.tableName, file.path(), file.addedInVersion())));
    }

    /**
     * Reads the data file that an {@code add.path} in a later commit would name, ahead of that
     * commit (see {@link Commit#nextDataFile()}): empty while the file is missing, and for a path that
     * is not a valid URI or leaves the table.
     */
    public CompletableFuture<Optional<byte[]>> prefetchDataFile(String addPath) {
        DataFilePaths.Decoded decoded;
        try {
            decoded = DataFilePaths.decode(addPath, io.options.tableUri());
        } catch (URISyntaxException e) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        if (!decoded.insideTable()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return getDataFile(decoded.path());
    }

    /** GETs the data file at {@code path} under the table root: empty when it is missing. */
    private CompletableFuture<Optional<byte[]>> getDataFile(String path) {
        String key = io.root + path;
        return io.getBounded(key).handle((data, error) -> {
            if (error != null) {
                throw new CompletionException(io.failure(error, "reading data file " + io.display(key)));
            }
            return data;
        });
    }

    /**
     * Rows in a live file: {@code numRecords} from its statistics, or, when the log has none, the
     * row count in its Parquet footer, read with range requests from the file's end.
     *
     * @throws DataFileNotFoundException if the footer is needed and the file is missing
     */
    public long rowCount(LiveFile file) {
        long n = file.numRecordsFromStats();
        return n >= 0 ? n : io.join(footerRowCount(file), "reading the footer of data file " + file.path());
    }

    /** Rows in a snapshot: statistics where present, Parquet footers (fetched in parallel) elsewhere. */
    public long rowCount(Snapshot snapshot) {
        List<LiveFile> files = snapshot.liveFiles();
        long total = 0;
        List<LiveFile> unknown = new ArrayList<>();
        for (LiveFile f : files) {
            long n = f.numRecordsFromStats();
            if (n >= 0) {
                total += n;
            } else {
                unknown.add(f);
            }
        }
        int window = io.options.maxConcurrentReads();
        for (int from = 0; from < unknown.size(); from += window) {
            List<LiveFile> batch = unknown.subList(from, Math.min(unknown.size(), from + window));
            List<CompletableFuture<Long>> reads = new ArrayList<>(batch.size());
            for (LiveFile f : batch) {
                reads.add(footerRowCount(f));
            }
            for (int i = 0; i < batch.size(); i++) {
                total += io.join(reads.get(i), "reading the footer of data file " + batch.get(i).path());
            }
        }
        return total;
    }

    /**
     * The row count in a file's footer. Reads the last {@value #FOOTER_READ_BYTES} bytes (a second
     * range read when the footer is longer), not the whole file, which can be large. When the tail
     * holds no valid footer (a corrupt file, or a size in the log that is not the file's), the whole
     * file is read, so that the error describes the file itself.
     */
    private CompletableFuture<Long> footerRowCount(LiveFile file) {
        long size = file.size();
        if (!file.insideTable() || size < MIN_PARQUET_BYTES) {
            return wholeFileRowCount(file);
        }
        String key = io.root + file.path();
        int guess = (int) Math.min(size, FOOTER_READ_BYTES);
        return readTail(file, key, size - guess, guess).thenCompose(tail -> {
            try {
                if (tail.length < 8) {
                    return wholeFileRowCount(file);
                }
                int needed = ParquetFiles.tailLength(Arrays.copyOfRange(tail, tail.length - 8, tail.length), file.path());
                if (needed <= tail.length) {
                    return CompletableFuture.completedFuture(ParquetFiles.rowCountFromTail(tail, file.path()));
                }
                if (needed > size) {
                    return wholeFileRowCount(file);
                }
                if (needed > io.options.maxReadBytes()) {
                    return CompletableFuture.failedFuture(DeltaErrors.tooLargeToRead(
                            "reading the footer of data file " + io.display(key), "its footer length", needed,
                            io.options.maxReadBytes()));
                }
                return readTail(file, key, size - needed, needed).thenCompose(longer -> {
                    try {
                        return CompletableFuture.completedFuture(ParquetFiles.rowCountFromTail(longer, file.path()));
                    } catch (ParquetFormatException e) {
                        return wholeFileRowCount(file);
                    }
                });
            } catch (ParquetFormatException e) {
                return wholeFileRowCount(file);
            }
        });
    }

    private CompletableFuture<byte[]> readTail(LiveFile file, String key, long offset, int length) {
        return io.bounded(io.store.getRange(key, offset, length)).handle((data, error) -> {
            if (error != null) {
                throw new CompletionException(io.failure(error, "reading the footer of data file " + io.display(key)));
            }
            if (data.isEmpty()) {
                throw new CompletionException(
                        DeltaErrors.dataFileNotFound(io.tableName, file.path(), file.addedInVersion()));
            }
            return data.get();
        });
    }

    private CompletableFuture<Long> wholeFileRowCount(LiveFile file) {
        return readDataFile(file).thenApply(data -> {
            try {
                return ParquetFiles.rowCount(data, file.path());
            } catch (ParquetFormatException e) {
                throw DeltaErrors.corruptDataFile(io.tableName, file.path(), file.addedInVersion(), e.getMessage(), e);
            }
        });
    }

    /* ------------------------------ writing ------------------------------ */

    /**
     * A writer that appends batches under {@code writerId}, starting from {@code snapshot}.
     *
     * @param checkpointExecutor runs checkpoints every {@code delta.checkpointInterval} commits, off
     *     the commit path; null disables checkpointing by this writer
     * @throws IncompatibleTableException if the table is not a message table
     * @throws UnsupportedTableFeatureException if deltaq cannot write the table
     */
    public CommitWriter newWriter(String writerId, Snapshot snapshot, Executor checkpointExecutor) {
        Objects.requireNonNull(writerId, "writerId");
        if (writerId.isEmpty()) {
            throw new IllegalArgumentException("writerId must not be empty");
        }
        checkMessageTable(snapshot.version(), snapshot.protocol(), snapshot.metadata());
        return new CommitWriter(io, writerId, snapshot, checkpointer, checkpointExecutor);
    }

    /**
     * Writes the classic checkpoint of {@code version} and updates {@code _last_checkpoint}.
     *
     * @return {@code version}
     */
    public long checkpoint(long version) {
        return checkpointer.write(version);
    }

    boolean hasCheckpointFormat() {
        return checkpointFormat != null;
    }
}

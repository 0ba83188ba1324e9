package io.deltaq.deltalog;

import io.deltaq.s3io.AttemptDeadline;
import io.deltaq.s3io.ConditionalCreate;
import io.deltaq.s3io.Futures;
import io.deltaq.s3io.Listing;
import io.deltaq.s3io.ObjectStore;
import io.deltaq.s3io.RetryingReads;
import io.deltaq.s3io.ObjectTooLargeException;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * One table's view of the object store: keys of its log and data files, names for messages, and
 * waits that are bounded by the I/O timeout and turn store failures into {@link DeltaLogException}s
 * naming the file.
 */
final class LogStore {

    final ObjectStore store;
    final DeltaLogOptions options;
    /** The table's key prefix: empty or ending in {@code /}. */
    final String root;
    final String logPrefix;
    /** Conditional creates of this table's files: commits, version 0, deltaq's own markers. */
    final ConditionalCreate creates;
    final String tableName;
    private final String locationPrefix;

    LogStore(ObjectStore store, String tablePath, DeltaLogOptions options) {
        this.store = options.readRetry().maxAttempts() > 1 ? new RetryingReads(store, options.readRetry()) : store;
        this.options = options;
        this.creates = new ConditionalCreate(this.store, options.createRetry(), options.ioTimeout());
        this.root = TablePath.root(tablePath);
        this.logPrefix = root + LogFiles.LOG_DIR;
        String location = store.location();
        this.locationPrefix = location.endsWith("/") ? location : location + "/";
        this.tableName = root.isEmpty() ? location : locationPrefix + root.substring(0, root.length() - 1);
    }

    String logKey(String name) {
        return logPrefix + name;
    }

    String commitKey(long version) {
        return logPrefix + LogFiles.commitName(version);
    }

    /**
     * The key of the data file a writer names with {@code addPath} (URI-encoded, relative to the root).
     *
     * @throws IllegalArgumentException if it is not a valid URI or leaves the table root: readers
     *     would refuse a commit naming it
     */
    String dataFileKey(String addPath) {
        DataFilePaths.Decoded decoded;
        try {
            decoded = DataFilePaths.decode(addPath, options.tableUri());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(tableName + ": data file path '" + addPath + "' is not a valid URI "
                    + "(add.path is URI-encoded): " + e.getMessage(), e);
        }
        if (!decoded.insideTable()) {
            throw new IllegalArgumentException(tableName + ": data file path '" + addPath + "' leaves the table root");
        }
        return root + decoded.path();
    }

    /** The full location of a key, for messages. */
    String display(String key) {
        return locationPrefix + key;
    }

    String displayLog(String name) {
        return display(logPrefix + name);
    }

    /** A GET of at most {@link DeltaLogOptions#maxReadBytes()}: no file of a table is read whole past it. */
    CompletableFuture<Optional<byte[]>> get(String key) {
        return store.get(key, options.maxReadBytes());
    }

    /** A GET whose future fails with a {@link TimeoutException} after the I/O timeout. */
    CompletableFuture<Optional<byte[]>> getBounded(String key) {
        return bounded(get(key));
    }

    /** A copy of {@code future} that fails with a {@link TimeoutException} after the I/O timeout. */
    <T> CompletableFuture<T> bounded(CompletableFuture<T> future) {
        return future.copy().orTimeout(options.ioTimeoutMs(), TimeUnit.MILLISECONDS);
    }

    /** Reads a key, waiting at most the I/O timeout; null when it does not exist. */
    byte[] getOrNull(String key) {
        return join(get(key), "reading " + display(key)).orElse(null);
    }

    /**
     * Lists the log files with versions {@code from..to} (inclusive), ascending, ignoring everything
     * that is not a commit or a checkpoint. Pages with {@code startAfter} from {@code from}, and stops
     * at the first key past {@code to}: never a listing of the whole log unless asked for.
     */
    List<LogFiles.LogFile> listLog(long from, long to) {
        List<LogFiles.LogFile> files = new ArrayList<>();
        // "<prefix><pad(from)>" itself is never a file, and every file of version >= from sorts after it.
        String startAfter = logPrefix + LogFiles.pad(from);
        join(Listing.forEach(store, logPrefix, startAfter, options.listPageSize(), info -> {
            String name = info.key().substring(logPrefix.length());
            if (!LogFiles.startsWithVersion(name)) {
                // Past every versioned file (_commits/, _sidecars/, _last_checkpoint) the walk can stop.
                return name.isEmpty() || name.charAt(0) <= '9';
            }
            LogFiles.LogFile file = LogFiles.parse(name, info.size());
            if (file == null) {
                return true;
            }
            if (file.version() > to) {
                return false;
            }
            if (file.version() >= from) {
                files.add(file);
            }
            return true;
        }), "listing " + display(logPrefix) + " from version " + from);
        return files;
    }

    /**
     * Waits for a write of {@code bytes}, bounded by the I/O timeout plus time for its payload (see
     * {@link AttemptDeadline}): a checkpoint grows with the table.
     */
    /** The commit of {@code version}, or empty when there is none; fails naming the file. */
    CompletableFuture<Optional<Commit>> readCommit(long version) {
        String key = commitKey(version);
        String file = display(key);
        return getBounded(key).handle((data, error) -> {
            if (error != null) {
                throw new CompletionException(failure(error, "reading " + file));
            }
            return data.map(bytes -> Commit.parse(version, bytes, file));
        });
    }

    /**
     * Deletes {@code keys}, started in the order given with at most {@code maxConcurrentReads} in
     * flight: a delete starts only once every key more than that many places before it is gone. One
     * round trip per key, serially, could not keep up with a log that gains hundreds of files a
     * second. A missing key is fine; the first failure stops the run and names its key.
     *
     * @param what the kind of file, for the message
     * @param deleted hears each key once it is gone, in the order given
     */
    void deleteInOrder(List<String> keys, String what, Consumer<String> deleted) {
        int n = keys.size();
        int window = options.maxConcurrentReads();
        List<CompletableFuture<Void>> deletes = new ArrayList<>(Collections.nCopies(n, null));
        int issued = 0;
        for (int i = 0; i < n; i++) {
            while (issued < n && issued < i + window) {
                deletes.set(issued, store.delete(keys.get(issued)));
                issued++;
            }
            join(deletes.get(i), "deleting " + what + " " + display(keys.get(i)));
            deletes.set(i, null);
            deleted.accept(keys.get(i));
        }
    }

    <T> T joinWrite(CompletableFuture<T> future, long bytes, String what) {
        long nanos = AttemptDeadline.of(options.ioTimeout()).nanosFor(bytes);
        return Futures.await(future, nanos, cause -> failure(cause, what));
    }

    /** Waits for a store future, bounded by the I/O timeout; failures name {@code what}. */
    <T> T join(CompletableFuture<T> future, String what) {
        return Futures.await(future, TimeUnit.MILLISECONDS.toNanos(options.ioTimeoutMs()), cause -> failure(cause, what));
    }

    /** A store failure as a {@link DeltaLogException}; our own exceptions pass through unchanged. */
    RuntimeException failure(Throwable cause, String what) {
        Throwable c = Futures.unwrap(cause);
        if (c instanceof DeltaLogException dle) {
            return dle;
        }
        if (c instanceof TimeoutException) {
            return DeltaErrors.timeout(what, options.ioTimeoutMs());
        }
        if (c instanceof ObjectTooLargeException tooLarge) {
            return DeltaErrors.tooLargeToRead(what, tooLarge);
        }
        return DeltaErrors.storageFailure(what, c);
    }
}

package io.deltaq.jmh.paths;

import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.deltaq.deltalog.DeltaLogOptions;
import io.deltaq.deltalog.DeltaTable;
import io.deltaq.jmh.queue.QueueStore;
import io.deltaq.s3io.Listing;
import io.deltaq.s3io.ObjectStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A deltaq message table in a {@link QueueStore}, seen by both implementations: deltaq's
 * {@link DeltaTable} at key prefix {@link #path}, and Delta Kernel's default engine at URI
 * {@link #uri}, whose I/O goes through the same store ({@link StoreFileIO}).
 */
final class SharedTable {

    /** Kernel writes Parquet uncompressed unless told otherwise; deltaq (and Spark) write Snappy. */
    static final Map<String, String> KERNEL_CONF = Map.of("parquet.compression", "SNAPPY");

    final ObjectStore store;
    /** The table's key prefix in the store, without a trailing slash. */
    final String path;
    /** The table's URI for Kernel. */
    final String uri;
    final DeltaTable deltaq;
    final Engine kernel;
    /** The table's {@code delta.checkpointInterval}, which both sides follow. */
    final int checkpointInterval;

    SharedTable(ObjectStore store, String path, String uri, DeltaTable deltaq, Engine kernel, int checkpointInterval) {
        this.store = store;
        this.path = path;
        this.uri = uri;
        this.deltaq = deltaq;
        this.kernel = kernel;
        this.checkpointInterval = checkpointInterval;
    }

    /** Kernel's default engine over {@code storage}, Snappy for the Parquet files it writes. */
    static Engine kernelEngine(QueueStore storage) {
        return DefaultEngine.create(new StoreFileIO(storage.store(), storage.rootUri(), KERNEL_CONF));
    }

    /**
     * Creates the message table {@code name} (version 0, written by deltaq as every topic's is:
     * protocol 1/2, {@code delta.checkpointInterval} 100).
     */
    static SharedTable create(QueueStore storage, Engine kernel, String name) {
        return create(storage, kernel, name, DeltaLogOptions.DEFAULT_CHECKPOINT_INTERVAL);
    }

    /** Creates the message table {@code name} with {@code delta.checkpointInterval} = {@code checkpointInterval}. */
    static SharedTable create(QueueStore storage, Engine kernel, String name, int checkpointInterval) {
        String uri = storage.rootUri() + "/" + name;
        DeltaTable deltaq = DeltaTable.at(storage.store(), name, DeltaLogOptions.builder()
                .tableUri(uri)
                .defaultCheckpointInterval(checkpointInterval)
                .build());
        if (!deltaq.createMessageTable().created()) {
            throw new IllegalStateException(uri + " already existed");
        }
        return new SharedTable(storage.store(), name, uri, deltaq, kernel, checkpointInterval);
    }

    /** Deletes every object of the table, so that a long run does not fill memory or disk. */
    void deleteAll() {
        List<String> keys = new ArrayList<>();
        join(Listing.forEach(store, path + "/", null, 1000, object -> keys.add(object.key())), "listing " + uri);
        for (String key : keys) {
            join(store.delete(key), "deleting " + key);
        }
    }

    /** Waits for {@code future} as {@link StoreFileIO} does, failing unchecked. */
    static <T> T join(CompletableFuture<T> future, String what) {
        try {
            return StoreFileIO.await(future, what);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

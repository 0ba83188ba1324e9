package io.deltaq.consumer;

import io.deltaq.deltalog.DeltaTable;
import io.deltaq.deltalog.LiveFile;
import io.deltaq.deltalog.actions.AddFile;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * The GETs of one table's data files ahead of their delivery: every data file of each commit read
 * (all in parallel, as soon as the commit is read), and the file a commit names as its writer's
 * next one, before the commit adding it lands. A commit that adds a file fetched that way takes its
 * bytes instead of a second GET.
 *
 * <p>It never waits: it starts GETs and hands out their futures. The data-file GETs call
 * {@code wake} when they complete, so the tailer need not look for them before. Used by the tailer
 * thread only.
 */
final class Prefetcher {

    /**
     * GETs of a data file named ahead of its commit, at most, while it is missing (not uploaded yet).
     * These GETs are speculative, so a failed one is not retried here: the commit adding the file
     * reads it again, under {@code read.retry.*}.
     */
    static final int MAX_NAMED_ATTEMPTS = 3;

    private final DeltaTable table;
    private final int maxNamed;
    private final BiConsumer<Object, Throwable> wakeOnCompletion;
    private final ReadRetry reads;
    /** Files that commits named as their writers' next ones, oldest first. */
    private final Map<String, NamedFile> named = new LinkedHashMap<>();

    /**
     * @param maxNamed named files fetched at once ({@code prefetch.commits}): one per writer, so this
     *     many interleaving writers each have theirs fetched
     * @param wake called when a data file's GET completes
     * @param reads how data-file GETs outlast faults that pass
     */
    Prefetcher(DeltaTable table, int maxNamed, Runnable wake, ReadRetry reads) {
        this.table = table;
        this.reads = reads;
        this.maxNamed = maxNamed;
        this.wakeOnCompletion = (result, error) -> wake.run();
    }

    /** A data file named ahead of its commit, being fetched. */
    private static final class NamedFile {
        CompletableFuture<Optional<byte[]>> bytes;
        int attempts = 1;

        NamedFile(CompletableFuture<Optional<byte[]>> bytes) {
            this.bytes = bytes;
        }

        /** Whether the file was not there when asked for (it may be uploading still). */
        boolean missing() {
            return bytes.isDone() && !bytes.isCompletedExceptionally() && bytes.getNow(null).isEmpty();
        }
    }

    /**
     * Starts the GETs of the data files {@code adds} of {@code commit}'s version, and records the files
     * in it. A file wholly before {@code commit.skip} by its statistics is not fetched.
     *
     * @throws io.deltaq.deltalog.CorruptLogException if an add names an invalid path or bad statistics
     */
    void fetchDataFiles(PendingCommit commit, List<AddFile> adds) {
        int n = adds.size();
        commit.files = new LiveFile[n];
        commit.rowsFromStats = new long[n];
        @SuppressWarnings("unchecked")
        CompletableFuture<byte[]>[] data = new CompletableFuture[n];
        commit.data = data;
        long rowsBefore = 0;
        boolean countsKnown = true;
        for (int k = 0; k < n; k++) {
            LiveFile file = table.dataFile(commit.version, adds.get(k));
            long rows = file.numRecordsFromStats();
            commit.files[k] = file;
            commit.rowsFromStats[k] = rows;
            // Known only while every row count before it is: a file without one may hold any number.
            boolean whollyBeforeStart = countsKnown && rows >= 0 && rowsBefore + rows <= commit.skip;
            if (!whollyBeforeStart) {
                CompletableFuture<byte[]> f = fetch(file);
                data[k] = f;
                f.whenComplete(wakeOnCompletion);
            }
            if (rows < 0) {
                countsKnown = false;
            } else {
                rowsBefore += rows;
            }
        }
    }

    /**
     * Starts fetching the file a commit named as its writer's next one, unless it is being fetched.
     * With several producers each commit names its own writer's next file, so one is kept per writer;
     * the oldest is given up when more writers interleave than {@code maxNamed}.
     */
    void fetchNamed(String addPath) {
        if (named.containsKey(addPath)) {
            return;
        }
        if (named.size() >= maxNamed) {
            Iterator<NamedFile> oldest = named.values().iterator();
            oldest.next().bytes.cancel(false);
            oldest.remove();
        }
        named.put(addPath, new NamedFile(table.prefetchDataFile(addPath)));
    }

    /**
     * A named file is uploaded while its commit is made, and may not be there yet when the commit
     * naming it is read: the tailer calls this with each read of the log, and a file found missing is
     * asked for again, up to {@value #MAX_NAMED_ATTEMPTS} GETs in all.
     */
    void retryMissingNamed() {
        for (Map.Entry<String, NamedFile> e : named.entrySet()) {
            NamedFile p = e.getValue();
            if (p.attempts < MAX_NAMED_ATTEMPTS && p.missing()) {
                p.bytes = table.prefetchDataFile(e.getKey());
                p.attempts++;
            }
        }
    }

    /** Whether a file named ahead of its commit is being fetched (or was, and awaits its commit). */
    boolean isFetchingNamed(String addPath) {
        return named.containsKey(addPath);
    }

    /**
     * The file's bytes: from the named fetch when an earlier commit named it (a GET after all if it
     * was not there yet), otherwise by a GET now.
     */
    private CompletableFuture<byte[]> fetch(LiveFile file) {
        NamedFile early = named.remove(file.add().path());
        if (early != null) {
            return early.bytes.handle((data, error) -> error == null ? data : Optional.<byte[]>empty())
                    .thenCompose(data -> data.isPresent()
                            ? CompletableFuture.completedFuture(data.get())
                            : reads.read(() -> table.readDataFile(file)));
        }
        return reads.read(() -> table.readDataFile(file));
    }

    /** Abandons every GET: the named files' and those of {@code commits} not yet used. */
    void cancelAll(Iterable<PendingCommit> commits) {
        named.values().forEach(p -> p.bytes.cancel(false));
        named.clear();
        for (PendingCommit c : commits) {
            if (c.data != null) {
                for (CompletableFuture<byte[]> f : c.data) {
                    if (f != null) {
                        f.cancel(false);
                    }
                }
            }
        }
    }
}

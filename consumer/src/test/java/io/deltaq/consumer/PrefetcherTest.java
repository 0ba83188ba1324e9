package io.deltaq.consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.deltaq.deltalog.Commit;
import io.deltaq.deltalog.DataFileNotFoundException;
import io.deltaq.deltalog.actions.AddFile;
import io.deltaq.s3io.ForwardingObjectStore;
import io.deltaq.s3io.ObjectStore;
import io.deltaq.testkit.RecordingStore;
import io.deltaq.testkit.TestS3;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The prefetcher alone, on the local store and on the in-process S3 server: it is given commits
 * and named files as the tailer gives them, and the GETs it makes are counted.
 */
class PrefetcherTest {

    private static final ReadRetry READS = new ReadRetry("t", new ConsumerConfig(java.util.Map.of()));

    @TempDir
    Path dir;

    private ObjectStore backing;
    private RecordingStore store;
    private TestTable table;
    private final AtomicInteger wakes = new AtomicInteger();
    private final List<PendingCommit> pending = new ArrayList<>();
    private Prefetcher prefetcher;

    private void open(String kind, int maxNamed) {
        backing = switch (kind) {
            case "local" -> TestS3.local(dir);
            case "s3" -> TestS3.freshStore("prefetcher");
            default -> throw new IllegalArgumentException(kind);
        };
        store = new RecordingStore(backing);
        table = new TestTable(store, "t").create();
        prefetcher = new Prefetcher(table.table, maxNamed, wakes::incrementAndGet, READS);
    }

    @AfterEach
    void close() {
        if (prefetcher != null) {
            prefetcher.cancelAll(pending);
        }
        if (backing != null) {
            backing.close();
        }
    }

    private PendingCommit fetch(long version, long skip, List<AddFile> adds) {
        PendingCommit c = new PendingCommit(version, skip);
        prefetcher.fetchDataFiles(c, adds);
        pending.add(c);
        return c;
    }

    private static AddFile add(TestTable.DataFile f, boolean withStats) {
        return AddFile.ofNewFile(f.path(), f.size(), System.currentTimeMillis(), withStats ? TestTable.stats(f) : null);
    }

    private byte[] stored(TestTable.DataFile f) {
        return TestTable.await(backing.get(table.root + f.path())).orElseThrow();
    }

    private static void waitFor(BooleanSupplier done, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out waiting for " + what);
            }
            Thread.onSpinWait();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "s3"})
    void everyDataFileOfACommitIsFetchedOnceAndEachCompletionWakesTheTailer(String kind) {
        open(kind, 8);
        long version = table.append(0, 30, 3);
        Commit commit = TestTable.await(table.table.readCommit(version)).orElseThrow();
        int getsBefore = store.gets.size();
        PendingCommit c = fetch(version, 0, commit.dataAdds());

        assertEquals(3, c.files.length);
        for (int k = 0; k < 3; k++) {
            assertNotNull(c.data[k], "file " + k + " is fetched");
            assertEquals(version, c.files[k].addedInVersion());
            assertEquals(10, c.rowsFromStats[k]);
            TestTable.DataFile f = table.liveFiles.get(k);
            assertArrayEquals(stored(f), TestTable.await(c.data[k]));
        }
        assertEquals(3, store.gets.size() - getsBefore, "one GET per file: " + store.gets);
        waitFor(() -> wakes.get() == 3, "a wake per file; got " + wakes.get());
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "s3"})
    void filesWhollyBeforeTheStartIndexAreNotFetchedWhileTheirCountsAreKnown(String kind) {
        open(kind, 8);
        TestTable.DataFile a = table.upload(0, 10);
        TestTable.DataFile b = table.upload(10, 20);
        TestTable.DataFile c = table.upload(20, 30);
        PendingCommit skipTen = fetch(5, 10, List.of(add(a, true), add(b, true), add(c, true)));
        assertNull(skipTen.data[0], "rows 0-9 are all before index 10");
        assertNotNull(skipTen.data[1]);
        assertNotNull(skipTen.data[2]);

        PendingCommit skipFifteen = fetch(5, 15, List.of(add(a, true), add(b, true), add(c, true)));
        assertNull(skipFifteen.data[0]);
        assertNotNull(skipFifteen.data[1], "rows 10-19 hold the start, index 15");

        // Without a count the first file may hold any number of rows: nothing after it can be skipped.
        PendingCommit unknown = fetch(5, 25, List.of(add(a, false), add(b, true), add(c, true)));
        assertEquals(-1, unknown.rowsFromStats[0]);
        for (int k = 0; k < 3; k++) {
            assertNotNull(unknown.data[k], "file " + k);
        }
        for (PendingCommit p : pending) {
            for (CompletableFuture<byte[]> f : p.data) {
                if (f != null) {
                    TestTable.await(f);
                }
            }
        }
        assertEquals(1, store.getsOf(a.path()), "a fetched only for the commit without its count");
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "s3"})
    void aNamedFileIsFetchedOnceAndTheCommitAddingItTakesThoseBytes(String kind) {
        open(kind, 8);
        TestTable.DataFile next = table.upload(0, 10);
        prefetcher.fetchNamed(next.path());
        prefetcher.fetchNamed(next.path()); // named again by a later commit of the same writer
        assertTrue(prefetcher.isFetchingNamed(next.path()));
        waitFor(() -> store.getsOf(next.path()) == 1, "the named file's GET");

        PendingCommit c = fetch(7, 0, List.of(add(next, true)));
        assertArrayEquals(stored(next), TestTable.await(c.data[0]));
        assertEquals(1, store.getsOf(next.path()), "no second GET: " + store.gets);
        assertFalse(prefetcher.isFetchingNamed(next.path()), "handed to its commit");
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "s3"})
    void aNamedFileNotThereYetIsAskedForAtMostThreeTimesThenReadWhenCommitted(String kind) {
        open(kind, 8);
        String late = "part-uploaded-late.parquet";
        prefetcher.fetchNamed(late);
        waitFor(() -> {
            prefetcher.retryMissingNamed(); // as each read of the log does
            return store.getsOf(late) == Prefetcher.MAX_NAMED_ATTEMPTS;
        }, "three GETs of the missing named file");
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200); // the third GET's answer comes meanwhile
        while (System.nanoTime() - until < 0) {
            prefetcher.retryMissingNamed();
            Thread.onSpinWait();
        }
        assertEquals(Prefetcher.MAX_NAMED_ATTEMPTS, store.getsOf(late), "no GET beyond the attempts");

        // Uploaded at last, and committed: the commit's own GET reads it.
        TestTable.DataFile uploaded = table.upload(0, 10);
        byte[] bytes = stored(uploaded);
        TestTable.await(backing.put(table.root + late, bytes));
        TestTable.DataFile renamed = new TestTable.DataFile(late, uploaded.size(), uploaded.messages());
        PendingCommit c = fetch(3, 0, List.of(add(renamed, true)));
        assertArrayEquals(bytes, TestTable.await(c.data[0]));
        assertEquals(Prefetcher.MAX_NAMED_ATTEMPTS + 1, store.getsOf(late));
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "s3"})
    void aNamedFileThatAppearsBetweenAttemptsIsTakenFromTheRetry(String kind) {
        open(kind, 8);
        TestTable.DataFile source = table.upload(0, 10);
        String name = "part-" + UUID.randomUUID() + ".parquet";
        prefetcher.fetchNamed(name);
        waitFor(() -> store.getsOf(name) == 1, "the first GET");
        // The first GET found nothing; the upload lands before the next read of the log.
        TestTable.await(backing.put(table.root + name, stored(source)));
        waitFor(() -> {
            prefetcher.retryMissingNamed();
            return store.getsOf(name) == 2;
        }, "the retry");
        PendingCommit c = fetch(4, 0, List.of(add(new TestTable.DataFile(name, source.size(), source.messages()),
                true)));
        assertArrayEquals(stored(source), TestTable.await(c.data[0]));
        assertEquals(2, store.getsOf(name), "the retry's bytes are used: " + store.gets);
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "s3"})
    void theOldestNamedFileIsGivenUpWhenMoreWritersInterleaveThanAllowed(String kind) {
        open(kind, 2);
        TestTable.DataFile a = table.upload(0, 10);
        TestTable.DataFile b = table.upload(10, 20);
        TestTable.DataFile c = table.upload(20, 30);
        prefetcher.fetchNamed(a.path());
        prefetcher.fetchNamed(b.path());
        prefetcher.fetchNamed(c.path());
        assertFalse(prefetcher.isFetchingNamed(a.path()));
        assertTrue(prefetcher.isFetchingNamed(b.path()));
        assertTrue(prefetcher.isFetchingNamed(c.path()));
        waitFor(() -> store.getsOf(b.path()) == 1 && store.getsOf(c.path()) == 1, "the named GETs");

        PendingCommit commit = fetch(9, 0, List.of(add(a, true), add(b, true), add(c, true)));
        for (int k = 0; k < 3; k++) {
            assertArrayEquals(stored(List.of(a, b, c).get(k)), TestTable.await(commit.data[k]));
        }
        assertEquals(2, store.getsOf(a.path()), "the one given up is read by its commit");
        assertEquals(1, store.getsOf(b.path()));
        assertEquals(1, store.getsOf(c.path()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "s3"})
    void aMissingDataFileFailsItsFuture(String kind) {
        open(kind, 8);
        TestTable.DataFile gone = table.upload(0, 10);
        TestTable.await(backing.delete(table.root + gone.path()));
        PendingCommit c = fetch(6, 0, List.of(add(gone, true)));
        CompletionException e = assertThrows(CompletionException.class, () -> c.data[0].join());
        assertInstanceOf(DataFileNotFoundException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains(gone.path()), e.getCause().getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "s3"})
    void cancelAllAbandonsTheGetsInFlight(String kind) {
        open(kind, 8);
        TestTable.DataFile a = table.upload(0, 10);
        TestTable.DataFile named = table.upload(10, 20);
        CompletableFuture<Void> gate = new CompletableFuture<>();
        // Holds every GET's answer back, so that they are still in flight when cancelled.
        ObjectStore held = new ForwardingObjectStore(store) {
            @Override
            public CompletableFuture<Optional<byte[]>> get(String key) {
                return super.get(key).thenCombine(gate, (data, ignored) -> data);
            }
        };
        prefetcher = new Prefetcher(new TestTable(held, "t").table, 8, wakes::incrementAndGet, READS);
        PendingCommit c = fetch(2, 0, List.of(add(a, true)));
        prefetcher.fetchNamed(named.path());
        assertFalse(c.data[0].isDone());

        prefetcher.cancelAll(pending);
        assertTrue(c.data[0].isCancelled());
        assertFalse(prefetcher.isFetchingNamed(named.path()));
        gate.complete(null);
    }
}

package io.deltaq.deltalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deltaq.s3io.ForwardingObjectStore;
import io.deltaq.s3io.ListPage;
import io.deltaq.s3io.LocalObjectStore;
import io.deltaq.s3io.ObjectStore;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A snapshot load whose listing is not a snapshot of the log. Racing log cleanup (RFC 0005, races):
 * the reader lists the log, then the cleanup writes a newer checkpoint and deletes the commits below
 * it before the reader reads them; the reader must list again and load the table. Racing commits: a
 * listing walked while commits land shows a later commit but not an earlier one; the reader must read
 * the earlier one by name. In both cases a real gap must still be reported.
 */
class SnapshotDuringLogCleanupTest {

    @TempDir
    Path dir;

    /** A store that runs {@code cleanup} once, right after the first listing of the log is answered. */
    private static final class CleanupAfterFirstLogListing extends ForwardingObjectStore {
        private final AtomicBoolean done = new AtomicBoolean();
        private volatile Runnable cleanup = () -> { };

        CleanupAfterFirstLogListing(ObjectStore delegate) {
            super(delegate);
        }

        @Override
        public CompletableFuture<ListPage> list(String prefix, String startAfter, int maxKeys) {
            CompletableFuture<ListPage> page = delegate.list(prefix, startAfter, maxKeys);
            if (prefix.contains("_delta_log/") && !done.getAndSet(true)) {
                return page.thenApply(p -> {
                    cleanup.run();
                    return p;
                });
            }
            return page;
        }
    }

    private static void commit(DeltaTable table, long versions) {
        CommitWriter w = table.newWriter("w", table.snapshot(), null);
        for (long seq = 1; seq <= versions; seq++) {
            w.commit(seq, CommitWriterTest.files("f" + seq, 3)).join();
        }
    }

    /**
     * Fails without listing again with "LogGapException: checkpoint .../00000000000000000010.checkpoint.parquet
     * (version 10) was listed but no longer exists": the reader gave up on a log that was only cleaned up.
     */
    @Test
    void aLoadThatRacesLogCleanupListsAgainAndSeesTheKeptCheckpoint() {
        try (LocalObjectStore local = new LocalObjectStore(dir, 2, false);
             CleanupAfterFirstLogListing racing = new CleanupAfterFirstLogListing(local)) {
            DeltaTable writer = DeltaTable.at(local, "t");
            writer.createMessageTable();
            commit(writer, 25);
            writer.checkpoint(10);
            racing.cleanup = () -> {
                // What LogCleanup does once a checkpoint K = 20 is kept: everything below it goes.
                writer.checkpoint(20);
                for (long v = 0; v < 20; v++) {
                    local.delete("t/_delta_log/" + LogFiles.commitName(v)).join();
                }
                local.delete("t/_delta_log/" + LogFiles.classicCheckpointName(10)).join();
            };
            Snapshot s = DeltaTable.at(racing, "t").snapshot();
            assertEquals(25, s.version());
            assertEquals(java.util.OptionalLong.of(20), s.checkpointVersion(), "read from the checkpoint the cleanup kept");
            assertEquals(25, s.liveFiles().size(), "every file of every version");
        }
    }

    /**
     * Fails with "LogGapException: t: the log is missing version 17 ... between the checkpoint at
     * version 10 and the latest version 25" when an unlisted commit is taken for a gap: what CI met
     * when a soak's sampler listed a local directory while 250 commits a second landed in it.
     */
    @Test
    void aCommitTheListingDidNotShowIsReadByItsName() {
        try (LocalObjectStore local = new LocalObjectStore(dir, 2, false);
             ForwardingObjectStore missing17 = new ForwardingObjectStore(local) {
                 @Override
                 public CompletableFuture<ListPage> list(String prefix, String startAfter, int maxKeys) {
                     return delegate.list(prefix, startAfter, maxKeys).thenApply(p -> new ListPage(
                             p.objects().stream().filter(o -> !o.key().endsWith(LogFiles.commitName(17))).toList(),
                             p.truncated()));
                 }
             }) {
            DeltaTable writer = DeltaTable.at(local, "t");
            writer.createMessageTable();
            commit(writer, 25);
            writer.checkpoint(10);
            Snapshot s = DeltaTable.at(missing17, "t").snapshot();
            assertEquals(25, s.version());
            assertEquals(25, s.liveFiles().size(), "the file of version 17 too");
            assertEquals(java.util.OptionalLong.of(10), s.checkpointVersion());
        }
    }

    /** Fails if listing again hides a gap that is really there. */
    @Test
    void aRealGapIsStillReportedAfterListingAgain() {
        try (LocalObjectStore local = new LocalObjectStore(dir, 2, false)) {
            DeltaTable table = DeltaTable.at(local, "t");
            table.createMessageTable();
            commit(table, 25);
            table.checkpoint(10);
            local.delete("t/_delta_log/" + LogFiles.commitName(17)).join();
            LogGapException e = assertThrows(LogGapException.class, () -> DeltaTable.at(local, "t").snapshot());
            assertTrue(e.getMessage().contains("missing version 17"), e.getMessage());
        }
    }
}

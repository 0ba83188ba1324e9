package io.deltaq.deltalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deltaq.deltalog.MaintenanceReport.Step;
import io.deltaq.deltalog.MaintenanceTables.Clock;
import io.deltaq.deltalog.MaintenanceTables.Row;
import io.deltaq.deltalog.actions.AddFile;
import io.deltaq.deltalog.actions.CommitInfo;
import io.deltaq.deltalog.actions.RemoveFile;
import io.deltaq.deltalog.actions.SetTransaction;
import io.deltaq.s3io.ObjectStore;
import io.deltaq.testkit.TestS3;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Maintenance (docs/rfcs/0005-maintenance.md) on the local filesystem store and on s3proxy: tables
 * written as producers write them, maintained with a clock the test moves.
 */
class MaintenanceTest {

    private static final long MINUTE = 60_000L;
    private static final long HOUR = 60 * MINUTE;
    private static final long DAY = 24 * HOUR;

    @TempDir
    Path dir;
    private final List<ObjectStore> stores = new ArrayList<>();
    private final Clock clock = new Clock();

    private DeltaTable table(String kind) {
        ObjectStore store = kind.equals("s3") ? TestS3.freshStore("maintenance") : TestS3.local(dir);
        stores.add(store);
        DeltaTable table = DeltaTable.at(store, "topic");
        assertTrue(table.createMessageTable().created());
        return table;
    }

    @AfterEach
    void close() {
        stores.forEach(ObjectStore::close);
    }

    /** The live files, which must all be compacted, by range, checked not to overlap. */
    private static List<Map.Entry<CompactedRange, LiveFile>> compacted(Snapshot s) {
        List<Map.Entry<CompactedRange, LiveFile>> files = new ArrayList<>();
        for (LiveFile f : s.liveFiles()) {
            CompactedRange r = CompactedRange.of(f.add(), f.addedInVersion()).orElse(null);
            if (r != null) {
                files.add(Map.entry(r, f));
            }
        }
        files.sort(Comparator.comparingLong(e -> e.getKey().fromVersion()));
        for (int i = 1; i < files.size(); i++) {
            assertTrue(files.get(i).getKey().fromVersion() > files.get(i - 1).getKey().toVersion(),
                    "ranges overlap: " + files);
        }
        return files;
    }

    /** Every row of every version in {@code versions} is at its position in the compacted file covering it. */
    private static void assertPositionsKept(DeltaTable table, MaintenanceTables data, Snapshot s, long from, long to) {
        List<Map.Entry<CompactedRange, LiveFile>> files = compacted(s);
        for (long v = from; v <= to; v++) {
            List<Row> expected = data.rows.get(v);
            if (expected == null) {
                continue;
            }
            long version = v;
            Map.Entry<CompactedRange, LiveFile> holder = files.stream().filter(e -> e.getKey().covers(version))
                    .findFirst().orElseThrow(() -> new AssertionError("no compacted file covers version " + version));
            CompactedRange r = holder.getKey();
            List<Row> fileRows = MaintenanceTables.read(table, holder.getValue());
            assertEquals(r.totalRows(), fileRows.size(), "rows of " + holder.getValue().path());
            assertEquals(expected.size(), r.rowsOf(v), "rows of version " + v);
            for (int i = 0; i < expected.size(); i++) {
                assertEquals(expected.get(i), fileRows.get((int) (r.firstRowOf(v) + i)), "version " + v + " row " + i);
            }
        }
    }

    /**
     * Fails if compaction reorders rows (by timestamp, by file), splits a version, gets the
     * versionRows tags wrong, loses a key/value/timestamp, compacts commits younger than
     * compaction.min.age.ms, or marks its commit as a data change.
     */
    @ParameterizedTest
    @ValueSource(strings = {"local", "s3"})
    void compactionKeepsEveryRowAtItsPosition(String kind) {
        DeltaTable table = table(kind);
        MaintenanceTables.setProperties(table, Map.of(TableProperties.COMPACTION_TARGET_BYTES, "6000",
                TableProperties.RETENTION_MS, "-1"));
        MaintenanceTables data = new MaintenanceTables(table, 7);
        long now = clock.getAsLong();
        long firstData = -1;
        long lastData = -1;
        for (int i = 0; i < 12; i++) {
            int[] files = i % 3 == 0 ? new int[] {5 + i, 3} : new int[] {1 + 4 * i};
            long v = data.append(now - (12 - i) * MINUTE, files);
            firstData = firstData < 0 ? v : firstData;
            lastData = v;
        }
        long sourceFiles = table.snapshot().liveFiles().size();
        clock.advance(HOUR); // every commit is older than twice the minimum age

        MaintenanceReport report = Maintenance.of(table, clock).runOnce("m1", 1);
        assertTrue(report.succeeded(), report.toString());
        assertEquals(sourceFiles, report.filesCompacted());
        assertTrue(report.filesWritten() >= 2, "target.bytes splits the range: " + report);
        assertEquals(lastData, report.compactedThrough());
        // The first run starts after B = (oldest version - 1): versions 0 and 1 (no data) open the first range.
        assertEquals(0, report.logStartVersion());
        assertEquals(0, compacted(table.snapshot()).get(0).getKey().fromVersion());

        Snapshot s = table.snapshot();
        assertEquals(report.filesWritten(), compacted(s).size());
        assertEquals(compacted(s).size(), s.liveFiles().size(), "every source file was removed");
        assertPositionsKept(table, data, s, firstData, lastData);
        long totalRows = data.rows.values().stream().mapToLong(List::size).sum();
        assertEquals(totalRows, s.numRecordsFromStats().getAsLong());
        for (Map.Entry<CompactedRange, LiveFile> e : compacted(s)) {
            AddFile add = e.getValue().add();
            assertFalse(add.dataChange());
            assertEquals(now - (12 - (e.getKey().toVersion() - firstData)) * MINUTE, add.modificationTime(),
                    "modificationTime is the newest source's");
        }
        // The compaction commits: OPTIMIZE, no data change for readers, B in a txn.
        Commit first = table.readCommit(lastData + 1).join().orElseThrow();
        assertEquals("OPTIMIZE", first.commitInfo().orElseThrow().operation());
        assertEquals("m1", first.commitInfo().orElseThrow().operationParameters().get("deltaq.maintainer"));
        assertEquals("1", first.commitInfo().orElseThrow().operationParameters().get("deltaq.leaseEpoch"));
        assertEquals(Delivery.NO_DATA_CHANGE, first.delivery());
        assertEquals(CompactedRange.COMPACTION_APP_ID, first.txns().get(0).appId());
        assertTrue(first.removes().stream().noneMatch(RemoveFile::dataChange));

        // Young commits are not compacted: compaction never contends with the head.
        clock.advance(-HOUR);
        long young = data.append(clock.getAsLong(), 4);
        MaintenanceReport again = Maintenance.of(table, clock).runOnce("m1", 1);
        assertTrue(again.succeeded(), again.toString());
        assertEquals(0, again.filesWritten());
        assertTrue(table.snapshot().liveFiles().stream().anyMatch(f -> f.addedInVersion() == young));
        assertEquals(lastData, CompactedRange.compactedThrough(table.snapshot()));
    }

    /**
     * Fails if retention removes a compacted file that is not due (by age, or by bytes once under the
     * limit), keeps one that is, removes one younger than compaction.min.age.ms, removes out of range
     * order, or writes removes that are not Delta DELETE removes.
     */
    @ParameterizedTest
    @ValueSource(strings = {"local", "s3"})
    void retentionRemovesExactlyTheExpiredCompactedFiles(String kind) {
        DeltaTable table = table(kind);
        // target.bytes 1: every data version becomes its own compacted file.
        MaintenanceTables.setProperties(table, Map.of(TableProperties.COMPACTION_TARGET_BYTES, "1",
                TableProperties.RETENTION_MS, "-1"));
        MaintenanceTables data = new MaintenanceTables(table, 11);
        long now = clock.getAsLong();
        List<Long> versions = new ArrayList<>();
        // Newest rows 9, 8, 7, 6, 5, 4 days old, and one a minute old (too young for anything).
        for (int ageDays = 9; ageDays >= 4; ageDays--) {
            versions.add(data.append(now - ageDays * DAY, 10));
        }
        long youngest = data.append(now + HOUR - MINUTE, 10);
        clock.advance(HOUR);
        MaintenanceReport compaction = Maintenance.of(table, clock).runOnce("m", 1);
        assertTrue(compaction.succeeded(), compaction.toString());
        assertEquals(7, compaction.filesWritten());
        assertEquals(0, compaction.filesExpired());

        // By age: 6.5 days expires the files whose newest rows are 9, 8 and 7 days old.
        MaintenanceTables.setProperties(table, Map.of(TableProperties.RETENTION_MS, Long.toString(6 * DAY + 12 * HOUR)));
        MaintenanceReport byAge = Maintenance.of(table, clock).runOnce("m", 2);
        assertTrue(byAge.succeeded(), byAge.toString());
        assertEquals(3, byAge.filesExpired());
        Snapshot s = table.snapshot();
        assertEquals(List.of(versions.get(3), versions.get(4), versions.get(5), youngest),
                compacted(s).stream().map(e -> e.getKey().fromVersion()).toList());
        assertEquals(versions.get(3), CompactedRange.logStartVersion(s, 0));
        Commit retention = table.readCommit(s.version()).join().orElseThrow();
        CommitInfo info = retention.commitInfo().orElseThrow();
        assertEquals("DELETE", info.operation());
        assertEquals("retention", info.operationParameters().get("deltaq.maintenance"));
        assertEquals(3, retention.removes().size());
        for (RemoveFile r : retention.removes()) {
            assertTrue(r.dataChange());
            assertEquals(Boolean.TRUE, r.extendedFileMetadata());
            assertEquals(clock.getAsLong(), r.deletionTimestamp(), 1000.0);
            assertTrue(r.size() != null && r.size() > 0);
        }
        assertEquals(List.of(), retention.adds());

        // By bytes: a limit that holds exactly the newest three compacted files removes the one before them.
        List<Map.Entry<CompactedRange, LiveFile>> live = compacted(s);
        long lastThree = live.get(1).getValue().size() + live.get(2).getValue().size() + live.get(3).getValue().size();
        MaintenanceTables.setProperties(table, Map.of(TableProperties.RETENTION_MS, "-1",
                TableProperties.RETENTION_BYTES, Long.toString(lastThree)));
        MaintenanceReport byBytes = Maintenance.of(table, clock).runOnce("m", 3);
        assertTrue(byBytes.succeeded(), byBytes.toString());
        assertEquals(1, byBytes.filesExpired(), "one file takes the table under the limit");
        assertEquals(versions.get(4), byBytes.logStartVersion());

        // A limit of 0 bytes: everything goes, except the file younger than the minimum age.
        MaintenanceTables.setProperties(table, Map.of(TableProperties.RETENTION_BYTES, "0"));
        MaintenanceReport all = Maintenance.of(table, clock).runOnce("m", 4);
        assertTrue(all.succeeded(), all.toString());
        assertEquals(2, all.filesExpired());
        s = table.snapshot();
        assertEquals(List.of(youngest), compacted(s).stream().map(e -> e.getKey().fromVersion()).toList());
        assertEquals(youngest, CompactedRange.logStartVersion(s, 0));
        assertPositionsKept(table, data, s, youngest, youngest);
    }

    /**
     * Two maintainers released together on the same range. Legal outcomes: one compaction commit
     * lands; the other maintainer gets MaintenanceConflictException (it lost the version) or finds
     * nothing to do (it read the snapshot after the winner). Fails if both land (rows twice), or none.
     */
    @ParameterizedTest
    @ValueSource(strings = {"local", "s3"})
    void racingMaintainersCompactOnce(String kind) throws Exception {
        DeltaTable table = table(kind);
        MaintenanceTables data = new MaintenanceTables(table, 3);
        for (int i = 0; i < 6; i++) {
            data.append(clock.getAsLong(), 20 + i);
        }
        clock.advance(HOUR);
        long before = table.latestVersion();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<MaintenanceReport>> runs = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                String name = "m" + i;
                Maintenance m = Maintenance.of(DeltaTable.at(stores.get(0), "topic"), clock);
                runs.add(pool.submit(() -> {
                    start.await();
                    return m.runOnce(name, 1);
                }));
            }
            start.countDown();
            int landed = 0;
            for (Future<MaintenanceReport> run : runs) {
                MaintenanceReport r = run.get(60, TimeUnit.SECONDS);
                RuntimeException failure = r.failureOf(Step.COMPACTION);
                if (r.filesWritten() == 1) {
                    landed++;
                    assertNull(failure);
                } else {
                    assertEquals(0, r.filesWritten());
                    if (failure != null) {
                        assertInstanceOf(MaintenanceConflictException.class, failure, failure.toString());
                    }
                }
                assertNull(r.failureOf(Step.RETENTION));
            }
            assertEquals(1, landed);
        } finally {
            pool.shutdownNow();
        }
        Snapshot s = table.snapshot();
        int compactionCommits = 0;
        for (long v = before + 1; v <= s.version(); v++) {
            Commit c = table.readCommit(v).join().orElseThrow();
            compactionCommits += c.txns().stream().anyMatch(t -> t.appId().equals(CompactedRange.COMPACTION_APP_ID)) ? 1 : 0;
        }
        assertEquals(1, compactionCommits);
        // Every row in exactly one live file.
        assertEquals(1, s.liveFiles().size());
        long totalRows = data.rows.values().stream().mapToLong(List::size).sum();
        assertEquals(totalRows, MaintenanceTables.read(table, s.liveFiles().get(0)).size());
        assertPositionsKept(table, data, s, 1, before);
    }

    /**
     * Fails if a maintenance commit lands over a concurrent one that removed its files or moved
     * compaction on, or if it gives up over a producer's blind append.
     */
    @ParameterizedTest
    @ValueSource(strings = {"local", "s3"})
    void maintenanceCommitConflictsOnlyWithWhatInvalidatesIt(String kind) {
        DeltaTable table = table(kind);
        MaintenanceTables data = new MaintenanceTables(table, 5);
        long v1 = data.append(1, 3);
        long v2 = data.append(1, 3);
        Snapshot s = table.snapshot();
        LiveFile f1 = s.liveFiles().get(0);
        LiveFile f2 = s.liveFiles().get(1);
        RemoveFile remove1 = new RemoveFile(f1.add().path(), 1L, false, true, Map.of(), f1.size(), null, null, null);
        RemoveFile remove2 = new RemoveFile(f2.add().path(), 1L, false, true, Map.of(), f2.size(), null, null, null);
        MaintenanceCommit a = new MaintenanceCommit(table.io(), s, "a", 1, clock, CommitPause.NONE);
        MaintenanceCommit b = new MaintenanceCommit(table.io(), s, "b", 1, clock, CommitPause.NONE);
        MaintenanceCommit c = new MaintenanceCommit(table.io(), s, "c", 1, clock, CommitPause.NONE);
        assertEquals(v2 + 1, a.commit("OPTIMIZE", "compaction", List.of(remove1,
                new SetTransaction(CompactedRange.COMPACTION_APP_ID, v1, 1L))));
        // A producer's append in between is no conflict.
        long appended = data.append(1, 2);
        // b removes the same file: conflict, naming a's version.
        MaintenanceConflictException sameFile = assertThrows(MaintenanceConflictException.class,
                () -> b.commit("DELETE", "retention", List.of(remove1)));
        assertEquals(v2 + 1, sameFile.winningVersion());
        assertTrue(sameFile.getMessage().contains(f1.add().path()), sameFile.getMessage());
        // c compacts another file: conflict with a's compaction txn all the same.
        MaintenanceConflictException moved = assertThrows(MaintenanceConflictException.class,
                () -> c.commit("OPTIMIZE", "compaction", List.of(remove2, new SetTransaction(CompactedRange.COMPACTION_APP_ID, v2, 1L))));
        assertTrue(moved.getMessage().contains("deltaq-compaction"), moved.getMessage());
        // A retention of another file from the old snapshot passes over a's commit and the append.
        MaintenanceCommit d = new MaintenanceCommit(table.io(), s, "d", 1, clock, CommitPause.NONE);
        assertEquals(appended + 1, d.commit("DELETE", "retention", List.of(remove2)));
        assertEquals(appended + 1, table.latestVersion());
    }

    /**
     * Fails if vacuum deletes a file whose tombstone is younger than delta.deletedFileRetentionDuration
     * or a live file, keeps a due one, or if log cleanup deletes the kept checkpoint, its commit, a
     * commit above B, or leaves a log that does not load the same state.
     */
    @ParameterizedTest
    @ValueSource(strings = {"local", "s3"})
    void vacuumAndLogCleanupDeleteOnlyWhatIsDue(String kind) {
        DeltaTable table = table(kind);
        MaintenanceTables.setProperties(table, Map.of(TableProperties.RETENTION_MS, "-1",
                TableProperties.LOG_RETENTION, "interval 1 day"));
        MaintenanceTables data = new MaintenanceTables(table, 9);
        List<Long> early = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            early.add(data.append(clock.getAsLong(), 6));
        }
        clock.advance(HOUR);
        Maintenance m = Maintenance.of(table, clock);
        MaintenanceReport first = m.runOnce("m", 1);
        assertTrue(first.succeeded(), first.toString());
        assertEquals(4, first.filesCompacted());
        Set<String> firstSources = new HashSet<>();
        for (long v : early) {
            firstSources.add(table.readCommit(v).join().orElseThrow().dataAdds().get(0).path());
        }

        clock.advance(5 * DAY);
        List<Long> later = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            later.add(data.append(clock.getAsLong(), 6));
        }
        clock.advance(HOUR);
        MaintenanceReport second = m.runOnce("m", 1);
        assertTrue(second.succeeded(), second.toString());
        assertEquals(3, second.filesCompacted());
        assertEquals(0, second.filesVacuumed(), "nothing is older than the retention yet");
        long b = second.compactedThrough();
        assertEquals(later.get(2), b);
        Set<String> secondSources = new HashSet<>();
        for (long v : later) {
            secondSources.add(table.readCommit(v).join().orElseThrow().dataAdds().get(0).path());
        }
        // Checkpoints below and above B + 1; a checksum file among the old commits.
        table.checkpoint(2);
        table.checkpoint(early.get(3));
        long head = data.append(clock.getAsLong(), 2);
        table.checkpoint(head);
        LogStore io = table.io();
        io.store.put(io.logKey(LogFiles.pad(1) + ".crc"), new byte[] {'{', '}'}).join();

        // 3 days on: the first compaction's tombstones are 8 days old, the second's 3 days. The head
        // stays uncompacted (a minimum age of 10 days), so B stays where it is.
        MaintenanceTables.setProperties(table, Map.of(TableProperties.COMPACTION_MIN_AGE_MS, Long.toString(10 * DAY)));
        clock.advance(3 * DAY - 2 * HOUR);
        Snapshot beforeCleanup = table.snapshot();
        MaintenanceReport third = m.runOnce("m", 1);
        assertTrue(third.succeeded(), third.toString());
        assertEquals(4, third.filesVacuumed());
        for (String p : firstSources) {
            assertTrue(io.store.get(io.root + p).join().isEmpty(), p + " deleted");
        }
        for (String p : secondSources) {
            assertTrue(io.store.get(io.root + p).join().isPresent(), p + " kept: its tombstone is 3 days old");
        }
        for (LiveFile f : table.snapshot().liveFiles()) {
            assertTrue(io.store.get(io.root + f.path()).join().isPresent(), f.path() + " is live");
        }
        // K = the newest checkpoint <= B + 1 (not the one at the head): everything below it goes.
        long kept = early.get(3);
        assertEquals(kept + 2, third.logFilesDeleted(), "commits 0.." + (kept - 1) + ", checkpoint 2 and the .crc");
        List<LogFiles.LogFile> log = io.listLog(0, Long.MAX_VALUE);
        assertEquals(kept, log.get(0).version());
        assertTrue(log.stream().anyMatch(f -> f.version() == kept && f.kind() == LogFiles.Kind.COMMIT));
        assertTrue(io.store.get(io.logKey(LogFiles.pad(1) + ".crc")).join().isEmpty());
        for (long v = kept; v <= head; v++) {
            assertTrue(table.readCommit(v).join().isPresent(), "commit " + v + " kept");
        }
        Snapshot after = DeltaTable.at(io.store, "topic").snapshot();
        assertEquals(beforeCleanup.version(), after.version());
        assertEquals(GoldenTablesTest.state(beforeCleanup), GoldenTablesTest.state(after));
        assertEquals(Optional.of(b), after.transaction(CompactedRange.COMPACTION_APP_ID).map(TransactionState::txnVersion));

        // Again: nothing more is due, nothing is deleted twice.
        MaintenanceReport fourth = m.runOnce("m", 1);
        assertTrue(fourth.succeeded(), fourth.toString());
        assertEquals(0, fourth.filesVacuumed());
        assertEquals(0, fourth.logFilesDeleted());
    }

    /**
     * Fails if a run lists more than its limit (the whole log, however long), or if a bounded run
     * deletes a version whose files it did not all list, or the commit of the checkpoint it keeps:
     * the runs must each delete a prefix of the log and together reach what one unbounded run would.
     */
    @ParameterizedTest
    @ValueSource(strings = {"local", "s3"})
    void logCleanupListsABoundedPrefixAndFinishesOverSeveralRuns(String kind) {
        DeltaTable table = table(kind);
        MaintenanceTables.setProperties(table, Map.of(TableProperties.RETENTION_MS, "-1",
                TableProperties.LOG_RETENTION, "interval 1 day"));
        MaintenanceTables data = new MaintenanceTables(table, 11);
        long last = -1;
        for (int i = 0; i < 24; i++) {
            last = data.append(clock.getAsLong(), 3);
            if (i % 5 == 4) {
                table.checkpoint(last); // a checkpoint every five data versions: 3 files each of those
            }
        }
        clock.advance(HOUR);
        assertTrue(Maintenance.of(table, clock).runOnce("m", 1).succeeded(), "compaction sets B");
        long b = CompactedRange.compactedThrough(table.snapshot());
        assertEquals(last, b);
        clock.advance(2 * DAY);
        LogStore io = table.io();
        List<Long> checkpoints = io.listLog(0, Long.MAX_VALUE).stream()
                .filter(f -> f.kind() == LogFiles.Kind.CLASSIC_CHECKPOINT).map(LogFiles.LogFile::version).toList();
        long finalKept = checkpoints.stream().filter(v -> v <= b + 1).max(Long::compare).orElseThrow();

        int limit = 7;
        LogCleanup bounded = new LogCleanup(table, io, clock, limit);
        long previousOldest = io.listLog(0, Long.MAX_VALUE).get(0).version();
        int runs = 0;
        while (io.listLog(0, Long.MAX_VALUE).get(0).version() < finalKept) {
            assertTrue(++runs <= 20, "converges");
            LogCleanup.Result r = bounded.run(table.snapshot());
            // Here each run lists the limit's files and goes on to the next checkpoint's commit at most.
            assertTrue(r.filesDeleted() > 0 && r.filesDeleted() <= limit, "a bounded prefix: " + r);
            List<LogFiles.LogFile> log = io.listLog(0, Long.MAX_VALUE);
            long oldest = log.get(0).version();
            assertEquals(r.keptCheckpoint(), oldest, "a prefix went, up to the kept checkpoint");
            assertTrue(log.stream().anyMatch(f -> f.version() == oldest && f.kind() == LogFiles.Kind.COMMIT),
                    "the kept checkpoint's commit stays");
            assertTrue(oldest > previousOldest);
            previousOldest = oldest;
        }
        assertTrue(runs > 1, "a log longer than the limit takes several runs: " + runs);
        assertEquals(finalKept, io.listLog(0, Long.MAX_VALUE).get(0).version());
        assertEquals(0, bounded.run(table.snapshot()).filesDeleted(), "then nothing is left to delete");
        assertEquals(b, CompactedRange.compactedThrough(DeltaTable.at(io.store, "topic").snapshot()));
    }
}

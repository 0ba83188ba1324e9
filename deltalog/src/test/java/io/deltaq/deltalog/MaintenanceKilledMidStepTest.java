package io.deltaq.deltalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deltaq.deltalog.MaintenanceTables.Row;
import io.deltaq.s3io.FaultInjectingStore;
import io.deltaq.s3io.FaultInjectingStore.Fault;
import io.deltaq.s3io.FaultInjectingStore.Rule;
import io.deltaq.s3io.ObjectStore;
import io.deltaq.s3io.StoreMetrics.Operation;
import io.deltaq.testkit.TestS3;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A maintainer stopped at each of its storage writes in turn (docs/rfcs/0005-maintenance.md, I8:
 * every step is one atomic write or an idempotent delete): on copies of one table prepared so that a
 * run does work in every step ({@link FullMaintenanceRun}), the k-th put, put-if-absent or delete of
 * the run is hit, for every k the unfaulted run makes, in three ways:
 * <ul>
 *   <li>killed: the k-th write is not made and nothing after it reaches storage;</li>
 *   <li>one write fails: the k-th write fails (nothing written), the maintainer goes on;</li>
 *   <li>one answer lost: the k-th write lands but its answer is lost, the maintainer goes on.</li>
 * </ul>
 * On s3proxy only the first (each hit costs a copy of the table over HTTP); the local store runs all three.
 */
class MaintenanceKilledMidStepTest {

    private static final Set<Operation> WRITES = EnumSet.of(Operation.PUT_IF_ABSENT, Operation.PUT, Operation.DELETE);
    private static final Set<Operation> READS = EnumSet.of(Operation.GET, Operation.GET_RANGE, Operation.LIST);

    private enum Mode { KILLED, ONE_WRITE_FAILS, ONE_ANSWER_LOST }

    @TempDir
    Path dir;
    private final List<ObjectStore> stores = new ArrayList<>();
    private int copies;

    @AfterEach
    void close() {
        stores.forEach(ObjectStore::close);
    }

    private ObjectStore freshStore(String kind) {
        ObjectStore store = kind.equals("s3") ? TestS3.freshStore("maintenance-killed")
                : TestS3.local(dir.resolve("store-" + copies++));
        stores.add(store);
        return store;
    }

    /** What a table holds after a run: its rows, where it starts, what is compacted, what storage keeps. */
    private record State(Map<Row, Integer> rows, long logStart, long compactedThrough, List<String> ranges,
                         Set<String> sourceFilesLeft, List<String> logFiles) {
    }

    private static State state(DeltaTable table, ObjectStore store, Set<String> sourceFiles) throws Exception {
        Snapshot s = table.snapshot();
        List<String> ranges = new ArrayList<>();
        for (LiveFile f : s.liveFiles()) {
            CompactedRange.of(f.add(), f.addedInVersion()).ifPresent(r -> ranges.add(r.fromVersion() + ".." + r.toVersion()));
        }
        ranges.sort(null);
        List<String> keys = FullMaintenanceRun.keys(store);
        Set<String> left = FullMaintenanceRun.dataFiles(keys);
        left.retainAll(sourceFiles);
        List<String> log = keys.stream().filter(k -> k.contains("_delta_log/")).sorted().toList();
        return new State(FullMaintenanceRun.multiset(FullMaintenanceRun.liveRows(table)),
                CompactedRange.logStartVersion(s, 0), CompactedRange.compactedThrough(s), ranges, left, log);
    }

    /**
     * I4: log cleanup, stopped anywhere, leaves the newest checkpoint, its commit and every commit
     * after it to the head (no gap); below it, whatever it did not delete yet.
     */
    private static void assertLogIsASuffixFromACheckpoint(DeltaTable table, String what) {
        List<LogFiles.LogFile> log = table.io().listLog(0, Long.MAX_VALUE);
        long newestCheckpoint = log.stream().filter(f -> f.kind() == LogFiles.Kind.CLASSIC_CHECKPOINT)
                .mapToLong(LogFiles.LogFile::version).max().orElse(0);
        List<Long> commits = log.stream().filter(f -> f.kind() == LogFiles.Kind.COMMIT).map(LogFiles.LogFile::version)
                .filter(v -> v >= newestCheckpoint).sorted().toList();
        assertEquals(newestCheckpoint, commits.get(0), what + ": the newest checkpoint's commit, or version 0 " + commits);
        assertEquals(commits.get(commits.size() - 1) - newestCheckpoint + 1, commits.size(),
                what + ": commits from the newest checkpoint on without a gap " + commits);
    }

    /**
     * Fails if a maintainer stopped after any of its writes leaves a table that does not load, a live
     * file that is gone (vacuum or a lost commit), a row lost or held twice (a compaction landing
     * twice, a source removed without its compacted file), a log start that is neither the one before
     * nor the one after the run, a log with a gap or not starting at a checkpoint, or a table the next clean run cannot bring to the state an unfaulted
     * run leaves (the same rows, log start, compacted ranges, data files and log files).
     */
    @ParameterizedTest
    @ValueSource(strings = {"local", "s3"})
    void aMaintainerStoppedAtAnyWriteLeavesAReadableTableThatTheNextRunFinishes(String kind) throws Exception {
        ObjectStore original = freshStore(kind);
        DeltaTable prepared = DeltaTable.at(original, "topic");
        assertTrue(prepared.createMessageTable().created());
        FullMaintenanceRun t = FullMaintenanceRun.prepare(prepared, 42);
        Set<String> sourceFiles = FullMaintenanceRun.dataFiles(FullMaintenanceRun.keys(original));
        long logStartBefore = CompactedRange.logStartVersion(prepared.snapshot(), 0);

        // The unfaulted run, on a copy, counting its writes.
        ObjectStore reference = freshStore(kind);
        FullMaintenanceRun.copy(original, reference);
        AtomicInteger writes = new AtomicInteger();
        FaultInjectingStore counting = new FaultInjectingStore(reference);
        counting.inject(new Rule(WRITES, key -> writes.incrementAndGet() < 0, Fault.error(500), 1.0, -1));
        DeltaTable referenceTable = DeltaTable.at(counting, "topic");
        MaintenanceReport unfaulted = Maintenance.of(referenceTable, t.clock).runOnce("m", 2);
        assertTrue(unfaulted.succeeded(), unfaulted.toString());
        assertTrue(unfaulted.filesWritten() > 0 && unfaulted.filesExpired() > 0 && unfaulted.filesVacuumed() > 0
                && unfaulted.logFilesDeleted() > 0, "every step does work: " + unfaulted);
        int k = writes.get();
        assertTrue(k >= 2 * unfaulted.filesWritten() + 1 + unfaulted.filesVacuumed() + unfaulted.logFilesDeleted(),
                k + " writes: " + unfaulted);
        State expected = state(DeltaTable.at(reference, "topic"), reference, sourceFiles);
        long logStartAfter = expected.logStart();
        assertTrue(logStartAfter > logStartBefore, "retention moves the log start");
        assertEquals(FullMaintenanceRun.multiset(t.rowsFrom(logStartAfter)), expected.rows());

        Set<Mode> modes = kind.equals("s3") ? EnumSet.of(Mode.KILLED) : EnumSet.allOf(Mode.class);
        for (Mode mode : modes) {
            for (int hit = 1; hit <= k; hit++) {
                String what = mode + " at write " + hit + " of " + k;
                ObjectStore copy = freshStore(kind);
                FullMaintenanceRun.copy(original, copy);
                FaultInjectingStore faulty = new FaultInjectingStore(copy);
                AtomicInteger n = new AtomicInteger();
                int at = hit;
                Fault fault = switch (mode) {
                    case KILLED -> Fault.error(403); // not retried: the process is gone
                    case ONE_WRITE_FAILS -> Fault.error(500);
                    case ONE_ANSWER_LOST -> Fault.lostResponse();
                };
                faulty.inject(new Rule(WRITES, key -> {
                    int i = n.incrementAndGet();
                    return i == at || (mode == Mode.KILLED && i > at);
                }, fault, 1.0, -1));
                if (mode == Mode.KILLED) {
                    faulty.inject(new Rule(READS, key -> n.get() >= at, Fault.error(403), 1.0, -1));
                }
                MaintenanceReport faulted = Maintenance.of(DeltaTable.at(faulty, "topic"), t.clock).runOnce("m", 2);
                assertTrue(faulty.injected().values().stream().mapToLong(Long::longValue).sum() > 0,
                        what + ": the fault was injected");
                if (mode == Mode.KILLED) {
                    assertTrue(!faulted.succeeded(), what + ": " + faulted);
                }

                // A reader opening the table now (no faults) loads it and reads each retained row once.
                DeltaTable after = DeltaTable.at(copy, "topic");
                long logStart = CompactedRange.logStartVersion(after.snapshot(), 0);
                assertTrue(logStart == logStartBefore || logStart == logStartAfter,
                        what + ": log start " + logStart + " is " + logStartBefore + " or " + logStartAfter);
                assertEquals(FullMaintenanceRun.multiset(t.rowsFrom(logStart)),
                        FullMaintenanceRun.multiset(FullMaintenanceRun.liveRows(after)),
                        what + ": the live files hold exactly the rows of versions >= " + logStart + " (" + faulted + ")");

                assertLogIsASuffixFromACheckpoint(after, what);

                // The next run, unfaulted, finishes the job.
                MaintenanceReport clean = Maintenance.of(after, t.clock).runOnce("m", 3);
                assertTrue(clean.succeeded(), what + ", the clean run after it: " + clean);
                assertEquals(expected, state(DeltaTable.at(copy, "topic"), copy, sourceFiles),
                        what + ": the clean run leaves what an unfaulted run leaves (" + faulted + "; then " + clean + ")");
            }
        }
    }
}

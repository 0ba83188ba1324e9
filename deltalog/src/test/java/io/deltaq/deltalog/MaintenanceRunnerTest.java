package io.deltaq.deltalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deltaq.s3io.FaultInjectingStore;
import io.deltaq.s3io.ObjectStore;
import io.deltaq.s3io.StoreMetrics.Operation;
import io.deltaq.testkit.Conditions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The maintenance runner: passes only while the lease is held, renewal on a schedule, a clean close. */
class MaintenanceRunnerTest {

    static final Duration INTERVAL = Duration.ofMillis(50);

    @TempDir
    Path dir;

    static List<Thread> maintenanceThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("deltaq-maintenance-") && t.isAlive()).toList();
    }

    static TableLease lease(DeltaTable table, String holder) {
        return new TableLease(table, holder, Duration.ofSeconds(3), Duration.ofMillis(500));
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "s3"})
    void runsPassesWhileHoldingAndCloseStopsItsThreadsAndReleasesTheLease(String kind) {
        try (ObjectStore store = TableLeaseTest.open(kind, dir)) {
            DeltaTable table = TableLeaseTest.table(store);
            List<Long> epochs = new CopyOnWriteArrayList<>();
            TableLease lease = lease(table, "runner");
            MaintenanceRunner runner = MaintenanceRunner.start(table, lease, (instance, epoch) -> {
                assertEquals(lease.instance(), instance);
                epochs.add(epoch);
                return "pass " + epochs.size();
            }, INTERVAL, 0, MaintenanceRunner.PassListener.NONE);
            Conditions.await(() -> runner.passes() >= 3, "three passes");
            assertTrue(runner.isLeader());
            assertEquals(1, runner.leaseAcquisitions());
            assertEquals(0, runner.failures());
            assertTrue(epochs.stream().allMatch(e -> e >= 1));
            assertFalse(maintenanceThreads().isEmpty());

            runner.close(Duration.ofSeconds(10));
            assertEquals(List.of(), maintenanceThreads(), "no maintenance thread outlives close");
            assertFalse(runner.isLeader());
            TableLease.Lease last = lease.current().orElseThrow();
            assertTrue(last.released(), "close releases the lease: " + last);
            assertEquals(lease.instance(), last.instance());
            TableLease next = lease(table, "next");
            assertTrue(next.tryAcquireOrRenew(), "a released lease is taken at once");
        }
    }

    /** A caller closing on an interrupt (a shutdown, a cancelled task) still stops the threads and releases; its flag stays set. */
    @ParameterizedTest
    @ValueSource(strings = {"local", "s3"})
    void closeFromAnInterruptedThreadStillReleasesTheLease(String kind) {
        try (ObjectStore store = TableLeaseTest.open(kind, dir)) {
            DeltaTable table = TableLeaseTest.table(store);
            TableLease lease = lease(table, "runner");
            MaintenanceRunner runner = MaintenanceRunner.start(table, lease, MaintenancePass.NONE, INTERVAL, 0,
                    MaintenanceRunner.PassListener.NONE);
            Conditions.await(runner::isLeader, "the lease");
            Thread.currentThread().interrupt();
            runner.close(Duration.ofSeconds(10));
            assertTrue(Thread.interrupted(), "the caller's interrupt is kept");
            assertEquals(List.of(), maintenanceThreads());
            assertTrue(lease.current().orElseThrow().released(), "released despite the interrupt");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "s3"})
    void aPassThatThrowsIsCountedAndTheNextOneRuns(String kind) {
        try (ObjectStore store = TableLeaseTest.open(kind, dir)) {
            DeltaTable table = TableLeaseTest.table(store);
            AtomicInteger calls = new AtomicInteger();
            List<Throwable> heard = new CopyOnWriteArrayList<>();
            MaintenanceRunner runner = MaintenanceRunner.start(table, lease(table, "runner"), (instance, epoch) -> {
                if (calls.incrementAndGet() <= 2) {
                    throw new IllegalStateException("injected failure " + calls.get());
                }
                return null;
            }, INTERVAL, 0, (epoch, report, failure) -> heard.add(failure));
            try {
                Conditions.await(() -> runner.passes() >= 1, "a pass after two failures");
                assertEquals(2, runner.failures());
                assertEquals("injected failure 1", heard.get(0).getMessage());
                assertEquals("injected failure 2", heard.get(1).getMessage());
                assertTrue(runner.isLeader());
            } finally {
                runner.close(Duration.ofSeconds(10));
            }
            assertEquals(List.of(), maintenanceThreads());
        }
    }

    /** A pass that runs for several lease periods does not cost the lease: renewals go on beside it. */
    @ParameterizedTest
    @ValueSource(strings = {"local", "s3"})
    void theLeaseIsRenewedWhileALongPassRuns(String kind) throws Exception {
        try (ObjectStore store = TableLeaseTest.open(kind, dir)) {
            DeltaTable table = TableLeaseTest.table(store);
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch finish = new CountDownLatch(1);
            TableLease lease = new TableLease(table, "slow", Duration.ofMillis(600), Duration.ofMillis(100));
            TableLease other = new TableLease(table, "other", Duration.ofMillis(600), Duration.ofMillis(100));
            MaintenanceRunner runner = MaintenanceRunner.start(table, lease, (instance, epoch) -> {
                started.countDown();
                finish.await();
                return "slow pass";
            }, INTERVAL, 0, MaintenanceRunner.PassListener.NONE);
            try {
                assertTrue(started.await(30, TimeUnit.SECONDS));
                long epochAtStart = lease.current().orElseThrow().epoch();
                // Five more epochs take at least 5 x 200 ms: more than the lease, all while the pass runs.
                Conditions.await(() -> lease.current().orElseThrow().epoch() >= epochAtStart + 5,
                        "five renewals during the pass");
                assertTrue(runner.isLeader());
                assertFalse(other.tryAcquireOrRenew(), "the long pass's lease is still running");
                assertEquals(0, runner.passes());
                assertEquals(0, runner.leaseLosses());
            } finally {
                finish.countDown();
                runner.close(Duration.ofSeconds(10));
            }
            assertEquals(1, runner.passes());
            assertEquals(List.of(), maintenanceThreads());
        }
    }

    /**
     * Two runners on one table. Legal outcomes at any moment: at most one is leader; exactly one
     * runs passes, and when it closes (releasing), the other takes over within its interval.
     */
    @ParameterizedTest
    @ValueSource(strings = {"local", "s3"})
    void twoRunnersTakeTurnsAndNeverBothRunPasses(String kind) {
        try (ObjectStore store = TableLeaseTest.open(kind, dir)) {
            DeltaTable table = TableLeaseTest.table(store);
            List<String> passesBy = new CopyOnWriteArrayList<>();
            MaintenanceRunner a = MaintenanceRunner.start(table, lease(table, "a"),
                    (instance, epoch) -> passesBy.add("a"), INTERVAL, 0, MaintenanceRunner.PassListener.NONE);
            MaintenanceRunner b = MaintenanceRunner.start(table, lease(table, "b"),
                    (instance, epoch) -> passesBy.add("b"), INTERVAL, 0, MaintenanceRunner.PassListener.NONE);
            try {
                Conditions.await(() -> passesBy.size() >= 5, "five passes");
                assertEquals(1, passesBy.stream().distinct().count(), "one runner runs every pass: " + passesBy);
                MaintenanceRunner first = passesBy.get(0).equals("a") ? a : b;
                MaintenanceRunner second = first == a ? b : a;
                String secondName = first == a ? "b" : "a";
                assertFalse(second.isLeader());
                first.close(Duration.ofSeconds(10));
                Conditions.await(() -> passesBy.contains(secondName), "the other runner taking over after the release");
                assertTrue(second.isLeader());
                assertEquals(1, second.leaseAcquisitions());
            } finally {
                a.close(Duration.ofSeconds(10));
                b.close(Duration.ofSeconds(10));
            }
            assertEquals(List.of(), maintenanceThreads());
        }
    }

    /**
     * After each pass, before it counts as ended, the runner records it in last-run.json: the epoch,
     * holder and instance it ran under, its times, and ok with the report's line, failed with the
     * message, or nothing-to-do.
     */
    @ParameterizedTest
    @ValueSource(strings = {"local", "s3"})
    void eachPassIsRecordedInLastRun(String kind) {
        try (ObjectStore store = TableLeaseTest.open(kind, dir)) {
            DeltaTable table = TableLeaseTest.table(store);
            assertEquals(Optional.empty(), MaintenanceRun.read(table), "no run before the first pass");
            TableLease lease = lease(table, "recorder");
            AtomicInteger calls = new AtomicInteger();
            List<Optional<MaintenanceRun>> recorded = new CopyOnWriteArrayList<>();
            List<Long> epochs = new CopyOnWriteArrayList<>();
            long before = System.currentTimeMillis();
            MaintenanceRunner runner = MaintenanceRunner.start(table, lease, (instance, epoch) -> switch (calls.incrementAndGet()) {
                case 1 -> "compacted 3 files into 1";
                case 2 -> throw new IllegalStateException("injected failure");
                default -> null;
            }, INTERVAL, 3, (epoch, report, failure) -> {
                epochs.add(epoch);
                recorded.add(MaintenanceRun.read(table)); // the listener hears the pass after it was recorded
            });
            try {
                Conditions.await(() -> recorded.size() == 3, "three passes");
            } finally {
                runner.close(Duration.ofSeconds(10));
            }
            List<MaintenanceRun.Outcome> outcomes = List.of(MaintenanceRun.Outcome.OK, MaintenanceRun.Outcome.FAILED,
                    MaintenanceRun.Outcome.NOTHING_TO_DO);
            List<String> summaries = List.of("compacted 3 files into 1", "injected failure", "");
            for (int i = 0; i < 3; i++) {
                MaintenanceRun run = recorded.get(i).orElseThrow(() -> new AssertionError("no last-run.json"));
                assertEquals(epochs.get(i), run.epoch());
                assertEquals("recorder", run.holder());
                assertEquals(lease.instance(), run.instance());
                assertEquals(outcomes.get(i), run.outcome());
                assertEquals(summaries.get(i), run.summary());
                assertTrue(before <= run.startedAtMs() && run.startedAtMs() <= run.endedAtMs(), run.toString());
            }
            assertTrue(store.get("topic/_deltaq/maintenance/last-run.json").join().isPresent(),
                    "stored under the table's _deltaq/maintenance/");
        }
    }

    /** Recording the run is informational: a store that refuses it fails neither the pass nor the runner. */
    @ParameterizedTest
    @ValueSource(strings = {"local", "s3"})
    void aLastRunThatCannotBeWrittenDoesNotFailThePass(String kind) {
        try (FaultInjectingStore store = new FaultInjectingStore(TableLeaseTest.open(kind, dir))) {
            DeltaTable table = TableLeaseTest.table(store);
            store.fail(Operation.PUT, key -> key.endsWith(MaintenanceRun.NAME), FaultInjectingStore.Fault.error(503));
            List<Throwable> heard = new CopyOnWriteArrayList<>();
            MaintenanceRunner runner = MaintenanceRunner.start(table, lease(table, "runner"), (instance, epoch) -> "done",
                    INTERVAL, 2, (epoch, report, failure) -> heard.add(failure));
            try {
                Conditions.await(() -> runner.passes() >= 2, "two passes");
                assertEquals(0, runner.failures());
                assertTrue(heard.stream().allMatch(f -> f == null), "no pass failed: " + heard);
                assertTrue(runner.isLeader());
            } finally {
                runner.close(Duration.ofSeconds(10));
            }
            assertTrue(store.injected().getOrDefault(FaultInjectingStore.Kind.ERROR, 0L) >= 2, "the writes were refused");
            assertEquals(Optional.empty(), MaintenanceRun.read(table));
        }
    }
}

package io.deltaq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deltaq.deltalog.DeltaTable;
import io.deltaq.deltalog.TableLease;
import io.deltaq.deltalog.Snapshot;
import io.deltaq.s3io.ObjectStore;
import io.deltaq.testkit.Conditions;
import io.deltaq.testkit.TestS3;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code deltaq maintain} processes (separate JVMs) on one local table: at most one holds the
 * lease at a time, and when the holder is killed with SIGKILL the other takes over within lease +
 * skew + interval.
 *
 * <p>Legal histories of the lease objects: epochs rise by one; of two consecutive epochs written by
 * different instances, the earlier was released, or the later was created (its {@code expiresAtMs}
 * minus the lease) after the earlier's {@code expiresAtMs} plus the skew, so their times of acting
 * never overlap. The test reads the newest epoch every few milliseconds while the processes run,
 * far more often than epochs are created.
 */
class MaintainProcessesTest {

    static final long LEASE_MS = 2_000;
    static final long SKEW_MS = 300;
    static final long INTERVAL_MS = 100;
    /** Scheduling on a loaded test machine: JVM pauses, the store's I/O, this test's polling. */
    static final long TOLERANCE_MS = 1_500;
    static final Pattern INSTANCE = Pattern.compile("instance ([0-9a-f-]{36})");

    @TempDir
    Path dir;

    private final List<Process> started = new ArrayList<>();

    private Process maintain(Path table, Path out) throws IOException {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), DeltaqMain.class.getName(),
                "maintain", table.toString(), "--interval-ms", Long.toString(INTERVAL_MS),
                "--lease-ms", Long.toString(LEASE_MS), "--lease-skew-ms", Long.toString(SKEW_MS));
        Process process = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(Path.of(out + ".err").toFile())
                .start();
        started.add(process);
        return process;
    }

    /** The instance id a process printed on its first line. */
    private static String instanceOf(Path out) {
        AtomicReference<String> id = new AtomicReference<>();
        Conditions.await(() -> {
            try {
                Matcher m = INSTANCE.matcher(Files.readString(out, StandardCharsets.UTF_8));
                if (m.find()) {
                    id.set(m.group(1));
                    return true;
                }
                return false;
            } catch (IOException e) {
                return false;
            }
        }, Duration.ofSeconds(60), "the first line of " + out);
        return id.get();
    }

    /**
     * Reads the newest lease into {@code seen} and returns it. Each epoch is the newest for at least
     * the interval of the process that follows it, and this is polled every few milliseconds.
     */
    private static Optional<TableLease.Lease> poll(ObjectStore store, TableLease reader,
                                                         TreeMap<Long, TableLease.Lease> seen) {
        Optional<TableLease.Lease> newest = reader.current();
        newest.ifPresent(lease -> seen.put(lease.epoch(), lease));
        return newest;
    }

    @Test
    void atMostOneProcessHoldsTheLeaseAndAKilledHolderIsReplacedInTime() throws Exception {
        Path table = dir.resolve("topic");
        try (ObjectStore store = TestS3.local(table)) {
            DeltaTable.at(store, "").createMessageTable();
            TableLease reader = new TableLease(DeltaTable.at(store, ""), "test reader",
                    Duration.ofMillis(LEASE_MS), Duration.ofMillis(SKEW_MS));
            TreeMap<Long, TableLease.Lease> seen = new TreeMap<>();
            try {
                Process first = maintain(table, dir.resolve("first.out"));
                Process second = maintain(table, dir.resolve("second.out"));
                Map<String, Process> byInstance = Map.of(instanceOf(dir.resolve("first.out")), first,
                        instanceOf(dir.resolve("second.out")), second);

                // Both running; the holder renews a few times (every third of the lease) while the other waits.
                Conditions.await(() -> poll(store, reader, seen).map(l -> l.epoch() >= 4).orElse(false),
                        Duration.ofSeconds(60), "four epochs");
                TableLease.Lease newest = poll(store, reader, seen).orElseThrow();
                Process holder = byInstance.get(newest.instance());
                assertTrue(holder != null, "the holder is one of the two processes: " + newest);
                Process other = holder == first ? second : first;
                String otherInstance = holder == first ? instanceOf(dir.resolve("second.out"))
                        : instanceOf(dir.resolve("first.out"));
                assertTrue(other.isAlive());

                holder.destroyForcibly(); // SIGKILL: no release, no shutdown hook
                long killedAt = System.nanoTime();
                assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
                Conditions.await(() -> poll(store, reader, seen).map(l -> l.instance().equals(otherInstance))
                        .orElse(false), Duration.ofSeconds(60), "the other process taking over");
                long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
                assertTrue(tookMs <= LEASE_MS + SKEW_MS + INTERVAL_MS + TOLERANCE_MS,
                        "taken over " + tookMs + " ms after the kill; expected within lease + skew + interval ("
                                + (LEASE_MS + SKEW_MS + INTERVAL_MS) + " ms) plus " + TOLERANCE_MS + " ms of scheduling");
                // Renewed by its new holder at least once more.
                long takenEpoch = poll(store, reader, seen).orElseThrow().epoch();
                Conditions.await(() -> poll(store, reader, seen).map(l -> l.epoch() > takenEpoch).orElse(false),
                        Duration.ofSeconds(30), "a renewal by the new holder");

                Snapshot snapshot = DeltaTable.at(store, "").snapshot();
                assertEquals(0, snapshot.version(), "the table stays readable");

                other.destroy(); // SIGTERM: the shutdown hook closes the runner, which releases
                assertTrue(other.waitFor(30, TimeUnit.SECONDS));
                TableLease.Lease last = poll(store, reader, seen).orElseThrow();
                assertTrue(last.released() && last.instance().equals(otherInstance),
                        "SIGTERM released the lease: " + last + "\n" + Files.readString(dir.resolve(
                                (other == first ? "first" : "second") + ".out.err")));
            } finally {
                started.forEach(Process::destroyForcibly);
            }
            checkHistory(seen);
        }
    }

    /** The legal histories (see the class comment). */
    private static void checkHistory(TreeMap<Long, TableLease.Lease> seen) {
        assertTrue(seen.size() >= 6, "epochs seen: " + seen.keySet());
        int handovers = 0;
        TableLease.Lease previous = null;
        for (TableLease.Lease lease : seen.values()) {
            if (previous != null && previous.epoch() + 1 == lease.epoch()
                    && !previous.instance().equals(lease.instance())) {
                handovers++;
                long createdAt = lease.expiresAtMs() - LEASE_MS;
                assertTrue(previous.released() || createdAt > previous.expiresAtMs() + SKEW_MS,
                        "epoch " + lease.epoch() + " by " + lease.instance() + " was created at " + createdAt
                                + ", while epoch " + previous.epoch() + " by " + previous.instance()
                                + " ran until " + previous.expiresAtMs() + " + skew");
            }
            previous = lease;
        }
        assertTrue(handovers >= 1, "the kill handed the lease over: " + seen);
    }
}

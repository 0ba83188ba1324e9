package io.deltaq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deltaq.deltalog.DeltaTable;
import io.deltaq.deltalog.TableLease;
import io.deltaq.s3io.ObjectStore;
import io.deltaq.testkit.Conditions;
import io.deltaq.testkit.TestS3;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code deltaq maintain} in this JVM, on a local directory and on s3proxy. */
class MaintainCommandTest {

    @TempDir
    Path dir;

    /** The table's address, with a message table created there. */
    private String table(String kind) {
        String address = kind.equals("local") ? dir.resolve("topic").toString() : TestS3.freshAddress("maintain");
        try (ObjectStore store = kind.equals("local") ? TestS3.local(dir.resolve("topic")) : TestS3.open(address)) {
            DeltaTable.at(store, "").createMessageTable();
        }
        return address;
    }

    private static ObjectStore open(String kind, String address) {
        return kind.equals("local") ? TestS3.local(Path.of(address)) : TestS3.open(address);
    }

    private static int run(CapturedIo io, String... args) throws Exception {
        return new MaintainCommand(TestS3.environment()).run(List.of(args), io.io);
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "s3"})
    void onceRunsOnePassAndReleasesTheLease(String kind) throws Exception {
        String address = table(kind);
        CapturedIo io = new CapturedIo();
        assertEquals(Command.OK, run(io, "--once", address), io.err());
        String out = io.out();
        assertTrue(out.contains("pass (lease epoch 1): nothing to do"), out);
        assertTrue(out.contains("released the lease"), out);
        try (ObjectStore store = open(kind, address)) {
            TableLease probe = new TableLease(DeltaTable.at(store, ""), "probe", Duration.ofSeconds(30),
                    Duration.ofSeconds(5));
            TableLease.Lease last = probe.current().orElseThrow();
            assertTrue(last.released(), last.toString());
            assertTrue(last.holder().startsWith("deltaq maintain "), last.holder());
            assertTrue(probe.tryAcquireOrRenew());
        }
    }

    /** --once gives up after one lease period when another maintainer holds the lease, naming it, with status 3. */
    @ParameterizedTest
    @ValueSource(strings = {"local", "s3"})
    void onceExitsWithStatus3NamingTheHolderWhenTheLeaseIsHeld(String kind) throws Exception {
        String address = table(kind);
        try (ObjectStore store = open(kind, address)) {
            TableLease holder = new TableLease(DeltaTable.at(store, ""), "the other maintainer",
                    Duration.ofSeconds(60), Duration.ofSeconds(5));
            assertTrue(holder.tryAcquireOrRenew());
            CapturedIo io = new CapturedIo();
            long start = System.nanoTime();
            assertEquals(MaintainCommand.LEASE_HELD,
                    run(io, "--once", "--lease-ms", "400", "--lease-skew-ms", "100", "--interval-ms", "50", address));
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(400), "waited one lease period");
            assertTrue(io.err().contains("is held by the other maintainer (instance " + holder.instance()), io.err());
            assertTrue(holder.current().orElseThrow().instance().equals(holder.instance()), "the holder keeps it");
        }
    }

    /** Without --once the maintainer runs until stopped (an interrupt, in process), then releases the lease. */
    @ParameterizedTest
    @ValueSource(strings = {"local", "s3"})
    void withoutOnceItRunsPassesUntilStoppedThenReleases(String kind) throws Exception {
        String address = table(kind);
        CapturedIo io = new CapturedIo();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Integer> status = pool.submit(() -> run(io, "--interval-ms", "50", address));
            List<String> lines = new ArrayList<>();
            Conditions.await(() -> {
                try {
                    String line = io.nextOutLine(1);
                    if (line != null) {
                        lines.add(line);
                    }
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                return lines.stream().filter(l -> l.contains(" pass ")).count() >= 3;
            }, "three passes printed");
            assertTrue(lines.get(0).startsWith("maintainer deltaq maintain "), lines.toString());
            assertTrue(lines.stream().anyMatch(l -> l.contains("holds the lease, epoch 1")), lines.toString());
            pool.shutdownNow(); // the interrupt stops it, as SIGINT does through the shutdown hook
            assertEquals(Command.OK, status.get(30, TimeUnit.SECONDS));
        } finally {
            pool.shutdownNow();
        }
        try (ObjectStore store = open(kind, address)) {
            TableLease probe = new TableLease(DeltaTable.at(store, ""), "probe", Duration.ofSeconds(30),
                    Duration.ofSeconds(5));
            assertTrue(probe.current().orElseThrow().released());
        }
        assertFalse(Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.isAlive() && t.getName().startsWith("deltaq-maintenance-")
                        && t.getName().contains(kind.equals("local") ? dir.toString() : address)));
    }

    @Test
    void aDirectoryWithoutATableFailsWithStatus1() throws Exception {
        CapturedIo io = new CapturedIo();
        assertEquals(Command.FAILED, run(io, "--once", dir.resolve("nothing").toString()));
        assertTrue(io.err().startsWith("deltaq maintain: "), io.err());
    }

    @Test
    void aSkewNotBelowTheLeaseIsAUsageError() {
        CapturedIo io = new CapturedIo();
        UsageException e = org.junit.jupiter.api.Assertions.assertThrows(UsageException.class,
                () -> run(io, "--lease-ms", "1000", "--lease-skew-ms", "1000", dir.toString()));
        assertTrue(e.getMessage().contains("--lease-skew-ms"), e.getMessage());
    }

    @Test
    void helpNamesTheExitStatuses() {
        String usage = new MaintainCommand(Map.of()).usage();
        assertTrue(usage.contains("3  --once: another maintainer held the lease"), usage);
        assertTrue(usage.startsWith("usage: deltaq maintain"), usage);
    }
}

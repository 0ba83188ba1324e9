package io.deltaq.cli;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.deltaq.deltalog.DeltaTable;
import io.deltaq.deltalog.Maintenance;
import io.deltaq.deltalog.TableLease;
import io.deltaq.deltalog.MaintenanceRunner;
import io.deltaq.s3io.ObjectStore;

/**
 * {@code deltaq maintain TABLE [--once] [--interval-ms N]}: the table's maintainer as a process of
 * its own (RFC 0005, "Who runs it"). It runs the loop every producer runs: it takes the table's
 * maintenance lease when free and runs the maintenance steps only while it holds it.
 */
final class MaintainCommand implements Command {

    /** Exit status: {@code --once} found the lease held by another maintainer for a whole lease period. */
    static final int LEASE_HELD = 3;

    private final Map<String, String> env;

    MaintainCommand() {
        this(System.getenv());
    }

    /** @param env where S3 settings come from, like the process environment */
    MaintainCommand(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public String name() {
        return "maintain";
    }

    @Override
    public String summary() {
        return "run a table's maintenance (retention, compaction, vacuum, log cleanup) while holding its lease";
    }

    @Override
    public String description() {
        return """
                Maintains the deltaq table at TABLE as producers do (maintenance.enabled), in a process of
                its own: it takes the table's maintenance lease (_deltaq/maintenance/ under the table) when
                no other maintainer holds it, and runs the maintenance steps only while it holds it. Of all
                producers and maintain processes of a table, one holds the lease at a time; a holder that
                dies is replaced after the lease plus its skew.

                Without --once it runs until SIGINT or SIGTERM, running a pass every --interval-ms (default:
                the table property deltaq.maintenance.interval.ms, 60000 when unset), printing a line per
                pass and per change of the lease; on exit it lets a pass in progress finish (up to one lease
                period) and releases the lease, so another maintainer takes over at once.

                With --once it waits up to one lease period for the lease (trying every --interval-ms,
                default 500), runs one pass, prints its report, and releases the lease.

                """ + TableAddress.HELP + """


                exit status:
                  0  the pass ran (--once), or the maintainer was stopped by a signal
                  1  the table cannot be read, or the pass failed (--once)
                  2  the command line is wrong
                  3  --once: another maintainer held the lease for a whole lease period (it is named)""";
    }

    @Override
    public OptionParser options() {
        return TableAddress.declare(new OptionParser("deltaq maintain")
                        .flag("once", "run one pass, then release the lease and exit")
                        .value("interval-ms", "N", "time between passes, and between tries for a lease held by another"
                                + " (default: the table's deltaq.maintenance.interval.ms; with --once 500)")
                        .value("lease-ms", "N", "length of the lease (default " + TableLease.DEFAULT_LEASE_MS + ")")
                        .value("lease-skew-ms", "N", "how far maintainers' clocks may disagree (default "
                                + TableLease.DEFAULT_LEASE_SKEW_MS + ")"))
                .positionals("TABLE", 1, 1);
    }

    @Override
    public int run(ParsedOptions options, CommandIo io) throws UsageException, InterruptedException {
        boolean once = options.flag("once");
        long intervalMs = options.longValue("interval-ms", -1, 1, TimeUnit.DAYS.toMillis(1));
        long leaseMs = options.longValue("lease-ms", TableLease.DEFAULT_LEASE_MS, 100, 3_600_000);
        long skewMs = options.longValue("lease-skew-ms", Math.min(TableLease.DEFAULT_LEASE_SKEW_MS, leaseMs / 2),
                0, 3_600_000);
        if (skewMs >= leaseMs) {
            throw options().error("--lease-skew-ms (" + skewMs + ") must be below --lease-ms (" + leaseMs + ")");
        }
        String address = options.positionals().get(0);
        try (ObjectStore store = TableAddress.open(address, options, options(), env)) {
            DeltaTable table = DeltaTable.at(store, "");
            try {
                table.snapshot(); // a table that cannot be read fails here, naming why
            } catch (RuntimeException e) {
                io.err().println("deltaq maintain: " + InspectCommand.oneLine(e));
                return FAILED;
            }
            TableLease lease = new TableLease(table, "deltaq maintain " + processName(),
                    Duration.ofMillis(leaseMs), Duration.ofMillis(skewMs));
            io.out().println("maintainer " + lease.holder() + ", instance " + lease.instance() + ", table "
                    + table.location());
            io.out().flush();
            return once ? runOnce(table, lease, intervalMs > 0 ? intervalMs : 500, io)
                    : runUntilStopped(table, lease, intervalMs > 0 ? Duration.ofMillis(intervalMs) : null, io);
        }
    }

    private static int runOnce(DeltaTable table, TableLease lease, long retryMs, CommandIo io)
            throws InterruptedException {
        CountDownLatch ended = new CountDownLatch(1);
        AtomicReference<Object> report = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicLong epoch = new AtomicLong(-1);
        MaintenanceRunner runner = MaintenanceRunner.start(table, lease, Maintenance.of(table, System::currentTimeMillis), Duration.ofMillis(retryMs), 1,
                (leaseEpoch, r, f) -> {
                    epoch.set(leaseEpoch);
                    report.set(r);
                    failure.set(f);
                    ended.countDown();
                });
        try {
            long deadline = System.nanoTime() + lease.leaseDuration().toNanos();
            while (!ended.await(20, TimeUnit.MILLISECONDS)) {
                if (runner.leaseAcquisitions() == 0 && System.nanoTime() - deadline >= 0) {
                    runner.close(lease.leaseDuration());
                    io.err().println("deltaq maintain: the maintenance lease of " + table.location() + " is held by "
                            + lease.lastSeen().map(MaintainCommand::describe).orElse("another maintainer")
                            + "; gave up after " + lease.leaseDuration().toMillis() + " ms (exit status 3)");
                    return LEASE_HELD;
                }
            }
        } finally {
            runner.close(lease.leaseDuration());
        }
        if (failure.get() != null) {
            io.err().println("deltaq maintain: the pass (lease epoch " + epoch.get() + ") failed: "
                    + InspectCommand.oneLine(failure.get()));
            return FAILED;
        }
        io.out().println("pass (lease epoch " + epoch.get() + "): "
                + (report.get() == null ? "nothing to do" : report.get()));
        io.out().println("released the lease");
        return OK;
    }

    private static int runUntilStopped(DeltaTable table, TableLease lease, Duration interval, CommandIo io)
            throws InterruptedException {
        PrintStream out = io.out();
        AtomicLong passes = new AtomicLong();
        MaintenanceRunner runner = MaintenanceRunner.start(table, lease, Maintenance.of(table, System::currentTimeMillis), interval, 0,
                (leaseEpoch, report, failure) -> {
                    synchronized (out) {
                        out.println(Instant.now() + " pass " + passes.incrementAndGet() + " (lease epoch " + leaseEpoch
                                + "): " + (failure != null ? "failed: " + InspectCommand.oneLine(failure)
                                : report == null ? "nothing to do" : report));
                        out.flush();
                    }
                });
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            runner.close(lease.leaseDuration());
            stopped.countDown();
        }, "deltaq-maintain-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            boolean leader = false;
            // The lease's changes are printed as they are seen; passes print from the pass thread.
            while (!stopped.await(50, TimeUnit.MILLISECONDS)) {
                boolean now = runner.isLeader();
                if (now != leader) {
                    leader = now;
                    synchronized (out) {
                        out.println(Instant.now() + (now ? " holds the lease, epoch " + lease.epoch()
                                : " does not hold the lease" + lease.lastSeen()
                                        .filter(l -> !l.instance().equals(lease.instance()))
                                        .map(l -> "; held by " + describe(l)).orElse("")));
                        out.flush();
                    }
                }
            }
        } catch (InterruptedException e) {
            // In process (tests, an embedding application) an interrupt is the stop signal.
            Thread.currentThread().interrupt();
        } finally {
            removeHook(hook);
            runner.close(lease.leaseDuration());
        }
        return OK;
    }

    private static String describe(TableLease.Lease lease) {
        return lease.holder() + " (instance " + lease.instance() + ", epoch " + lease.epoch()
                + (lease.released() ? ", released" : ", expires " + Instant.ofEpochMilli(lease.expiresAtMs())) + ")";
    }

    /** {@code pid@host}, as the JVM names itself: which process on which machine holds the lease. */
    private static String processName() {
        return ManagementFactory.getRuntimeMXBean().getName();
    }

    /** Unregisters the hook unless the JVM is already running it. */
    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shutdownInProgress) {
            // The hook is closing the runner; nothing to undo.
        }
    }
}

package io.deltaq.deltalog;

import io.deltaq.s3io.Threads;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Runs a table's maintenance while holding its {@link TableLease} (RFC 0005, "Who runs it").
 *
 * <p>Two threads: {@code deltaq-maintenance-<table>} keeps the lease, renewing it every third of the
 * lease while held (so a renewal is never later than half the lease, however long a pass runs) and
 * trying to acquire it every interval while not; {@code deltaq-maintenance-<table>-pass} runs the
 * {@link MaintenancePass} while the lease is held, at most once per interval. The interval is
 * {@code deltaq.maintenance.interval.ms} of the table (re-read after each pass) unless given. A pass
 * that throws is logged and counted; the next runs at the next interval. {@link #close(Duration)}
 * stops both threads and releases the lease.
 */
public final class MaintenanceRunner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MaintenanceRunner.class);

    /** Hears the end of each pass, on the pass thread. */
    @FunctionalInterface
    public interface PassListener {
        PassListener NONE = (epoch, report, failure) -> { };

        /**
         * @param report what the pass returned (null when it had nothing to do, or failed)
         * @param failure what it threw, or null
         */
        void passEnded(long leaseEpoch, Object report, Throwable failure);
    }

    private final DeltaTable table;
    private final TableLease lease;
    private final MaintenancePass pass;
    private final boolean intervalFromTable;
    private final int maxPasses;
    private final PassListener listener;
    private final long renewNs;
    private final Thread leaseThread;
    private final Threads.Daemons passThreads;
    private final ExecutorService passThread;

    private final AtomicLong passes = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong acquisitions = new AtomicLong();
    private final AtomicLong losses = new AtomicLong();
    private final AtomicLong leaseErrors = new AtomicLong();

    private volatile long intervalNs;
    private volatile boolean leader;
    private volatile boolean passRunning;
    private volatile long nextPassNs;
    private volatile int passesStarted;
    private volatile boolean closing;
    private boolean closed;

    private MaintenanceRunner(DeltaTable table, TableLease lease, MaintenancePass pass, Duration interval,
                              int maxPasses, PassListener listener) {
        this.table = Objects.requireNonNull(table, "table");
        this.lease = Objects.requireNonNull(lease, "lease");
        this.pass = Objects.requireNonNull(pass, "pass");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.intervalFromTable = interval == null;
        this.intervalNs = interval == null ? TimeUnit.MILLISECONDS.toNanos(TableProperties.DEFAULT_MAINTENANCE_INTERVAL_MS)
                : interval.toNanos();
        if (this.intervalNs <= 0) {
            throw new IllegalArgumentException("the maintenance interval must be positive, was " + interval);
        }
        this.maxPasses = maxPasses;
        this.renewNs = lease.leaseDuration().toNanos() / 3;
        String name = "deltaq-maintenance-" + table.location();
        this.passThreads = new Threads.Daemons(name + "-pass");
        this.passThread = Executors.newSingleThreadExecutor(passThreads);
        this.leaseThread = new Thread(this::keepLease, name);
        this.leaseThread.setDaemon(true); // a runner never closed does not keep the JVM alive
    }

    /** Starts maintaining {@code table} every {@code deltaq.maintenance.interval.ms}. */
    public static MaintenanceRunner start(DeltaTable table, TableLease lease, MaintenancePass pass) {
        return start(table, lease, pass, null, 0, PassListener.NONE);
    }

    /**
     * Starts maintaining {@code table}.
     *
     * @param interval how often to run a pass and, while another holds the lease, to try for it; null
     *     for the table's {@code deltaq.maintenance.interval.ms}
     * @param maxPasses passes to run at most, 0 for no limit; after the last the lease is kept until close
     */
    public static MaintenanceRunner start(DeltaTable table, TableLease lease, MaintenancePass pass,
                                          Duration interval, int maxPasses, PassListener listener) {
        if (maxPasses < 0) {
            throw new IllegalArgumentException("maxPasses must be 0 (no limit) or positive, was " + maxPasses);
        }
        MaintenanceRunner runner = new MaintenanceRunner(table, lease, pass, interval, maxPasses, listener);
        runner.leaseThread.start();
        return runner;
    }

    /* ------------------------------ the lease thread ------------------------------ */

    private void keepLease() {
        if (intervalFromTable) {
            readInterval();
        }
        long nextLeaseNs = System.nanoTime();
        while (!closing) {
            long now = System.nanoTime();
            if (now - nextLeaseNs >= 0) {
                nextLeaseNs = now + (leaseStep() ? renewNs : intervalNs);
            }
            now = System.nanoTime();
            long wakeNs = nextLeaseNs;
            if (leader && !passRunning && (maxPasses == 0 || passesStarted < maxPasses)) {
                if (now - nextPassNs >= 0) {
                    startPass();
                } else if (nextPassNs - wakeNs < 0) {
                    wakeNs = nextPassNs;
                }
            }
            if (!closing) {
                LockSupport.parkNanos(this, Math.max(0, wakeNs - System.nanoTime())); // close() and a pass's end unpark
            }
        }
    }

    /** Acquires or renews the lease; returns whether it is held. */
    private boolean leaseStep() {
        boolean was = leader;
        boolean holds;
        try {
            lease.tryAcquireOrRenew();
            holds = lease.holds();
        } catch (RuntimeException e) {
            leaseErrors.incrementAndGet();
            holds = lease.holds(); // a lease already held lasts until its deadline
            String still = holds ? " (still held until its deadline)" : "";
            LOG.atWarn().setCause(e).log(() -> "maintenance of " + table.location() + ": keeping the lease failed"
                    + still + ": " + e.getMessage());
        }
        leader = holds;
        if (holds && !was) {
            acquisitions.incrementAndGet();
            nextPassNs = System.nanoTime(); // a new holder runs a pass at once
            LOG.atInfo().log(() -> "maintenance of " + table.location() + ": " + lease.holder() + " (instance "
                    + lease.instance() + ") holds the lease, epoch " + lease.epoch());
        } else if (!holds && was) {
            losses.incrementAndGet();
            LOG.atWarn().log(() -> "maintenance of " + table.location() + ": " + lease.holder()
                    + " lost the lease" + lease.lastSeen().filter(l -> !l.instance().equals(lease.instance()))
                            .map(l -> " to " + l.holder() + " (instance " + l.instance() + ", epoch " + l.epoch() + ")")
                            .orElse(""));
        }
        return holds;
    }

    private void startPass() {
        long epoch = lease.epoch();
        if (epoch < 0) {
            return; // the deadline passed since the last renewal; the next renewal decides
        }
        passRunning = true;
        passesStarted++;
        try {
            passThread.execute(() -> runPass(epoch));
        } catch (RuntimeException rejected) {
            passRunning = false; // closing
        }
    }

    /* ------------------------------ the pass thread ------------------------------ */

    private void runPass(long epoch) {
        long startNs = System.nanoTime();
        long startedAtMs = lease.wallClockMs();
        Object report = null;
        Throwable failure = null;
        try {
            report = pass.run(lease.instance(), epoch);
            passes.incrementAndGet();
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
            Object r = report;
            LOG.atLevel(r == null ? Level.DEBUG : Level.INFO).log(() -> "maintenance of " + table.location() + " (epoch "
                    + epoch + ", " + ms + " ms): " + (r == null ? "nothing to do" : r));
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable t) {
            failure = t;
            failures.incrementAndGet();
            LOG.atWarn().setCause(t).log(() -> "maintenance pass of " + table.location() + " (epoch " + epoch
                    + ") failed; the next runs in " + TimeUnit.NANOSECONDS.toMillis(intervalNs) + " ms: " + t);
        }
        recordRun(epoch, startedAtMs, report, failure);
        try {
            listener.passEnded(epoch, report, failure);
        } catch (RuntimeException e) {
            LOG.warn("maintenance pass listener failed", e);
        }
        if (intervalFromTable && !closing) {
            readInterval();
        }
        nextPassNs = Math.max(startNs + intervalNs, System.nanoTime());
        passRunning = false;
        LockSupport.unpark(leaseThread);
    }

    /**
     * Writes {@link MaintenanceRun} for tools to show, before the pass counts as ended (so close, which
     * waits for the pass, releases the lease only after it). Informational: a failure is only logged.
     */
    private void recordRun(long epoch, long startedAtMs, Object report, Throwable failure) {
        MaintenanceRun.Outcome outcome = failure != null ? MaintenanceRun.Outcome.FAILED
                : report == null ? MaintenanceRun.Outcome.NOTHING_TO_DO : MaintenanceRun.Outcome.OK;
        String summary = failure != null ? String.valueOf(failure.getMessage() != null ? failure.getMessage() : failure)
                : report == null ? "" : report.toString();
        try {
            new MaintenanceRun(epoch, lease.holder(), lease.instance(), startedAtMs, lease.wallClockMs(), outcome,
                    summary).write(table);
        } catch (RuntimeException e) {
            LOG.atWarn().log(() -> "maintenance of " + table.location() + ": cannot record the last run in "
                    + TableLease.DIR + MaintenanceRun.NAME + " (informational only): " + e.getMessage());
        }
    }

    /** {@code deltaq.maintenance.interval.ms} of the latest snapshot; the one known before when it cannot be read. */
    private void readInterval() {
        try {
            intervalNs = TimeUnit.MILLISECONDS.toNanos(TableProperties.maintenanceIntervalMs(table.snapshot().metadata()));
        } catch (RuntimeException e) {
            LOG.atWarn().log(() -> "maintenance of " + table.location() + ": cannot read "
                    + TableProperties.MAINTENANCE_INTERVAL_MS + ", keeping " + TimeUnit.NANOSECONDS.toMillis(intervalNs)
                    + " ms: " + e.getMessage());
        }
    }

    /* ------------------------------ closing ------------------------------ */

    /**
     * Stops trying for the lease, waits up to {@code timeout} for a pass in progress (then interrupts
     * it), stops both threads and releases the lease, all within {@code timeout}. A pass that
     * outlives even its interrupt keeps the lease unreleased: it expires by itself.
     */
    public synchronized void close(Duration timeout) {
        if (closed) {
            return;
        }
        closed = true;
        closing = true;
        long deadline = System.nanoTime() + timeout.toNanos();
        // A caller stopping on an interrupt (a shutdown, a cancelled task) still gets a clean close:
        // the flag is set again at the end instead of cutting the waits below short.
        boolean interrupted = Thread.interrupted();
        LockSupport.unpark(leaseThread);
        passThread.shutdown();
        boolean passEnded;
        try {
            leaseThread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            if (leaseThread.isAlive()) {
                leaseThread.interrupt(); // in a lease request: its wait ends at the interrupt
                leaseThread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            }
            passEnded = passThread.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (!passEnded) {
                passThread.shutdownNow();
                passEnded = passThread.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            passThread.shutdownNow();
            leaseThread.interrupt();
            passEnded = false;
        }
        passEnded = passEnded && passThreads.awaitExit(deadline); // termination is reported before the thread has ended
        if (passEnded && !leaseThread.isAlive()) {
            lease.release(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        } else {
            LOG.atWarn().log(() -> "maintenance of " + table.location() + ": closed with a pass or lease request"
                    + " still running after " + timeout.toMillis() + " ms; the lease is left to expire");
        }
        leader = false;
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@link #close(Duration)} with the lease's duration as the timeout. */
    @Override
    public void close() {
        close(lease.leaseDuration());
    }

    /* ------------------------------ introspection ------------------------------ */

    public TableLease lease() {
        return lease;
    }

    /** Whether this runner holds the lease (as of its last renewal, and within the lease's deadline). */
    public boolean isLeader() {
        return leader && lease.holds();
    }

    /** Passes that returned. */
    public long passes() {
        return passes.get();
    }

    /** Passes that threw. */
    public long failures() {
        return failures.get();
    }

    /** Times this runner went from not holding the lease to holding it. */
    public long leaseAcquisitions() {
        return acquisitions.get();
    }

    /** Times this runner found it no longer held the lease (taken by another, or its deadline passed unrenewed). */
    public long leaseLosses() {
        return losses.get();
    }

    /** Lease requests that failed in storage. */
    public long leaseErrors() {
        return leaseErrors.get();
    }

    /** The interval between passes now in force. */
    public Duration interval() {
        return Duration.ofNanos(intervalNs);
    }
}

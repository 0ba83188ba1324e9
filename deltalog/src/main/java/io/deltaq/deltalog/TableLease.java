package io.deltaq.deltalog;

import io.deltaq.s3io.CreateOutcome;
import io.deltaq.s3io.Listing;
import io.deltaq.s3io.config.ConfigDef;
import io.deltaq.s3io.config.ConfigException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A lease that elects one holder of something about a table: its maintainer (RFC 0005, "Lease"),
 * or a consumer group's member for one partition (RFC 0006). It is a sequence of objects
 * {@code <dir>lease-<epoch, 20 digits>.json} under the table root ({@link #DIR} for maintenance),
 * each created once with put-if-absent and holding {@code {"epoch", "holder", "instance", "expiresAtMs"}}.
 *
 * <p>A candidate lists the prefix and reads the newest lease. It takes the next epoch when there is
 * none, or the newest is its own, or has expired ({@code now > expiresAtMs + skew} by its wall
 * clock), or was released ({@code expiresAtMs = 0}). Of candidates racing for one epoch exactly one
 * creates it; the others see it taken. The holder renews by creating the next epoch, and deletes the
 * epochs older than the one it replaced. It may act only while {@link #holds()}: its own monotonic
 * clock, started before the create was sent, says less than {@code lease - skew} has passed, so it
 * stops acting before any other candidate can judge the lease expired (wall clocks may disagree by
 * up to the skew). An unknown outcome of a create is settled by {@link io.deltaq.s3io.ConditionalCreate}
 * recognising this instance's id; a create that stays unknown is found by the next call, which sees
 * its own instance in the newest epoch and goes on after it.
 *
 * <p>Thread-safe: calls are serialised; {@link #holds()} and the accessors never wait.
 */
public final class TableLease {

    public static final String LEASE_MS = "maintenance.lease.ms";
    public static final String LEASE_SKEW_MS = "maintenance.lease.skew.ms";
    public static final long DEFAULT_LEASE_MS = 30_000;
    public static final long DEFAULT_LEASE_SKEW_MS = 5_000;

    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(LEASE_MS, ConfigDef.Type.LONG, DEFAULT_LEASE_MS, ConfigDef.between(100, 3_600_000),
                    "How long a maintainer's lease on a table lasts from its creation. The holder renews it before"
                            + " half has passed, and acts only while its own clock says less than the lease minus"
                            + " maintenance.lease.skew.ms has passed. A holder that dies is replaced after the lease"
                            + " plus the skew.")
            .define(LEASE_SKEW_MS, ConfigDef.Type.LONG, DEFAULT_LEASE_SKEW_MS, ConfigDef.between(0, 3_600_000),
                    "How far the wall clocks of maintainers may disagree: another candidate takes an unrenewed lease"
                            + " only after its expiry plus this, and the holder stops acting this long before its"
                            + " expiry. Must be below maintenance.lease.ms.");

    /** Where the maintenance lease lives, under the table root; outside {@code _delta_log/}, so Delta readers never see it. */
    public static final String DIR = "_deltaq/maintenance/";
    private static final String NAME_PREFIX = "lease-";
    private static final String SUFFIX = ".json";
    private static final int EPOCH_DIGITS = 20;
    /** Listing then reading the newest lease finds it deleted when a holder renewed in between: list again. */
    private static final int VANISHED_RETRIES = 3;

    /**
     * One epoch of the lease, as stored.
     *
     * @param holder a readable name of the maintainer (a producer id, a host and process)
     * @param instance the id of one {@link TableLease} object, unique per process run
     * @param expiresAtMs the holder's wall clock at creation plus the lease; 0 when released
     */
    public record Lease(long epoch, String holder, String instance, long expiresAtMs) {
        public boolean released() {
            return expiresAtMs == 0;
        }
    }

    private final LogStore io;
    private final String prefix;
    private final String holder;
    private final String instance = UUID.randomUUID().toString();
    private final long leaseMs;
    private final long skewMs;
    private final LongSupplier wallClockMs;
    private final LongSupplier monotonicNs;

    /** The newest epoch this instance created and knows of, or -1; written under the lock. */
    private volatile long heldEpoch = -1;
    /** The monotonic time until which {@link #heldEpoch} may be acted on. */
    private volatile long actUntilNs;
    /** The monotonic time from which {@link #heldEpoch} is due for renewal: a third of the lease after its create was sent. */
    private volatile long renewFromNs;
    /** The newest lease the last call saw (its own, or another holder's), for messages. */
    private volatile Lease lastSeen;
    /** Whether a create was ever sent: only then can there be a lease of this instance to release. */
    private boolean attempted;

    /**
     * A lease with the settings of {@code config} ({@link #DEFINITION}; other keys are ignored).
     *
     * @param holder a readable name of this maintainer, stored in each epoch it creates
     */
    public static TableLease of(DeltaTable table, String holder, Map<String, ?> config) {
        Settings settings = settings(config, "maintenance lease configuration");
        return new TableLease(table, holder, settings.lease(), settings.skew());
    }

    /** A lease's length and the clock skew it allows. */
    public record Settings(Duration lease, Duration skew) {
    }

    /**
     * The settings of {@code config} ({@link #DEFINITION}; other keys are ignored), checked as a
     * whole: a configuration reports them where it is read, before any lease is made.
     *
     * @param what the configuration, for messages ("producer configuration")
     * @throws ConfigException naming the setting that is wrong
     */
    public static Settings settings(Map<String, ?> config, String what) {
        Map<String, Object> values = DEFINITION.parse(DEFINITION.subset(config), what);
        long leaseMs = (Long) values.get(LEASE_MS);
        long skewMs = (Long) values.get(LEASE_SKEW_MS);
        String problem = problem(leaseMs, skewMs);
        if (problem != null) {
            throw new ConfigException(what + ": " + problem);
        }
        return new Settings(Duration.ofMillis(leaseMs), Duration.ofMillis(skewMs));
    }

    /** Why a lease of {@code leaseMs} allowing {@code skewMs} could never be held, or null. */
    private static String problem(long leaseMs, long skewMs) {
        return leaseMs <= 0 || skewMs < 0 || skewMs >= leaseMs
                ? "a maintenance lease of " + leaseMs + " ms with a skew of " + skewMs + " ms would never be held: '"
                        + LEASE_SKEW_MS + "' must be at least 0 and below '" + LEASE_MS + "'"
                : null;
    }

    public TableLease(DeltaTable table, String holder, Duration lease, Duration skew) {
        this(table, DIR, holder, lease, skew, System::currentTimeMillis, System::nanoTime);
    }

    /**
     * A lease at {@code dir} under the table root, on the system clocks.
     *
     * @param dir a directory relative to the table root, ending in {@code /}, outside {@code _delta_log/}
     */
    public static TableLease at(DeltaTable table, String dir, String holder, Duration lease, Duration skew) {
        return new TableLease(table, dir, holder, lease, skew, System::currentTimeMillis, System::nanoTime);
    }

    /**
     * @param wallClockMs the wall clock written into and compared with {@code expiresAtMs}
     * @param monotonicNs the clock {@link #holds()} measures the lease with
     * @throws IllegalArgumentException if the skew is not below the lease
     */
    public TableLease(DeltaTable table, String holder, Duration lease, Duration skew, LongSupplier wallClockMs,
                      LongSupplier monotonicNs) {
        this(table, DIR, holder, lease, skew, wallClockMs, monotonicNs);
    }

    private TableLease(DeltaTable table, String dir, String holder, Duration lease, Duration skew,
                       LongSupplier wallClockMs, LongSupplier monotonicNs) {
        if (!dir.endsWith("/") || dir.startsWith("/") || dir.startsWith(LogFiles.LOG_DIR)) {
            throw new IllegalArgumentException("a lease directory is relative to the table root, ends in '/' and"
                    + " lies outside the log: '" + dir + "'");
        }
        this.io = table.io();
        this.prefix = io.root + dir;
        this.holder = Objects.requireNonNull(holder, "holder");
        this.leaseMs = lease.toMillis();
        this.skewMs = skew.toMillis();
        String problem = problem(leaseMs, skewMs);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        this.wallClockMs = wallClockMs;
        this.monotonicNs = monotonicNs;
    }

    /**
     * Acquires the lease, or renews it when this instance holds it: creates the next epoch if the
     * newest is absent, this instance's, expired or released.
     *
     * @return whether this instance holds the lease now ({@link #holds()})
     * @throws DeltaLogException if the store failed or did not answer within the I/O timeout (the
     *     lease held before, if any, stays held until its deadline), or the newest lease is unreadable
     */
    public synchronized boolean tryAcquireOrRenew() {
        long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(io.options.ioTimeoutMs());
        Newest newest = newest(deadlineNs);
        Lease current = newest.lease;
        lastSeen = current;
        long wallNow = wallClockMs.getAsLong();
        boolean own = current != null && instance.equals(current.instance());
        if (current != null && !own && !current.released() && wallNow <= current.expiresAtMs() + skewMs) {
            heldEpoch = -1; // another's lease is running: whatever this instance held is gone
            return false;
        }
        long epoch = current == null ? 1 : current.epoch() + 1;
        long sentNs = monotonicNs.getAsLong();
        Lease mine = new Lease(epoch, holder, instance, wallNow + leaseMs);
        CreateOutcome outcome = create(mine, deadlineNs);
        switch (outcome.kind()) {
            case CREATED -> {
                actUntilNs = sentNs + TimeUnit.MILLISECONDS.toNanos(leaseMs - skewMs);
                renewFromNs = sentNs + TimeUnit.MILLISECONDS.toNanos(leaseMs / 3);
                heldEpoch = epoch;
                lastSeen = mine;
                if (current != null) {
                    deleteOlderThan(newest.epochs, current.epoch());
                }
            }
            case TAKEN -> {
                // Another candidate took this epoch first: it judged the newest lease free, so any
                // lease this instance held is over.
                heldEpoch = -1;
                lastSeen = parseOrNull(outcome.existing(), keyOf(epoch));
            }
            case UNKNOWN -> {
                // Maybe created: the next call finds out (its own instance in the newest epoch). Until
                // then only the lease already held, if any, counts, up to its deadline.
            }
        }
        return holds();
    }

    /** Whether this instance holds the lease and may act: its monotonic clock is within the lease minus the skew. */
    public boolean holds() {
        return heldEpoch >= 0 && monotonicNs.getAsLong() - actUntilNs < 0;
    }

    /**
     * Whether {@link #tryAcquireOrRenew()} is due: the lease is not held, or a third of it has passed
     * since this instance's last create, so that a renewal comes well before half the lease however
     * slow the store is. A holder that calls more often only writes epochs nobody needs.
     */
    public boolean renewalDue() {
        return heldEpoch < 0 || monotonicNs.getAsLong() - renewFromNs >= 0;
    }

    /** The epoch this instance holds, or -1 when it does not hold the lease. */
    public long epoch() {
        long epoch = heldEpoch;
        return epoch >= 0 && holds() ? epoch : -1;
    }

    /**
     * Releases the lease if the newest epoch is this instance's: creates the next epoch with
     * {@code expiresAtMs = 0}, which any candidate takes at once. Best effort: a release that fails
     * leaves the lease to expire.
     *
     * @param timeout the longest wait for the store (bounded by the I/O timeout too)
     * @return whether a release was written
     */
    public synchronized boolean release(Duration timeout) {
        boolean wasAttempted = attempted;
        heldEpoch = -1;
        if (!wasAttempted) {
            return false;
        }
        long deadlineNs = System.nanoTime() + Math.min(timeout.toNanos(),
                TimeUnit.MILLISECONDS.toNanos(io.options.ioTimeoutMs()));
        try {
            Lease current = newest(deadlineNs).lease;
            if (current == null || !instance.equals(current.instance()) || current.released()) {
                return false;
            }
            Lease released = new Lease(current.epoch() + 1, holder, instance, 0);
            boolean created = create(released, deadlineNs).kind() == CreateOutcome.Kind.CREATED;
            if (created) {
                lastSeen = released;
            }
            return created;
        } catch (RuntimeException e) {
            return false; // the lease expires by itself
        }
    }

    /** {@link #release(Duration)} waiting at most the I/O timeout. */
    public boolean release() {
        return release(io.options.ioTimeout());
    }

    /**
     * Reads the newest lease of {@code table}, as a tool that never maintains sees it ({@code deltaq
     * inspect}).
     *
     * @throws DeltaLogException if the store failed or the newest lease is unreadable
     */
    public static Optional<Lease> read(DeltaTable table) {
        return read(table, DIR);
    }

    /** {@link #read(DeltaTable)} of the lease at {@code dir}. */
    public static Optional<Lease> read(DeltaTable table, String dir) {
        // A candidate that never creates a lease: current() only lists and reads.
        return at(table, dir, "reader", Duration.ofMillis(DEFAULT_LEASE_MS), Duration.ofMillis(DEFAULT_LEASE_SKEW_MS))
                .current();
    }

    /**
     * Reads the newest lease of the table, without acquiring anything.
     *
     * @throws DeltaLogException if the store failed or the newest lease is unreadable
     */
    public Optional<Lease> current() {
        return Optional.ofNullable(newest(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(io.options.ioTimeoutMs()))
                .lease);
    }

    /** The newest lease the last call saw, this instance's or another's; empty before the first call or when there was none. */
    public Optional<Lease> lastSeen() {
        return Optional.ofNullable(lastSeen);
    }

    /** This instance's id, stored in every epoch it creates. */
    public String instance() {
        return instance;
    }

    public String holder() {
        return holder;
    }

    public Duration leaseDuration() {
        return Duration.ofMillis(leaseMs);
    }

    public Duration skew() {
        return Duration.ofMillis(skewMs);
    }

    /** The wall clock's time now, as this lease writes {@code expiresAtMs} with it. */
    long wallClockMs() {
        return wallClockMs.getAsLong();
    }

    /** The key of an epoch's lease. */
    String keyOf(long epoch) {
        return prefix + NAME_PREFIX + LogFiles.pad(epoch) + SUFFIX;
    }

    /** The epoch a key names, or -1 if it is not a lease. */
    long epochOf(String key) {
        int start = prefix.length() + NAME_PREFIX.length();
        if (key.length() != start + EPOCH_DIGITS + SUFFIX.length() || !key.startsWith(prefix + NAME_PREFIX)
                || !key.endsWith(SUFFIX)) {
            return -1;
        }
        long epoch = 0;
        for (int i = start; i < start + EPOCH_DIGITS; i++) {
            char c = key.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            epoch = epoch * 10 + (c - '0');
        }
        return epoch;
    }

    /** The listed epochs, ascending, and the newest one's content (null when there is none). */
    private record Newest(List<Long> epochs, Lease lease) {
    }

    private Newest newest(long deadlineNs) {
        for (int attempt = 0; ; attempt++) {
            List<Long> epochs = new ArrayList<>();
            await(Listing.forEach(io.store, prefix, null, io.options.listPageSize(), info -> {
                long epoch = epochOf(info.key());
                if (epoch >= 0) {
                    epochs.add(epoch);
                }
                return true;
            }), deadlineNs, "listing " + io.display(prefix));
            if (epochs.isEmpty()) {
                return new Newest(epochs, null);
            }
            epochs.sort(null);
            String key = keyOf(epochs.get(epochs.size() - 1));
            Optional<byte[]> data = await(io.get(key), deadlineNs, "reading " + io.display(key));
            if (data.isPresent()) {
                return new Newest(epochs, parse(data.get(), key));
            }
            if (attempt >= VANISHED_RETRIES) {
                throw DeltaErrors.storageFailure("reading the newest lease " + io.display(key),
                        new IllegalStateException("it was deleted after each of " + (attempt + 1) + " listings"));
            }
            // Deleted between the listing and the read: its holder renewed twice since; list again.
        }
    }

    private CreateOutcome create(Lease lease, long deadlineNs) {
        String key = keyOf(lease.epoch());
        byte[] bytes = toJson(lease);
        attempted = true;
        // Recognised as this instance's by its content: every attempt of one create sends the same lease.
        return await(io.creates.create(key, bytes, existing -> lease.equals(parseOrNull(existing, key))), deadlineNs,
                "creating " + io.display(key));
    }

    private void deleteOlderThan(List<Long> epochs, long keepFrom) {
        for (long epoch : epochs) {
            if (epoch < keepFrom) {
                io.store.delete(keyOf(epoch)); // best effort: the next holder deletes what is left
            }
        }
    }

    private <T> T await(CompletableFuture<T> future, long deadlineNs, String what) {
        return io.join(future.copy().orTimeout(Math.max(0, deadlineNs - System.nanoTime()), TimeUnit.NANOSECONDS),
                what);
    }

    static byte[] toJson(Lease lease) {
        return ActionJson.objectLine(g -> {
            g.writeNumberField("epoch", lease.epoch());
            g.writeStringField("holder", lease.holder());
            g.writeStringField("instance", lease.instance());
            g.writeNumberField("expiresAtMs", lease.expiresAtMs());
        });
    }

    private Lease parseOrNull(byte[] data, String key) {
        try {
            return parse(data, key);
        } catch (CorruptLogException e) {
            return null;
        }
    }

    Lease parse(byte[] data, String key) {
        Map<String, Object> fields;
        try {
            fields = ActionJson.flatObject(data);
        } catch (IllegalArgumentException e) {
            throw DeltaErrors.corruptLease(io.display(key), e.getMessage(), e);
        }
        long epoch = fields.get("epoch") instanceof Long l ? l : -1;
        String holderName = fields.get("holder") instanceof String h ? h : null;
        String instanceId = fields.get("instance") instanceof String i ? i : null;
        long expiresAtMs = fields.get("expiresAtMs") instanceof Long l ? l : -1;
        long named = epochOf(key);
        if (epoch != named || instanceId == null || holderName == null || expiresAtMs < 0) {
            throw DeltaErrors.corruptLease(io.display(key), "expected {\"epoch\": " + named
                    + ", \"holder\", \"instance\", \"expiresAtMs\" >= 0}", null);
        }
        return new Lease(epoch, holderName, instanceId, expiresAtMs);
    }
}

package io.deltaq.consumer;

import static io.deltaq.consumer.RingRecordDescriptor.INDEX_OFFSET;
import static io.deltaq.consumer.RingRecordDescriptor.VERSION_OFFSET;

import io.deltaq.deltalog.DeltaTable;
import io.deltaq.deltalog.TablePath;
import io.deltaq.deltalog.Position;
import io.deltaq.s3io.ClientMetrics;
import io.deltaq.s3io.ObjectStore;
import io.deltaq.s3io.ObjectStores;
import io.deltaq.s3io.Threads;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;

/**
 * Reads the messages of a deltaq topic (a Delta table) in order, as they are committed.
 *
 * <p>One tailing thread (named {@code deltaq-consumer-<name>-<n>}) follows the table's log: it keeps
 * the GET of the next commit in flight, fetches the data files of up to {@code prefetch.commits}
 * commits in parallel, decodes them and writes the messages into a ring buffer of
 * {@code buffer.bytes}. The application drains the ring with {@link #poll(MessageHandler, int)} (a
 * reused view per message, no allocation) or {@link #poll(Duration)} (plain records).
 *
 * <p>Delivered: the rows of {@code add} actions with {@code dataChange true} in commits without a
 * {@code remove} of {@code dataChange true}, in commit order, files in commit order, rows in file
 * order. Compactions ({@code dataChange false}) deliver nothing. A commit that deletes or rewrites
 * rows follows {@code rewrite.policy}: {@code fail} (the default) throws a
 * {@link RewriteCommitException} naming the version, {@code skip} delivers nothing of it.
 *
 * <p>A message's {@link Position} is (commit version, row index among the rows that commit added).
 * {@link #position()} is the next position to be delivered; {@link #seek} moves it; with
 * {@code consumer.name} set, {@link #commitSync} stores it next to the table (see the package
 * documentation for the layout and the fencing of two instances of one name) and a new consumer of
 * that name resumes there.
 *
 * <p>Failures of the tailing thread (a missing table after {@code table.wait.timeout.ms}, an
 * unsupported table feature, a gap in the log, a corrupt commit, a missing or undecodable data file,
 * storage still unavailable after {@code read.retry.timeout.ms} of retries) are thrown by
 * {@code poll} as a {@link ConsumerException} naming the table and version, after the messages
 * buffered before the failure were delivered. Throttling and other faults that pass within that
 * time only delay delivery: nothing is skipped or delivered twice.
 *
 * <p><b>Not thread-safe, by contract</b> (like Kafka's {@code KafkaConsumer}): use an instance from
 * one thread at a time. A call made while another thread is inside a call fails with
 * {@link ConcurrentModificationException}.
 */
public final class Consumer implements AutoCloseable {

    /** Every tailing thread's name starts with this. */
    public static final String THREAD_NAME_PREFIX = "deltaq-consumer-";
    /** Used by {@link #close()}. */
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(30);

    /**
     * Idle strategy of the tailing thread: a few spins and yields, then parks from 1 us doubling to
     * 1 ms. Every future the tailer waits on, a drained full ring, seek and close unpark it, so a park
     * never delays work it waits for; the 1 ms cap only bounds how late a poll-interval timer fires.
     */
    static final long IDLE_MAX_SPINS = 10;
    static final long IDLE_MAX_YIELDS = 5;
    static final long IDLE_MIN_PARK_NS = TimeUnit.MICROSECONDS.toNanos(1);
    static final long IDLE_MAX_PARK_NS = TimeUnit.MILLISECONDS.toNanos(1);

    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static final long NO_OWNER = -1;

    private final ObjectStore store;
    private final boolean ownsStore;
    private final String tableName;
    private final ConsumerConfig config;
    private final OneToOneRingBuffer ring;
    private final StartResolver resolver;
    private final CommittedPositions positions;
    private final TailerAgent agent;
    private final AgentRunner runner;
    private final Thread tailer;
    private final ConsumerMetrics metrics;
    private final ClientMetrics.Registration published;

    private final AtomicLong owner = new AtomicLong(NO_OWNER);
    private int ownerDepth;

    // Application thread only.
    private final ConsumedMessage view = new ConsumedMessage();
    private final Drain drain = new Drain();
    private final Collector collector = new Collector();
    private int epoch;
    private boolean positionKnown;
    private long nextVersion;
    private int nextIndex;
    private MessageHandler userHandler;
    private int delivered;
    private boolean closed;

    private Consumer(ObjectStore store, String tablePath, ConsumerConfig config, boolean ownsStore) {
        this.config = config;
        this.store = Objects.requireNonNull(store, "store");
        this.ownsStore = ownsStore;
        DeltaTable table = DeltaTable.at(store, tablePath, config.tableOptions());
        this.tableName = table.location();
        String name = config.consumerName();
        ReadRetry reads = new ReadRetry(tableName, config);
        this.positions = name == null ? null : new CommittedPositions(store, TablePath.root(tablePath), name, tableName,
                config.positionRetry(), reads);
        this.resolver = new StartResolver(table, config, positions);
        int allocation = RingRecordDescriptor.allocationFor(config.bufferBytes());
        ByteBuffer ringMemory = BufferUtil.allocateDirectAligned(allocation, 2 * BitUtil.CACHE_LINE_LENGTH);
        this.ring = new OneToOneRingBuffer(new UnsafeBuffer(ringMemory));
        String roleName = THREAD_NAME_PREFIX + (name == null ? "" : name + "-") + INSTANCES.incrementAndGet();
        this.metrics = new ConsumerMetrics(store.metrics());
        this.agent = new TailerAgent(table, config, resolver, ring, roleName, SystemNanoClock.INSTANCE, reads, metrics);
        this.runner = new AgentRunner(
                new BackoffIdleStrategy(IDLE_MAX_SPINS, IDLE_MAX_YIELDS, IDLE_MIN_PARK_NS, IDLE_MAX_PARK_NS),
                error -> {
                    if (!(error instanceof AgentTerminationException)) {
                        agent.failFromRunner(error);
                    }
                },
                null, agent);
        this.tailer = AgentRunner.startOnThread(runner, runnable -> {
            Thread t = new Thread(runnable);
            t.setDaemon(true); // a consumer that is never closed must not keep the JVM alive
            return t;
        });
        this.published = ClientMetrics.publish("consumer-metrics", metrics, store.metrics(), "client-id", roleName,
                "table", tableName);
    }

    /**
     * A consumer of the table at {@code tablePath} in {@code store}. The store stays the caller's: it
     * is not closed with the consumer. Returns at once; the table is found (or waited for) by the
     * tailing thread.
     *
     * @param tablePath the table's key prefix in the store; empty for the store's root
     * @param config {@link ConsumerConfig} names to values
     * @throws io.deltaq.s3io.config.ConfigException for an unknown name or an invalid value
     */
    public static Consumer create(ObjectStore store, String tablePath, Map<String, ?> config) {
        return new Consumer(store, tablePath, new ConsumerConfig(config), false);
    }

    /**
     * A consumer of the table at {@code address} ({@code s3://bucket/prefix}, {@code file:///dir} or a
     * path), opening its own store (S3 settings from the environment) and closing it on {@link #close}.
     */
    public static Consumer open(String address, Map<String, ?> config) {
        ConsumerConfig parsed = new ConsumerConfig(config);
        ObjectStore store = ObjectStores.open(address, System.getenv(), parsed.storeOverrides());
        try {
            return new Consumer(store, "", parsed, true);
        } catch (RuntimeException | Error e) {
            store.close();
            throw e;
        }
    }

    /** The table's location, as used in messages. */
    public String table() {
        return tableName;
    }

    /** What this consumer has done; also published over JMX while it is open. */
    public ConsumerMetrics metrics() {
        return metrics;
    }

    public ConsumerConfig config() {
        return config;
    }

    /* ------------------------------- polling ------------------------------- */

    /**
     * Delivers up to {@code limit} buffered messages to {@code handler}, in order, and returns how
     * many. Does not wait: returns 0 when nothing is buffered. Allocates nothing per message.
     *
     * <p>The position moves past a message before the handler sees it, so a handler that throws has
     * consumed that message; the exception propagates.
     *
     * @throws ConsumerException if the tailing thread failed and everything buffered before the
     *     failure has been delivered
     */
    public int poll(MessageHandler handler, int limit) {
        Objects.requireNonNull(handler, "handler");
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive, was " + limit);
        }
        acquire();
        try {
            ensureOpen();
            if (!positionKnown) {
                adoptStart();
            }
            userHandler = handler;
            delivered = 0;
            int n = drain(limit);
            if (n > 0) {
                ConsumerMetrics.add(metrics.messages, n);
                ConsumerMetrics.add(metrics.polls, 1);
            }
            if (positionKnown) {
                metrics.positionVersion.lazySet(nextVersion);
            }
            if (n == 0) {
                TailerAgent.Failure f = agent.failure();
                if (f != null && f.epoch() == epoch) {
                    // The failure is published after the records before it: drain once more, then throw.
                    n = drain(limit);
                    if (n == 0) {
                        throw f.error();
                    }
                }
            }
            return n;
        } finally {
            userHandler = null;
            release();
        }
    }

    /**
     * Waits up to {@code timeout} for messages and returns those buffered, at most
     * {@code max.poll.records}; an empty list when none came. Allocates a record per message; use
     * {@link #poll(MessageHandler, int)} on hot paths.
     *
     * @throws ConsumerException as {@link #poll(MessageHandler, int)}
     */
    public List<ConsumerRecord> poll(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        acquire();
        try {
            List<ConsumerRecord> out = new ArrayList<>();
            collector.out = out;
            try {
                while (true) {
                    if (poll(collector, config.maxPollRecords()) > 0) {
                        return out;
                    }
                    long remaining = deadline - System.nanoTime();
                    if (remaining <= 0) {
                        return out;
                    }
                    await(remaining, this::somethingToPoll);
                }
            } finally {
                collector.out = null;
            }
        } finally {
            release();
        }
    }

    private boolean somethingToPoll() {
        TailerAgent.Failure f = agent.failure();
        return ring.size() > 0 || (f != null && f.epoch() == epoch);
    }

    private int drain(int limit) {
        int records = 0;
        while (delivered < limit) {
            int read = ring.read(drain, limit - delivered);
            if (read == 0) {
                break;
            }
            records += read;
        }
        if (records > 0 && agent.waitingForSpace()) {
            agent.wakeTailer();
        }
        return delivered;
    }

    /** Reads ring records on the polling thread: drops those from before a seek, tracks the position. */
    private final class Drain implements org.agrona.concurrent.MessageHandler {
        @Override
        public void onMessage(int typeId, MutableDirectBuffer buffer, int index, int length) {
            if (!RingRecordDescriptor.sameEpoch(typeId, epoch)) {
                return; // written before the latest seek
            }
            positionKnown = true;
            if (RingRecordDescriptor.kind(typeId) == RingRecordDescriptor.KIND_MESSAGE) {
                long version = buffer.getLong(index + VERSION_OFFSET);
                int row = buffer.getInt(index + INDEX_OFFSET);
                if (row == Position.MAX_INDEX) {
                    nextVersion = version + 1;
                    nextIndex = 0;
                } else {
                    nextVersion = version;
                    nextIndex = row + 1;
                }
                delivered++;
                userHandler.onMessage(view.wrap(buffer, index));
            } else {
                nextVersion = buffer.getLong(index) + 1; // the end of a commit: nothing more of it follows
                nextIndex = 0;
            }
        }
    }

    private static final class Collector implements MessageHandler {
        List<ConsumerRecord> out;

        @Override
        public void onMessage(ConsumedMessage m) {
            out.add(new ConsumerRecord(m.version(), m.index(), m.timestampMicros(), m.key(), m.value(),
                    m.hasHeaders() ? m.headers().toList() : List.of()));
        }
    }

    /* ------------------------------- positions ------------------------------- */

    /**
     * The position of the next message to be delivered. Right after start it waits (up to
     * {@code default.api.timeout.ms}) for the tailing thread to resolve the start position.
     *
     * @throws ConsumerException if the start cannot be resolved (e.g. the table never appeared) or
     *     is not resolved in time
     */
    public Position position() {
        acquire();
        try {
            ensureOpen();
            if (!positionKnown) {
                awaitStart();
            }
            return new Position(nextVersion, nextIndex);
        } finally {
            release();
        }
    }

    /**
     * Moves the position: drops everything buffered, restarts the tail at {@code position}'s version
     * and skips the rows of that commit before its index. Also clears a failure, e.g. to go on after
     * a {@link RewriteCommitException} with {@code seek(new Position(version + 1, 0))}.
     */
    public void seek(Position position) {
        Objects.requireNonNull(position, "position");
        acquire();
        try {
            ensureOpen();
            epoch = (epoch + 1) & RingRecordDescriptor.EPOCH_MASK;
            nextVersion = position.version();
            nextIndex = position.index();
            positionKnown = true;
            agent.requestSeek(epoch, position);
        } finally {
            release();
        }
    }

    /** Stores {@link #position()} as this consumer name's committed position; see {@link #commitSync(Position)}. */
    public void commitSync() {
        acquire();
        try {
            commitSync(position());
        } finally {
            release();
        }
    }

    /**
     * Stores {@code position} as the committed position of {@code consumer.name}, waiting up to
     * {@code default.api.timeout.ms}. A consumer of this name started later begins there.
     *
     * @throws IllegalStateException if {@code consumer.name} is not set
     * @throws ConsumerFencedException if another instance with the same name committed since this
     *     one started; this instance can then never commit again
     * @throws ConsumerException if storage fails or the call times out
     */
    public void commitSync(Position position) {
        Objects.requireNonNull(position, "position");
        acquire();
        try {
            ensureOpen();
            if (positions == null) {
                throw new IllegalStateException(tableName + ": positions can only be committed by a named consumer; "
                        + "set '" + ConsumerConfig.CONSUMER_NAME + "'");
            }
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.defaultApiTimeoutMs());
            // The generation to fence against is read when the tail first starts.
            awaitUntil(deadline, () -> positions.loaded() && resolver.tableId() != null,
                    "reading the committed positions of '" + positions.name() + "'");
            long remainingMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
            positions.commit(position, resolver.tableId(), remainingMs);
            ConsumerMetrics.add(metrics.positionsCommitted, 1);
        } finally {
            release();
        }
    }

    /**
     * The newest position of this consumer name: found at start or committed since; empty when none
     * or when the consumer is unnamed.
     */
    public Optional<Position> committed() {
        acquire();
        try {
            return positions == null ? Optional.empty()
                    : positions.latest().map(CommittedPositions.Committed::position);
        } finally {
            release();
        }
    }

    private void adoptStart() {
        TailerAgent.Started s = agent.started();
        if (s != null && s.epoch() == epoch) {
            nextVersion = s.position().version();
            nextIndex = s.position().index();
            positionKnown = true;
        }
    }

    private void awaitStart() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.defaultApiTimeoutMs());
        awaitUntil(deadline, () -> {
            adoptStart();
            return positionKnown;
        }, "resolving the start position");
    }

    private void awaitUntil(long deadlineNs, BooleanSupplier done, String what) {
        while (!done.getAsBoolean()) {
            TailerAgent.Failure f = agent.failure();
            if (f != null && f.epoch() == epoch) {
                throw f.error();
            }
            long remaining = deadlineNs - System.nanoTime();
            if (remaining <= 0) {
                throw ConsumerErrors.apiTimedOut(tableName, what, config.defaultApiTimeoutMs());
            }
            await(remaining, () -> done.getAsBoolean() || agent.failure() != null);
        }
    }

    /** Parks until the tailer publishes something (it unparks this thread) or {@code ns} pass. */
    private void await(long ns, BooleanSupplier ready) {
        agent.appWaiter(Thread.currentThread());
        try {
            if (!ready.getAsBoolean()) {
                LockSupport.parkNanos(this, ns);
            }
        } finally {
            agent.appWaiter(null);
        }
    }

    /* ------------------------------- lifecycle ------------------------------- */

    /** {@link #close(Duration)} with {@link #DEFAULT_CLOSE_TIMEOUT}. */
    @Override
    public void close() {
        close(DEFAULT_CLOSE_TIMEOUT);
    }

    /**
     * Stops the tailing thread, waiting up to {@code timeout} (it is interrupted half way), abandons
     * its in-flight requests, frees the ring and closes the store if this consumer opened it.
     * Idempotent.
     *
     * @throws ConsumerException if the thread did not stop within {@code timeout}
     */
    public void close(Duration timeout) {
        acquire();
        try {
            if (closed) {
                return;
            }
            closed = true;
            long timeoutMs = Math.max(2, timeout.toMillis());
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
            agent.requestClose();
            try {
                runner.close((int) Math.min(Integer.MAX_VALUE, timeoutMs / 2), thread -> {
                    if (System.nanoTime() - deadline >= 0) {
                        throw ConsumerErrors.tailerDidNotStop(tableName, thread.getName(), timeout);
                    }
                    thread.interrupt();
                });
                if (!Threads.awaitExit(tailer, deadline)) {
                    throw ConsumerErrors.tailerDidNotStop(tableName, tailer.getName(), timeout);
                }
            } finally {
                published.close();
                // The ring's direct memory is an aligned slice, which agrona cannot free early: the GC does.
                if (ownsStore) {
                    store.close();
                }
            }
        } finally {
            release();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException(tableName + ": consumer is closed");
        }
    }

    /** Refuses a call from a second thread while another is inside one; re-entrant for the same thread. */
    private void acquire() {
        long id = Thread.currentThread().getId();
        if (owner.get() != id && !owner.compareAndSet(NO_OWNER, id)) {
            throw new ConcurrentModificationException("Consumer of " + tableName + " is not safe for multi-threaded "
                    + "access: thread '" + Thread.currentThread().getName() + "' called it while thread id "
                    + owner.get() + " is inside a call");
        }
        ownerDepth++;
    }

    private void release() {
        if (--ownerDepth == 0) {
            owner.setRelease(NO_OWNER);
        }
    }
}

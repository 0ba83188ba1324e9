package io.deltaq.producer;

import io.deltaq.deltalog.CommitPause;
import io.deltaq.deltalog.CommitWriter;
import io.deltaq.deltalog.DeltaStorageException;
import io.deltaq.deltalog.DeltaTable;
import io.deltaq.deltalog.Header;
import io.deltaq.deltalog.Headers;
import io.deltaq.deltalog.Maintenance;
import io.deltaq.deltalog.TableLease;
import io.deltaq.deltalog.MaintenancePass;
import io.deltaq.deltalog.MaintenanceRunner;
import io.deltaq.deltalog.Position;
import io.deltaq.s3io.ClientMetrics;
import io.deltaq.s3io.ObjectStore;
import io.deltaq.s3io.ObjectStores;
import io.deltaq.s3io.Threads;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiFunction;
import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * Appends messages to a deltaq topic (a Delta table) from any number of threads.
 *
 * <p>Sending threads copy each message into a many-to-one ring buffer and return; one commit thread
 * drains it into batches, writes each batch as a Parquet data file and commits it with a
 * put-if-absent write of the next Delta log version (group commit: while one commit is in flight
 * the next batch accumulates). A message is acknowledged once its commit is durable, with its
 * {@link Position}.
 *
 * <p>Two ways to send:
 * <ul>
 *   <li>{@link #send} returns a {@link CompletableFuture}, like the Kafka producer, and waits up to
 *       {@code block.timeout.ms} when the buffer is full. It allocates the future.
 *   <li>{@link #offer} allocates nothing and never waits: it returns the message's sequence number,
 *       or {@link #BACK_PRESSURED} when the buffer is full. Acknowledgements reach the
 *       {@link AckListener} given at creation.
 * </ul>
 *
 * <p>Thread-safe. {@link #close(Duration)} commits what was accepted, then stops the thread.
 */
public final class Producer implements AutoCloseable {

    /** {@link #offer} found the buffer full; try again later. */
    public static final long BACK_PRESSURED = -1;
    /** {@link #offer} was called on a closed producer, or one that can commit no more. */
    public static final long CLOSED = -2;

    private static final byte[] NO_HEADERS = new byte[0];

    private final ProducerConfig config;
    private final ObjectStore store;
    private final boolean ownsStore;
    private final String location;
    /** Whether the table has the headers column; a message with headers is refused when it has not. */
    private final boolean tableHasHeaders;
    private final RingBuffer ring;
    private final UnsafeBuffer ringMemory;
    private final AtomicLong nextSequence = new AtomicLong();
    private final Map<Long, CompletableFuture<Position>> futures = new ConcurrentHashMap<>();
    private final ProducerMetrics metrics = new ProducerMetrics();
    private final Threads.Daemons auxiliaryThreads;
    private final ExecutorService auxiliary;
    private final Threads.Daemons encoderThreads;
    private final ExecutorService encoder;
    private final WakeableIdleStrategy idle;
    private final CommitAgent agent;
    private final AgentRunner runner;
    private final Thread committer;
    /** The table's maintainer, null when {@code maintenance.enabled} is false. */
    private final MaintenanceRunner maintenance;
    private final ClientMetrics.Registration published;
    private volatile boolean closed;

    /**
     * The maintenance a producer runs while it holds the table's lease: all of it, by the wall clock,
     * its commits pausing the producer's for the moment they take.
     */
    static final BiFunction<DeltaTable, CommitPause, MaintenancePass> MAINTENANCE =
            (table, pause) -> Maintenance.of(table, System::currentTimeMillis, pause);

    private Producer(ObjectStore store, boolean ownsStore, String tablePath, ProducerConfig config, AckListener listener,
                     BiFunction<DeltaTable, CommitPause, MaintenancePass> maintenancePass) {
        this.config = config;
        this.store = store;
        this.ownsStore = ownsStore;
        DeltaTable table = DeltaTable.at(store, tablePath, config.tableOptions); // immutable: shared by the commit and maintenance threads
        this.location = table.location();
        int capacity = BitUtil.findNextPositivePowerOfTwo(config.bufferBytes);
        // Direct and aligned: Agrona 1.x prints a warning on stderr for every ring over a byte[]
        // (its 8-byte alignment is not guaranteed), which a library must not do to its users.
        this.ringMemory = new UnsafeBuffer(BufferUtil.allocateDirectAligned(
                capacity + RingBufferDescriptor.TRAILER_LENGTH, 2 * BitUtil.CACHE_LINE_LENGTH));
        this.ring = new ManyToOneRingBuffer(ringMemory);
        this.auxiliaryThreads = new Threads.Daemons("deltaq-producer-aux-" + config.producerId);
        this.auxiliary = Executors.newSingleThreadExecutor(auxiliaryThreads);
        this.encoderThreads = new Threads.Daemons("deltaq-producer-encoder-" + config.producerId);
        this.encoder = Executors.newSingleThreadExecutor(encoderThreads);
        try {
            CommitWriter writer = openWriter(table, config, auxiliary);
            this.tableHasHeaders = writer.tableHasHeaders();
            this.idle = new WakeableIdleStrategy(config.idleMaxParkNs);
            metrics.checkpointsOf(writer);
            this.agent = new CommitAgent(config, ring, table, writer, encoder, listener, futures, metrics, idle);
            this.runner = new AgentRunner(idle, this::onAgentError, null, agent);
            this.committer = AgentRunner.startOnThread(runner, r -> {
                Thread t = new Thread(r);
                t.setDaemon(true);
                return t;
            });
        } catch (RuntimeException e) {
            auxiliary.shutdownNow();
            encoder.shutdownNow();
            throw e;
        }
        this.maintenance = config.maintenanceEnabled ? startMaintenance(table, maintenancePass) : null;
        metrics.maintenanceOf(maintenance);
        this.published = ClientMetrics.publish("producer-metrics", metrics, store.metrics(), "producer-id", config.producerId,
                "table", location);
    }

    /** The table's maintainer, started once the table is open; it acts only while it holds the table's lease. */
    private MaintenanceRunner startMaintenance(DeltaTable table,
                                               BiFunction<DeltaTable, CommitPause, MaintenancePass> maintenancePass) {
        TableLease lease = new TableLease(table, "producer " + config.producerId, config.lease.lease(),
                config.lease.skew());
        return MaintenanceRunner.start(table, lease, maintenancePass.apply(table, agent::hold));
    }

    /**
     * A producer for the table at {@code address} ({@code s3://bucket/prefix}, {@code file:///path}
     * or a path); creates the table if it does not exist. The store is closed with the producer.
     */
    public static Producer open(String address, Map<String, ?> config) {
        ProducerConfig parsed = new ProducerConfig(config);
        ObjectStore store = ObjectStores.open(address, System.getenv(), parsed.storeOverrides);
        try {
            return new Producer(store, true, "", parsed, AckListener.NONE, MAINTENANCE);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /**
     * A producer for the table at {@code tablePath} within {@code store} (which stays the caller's
     * to close); creates the table if it does not exist.
     *
     * @param listener hears every acknowledgement and failure on the commit thread
     */
    public static Producer create(ObjectStore store, String tablePath, Map<String, ?> config, AckListener listener) {
        return create(store, tablePath, config, listener, MAINTENANCE);
    }

    /** {@link #create(ObjectStore, String, Map, AckListener)} running {@code maintenance} while it holds the lease. */
    static Producer create(ObjectStore store, String tablePath, Map<String, ?> config, AckListener listener,
                           BiFunction<DeltaTable, CommitPause, MaintenancePass> maintenance) {
        return new Producer(store, false, tablePath, new ProducerConfig(config), Objects.requireNonNull(listener, "listener"),
                maintenance);
    }

    public static Producer create(ObjectStore store, String tablePath, Map<String, ?> config) {
        return create(store, tablePath, config, AckListener.NONE);
    }

    /* ------------------------------ sending ------------------------------ */

    /**
     * Appends a message without waiting and without allocating.
     *
     * @param key may be null
     * @param timestampMicros the message's time, microseconds since the epoch
     * @return the message's sequence number (what the {@link AckListener} hears), or
     *     {@link #BACK_PRESSURED} when the buffer is full, or {@link #CLOSED}
     * @throws MessageTooLargeException if key plus value bytes exceed {@code max.message.bytes}; nothing is sent
     */
    public long offer(byte[] key, int keyOffset, int keyLength, byte[] value, int valueOffset, int valueLength,
            long timestampMicros) {
        return write(SendRecordDescriptor.MESSAGE_TYPE_ID, key, keyOffset, keyLength, value, valueOffset, valueLength,
                timestampMicros, NO_HEADERS, null);
    }

    /**
     * {@link #offer(byte[], int, int, byte[], int, int, long)} of a message with headers (which are
     * encoded here, an allocation a message without headers does not make).
     *
     * @throws IllegalArgumentException if there are headers and the table has no headers column
     */
    public long offer(byte[] key, int keyOffset, int keyLength, byte[] value, int valueOffset, int valueLength,
            long timestampMicros, List<Header> headers) {
        return write(SendRecordDescriptor.MESSAGE_TYPE_ID, key, keyOffset, keyLength, value, valueOffset, valueLength,
                timestampMicros, encoded(headers), null);
    }

    /** {@link #offer(byte[], int, int, byte[], int, int, long)} of whole arrays, stamped now. */
    public long offer(byte[] key, byte[] value) {
        return offer(key, 0, key == null ? 0 : key.length, value, 0, value.length, nowMicros());
    }

    /**
     * Appends a message, waiting up to {@code block.timeout.ms} for room in the buffer.
     *
     * @return completes with the message's position once its commit is durable; fails with
     *     {@link ProducerBufferFullException} if no room came in time, {@link IllegalStateException}
     *     if the producer is closed, or the cause that kept the batch from committing
     * @throws MessageTooLargeException if key plus value bytes exceed {@code max.message.bytes}; nothing is sent
     */
    public CompletableFuture<Position> send(byte[] key, byte[] value, long timestampMicros) {
        return send(key, value, timestampMicros, List.of());
    }

    /**
     * {@link #send(byte[], byte[], long)} of a message with headers, which its consumers receive in
     * this order (keys may repeat; a value may be null).
     *
     * @throws MessageTooLargeException if key, value and encoded headers exceed {@code max.message.bytes}
     * @throws IllegalArgumentException if there are headers and the table has no headers column (it was
     *     created before headers); nothing is sent
     */
    public CompletableFuture<Position> send(byte[] key, byte[] value, long timestampMicros, List<Header> headers) {
        Objects.requireNonNull(value, "value");
        byte[] encodedHeaders = encoded(headers);
        CompletableFuture<Position> future = new CompletableFuture<>();
        long deadline = 0;
        while (true) {
            long result = write(SendRecordDescriptor.MESSAGE_WITH_FUTURE_TYPE_ID, key, 0, key == null ? 0 : key.length,
                    value, 0, value.length, timestampMicros, encodedHeaders, future);
            if (result >= 0) {
                return future;
            }
            if (result == CLOSED) {
                future.completeExceptionally(closedCause());
                return future;
            }
            long now = System.nanoTime();
            if (deadline == 0) {
                deadline = now + config.blockTimeoutNs;
            }
            if (now - deadline >= 0) {
                future.completeExceptionally(ProducerErrors.bufferFull(config.producerId, location, ring.capacity(),
                        config.blockTimeoutNs / 1_000_000));
                return future;
            }
            LockSupport.parkNanos(50_000);
        }
    }

    /** {@link #send(byte[], byte[], long)} stamped now. */
    public CompletableFuture<Position> send(byte[] key, byte[] value) {
        return send(key, value, nowMicros());
    }

    /** {@link #send(byte[], byte[])} of UTF-8 text. */
    public CompletableFuture<Position> send(String key, String value) {
        return send(key == null ? null : key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
    }

    private byte[] encoded(List<Header> headers) {
        if (headers.isEmpty()) {
            return NO_HEADERS;
        }
        if (!tableHasHeaders) {
            throw ProducerErrors.noHeadersColumn(config.producerId, location);
        }
        return Headers.encode(headers);
    }

    private long write(int typeId, byte[] key, int keyOffset, int keyLength, byte[] value, int valueOffset,
            int valueLength, long timestampMicros, byte[] headers, CompletableFuture<Position> future) {
        if (closed || agent.fatal() != null) {
            return CLOSED;
        }
        int storedKeyLength = key == null ? SendRecordDescriptor.NULL_LENGTH : keyLength;
        if ((long) Math.max(storedKeyLength, 0) + valueLength + headers.length > config.maxMessageBytes) {
            throw ProducerErrors.messageTooLarge(config.producerId, location, storedKeyLength, valueLength,
                    headers.length, config.maxMessageBytes);
        }
        int length = SendRecordDescriptor.length(storedKeyLength, valueLength, headers.length);
        int index = ring.tryClaim(typeId, length);
        if (index <= 0) {
            idle.wake(); // the agent may be gathering a batch at its own pace: the ring needs draining now
            return BACK_PRESSURED;
        }
        if (closed || agent.fatal() != null) {
            // close() (or a fatal failure) began while this claim was made. The closer sets its flag,
            // then collects what the ring holds; a claim it may have missed is withdrawn here, so an
            // accepted message is always either committed or failed, never silently dropped.
            ring.abort(index);
            return CLOSED;
        }
        long sequence = nextSequence.getAndIncrement();
        ringMemory.putLong(index + SendRecordDescriptor.SEQUENCE_OFFSET, sequence);
        ringMemory.putLong(index + SendRecordDescriptor.TIMESTAMP_OFFSET, timestampMicros);
        ringMemory.putInt(index + SendRecordDescriptor.KEY_LENGTH_OFFSET, storedKeyLength);
        ringMemory.putInt(index + SendRecordDescriptor.VALUE_LENGTH_OFFSET, valueLength);
        ringMemory.putInt(index + SendRecordDescriptor.HEADERS_LENGTH_OFFSET, headers.length);
        if (key != null) {
            ringMemory.putBytes(SendRecordDescriptor.keyOffset(index), key, keyOffset, keyLength);
        }
        ringMemory.putBytes(SendRecordDescriptor.valueOffset(index, storedKeyLength), value, valueOffset, valueLength);
        if (headers.length > 0) {
            ringMemory.putBytes(SendRecordDescriptor.headersOffset(index, storedKeyLength, valueLength), headers);
        }
        if (future != null) {
            futures.put(sequence, future);
        }
        ring.commit(index);
        idle.onSend();
        return sequence;
    }

    private static long nowMicros() {
        return System.currentTimeMillis() * 1_000L;
    }

    /**
     * Creates or recognises the table and opens this producer's writer on its snapshot, retrying
     * storage faults that pass for {@code open.timeout.ms}: a producer started during a burst of
     * throttling waits it out, as a Kafka producer waits for its metadata.
     */
    private static CommitWriter openWriter(DeltaTable table, ProducerConfig config, ExecutorService checkpoints) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.openTimeoutMs);
        for (int failures = 1; ; failures++) {
            try {
                table.createMessageTable();
                return table.newWriter(config.producerId, table.snapshot(), checkpoints);
            } catch (RuntimeException e) {
                if (!DeltaStorageException.isTransient(e)) {
                    throw e;
                }
                long waitNs = config.commitRetry.backoffNanos(failures + 1);
                if (System.nanoTime() + waitNs - deadline >= 0) {
                    throw ProducerErrors.openFailed(config.producerId, table.location(), config.openTimeoutMs, failures, e);
                }
                LockSupport.parkNanos(waitNs);
                if (Thread.currentThread().isInterrupted()) {
                    throw ProducerErrors.openFailed(config.producerId, table.location(), config.openTimeoutMs, failures, e);
                }
            }
        }
    }

    /* ------------------------------ flushing and closing ------------------------------ */

    /**
     * Waits until every message accepted before this call is acknowledged or failed.
     *
     * @throws TimeoutException if that takes longer than {@code timeout}
     */
    public void flush(Duration timeout) throws TimeoutException {
        long target = ring.producerPosition();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (agent.completedRingPosition() < target) {
            if (agent.fatal() != null || runner.isClosed()) {
                return; // nothing more will commit; the futures say why
            }
            if (System.nanoTime() - deadline >= 0) {
                throw ProducerErrors.flushTimedOut(config.producerId, location, timeout.toMillis());
            }
            idle.wake();
            LockSupport.parkNanos(100_000);
        }
    }

    /** {@link #flush(Duration)} waiting without limit. */
    public void flush() {
        try {
            flush(Duration.ofDays(365));
        } catch (TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Stops accepting messages, commits what was accepted (waiting up to {@code timeout}), fails
     * what could not be committed in time, and stops the commit thread.
     */
    public void close(Duration timeout) {
        if (closed) {
            return;
        }
        closed = true;
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            flush(timeout);
        } catch (TimeoutException e) {
            // What is left is settled and failed below, with a cause that says so.
        }
        runner.close();
        // Within the deadline, the commit thread is gone when close returns; runner.close() may return
        // while it is still unwinding.
        Threads.awaitExit(committer, deadline);
        if (maintenance != null) {
            // Within the same deadline: a pass in progress may finish, then the lease is released.
            maintenance.close(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        }
        // The encoder first: the batches failed below must no longer be read by it. The auxiliary
        // thread (checkpoints) may finish what it started within the deadline.
        encoder.shutdownNow();
        auxiliary.shutdown();
        try {
            encoder.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            agent.failRemaining(ProducerErrors.closedBeforeCommit(config.producerId, location), deadline);
            auxiliary.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            agent.failRemaining(ProducerErrors.closedBeforeCommit(config.producerId, location), System.nanoTime());
        } finally {
            auxiliary.shutdownNow();
        }
        // An executor reports termination before its thread has quite ended: close promises it has.
        encoderThreads.awaitExit(deadline);
        auxiliaryThreads.awaitExit(deadline);
        published.close();
        if (ownsStore) {
            store.close();
        }
    }

    /** {@link #close(Duration)} with a minute to commit what was accepted. */
    @Override
    public void close() {
        close(Duration.ofMinutes(1));
    }

    private Throwable closedCause() {
        Throwable fatal = agent.fatal();
        return fatal != null
                ? ProducerErrors.cannotCommit(config.producerId, location, fatal)
                : ProducerErrors.closed(config.producerId, location);
    }

    private void onAgentError(Throwable error) {
        // An unexpected fault of the commit thread: nothing more can be committed safely.
        agent.failFatally(error);
    }

    /* ------------------------------ introspection ------------------------------ */

    public String producerId() {
        return config.producerId;
    }

    public ProducerMetrics metrics() {
        return metrics;
    }

    /** Bytes of messages in the buffer, not yet drained by the commit thread. */
    public int bufferedBytes() {
        return ring.size();
    }

    public ObjectStore store() {
        return store;
    }
}

package io.deltaq.consumer;

import static io.deltaq.consumer.RingRecordDescriptor.HEADER_LENGTH;
import static io.deltaq.consumer.RingRecordDescriptor.INDEX_OFFSET;
import static io.deltaq.consumer.RingRecordDescriptor.KEY_LENGTH_OFFSET;
import static io.deltaq.consumer.RingRecordDescriptor.TIMESTAMP_OFFSET;
import static io.deltaq.consumer.RingRecordDescriptor.VALUE_LENGTH_OFFSET;
import static io.deltaq.consumer.RingRecordDescriptor.VERSION_OFFSET;

import io.deltaq.deltalog.Commit;
import io.deltaq.deltalog.Delivery;
import io.deltaq.deltalog.DeltaTable;
import io.deltaq.deltalog.LiveFile;
import io.deltaq.deltalog.LogTail;
import io.deltaq.deltalog.Position;
import io.deltaq.deltalog.TableNotFoundException;
import io.deltaq.deltalog.actions.CommitInfo;
import io.deltaq.deltalog.actions.RemoveFile;
import io.deltaq.deltalog.parquet.MessageFileReader;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
import org.agrona.BitUtil;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RecordDescriptor;
import org.agrona.concurrent.ringbuffer.RingBuffer;

/**
 * The consumer's tailing thread, as an agrona {@link Agent}: one duty cycle reads the clock once,
 * applies a pending seek, resolves the start (once), keeps the next commit GET in flight, fetches
 * the data files of up to {@code prefetch.commits} commits in parallel, and decodes the head commit's
 * rows into the ring, at most {@link #MAX_MESSAGES_PER_CYCLE} per cycle.
 *
 * <p>It never waits on a future: it checks {@code isDone()} each cycle, and every future it starts
 * unparks this thread when it completes, so an idle park never delays a result by a park period.
 * The application unparks it after draining a ring that was full, and on seek and close.
 *
 * <p>A full ring is not an error: the row that did not fit is remembered, and decoding resumes there
 * from the bytes already fetched once the application has drained enough (no re-fetch, no loss, no
 * duplicate). A fault stops the tail; it is published with the seek epoch it happened in and thrown
 * by the application's next {@code poll} once the ring holds nothing older.
 */
final class TailerAgent implements Agent {

    /** Rows decoded into the ring per duty cycle at most, so a cycle stays short. */
    static final int MAX_MESSAGES_PER_CYCLE = 4096;
    /** GETs of a data file named ahead of its commit, at most. */
    static final int MAX_PREFETCH_ATTEMPTS = Prefetcher.MAX_NAMED_ATTEMPTS;

    private enum Phase { RESOLVING, TAILING, FAILED }

    record SeekRequest(int epoch, Position position) {
    }

    record Failure(int epoch, ConsumerException error) {
    }

    record Started(int epoch, Position position) {
    }

    private final DeltaTable table;
    private final String tableName;
    private final ConsumerConfig config;
    private final StartResolver resolver;
    private final OneToOneRingBuffer ring;
    private final String roleName;
    private final NanoClock clock;
    /** Between GETs of version 0 while waiting for the table to appear. */
    private final long tableProbeIntervalNs;
    private final long tableWaitNs;
    private final PollSchedule schedule;
    private final Prefetcher prefetcher;
    private final MessageFileReader reader = new MessageFileReader();
    private final RingWriter writer;
    private final BiConsumer<Object, Throwable> wakeOnCompletion = (result, error) -> wakeTailer();

    // Shared with the application thread.
    private volatile SeekRequest seekRequest;
    private volatile Failure failure;
    private volatile Started started;
    private volatile boolean waitingForSpace;
    private volatile Thread appWaiter;
    private volatile boolean closing;
    private volatile Thread thread;

    // Tailer thread only.
    private int epoch;
    private Phase phase = Phase.RESOLVING;
    private Position target;
    private boolean waitedForTable;
    private long tableWaitDeadlineNs;
    private boolean waitingForTable;
    private CompletableFuture<Optional<Commit>> tableProbe;
    private long nextResolveNs;
    private Position start;
    private LogTail tail;
    private CompletableFuture<Optional<Commit>> logPoll;
    private boolean pollKnewSuccessor;
    private CompletableFuture<Optional<Commit>> gapProbe;
    private long gapProbeFor = -1;
    private long successorSeenFor = -1;
    private boolean stopReading;
    private final ArrayDeque<PendingCommit> pipeline = new ArrayDeque<>();
    private int blockedNeedBytes;
    private boolean notifyApp;
    private long avgRecordBytes = 64;

    TailerAgent(DeltaTable table, ConsumerConfig config, StartResolver resolver, OneToOneRingBuffer ring,
                String roleName, NanoClock clock) {
        this.table = table;
        this.tableName = table.location();
        this.config = config;
        this.resolver = resolver;
        this.ring = ring;
        this.roleName = roleName;
        this.clock = clock;
        this.tableProbeIntervalNs = TimeUnit.MILLISECONDS.toNanos(config.pollIntervalMs());
        this.tableWaitNs = TimeUnit.MILLISECONDS.toNanos(config.tableWaitTimeoutMs());
        this.schedule = PollSchedule.of(config);
        this.prefetcher = new Prefetcher(table, config.prefetchCommits(), this::wakeTailer);
        this.writer = new RingWriter(ring);
    }

    /* ------------------------- called by the application thread ------------------------- */

    void requestSeek(int newEpoch, Position position) {
        seekRequest = new SeekRequest(newEpoch, position);
        wakeTailer();
    }

    void requestClose() {
        closing = true;
        wakeTailer();
    }

    Failure failure() {
        return failure;
    }

    Started started() {
        return started;
    }

    boolean waitingForSpace() {
        return waitingForSpace;
    }

    /** The thread to unpark when something is published, or null. */
    void appWaiter(Thread waiter) {
        appWaiter = waiter;
    }

    void wakeTailer() {
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /* ------------------------------- the duty cycle ------------------------------- */

    @Override
    public String roleName() {
        return roleName;
    }

    @Override
    public void onStart() {
        thread = Thread.currentThread();
    }

    @Override
    public int doWork() {
        if (closing) {
            throw new AgentTerminationException("consumer closing");
        }
        long now = clock.nanoTime();
        int work = 0;
        SeekRequest seek = seekRequest;
        if (seek != null && seek.epoch() != epoch) {
            restartAt(seek, now);
            work++;
        }
        try {
            if (phase == Phase.RESOLVING) {
                work += resolve(now);
            } else if (phase == Phase.TAILING) {
                try {
                    work += pollLog(now);
                } catch (Throwable t) {
                    failAfterPending(t);
                    work++;
                }
                int published = publish();
                work += published;
                notifyApp |= published > 0;
            }
        } catch (Throwable t) {
            fail(t);
            work++;
        }
        if (notifyApp) {
            // Only news for the application (records, the start position, a failure) wakes it.
            notifyApp = false;
            Thread w = appWaiter;
            if (w != null) {
                LockSupport.unpark(w);
            }
        }
        return work;
    }

    @Override
    public void onClose() {
        cancelAll();
        reader.close();
    }

    /* ------------------------------- start and seek ------------------------------- */

    private void restartAt(SeekRequest seek, long now) {
        cancelAll();
        epoch = seek.epoch();
        target = seek.position();
        phase = Phase.RESOLVING;
        nextResolveNs = now;
        waitingForTable = false;
        start = null;
        tail = null;
        stopReading = false;
        successorSeenFor = -1;
        blockedNeedBytes = 0;
        waitingForSpace = false;
    }

    private int resolve(long now) {
        if (waitingForTable) {
            // Waiting is a GET of version 0 every poll interval, in flight without blocking the cycle.
            CompletableFuture<Optional<Commit>> probe = tableProbe;
            if (probe == null) {
                if (now - nextResolveNs < 0) {
                    return 0;
                }
                tableProbe = table.readCommit(0);
                tableProbe.whenComplete(wakeOnCompletion);
                return 1;
            }
            if (!probe.isDone()) {
                return 0;
            }
            tableProbe = null;
            if (join(probe, 0, "looking for the table's first commit").isEmpty()) {
                checkTableWait(now, null);
                nextResolveNs = now + tableProbeIntervalNs;
                return 1;
            }
        } else if (now - nextResolveNs < 0) {
            return 0;
        }
        StartResolver.Startup startup;
        try {
            startup = resolver.resolve(target, waitedForTable);
        } catch (TableNotFoundException e) {
            if (!waitingForTable) {
                waitingForTable = true;
                waitedForTable = true;
                tableWaitDeadlineNs = now + tableWaitNs;
            }
            checkTableWait(now, e);
            nextResolveNs = now + tableProbeIntervalNs;
            return 1;
        }
        waitingForTable = false;
        start = startup.start();
        tail = table.tail(startup.tailFrom());
        phase = Phase.TAILING;
        schedule.start(now);
        if (startup.firstCommit() != null) {
            enqueue(startup.firstCommit());
        }
        started = new Started(epoch, start);
        notifyApp = true;
        return 1;
    }

    private void checkTableWait(long now, Throwable cause) {
        if (now - tableWaitDeadlineNs >= 0) {
            throw ConsumerErrors.tableNeverAppeared(tableName, config.tableWaitTimeoutMs(), cause);
        }
    }

    /* ------------------------------- the log ------------------------------- */

    private int pollLog(long now) {
        int work = 0;
        CompletableFuture<Optional<Commit>> polled = logPoll;
        if (polled != null && polled.isDone()) {
            logPoll = null;
            work++;
            long version = tail.nextVersion();
            Optional<Commit> commit = join(polled, version, "reading the commit of version " + version);
            if (commit.isPresent()) {
                schedule.found(now);
                enqueue(commit.get());
            } else {
                if (pollKnewSuccessor) {
                    throw ConsumerErrors.logGap(tableName, version);
                }
                schedule.missed(now);
                if (gapProbe == null && schedule.gapProbeDue(now)) {
                    // Versions are created in order, so a successor with this version still missing is a gap.
                    gapProbeFor = version;
                    gapProbe = table.readCommit(version + 1);
                    gapProbe.whenComplete(wakeOnCompletion);
                    schedule.gapProbeSent(now);
                }
            }
        }
        CompletableFuture<Optional<Commit>> probe = gapProbe;
        if (probe != null && probe.isDone()) {
            gapProbe = null;
            work++;
            if (join(probe, gapProbeFor + 1, "probing version " + (gapProbeFor + 1)).isPresent()) {
                successorSeenFor = gapProbeFor;
                schedule.readNow(now); // look again at once: either it has landed meanwhile, or it is a gap
            }
        }
        if (logPoll == null && !stopReading && pipeline.size() < config.prefetchCommits() && schedule.readDue(now)) {
            pollKnewSuccessor = successorSeenFor == tail.nextVersion();
            CompletableFuture<Optional<Commit>> next = tail.poll(schedule.window(config.prefetchCommits() - pipeline.size()));
            prefetcher.retryMissingNamed();
            logPoll = next;
            next.whenComplete(wakeOnCompletion);
            work++;
        }
        return work;
    }

    private void enqueue(Commit commit) {
        long version = commit.version();
        if (version < start.version()) {
            return; // before the start: nothing of it is delivered and the position does not move
        }
        PendingCommit pending = new PendingCommit(version, version == start.version() ? start.index() : 0);
        Delivery delivery = commit.delivery();
        if (delivery == Delivery.GAINS_DATA) {
            prefetcher.fetchDataFiles(pending, commit.dataAdds());
        } else if (delivery == Delivery.REWRITE && !config.skipRewrites()) {
            // Raised when it reaches the head of the pipeline; skipped, it is a commit without rows.
            pending.failure = rewriteCommit(commit);
            stopReading = true; // nothing after it will be delivered
        }
        pipeline.addLast(pending);
        String next = commit.nextDataFile().orElse(null);
        if (next != null && !stopReading) {
            prefetcher.fetchNamed(next);
        }
    }

    private RewriteCommitException rewriteCommit(Commit commit) {
        int removes = 0;
        for (RemoveFile r : commit.removes()) {
            if (r.dataChange()) {
                removes++;
            }
        }
        String operation = commit.commitInfo().map(CommitInfo::operation).orElse(null);
        return ConsumerErrors.rewriteCommit(tableName, commit.version(), removes, operation);
    }

    /* ------------------------------- into the ring ------------------------------- */

    private int publish() {
        if (blockedNeedBytes > 0) {
            if (ring.capacity() - ring.size() < blockedNeedBytes) {
                return 0;
            }
            blockedNeedBytes = 0;
            waitingForSpace = false;
        }
        int budget = MAX_MESSAGES_PER_CYCLE;
        int work = 0;
        PendingCommit c;
        while (budget > 0 && (c = pipeline.peekFirst()) != null) {
            if (c.failure != null) {
                throw c.failure;
            }
            if (c.files != null) {
                while (c.fileIndex < c.files.length && budget > 0) {
                    int written = publishFile(c, budget);
                    if (written < 0) {
                        return work; // waiting for the file's bytes; its completion wakes us
                    }
                    budget -= written;
                    work += written;
                    if (blockedNeedBytes > 0) {
                        waitingForSpace = true;
                        return work;
                    }
                }
                if (c.fileIndex < c.files.length) {
                    break; // budget spent
                }
            }
            if (!writeCommitEnd(c.version)) {
                waitingForSpace = true;
                return work;
            }
            pipeline.pollFirst();
            work++;
        }
        return work;
    }

    /** Writes rows of the head commit's current file; -1 while its bytes are not there yet. */
    private int publishFile(PendingCommit c, int budget) {
        int k = c.fileIndex;
        LiveFile file = c.files[k];
        CompletableFuture<byte[]> f = c.data[k];
        if (f == null) {
            c.nextFile(c.rowsFromStats[k]); // not fetched: wholly before the start by its statistics
            return 0;
        }
        if (!f.isDone()) {
            return -1;
        }
        byte[] bytes;
        try {
            bytes = f.join();
        } catch (CompletionException | CancellationException e) {
            throw ConsumerErrors.readFailed(tableName, c.version, "reading data file " + file.path(), e);
        }
        long skipInFile = c.skip - c.indexBase;
        try {
            // A file larger than a cycle's budget is read in pieces from one open: each piece goes on
            // from the last instead of decoding the file again up to its first row.
            if (!reader.isOpen(bytes, 0, bytes.length)) {
                reader.open(bytes, 0, bytes.length, file.path());
            }
            if (c.nextRow == 0 && skipInFile > 0) {
                long rows = c.rowsFromStats[k] >= 0 ? c.rowsFromStats[k] : reader.rows();
                if (rows <= skipInFile) {
                    c.nextFile(rows);
                    return 0;
                }
                c.nextRow = (int) skipInFile;
            }
            if (reader.row() != c.nextRow) {
                reader.seek(c.nextRow); // forward to the start position, or back after rows the full ring turned away
            }
            int free = ring.capacity() - ring.size();
            int chunk = (int) Math.max(1, Math.min(budget, free / avgRecordBytes));
            writer.begin(c.version, c.indexBase, RingRecordDescriptor.typeId(epoch, RingRecordDescriptor.KIND_MESSAGE),
                    tableName, file.path());
            int decoded = reader.read(chunk, writer);
            int written = writer.written;
            if (written > 0) {
                avgRecordBytes = Math.max(16, (avgRecordBytes + writer.bytesWritten / written) / 2);
            }
            if (writer.fullAtRow >= 0) {
                c.nextRow = writer.fullAtRow;
                blockedNeedBytes = writer.neededBytes;
            } else {
                c.nextRow += decoded;
                if (decoded < chunk) {
                    c.nextFile(c.nextRow);
                }
            }
            return written;
        } catch (ConsumerException e) {
            throw e;
        } catch (RuntimeException e) {
            throw ConsumerErrors.cannotDecode(tableName, c.version, file.path(), e);
        }
    }

    private boolean writeCommitEnd(long version) {
        int at = ring.tryClaim(RingRecordDescriptor.typeId(epoch, RingRecordDescriptor.KIND_COMMIT_END),
                RingRecordDescriptor.COMMIT_END_LENGTH);
        if (at == RingBuffer.INSUFFICIENT_CAPACITY) {
            blockedNeedBytes = RingWriter.spaceNeeded(RingRecordDescriptor.COMMIT_END_LENGTH);
            return false;
        }
        ring.buffer().putLong(at, version);
        ring.commit(at);
        return true;
    }

    /* ------------------------------- failures ------------------------------- */

    private void fail(Throwable t) {
        ConsumerException error = t instanceof ConsumerException ce ? ce
                : ConsumerErrors.tailerStopped(tableName, currentVersion(), t);
        failure = new Failure(epoch, error);
        notifyApp = true;
        phase = Phase.FAILED;
        cancelAll();
    }

    /**
     * A failure reading the log: queued behind the commits already read, so that everything before
     * it is still delivered, and raised when it reaches the head of the pipeline.
     */
    private void failAfterPending(Throwable t) {
        long version = tail.nextVersion();
        ConsumerException error = t instanceof ConsumerException ce ? ce
                : ConsumerErrors.logReadFailed(tableName, version, t);
        pipeline.addLast(PendingCommit.failingWith(version, error));
        stopReading = true;
        cancelLogReads();
    }

    /** Called by the runner's error handler for anything that escaped {@link #doWork}. */
    void failFromRunner(Throwable t) {
        if (phase != Phase.FAILED) {
            fail(t);
        }
    }

    private long currentVersion() {
        PendingCommit head = pipeline.peekFirst();
        if (head != null) {
            return head.version;
        }
        if (tail != null) {
            return tail.nextVersion();
        }
        return start != null ? start.version() : -1;
    }

    /** The result of a GET that is done. */
    private <T> T join(CompletableFuture<T> done, long version, String what) {
        try {
            return done.join();
        } catch (CompletionException | CancellationException e) {
            throw ConsumerErrors.readFailed(tableName, version, what, e);
        }
    }

    /** Stops the reads of the log: the next commit's GET and the gap probe. */
    private void cancelLogReads() {
        if (logPoll != null) {
            logPoll.cancel(false);
            logPoll = null;
        }
        if (gapProbe != null) {
            gapProbe.cancel(false);
            gapProbe = null;
        }
    }

    private void cancelAll() {
        if (tableProbe != null) {
            tableProbe.cancel(false);
            tableProbe = null;
        }
        cancelLogReads();
        prefetcher.cancelAll(pipeline);
        pipeline.clear();
    }

    /* ------------------------------- helpers ------------------------------- */

    /** Writes decoded rows into the ring; remembers the first row that did not fit. */
    static final class RingWriter implements io.deltaq.deltalog.parquet.MessageHandler {
        private final OneToOneRingBuffer ring;
        private final AtomicBuffer buffer;
        private final int maxLength;
        private long version;
        private long indexBase;
        private int typeId;
        private String table;
        private String file;
        int written;
        /** Ring bytes taken by this chunk's records, headers and alignment included. */
        long bytesWritten;
        int fullAtRow;
        int neededBytes;

        RingWriter(OneToOneRingBuffer ring) {
            this.ring = ring;
            this.buffer = ring.buffer();
            this.maxLength = ring.maxMsgLength();
        }

        /** Free ring bytes that certainly take a record of {@code length}, even with padding at the wrap. */
        static int spaceNeeded(int length) {
            int aligned = BitUtil.align(length + RecordDescriptor.HEADER_LENGTH, RecordDescriptor.ALIGNMENT);
            return 2 * aligned + RecordDescriptor.HEADER_LENGTH;
        }

        void begin(long version, long indexBase, int typeId, String table, String file) {
            this.version = version;
            this.indexBase = indexBase;
            this.typeId = typeId;
            this.table = table;
            this.file = file;
            written = 0;
            bytesWritten = 0;
            fullAtRow = -1;
            neededBytes = 0;
        }

        @Override
        public void onMessage(int rowIndex, byte[] keyBuf, int keyOff, int keyLen,
                              byte[] valueBuf, int valueOff, int valueLen, long timestampMicros) {
            if (fullAtRow >= 0) {
                return; // the rest of this chunk is decoded again when there is room
            }
            long index = indexBase + rowIndex;
            if (index > Position.MAX_INDEX) {
                throw ConsumerErrors.tooManyRows(table, version);
            }
            int length = RingRecordDescriptor.messageLength(keyLen, valueLen);
            if (length > maxLength) {
                throw ConsumerErrors.messageTooLarge(table, version, index, file, length, keyLen, valueLen, maxLength,
                        ringBytesFor(length));
            }
            int at = ring.tryClaim(typeId, length);
            if (at == RingBuffer.INSUFFICIENT_CAPACITY) {
                fullAtRow = rowIndex;
                neededBytes = spaceNeeded(length);
                return;
            }
            AtomicBuffer b = buffer;
            b.putLong(at + VERSION_OFFSET, version);
            b.putLong(at + TIMESTAMP_OFFSET, timestampMicros);
            b.putInt(at + INDEX_OFFSET, (int) index);
            b.putInt(at + KEY_LENGTH_OFFSET, keyLen);
            b.putInt(at + VALUE_LENGTH_OFFSET, valueLen);
            int keyBytes = Math.max(keyLen, 0);
            if (keyBytes > 0) {
                b.putBytes(at + HEADER_LENGTH, keyBuf, keyOff, keyBytes);
            }
            if (valueLen > 0) {
                b.putBytes(at + HEADER_LENGTH + keyBytes, valueBuf, valueOff, valueLen);
            }
            ring.commit(at);
            written++;
            bytesWritten += BitUtil.align(length + RecordDescriptor.HEADER_LENGTH, RecordDescriptor.ALIGNMENT);
        }

        private static long ringBytesFor(int length) {
            long needed = 8L * length; // agrona takes records up to an eighth of the ring
            long p = Long.highestOneBit(needed);
            return p == needed ? p : p << 1;
        }
    }
}

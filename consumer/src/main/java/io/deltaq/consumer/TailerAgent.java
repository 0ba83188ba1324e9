package io.deltaq.consumer;

import io.deltaq.deltalog.Commit;
import io.deltaq.deltalog.Delivery;
import io.deltaq.deltalog.DeltaTable;
import io.deltaq.deltalog.LogTail;
import io.deltaq.deltalog.Position;
import io.deltaq.deltalog.TableNotFoundException;
import io.deltaq.deltalog.actions.CommitInfo;
import io.deltaq.deltalog.actions.RemoveFile;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer's tailing thread, as an agrona {@link Agent}: one duty cycle reads the clock once,
 * applies a pending seek, resolves the start (once), keeps the next commit GET in flight when the
 * {@link PollSchedule} says a read is due, has the {@link Prefetcher} fetch the data files of up to
 * {@code prefetch.commits} commits in parallel, and has the {@link RingPublisher} decode the head
 * commits' rows into the ring, at most {@link #MAX_MESSAGES_PER_CYCLE} per cycle. Between them it
 * keeps the table's state: the start, the log tail, the pipeline of commits read and not yet
 * published, the gap probe and the failure.
 *
 * <p>A version whose commit or data file maintenance removed is read from the compacted file
 * holding it, or found out of range, by {@link CompactedReads}.
 *
 * <p>It never waits on a future: it checks {@code isDone()} each cycle, and every future it waits
 * for unparks this thread when it completes, so an idle park never delays a result by a park period.
 * (The start's resolution and the lookup of a compacted file load snapshots, blocking.)
 * The application unparks it after draining a ring that was full, and on seek and close.
 *
 * <p>Storage faults that pass (throttling, 5xx, 409, timeouts) are waited out: every read goes
 * through {@link ReadRetry}, and a failed start is resolved again after a backoff, both within
 * {@code read.retry.timeout.ms}. A failed read leaves the tail where it was, so nothing is skipped or
 * delivered twice. Any other fault, or one outlasting that budget, stops the tail; it is published
 * with the seek epoch it happened in and thrown by the application's next {@code poll} once the ring
 * holds nothing older.
 */
final class TailerAgent implements Agent {

    private static final Logger LOG = LoggerFactory.getLogger(TailerAgent.class);

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
    private final String roleName;
    private final NanoClock clock;
    /** Between GETs of version 0 while waiting for the table to appear. */
    private final long tableProbeIntervalNs;
    private final long tableWaitNs;
    private final PollSchedule schedule;
    private final Prefetcher prefetcher;
    private final RingPublisher publisher;
    private final CompactedReads compacted;
    /** Every read of the log and of data files retries faults that pass, under read.retry.*. */
    private final ReadRetry reads;
    private final ConsumerMetrics metrics;
    /** The failures of the start's resolution (blocking reads) so far, retried on this thread's schedule. */
    private final ReadRetry.Budget resolveFailures;
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
    /** The lowest existing version after {@link #gapProbeFor}, or -1 when none was found. */
    private CompletableFuture<Long> gapProbe;
    private long gapProbeFor = -1;
    /** A version found missing while a later one, {@link #successorVersion}, exists. */
    private long successorSeenFor = -1;
    private long successorVersion = -1;
    private boolean stopReading;
    private final ArrayDeque<PendingCommit> pipeline = new ArrayDeque<>();
    private boolean notifyApp;

    TailerAgent(DeltaTable table, ConsumerConfig config, StartResolver resolver, OneToOneRingBuffer ring,
                String roleName, NanoClock clock, ReadRetry reads, ConsumerMetrics metrics) {
        this.table = table;
        this.tableName = table.location();
        this.config = config;
        this.resolver = resolver;
        this.roleName = roleName;
        this.clock = clock;
        this.tableProbeIntervalNs = TimeUnit.MILLISECONDS.toNanos(config.pollIntervalMs());
        this.tableWaitNs = TimeUnit.MILLISECONDS.toNanos(config.tableWaitTimeoutMs());
        this.schedule = PollSchedule.of(config);
        this.reads = reads;
        this.metrics = metrics;
        this.resolveFailures = reads.new Budget();
        this.prefetcher = new Prefetcher(table, config.prefetchCommits(), this::wakeTailer, reads);
        this.publisher = new RingPublisher(ring, tableName);
        this.compacted = new CompactedReads(table, config, reads, this::wakeTailer);
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
        publisher.close();
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
        compacted.cancel();
        successorSeenFor = -1;
        successorVersion = -1;
        resolveFailures.succeeded();
        publisher.restart(epoch);
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
                tableProbe = reads.read(() -> table.readCommit(0));
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
        } catch (RuntimeException e) {
            // Storage faults that pass (throttling, 5xx, timeouts) are waited out under read.retry.*;
            // anything else, or a fault outlasting the budget, is thrown from here and fails the consumer.
            nextResolveNs = now + resolveFailures.backoffAfter(e, now);
            return 1;
        }
        resolveFailures.succeeded();
        waitingForTable = false;
        start = startup.start();
        phase = Phase.TAILING;
        if (startup.retained()) {
            follow(compacted.at(startup.tailFrom(), start, startup.reset()), now);
        } else {
            if (startup.reset()) {
                moveTo(start);
            }
            tail = table.tail(startup.tailFrom());
            schedule.start(now);
        }
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
        if (compacted.pending()) {
            CompactedReads.Plan plan = compacted.lookUp(now);
            if (plan == null) {
                return 0;
            }
            follow(plan, now);
            work++;
        }
        CompletableFuture<Optional<Commit>> polled = logPoll;
        if (polled != null && polled.isDone()) {
            logPoll = null;
            work++;
            long version = tail.nextVersion();
            Optional<Commit> commit = join(polled, version, "reading the commit of version " + version);
            if (commit.isPresent()) {
                if (tail.lastPollReadAheadOfTheHead()) {
                    schedule.foundAtTheHead(now);
                } else {
                    schedule.found(now);
                }
                enqueue(commit.get());
            } else {
                if (pollKnewSuccessor) {
                    // Gone for good; log cleanup deletes compacted commits, whose rows are in a compacted file.
                    cancelLogReads();
                    compacted.request(new Position(version, version == start.version() ? start.index() : 0),
                            ConsumerErrors.logGap(tableName, version, successorVersion), null, now);
                    return work;
                }
                schedule.missed(now);
                if (gapProbe == null && schedule.gapProbeDue(now)) {
                    // Versions are created in order, so a later version with this one still missing is a
                    // gap. Mostly a GET of the next version; now and then a listing, which also finds
                    // later versions beyond two or more missing ones.
                    long missing = version;
                    gapProbeFor = missing;
                    gapProbe = schedule.gapProbeLists()
                            ? reads.read(() -> table.firstVersionAfter(missing))
                            : reads.read(() -> table.readCommit(missing + 1).thenApply(c -> c.isPresent() ? missing + 1 : -1L));
                    gapProbe.whenComplete(wakeOnCompletion);
                    schedule.gapProbeSent(now);
                }
            }
        }
        CompletableFuture<Long> probe = gapProbe;
        if (probe != null && probe.isDone()) {
            gapProbe = null;
            work++;
            long later = join(probe, gapProbeFor + 1, "looking for versions after " + gapProbeFor);
            if (later > gapProbeFor) {
                successorSeenFor = gapProbeFor;
                successorVersion = later;
                schedule.readNow(now); // look again at once: either it has landed meanwhile, or it is a gap
            }
        }
        if (logPoll == null && !stopReading && !compacted.pending() && pipeline.size() < config.prefetchCommits() && schedule.readDue(now)) {
            pollKnewSuccessor = successorSeenFor == tail.nextVersion();
            int window = schedule.window(config.prefetchCommits() - pipeline.size());
            LogTail following = tail;
            // A failed poll leaves the tail where it was, so sending it again neither skips nor repeats.
            CompletableFuture<Optional<Commit>> next = reads.read(() -> following.poll(window));
            prefetcher.retryMissingNamed();
            logPoll = next;
            next.whenComplete(wakeOnCompletion);
            work++;
        }
        return work;
    }

    /** Goes on where {@code plan} says: versions from a compacted file first, then the log after them. */
    private void follow(CompactedReads.Plan plan, long now) {
        if (plan.reset()) {
            moveTo(plan.from());
        }
        if (plan.range() != null) {
            compacted.enqueue(plan, pipeline);
        }
        tail = table.tailFrom(plan.tailFrom(), plan.snapshot());
        successorSeenFor = -1;
        successorVersion = -1;
        schedule.start(now);
    }

    /**
     * Moves the application's position to {@code position} where auto.offset.reset moved the tail:
     * the end of the version before it, with nothing delivered of it.
     */
    private void moveTo(Position position) {
        if (position.version() > 0) {
            pipeline.addLast(new PendingCommit(position.version() - 1, 0));
        }
    }

    private void enqueue(Commit commit) {
        long version = commit.version();
        if (version < start.version()) {
            return; // before the start: nothing of it is delivered and the position does not move
        }
        ConsumerMetrics.add(metrics.commitsRead, 1);
        metrics.newestVersionRead.lazySet(version);
        PendingCommit pending = new PendingCommit(version, version == start.version() ? start.index() : 0);
        Delivery delivery = commit.delivery();
        if (delivery == Delivery.GAINS_DATA) {
            pending.readNs = clock.nanoTime();
            Long written = commit.commitInfo().map(CommitInfo::timestamp).orElse(null);
            if (written != null) {
                metrics.stages.record(ConsumerMetrics.Stage.DISCOVERY,
                        TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis() - written));
            }
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

    /** Publishes the pipeline's head commits in order, at most {@link #MAX_MESSAGES_PER_CYCLE} rows. */
    private int publish() {
        if (!publisher.hasRoom()) {
            return 0;
        }
        if (waitingForSpace) {
            waitingForSpace = false;
        }
        int budget = MAX_MESSAGES_PER_CYCLE;
        int work = 0;
        PendingCommit c;
        while (budget > 0 && (c = pipeline.peekFirst()) != null) {
            if (c.failure != null) {
                throw c.failure;
            }
            int written = publisher.publish(c, budget);
            budget -= written;
            work += written;
            if (written > 0 && c.firstRowNs == 0) {
                c.firstRowNs = clock.nanoTime();
            }
            if (c.dataFileMissing != null) {
                readFromCompacted(c);
                return work + 1;
            }
            if (!c.published) {
                break; // the ring is full, the next file's bytes are not there yet, or the budget is spent
            }
            pipeline.pollFirst();
            if (c.readNs != 0 && c.firstRowNs != 0) {
                long now = clock.nanoTime();
                metrics.stages.record(ConsumerMetrics.Stage.FETCH, c.firstRowNs - c.readNs);
                metrics.stages.record(ConsumerMetrics.Stage.DECODE, now - c.firstRowNs);
            }
            work++;
        }
        if (publisher.blocked()) {
            waitingForSpace = true; // the application unparks this thread once it drained a full ring
        }
        return work;
    }

    /**
     * A data file of the head commit is gone (vacuum after a compaction): what is left of the commit
     * and everything after it is read again, from the compacted file holding the commit's rows.
     */
    private void readFromCompacted(PendingCommit c) {
        Position resume = new Position(c.version, (int) c.resumeIndex());
        String unusable = c.windowRows >= 0 ? c.files[c.fileIndex].path() : null; // the compacted file itself
        cancelLogReads();
        prefetcher.cancelAll(pipeline);
        pipeline.clear();
        compacted.request(resume, c.dataFileMissing, unusable, clock.nanoTime());
    }

    /* ------------------------------- failures ------------------------------- */

    private void fail(Throwable t) {
        ConsumerException error = t instanceof ConsumerException ce ? ce
                : ConsumerErrors.tailerStopped(tableName, currentVersion(), t);
        failure = new Failure(epoch, error);
        LOG.atError().setCause(error.getCause()).log("consumer of {} stopped: {}", tableName, error.getMessage());
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
}

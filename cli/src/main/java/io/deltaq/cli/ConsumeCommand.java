package io.deltaq.cli;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

import io.deltaq.consumer.ConsumedMessage;
import io.deltaq.consumer.Consumer;
import io.deltaq.consumer.ConsumerConfig;
import io.deltaq.consumer.ConsumerMetrics;
import io.deltaq.consumer.MessageHandler;
import io.deltaq.deltalog.DeltaTable;
import io.deltaq.deltalog.Position;
import io.deltaq.deltalog.TableNotFoundException;
import io.deltaq.s3io.ObjectStore;
import io.deltaq.topic.GroupConfig;
import io.deltaq.topic.GroupConsumer;
import io.deltaq.topic.GroupMessageHandler;
import io.deltaq.topic.GroupRebalanceListener;
import io.deltaq.topic.Topic;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

/**
 * {@code deltaq consume TABLE}: prints a table's messages on stdout as they are committed, one line
 * each ({@code --format raw}: the value; {@code jsonl}: a JSON object). Stops after {@code --max}
 * messages, after {@code --idle-exit-ms} without one, or on SIGINT/SIGTERM (in process: an
 * interrupt of the running thread); with {@code --name} it commits the position of what it has
 * written, periodically and when it stops, and the next run of that name resumes there. With
 * {@code --group} it reads a topic's partitions as a member of a consumer group
 * ({@link GroupConsumer}), committing each partition's position under the group; a topic of several
 * partitions can be read only so.
 *
 * <p>Output is flushed before every commit, so a committed position never runs ahead of what reached
 * stdout: a crash repeats at most the messages written since the last commit, it never skips any.
 */
final class ConsumeCommand implements Command {

    /** The consumer's ring: room for many messages of the largest size ({@code max.message.bytes}) at once. */
    static final int BUFFER_BYTES = 64 << 20;
    static final long DEFAULT_COMMIT_INTERVAL_MS = 1_000;
    private static final String GROUP = "group";
    private static final int POLL_LIMIT = 1_024;
    private static final int OUTPUT_BUFFER_BYTES = 64 * 1024;
    /** "Wait for the table to be created": long enough to be forever, short enough not to overflow. */
    private static final long TABLE_WAIT_FOREVER_MS = TimeUnit.DAYS.toMillis(365L * 100);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);
    private static final long API_TIMEOUT_MS = 30_000;
    /** Bound on an idle poll loop's park: the latency it may add to the first message after a pause. */
    private static final long MAX_IDLE_PARK_NS = TimeUnit.MILLISECONDS.toNanos(2);

    private final Map<String, String> env;

    ConsumeCommand() {
        this(System.getenv());
    }

    ConsumeCommand(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public String name() {
        return "consume";
    }

    @Override
    public String summary() {
        return "print a table's or topic's messages on stdout as they are committed (raw values or JSON lines)";
    }

    @Override
    public String description() {
        return """
                Prints each message as one line on stdout, in commit order, and follows the table until
                --max messages, --idle-exit-ms without a message, or Ctrl-C/SIGTERM. Waits for a table that
                does not exist yet. A summary line goes to stderr. On Ctrl-C or SIGTERM it stops, commits
                (with --name or --group) and exits with the signal's status (130, 143).

                --format raw: the value's bytes then '\\n', nothing else ('produce | consume --format raw'
                gives text back byte for byte, plus a final newline if the input lacked one).
                --format jsonl (default): one JSON object per message:
                  {"version":3,"index":0,"offset":50331648,"timestamp":"2024-05-01T12:00:00.123Z",
                   "key":"k","value":"hello"}
                version and index are the message's position (the commit that added it, its row in that
                commit), offset the two packed into one increasing number, timestamp the producer's time
                (ISO-8601 UTC). key and value are JSON strings of the UTF-8 text when the bytes are valid
                UTF-8; otherwise base64, flagged by "keyEncoding":"base64" / "valueEncoding":"base64"
                after the field. A null key is null. A message with headers has "headers":
                [{"key":"trace","value":"t-1"}, ...] in their order, values written as key and value are.
                'deltaq produce --format jsonl' reads these lines back.

                --name NAME stores the position after the last message written (in
                _deltaq/consumers/NAME/ under the table) every --commit-interval-ms and on exit, after
                flushing stdout; the next run with that NAME resumes there and --from is ignored. A run
                that writes nothing commits only if the table exists (recording where --from put it).

                --group GROUP reads a topic ('deltaq topic create') as a member of the consumer group GROUP:
                the members of a group split the topic's partitions between them, and each partition's
                position is stored under GROUP (in _deltaq/consumers/GROUP/ under the partition's table)
                every --commit-interval-ms, when a partition is handed to another member, and on exit,
                after flushing stdout; a partition without a stored position starts where --from says.
                Each jsonl object then begins with "partition":N, and order holds within a partition. The
                topic must exist (a plain table is a topic of one partition). A topic of several partitions
                is read only with --group; a topic of one partition without it is read as its table.
                --idle-exit-ms counts from the last message or the last partitions given to the member; a
                member given none waits at least one heartbeat (3 s) after joining the group for some.
                """ + TableAddress.HELP;
    }

    @Override
    public OptionParser options() {
        return TableAddress.declare(new OptionParser("deltaq consume")
                .positionals("TABLE", 1, 1)
                .value("from", "WHERE", "earliest (default), latest, a version, or an ISO-8601 instant; "
                        + "where a run (or partition) without a committed position starts")
                .value("max", "N", "exit after N messages")
                .value("name", "NAME", "commit positions under NAME and resume from them")
                .value(GROUP, "GROUP", "read a topic's partitions as a member of consumer group GROUP, committing"
                        + " each partition's position under GROUP")
                .value("format", "FORMAT", "jsonl (default) or raw")
                .value(Progress.OPTION, "WHEN", Progress.OPTION_HELP)
                .value("idle-exit-ms", "MS", "exit after MS milliseconds without a message")
                .value("commit-interval-ms", "MS", "with --name or --group, commit at most every MS ms while messages"
                        + " flow (default " + DEFAULT_COMMIT_INTERVAL_MS + ")"));
    }

    @Override
    public int run(ParsedOptions options, CommandIo io) throws Exception {
        OptionParser parser = options();
        String address = options.positionals().get(0);
        long max = options.longValue("max", 0, 1, Long.MAX_VALUE);
        long idleExitMs = options.longValue("idle-exit-ms", 0, 1, Long.MAX_VALUE / 1_000_000);
        long commitIntervalMs = options.longValue("commit-interval-ms", DEFAULT_COMMIT_INTERVAL_MS, 1,
                Long.MAX_VALUE / 1_000_000);
        String format = options.string("format", MessageFormat.JSONL).toLowerCase(Locale.ROOT);
        if (!List.of(MessageFormat.JSONL, MessageFormat.RAW).contains(format)) {
            throw parser.error("--format must be jsonl or raw, got '" + options.string("format").orElse("") + "'");
        }
        Optional<String> name = options.string("name");
        Optional<String> group = options.string(GROUP);
        if (name.isPresent() && group.isPresent()) {
            throw parser.error("--name and --group exclude each other: a group member commits each partition's"
                    + " position under the group's name");
        }
        if (name.isEmpty() && group.isEmpty() && options.has("commit-interval-ms")) {
            throw parser.error("--commit-interval-ms applies with --name or --group only");
        }
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BUFFER_BYTES, BUFFER_BYTES);
        config.put(ConsumerConfig.TABLE_WAIT_TIMEOUT_MS, TABLE_WAIT_FOREVER_MS);
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS, API_TIMEOUT_MS);
        checked(parser, config, "from", ConsumerConfig.START, options.string("from"), ConsumerConfig::new);
        checked(parser, config, "name", ConsumerConfig.CONSUMER_NAME, name, ConsumerConfig::new);
        checked(parser, config, GROUP, GroupConfig.GROUP_ID, group, GroupConfig::new);

        Progress progress = Progress.of(options, parser, io.err());
        ObjectStore store = TableAddress.open(address, options, parser, env);
        Settings settings = new Settings(store, address, MessageFormat.named(format), io, max, idleExitMs,
                commitIntervalMs, progress);
        Run run;
        try {
            run = group.isPresent() ? new GroupRun(settings, group.get(), config)
                    : new TableRun(settings, tablePath(store, name.isPresent(), parser), name.orElse(null), config);
        } catch (UsageException | RuntimeException e) {
            store.close();
            throw e;
        }
        Thread hook = new Thread(run::stopFromSignal, "deltaq-consume-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return run.loop();
        } finally {
            removeHook(hook);
        }
    }

    /**
     * Where the one table read without {@code --group} is: the store's root (a plain table, or
     * nothing yet: it is waited for), or the only partition of a topic of one. A topic of several
     * partitions has no one table to read or to store one position for.
     */
    private static String tablePath(ObjectStore store, boolean named, OptionParser parser) throws UsageException {
        Optional<Topic> topic = Topic.find(store, "");
        if (topic.isEmpty() || topic.get().plainTable()) {
            return "";
        }
        int partitions = topic.get().partitions();
        if (partitions > 1) {
            throw parser.error((named ? "--name stores the position in one table, and " : "") + "TABLE is a topic of "
                    + partitions + " partitions; read it as a member of a consumer group with --group GROUP, which"
                    + " stores each partition's position under GROUP");
        }
        return topic.get().partitionPath(0);
    }

    /**
     * Puts {@code --option}'s value under {@code key}, refusing what {@code validate} (a consumer's or
     * group's configuration) would refuse, in the option's words.
     */
    private static void checked(OptionParser parser, Map<String, Object> config, String option, String key,
            Optional<String> value, Function<Map<String, String>, ?> validate) throws UsageException {
        if (value.isEmpty()) {
            return;
        }
        try {
            validate.apply(Map.of(key, value.get()));
        } catch (IllegalArgumentException e) { // ConfigException among them
            // "consumer configuration: invalid value 'x' for 'start': <problem>": keep the problem.
            String message = String.valueOf(e.getMessage());
            String marker = "'" + key + "': ";
            int at = message.indexOf(marker);
            throw parser.error("--" + option + " '" + value.get() + "': "
                    + (at >= 0 ? message.substring(at + marker.length()) : message));
        }
        config.put(key, value.get());
    }

    /** What every run is given by the command line. */
    private record Settings(ObjectStore store, String address, MessageFormat format, CommandIo io, long max,
                            long idleExitMs, long commitIntervalMs, Progress progress) {
    }

    /**
     * One run: the poll loop on the command's thread; a signal's hook asks it to stop and waits. What
     * it reads from, and how positions are committed, is a subclass's: one table, or a group's partitions.
     */
    private abstract static class Run {
        final ObjectStore store;
        final String address;
        final MessageFormat format;
        final CommandIo io;
        final OutputStream out;
        final long max;
        final long idleExitNs;
        final long commitIntervalNs;
        final Thread poller = Thread.currentThread();
        final CountDownLatch done = new CountDownLatch(1);
        final Progress progress;
        volatile boolean stopping;
        long written;
        long writtenAtCommit = -1;
        IOException outputFailure;

        Run(Settings s) {
            this.progress = s.progress();
            this.store = s.store();
            this.address = s.address();
            this.format = s.format();
            this.io = s.io();
            this.out = new BufferedOutputStream(io.out(), OUTPUT_BUFFER_BYTES);
            this.max = s.max();
            this.idleExitNs = TimeUnit.MILLISECONDS.toNanos(s.idleExitMs());
            this.commitIntervalNs = TimeUnit.MILLISECONDS.toNanos(s.commitIntervalMs());
        }

        /** Hands up to {@code limit} messages to {@link #write}; how many. */
        abstract int poll(int limit);

        /** Whether positions are committed at all ({@code --name}, {@code --group}). */
        abstract boolean commits();

        /** Commits the position of everything written, which has been flushed. */
        abstract void commitPositions();

        /** Whether to commit at exit, with nothing written since the last commit. */
        abstract boolean commitsAtExitWithoutNews(RuntimeException failure);

        /** Whether {@code --idle-exit-ms} has run out at {@code now}. */
        abstract boolean idleLongEnough(long now, long lastMessageNs);

        /** Waits, before the first poll, until what is read from knows where it starts; only with {@code --idle-exit-ms}. */
        abstract void awaitStart();

        /** The progress line's figures after the count and rate. */
        abstract String progressDetail();

        /** What the summary says after {@code N messages from ADDRESS}. */
        abstract String summaryDetail();

        /** Closes what is read from (not the store). */
        abstract void closeSource();

        final void write(int partition, ConsumedMessage message) {
            try {
                format.write(partition, message, out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            written++;
        }

        int loop() {
            progress.start(); // what is read from is open
            IdleStrategy idle = new BackoffIdleStrategy(20, 10, TimeUnit.MICROSECONDS.toNanos(1), MAX_IDLE_PARK_NS);
            long nextCommitNs = System.nanoTime() + commitIntervalNs;
            long lastMessageNs = 0;
            RuntimeException failure = null;
            String ending = null;
            try {
                if (idleExitNs > 0) {
                    awaitStart();
                }
                lastMessageNs = System.nanoTime();
                while (true) {
                    if (stopping || Thread.currentThread().isInterrupted()) {
                        ending = "stopped";
                        break;
                    }
                    int limit = max > 0 ? (int) Math.min(POLL_LIMIT, max - written) : POLL_LIMIT;
                    int n = poll(limit);
                    long now = System.nanoTime();
                    if (progress.due()) {
                        showProgress();
                    }
                    if (n > 0) {
                        idle.reset();
                        lastMessageNs = now;
                        if (max > 0 && written >= max) {
                            break;
                        }
                    } else {
                        if (!flush()) {
                            break;
                        }
                        if (idleExitNs > 0 && idleLongEnough(now, lastMessageNs)) {
                            ending = "idle";
                            break;
                        }
                        idle.idle();
                    }
                    // Only after messages: before any, the start may not be resolved (a missing table).
                    if (commits() && now - nextCommitNs >= 0 && written > 0 && written > writtenAtCommit) {
                        if (!flush()) {
                            break;
                        }
                        commit();
                        nextCommitNs = now + commitIntervalNs;
                    }
                }
            } catch (UncheckedIOException e) {
                outputFailure = e.getCause();
            } catch (RuntimeException e) {
                failure = e; // the consumer stopped; what was written before still gets committed
            }
            // A stop request by interrupt has been seen; waits below must not be cut short by it.
            boolean interrupted = Thread.interrupted();
            try {
                return finish(ending, failure);
            } finally {
                done.countDown();
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        private void showProgress() {
            progress.show(String.format(Locale.ROOT, "%,d received, %,.0f msg/s, ", written, progress.rate(written))
                    + progressDetail());
        }

        private int finish(String ending, RuntimeException failure) {
            if (progress.isOn()) {
                showProgress(); // the final figures
            }
            progress.end();
            RuntimeException commitFailure = null;
            try {
                if (flush() && commits() && shouldCommitAtExit(failure)) {
                    commit();
                }
            } catch (RuntimeException e) {
                commitFailure = e;
            } finally {
                try {
                    closeSource();
                } finally {
                    store.close();
                }
            }
            StringBuilder line = new StringBuilder("deltaq consume: ").append(written)
                    .append(written == 1 ? " message" : " messages").append(" from ").append(address)
                    .append(summaryDetail());
            if ("idle".equals(ending)) {
                line.append(" (idle, exiting)");
            } else if ("stopped".equals(ending)) {
                line.append(" (stopped)");
            }
            io.err().println(line);
            if (outputFailure != null) {
                io.err().println("deltaq consume: writing to stdout failed (" + outputFailure.getMessage()
                        + "); the position of what was not written is not committed");
                return FAILED;
            }
            if (failure != null) {
                throw failure;
            }
            if (commitFailure != null) {
                throw commitFailure;
            }
            return OK;
        }

        /** At exit: after any message written since the last commit; otherwise as the subclass says. */
        private boolean shouldCommitAtExit(RuntimeException failure) {
            if (written > writtenAtCommit && written > 0) {
                return true;
            }
            return commitsAtExitWithoutNews(failure);
        }

        final void commit() {
            commitPositions();
            writtenAtCommit = written;
        }

        /** Flushes stdout; false (and remembers why) if it failed, e.g. a closed pipe. */
        final boolean flush() {
            if (outputFailure != null) {
                return false;
            }
            try {
                out.flush();
            } catch (IOException e) {
                outputFailure = e;
                return false;
            }
            if (io.out().checkError()) {
                outputFailure = new IOException("the stream reports an error (closed pipe?)");
                return false;
            }
            return true;
        }

        /** The shutdown hook: asks the poll loop to stop, then waits while it commits and closes. */
        void stopFromSignal() {
            stopping = true;
            LockSupport.unpark(poller);
            try {
                // The consumer is single-threaded by contract: the loop's thread closes it. If that
                // thread is stuck (stdout blocked), give up after the close and commit budgets.
                done.await(CLOSE_TIMEOUT.toMillis() + API_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** One table, through a {@link Consumer}; with {@code --name} its position is committed under that name. */
    private static final class TableRun extends Run implements MessageHandler {
        private static final long HEAD_LISTING_INTERVAL_NS = TimeUnit.SECONDS.toNanos(2);
        private final Consumer consumer;
        /** The table, for what the consumer does not tell: whether it exists yet, and its latest version. */
        private final DeltaTable table;
        private final String name;
        private Position committed;
        /** The table's latest version at the last listing for the progress line, and when that was. */
        private long listedHead = -1;
        private long headListedNs;

        TableRun(Settings settings, String tablePath, String name, Map<String, Object> config) {
            super(settings);
            this.table = DeltaTable.at(store, tablePath);
            this.name = name;
            this.consumer = Consumer.create(store, tablePath, config);
        }

        @Override
        public void onMessage(ConsumedMessage message) {
            write(MessageFormat.NO_PARTITION, message);
        }

        @Override
        int poll(int limit) {
            return consumer.poll(this, limit);
        }

        @Override
        boolean commits() {
            return name != null;
        }

        @Override
        void commitPositions() {
            consumer.commitSync();
            committed = consumer.committed().orElse(null);
        }

        /**
         * When nothing was written at all, if the table exists, so that the run's start (e.g. --from
         * latest) is remembered.
         */
        @Override
        boolean commitsAtExitWithoutNews(RuntimeException failure) {
            if (written > 0 || failure != null || writtenAtCommit >= 0) {
                return false;
            }
            return tableExists();
        }

        @Override
        boolean idleLongEnough(long now, long lastMessageNs) {
            return now - lastMessageNs >= idleExitNs;
        }

        /**
         * The idle time counts from when the consumer knows where it starts, so that a cold start
         * (loading the snapshot) is not mistaken for a quiet table.
         */
        @Override
        void awaitStart() {
            if (tableExists()) { // else nothing to resolve yet; idle from now
                consumer.position();
            }
        }

        private boolean tableExists() {
            try {
                table.latestVersion();
                return true;
            } catch (TableNotFoundException e) {
                return false;
            }
        }

        /**
         * Lag is the table's newest version less the position's, like Kafka's log end offset less the
         * position but in versions: the newest the tailer read, or the table's latest from a listing
         * at most every {@link #HEAD_LISTING_INTERVAL_NS} (a tailer catching up reads only a window
         * ahead). Shown only while the line is on, so a piped consume never lists for it.
         */
        @Override
        String progressDetail() {
            ConsumerMetrics m = consumer.metrics();
            long position = m.positionVersion();
            if (position < 0) {
                return "position not yet known";
            }
            long now = System.nanoTime();
            if (headListedNs == 0 || now - headListedNs >= HEAD_LISTING_INTERVAL_NS) {
                headListedNs = now;
                try {
                    listedHead = table.latestVersion();
                } catch (RuntimeException e) {
                    // A progress line is no reason to fail a consume: keep the last figure.
                }
            }
            long head = Math.max(listedHead, m.newestVersionRead());
            return String.format(Locale.ROOT, "position version %d, lag %,d version(s)", position,
                    Math.max(0, head - position));
        }

        @Override
        String summaryDetail() {
            return committed == null ? "" : ", position " + committed.version() + ':' + committed.index()
                    + " committed as '" + name + '\'';
        }

        @Override
        void closeSource() {
            consumer.close(CLOSE_TIMEOUT);
        }
    }

    /**
     * A member of a consumer group, through a {@link GroupConsumer}: the partitions it is given, each
     * message written with its partition, every partition's position committed under the group.
     */
    private static final class GroupRun extends Run implements GroupMessageHandler, GroupRebalanceListener {
        /** How long a member given no partition waits for one after joining: the next heartbeat may give it some. */
        private static final long JOIN_GRACE_NS = TimeUnit.MILLISECONDS.toNanos(GroupConfig.HEARTBEAT_INTERVAL_MS_DEFAULT);

        private final GroupConsumer group;
        private final String groupId;
        private Set<Integer> committed;
        /** When the member was last given partitions, and when it first saw the group's members; 0 before. */
        private long givenNs;
        private long joinedNs;

        GroupRun(Settings settings, String groupId, Map<String, Object> config) {
            super(settings);
            this.groupId = groupId;
            // This run hears rebalances only inside the group's poll, on this thread, once constructed.
            // BUFFER_BYTES is the member's whole: the group consumer splits it between the partitions.
            this.group = GroupConsumer.create(store, "", config, this);
        }

        @Override
        public void onMessage(int partition, ConsumedMessage message) {
            write(partition, message);
        }

        @Override
        int poll(int limit) {
            return group.poll(this, limit);
        }

        @Override
        public void onPartitionsAssigned(Set<Integer> partitions) {
            givenNs = System.nanoTime(); // their starts are resolved: each was claimed at its position
        }

        /**
         * The lease is still held: what was written of these partitions is committed, so that their
         * next member starts after it instead of delivering it again.
         */
        @Override
        public void onPartitionsRevoked(Set<Integer> partitions) {
            if (flush() && written > writtenAtCommit && written > 0) {
                commit();
            }
        }

        @Override
        boolean commits() {
            return true;
        }

        @Override
        void commitPositions() {
            group.commitSync();
            committed = group.assignment();
        }

        /** Nothing to remember: each partition's start was committed when the member claimed it. */
        @Override
        boolean commitsAtExitWithoutNews(RuntimeException failure) {
            return false;
        }

        /**
         * Idle from the last message or the last partitions given. A member given none is not idle
         * before it joined (saw the members, then takes its partitions' leases), nor for a heartbeat
         * after, which may give it some.
         */
        @Override
        boolean idleLongEnough(long now, long lastMessageNs) {
            if (joinedNs == 0 && !group.members().isEmpty()) {
                joinedNs = now;
            }
            if (givenNs == 0 && (joinedNs == 0 || now - joinedNs < JOIN_GRACE_NS)) {
                return false;
            }
            return now - Math.max(lastMessageNs, givenNs) >= idleExitNs;
        }

        /** The starts are resolved as partitions are given, inside poll; {@link #idleLongEnough} waits for them. */
        @Override
        void awaitStart() {
        }

        @Override
        String progressDetail() {
            return "group '" + groupId + "', partitions " + group.assignment();
        }

        @Override
        String summaryDetail() {
            return " in group '" + groupId + "'" + (committed == null ? "" : ", positions of partitions " + committed
                    + " committed");
        }

        @Override
        void closeSource() {
            group.close(CLOSE_TIMEOUT);
        }
    }

    /** Unregisters the hook unless the JVM is already running it. */
    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shutdownInProgress) {
            // The hook is waiting for this run to end.
        }
    }
}

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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.deltaq.consumer.ConsumedMessage;
import io.deltaq.consumer.Consumer;
import io.deltaq.consumer.ConsumerConfig;
import io.deltaq.consumer.ConsumerMetrics;
import io.deltaq.consumer.MessageHandler;
import io.deltaq.deltalog.DeltaTable;
import io.deltaq.deltalog.Position;
import io.deltaq.deltalog.TableNotFoundException;
import io.deltaq.s3io.ObjectStore;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

/**
 * {@code deltaq consume TABLE}: prints a table's messages on stdout as they are committed, one line
 * each ({@code --format raw}: the value; {@code jsonl}: a JSON object). Stops after {@code --max}
 * messages, after {@code --idle-exit-ms} without one, or on SIGINT/SIGTERM (in process: an
 * interrupt of the running thread); with {@code --name} it commits the position of what it has
 * written, periodically and when it stops, and the next run of that name resumes there.
 *
 * <p>Output is flushed before every commit, so a committed position never runs ahead of what reached
 * stdout: a crash repeats at most the messages written since the last commit, it never skips any.
 */
final class ConsumeCommand implements Command {

    /** The consumer's ring: takes a message of up to 8 MiB, what {@code deltaq produce} sends at most. */
    static final int BUFFER_BYTES = 64 << 20;
    static final long DEFAULT_COMMIT_INTERVAL_MS = 1_000;
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
        return "print a table's messages on stdout as they are committed (raw values or JSON lines)";
    }

    @Override
    public String description() {
        return """
                Prints each message as one line on stdout, in commit order, and follows the table until
                --max messages, --idle-exit-ms without a message, or Ctrl-C/SIGTERM. Waits for a table that
                does not exist yet. A summary line goes to stderr. On Ctrl-C or SIGTERM it stops, commits
                (with --name) and exits with the signal's status (130, 143).

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
                """ + TableAddress.HELP;
    }

    @Override
    public OptionParser options() {
        return TableAddress.declare(new OptionParser("deltaq consume")
                .positionals("TABLE", 1, 1)
                .value("from", "WHERE", "earliest (default), latest, a version, or an ISO-8601 instant; "
                        + "where a run without a committed position starts")
                .value("max", "N", "exit after N messages")
                .value("name", "NAME", "commit positions under NAME and resume from them")
                .value("format", "FORMAT", "jsonl (default) or raw")
                .value(Progress.OPTION, "WHEN", Progress.OPTION_HELP)
                .value("idle-exit-ms", "MS", "exit after MS milliseconds without a message")
                .value("commit-interval-ms", "MS", "with --name, commit at most every MS ms while messages flow"
                        + " (default " + DEFAULT_COMMIT_INTERVAL_MS + ")"));
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
        if (name.isEmpty() && options.has("commit-interval-ms")) {
            throw parser.error("--commit-interval-ms applies with --name only");
        }
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BUFFER_BYTES, BUFFER_BYTES);
        config.put(ConsumerConfig.TABLE_WAIT_TIMEOUT_MS, TABLE_WAIT_FOREVER_MS);
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS, API_TIMEOUT_MS);
        checked(parser, config, "from", ConsumerConfig.START, options.string("from"));
        checked(parser, config, "name", ConsumerConfig.CONSUMER_NAME, name);

        Progress progress = Progress.of(options, parser, io.err());
        ObjectStore store = TableAddress.open(address, options, parser, env);
        Consumer consumer;
        try {
            consumer = Consumer.create(store, "", config);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        Run run = new Run(consumer, store, address, name.orElse(null), MessageFormat.named(format), io,
                max, idleExitMs, commitIntervalMs, progress);
        Thread hook = new Thread(run::stopFromSignal, "deltaq-consume-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return run.loop();
        } finally {
            removeHook(hook);
        }
    }

    /** Puts {@code --option}'s value under {@code key}, refusing what the consumer would refuse, in the option's words. */
    private static void checked(OptionParser parser, Map<String, Object> config, String option, String key,
            Optional<String> value) throws UsageException {
        if (value.isEmpty()) {
            return;
        }
        try {
            new ConsumerConfig(Map.of(key, value.get()));
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

    /** One run: the poll loop on the command's thread; a signal's hook asks it to stop and waits. */
    private static final class Run implements MessageHandler {
        private final Consumer consumer;
        private final ObjectStore store;
        private final String address;
        private final String name;
        private final MessageFormat format;
        private final CommandIo io;
        private final OutputStream out;
        private final long max;
        private final long idleExitNs;
        private final long commitIntervalNs;
        private final Thread poller = Thread.currentThread();
        private final CountDownLatch done = new CountDownLatch(1);
        private final Progress progress;
        private volatile boolean stopping;
        private long written;
        private long writtenAtCommit = -1;
        private Position committed;
        private IOException outputFailure;

        Run(Consumer consumer, ObjectStore store, String address, String name, MessageFormat format, CommandIo io,
                long max, long idleExitMs, long commitIntervalMs, Progress progress) {
            this.consumer = consumer;
            this.progress = progress;
            progress.start();
            this.store = store;
            this.address = address;
            this.name = name;
            this.format = format;
            this.io = io;
            this.out = new BufferedOutputStream(io.out(), OUTPUT_BUFFER_BYTES);
            this.max = max;
            this.idleExitNs = TimeUnit.MILLISECONDS.toNanos(idleExitMs);
            this.commitIntervalNs = TimeUnit.MILLISECONDS.toNanos(commitIntervalMs);
        }

        @Override
        public void onMessage(ConsumedMessage message) {
            try {
                format.write(message, out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            written++;
        }

        int loop() {
            IdleStrategy idle = new BackoffIdleStrategy(20, 10, TimeUnit.MICROSECONDS.toNanos(1), MAX_IDLE_PARK_NS);
            long nextCommitNs = System.nanoTime() + commitIntervalNs;
            long lastMessageNs = 0;
            RuntimeException failure = null;
            String ending = null;
            try {
                if (idleExitNs > 0) {
                    awaitStartIfTableExists();
                }
                lastMessageNs = System.nanoTime();
                while (true) {
                    if (stopping || Thread.currentThread().isInterrupted()) {
                        ending = "stopped";
                        break;
                    }
                    int limit = max > 0 ? (int) Math.min(POLL_LIMIT, max - written) : POLL_LIMIT;
                    int n = consumer.poll(this, limit);
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
                        if (idleExitNs > 0 && now - lastMessageNs >= idleExitNs) {
                            ending = "idle";
                            break;
                        }
                        idle.idle();
                    }
                    // Only after messages: before any, the start may not be resolved (a missing table).
                    if (name != null && now - nextCommitNs >= 0 && written > 0 && written > writtenAtCommit) {
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

        /**
         * The idle time counts from when the consumer knows where it starts, so that a cold start
         * (loading the snapshot) is not mistaken for a quiet table.
         */
        private void awaitStartIfTableExists() {
            try {
                DeltaTable.at(store, "").latestVersion();
            } catch (TableNotFoundException e) {
                return; // nothing to resolve yet; idle from now
            }
            consumer.position();
        }

        private void showProgress() {
            ConsumerMetrics m = consumer.metrics();
            long position = m.positionVersion();
            progress.show(String.format(Locale.ROOT, "%,d received, %,.0f msg/s, position %s, %,d version(s) read ahead",
                    written, progress.rate(written), position < 0 ? "not yet known" : "version " + position,
                    m.versionsAhead()));
        }

        private int finish(String ending, RuntimeException failure) {
            if (progress.isOn()) {
                showProgress(); // the final figures
            }
            progress.end();
            RuntimeException commitFailure = null;
            try {
                if (flush() && name != null && shouldCommitAtExit(failure)) {
                    commit();
                }
            } catch (RuntimeException e) {
                commitFailure = e;
            } finally {
                try {
                    consumer.close(CLOSE_TIMEOUT);
                } finally {
                    store.close();
                }
            }
            StringBuilder line = new StringBuilder("deltaq consume: ").append(written)
                    .append(written == 1 ? " message" : " messages").append(" from ").append(address);
            if (committed != null) {
                line.append(", position ").append(committed.version()).append(':').append(committed.index())
                        .append(" committed as '").append(name).append('\'');
            }
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

        /**
         * At exit: after any message written since the last commit; and, when nothing was written at
         * all, if the table exists, so that the run's start (e.g. --from latest) is remembered.
         */
        private boolean shouldCommitAtExit(RuntimeException failure) {
            if (written > writtenAtCommit && written > 0) {
                return true;
            }
            if (written > 0 || failure != null || writtenAtCommit >= 0) {
                return false;
            }
            try {
                DeltaTable.at(store, "").latestVersion();
                return true;
            } catch (TableNotFoundException e) {
                return false;
            }
        }

        private void commit() {
            consumer.commitSync();
            committed = consumer.committed().orElse(null);
            writtenAtCommit = written;
        }

        /** Flushes stdout; false (and remembers why) if it failed, e.g. a closed pipe. */
        private boolean flush() {
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

    /** Unregisters the hook unless the JVM is already running it. */
    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shutdownInProgress) {
            // The hook is waiting for this run to end.
        }
    }
}

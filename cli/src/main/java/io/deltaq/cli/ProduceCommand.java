package io.deltaq.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import io.deltaq.deltalog.Header;
import io.deltaq.producer.AckListener;
import io.deltaq.producer.Producer;
import io.deltaq.producer.ProducerConfig;
import io.deltaq.s3io.ObjectStore;

/**
 * {@code deltaq produce TABLE}: sends the lines of stdin, or {@code --count} generated messages, to a
 * table (creating it if needed), waits until every message is committed, and prints a one-line
 * summary on stderr. Exit status 0 only when every message was acknowledged.
 *
 * <p>Lines are split on {@code \n} only: a message's value is exactly the bytes between two newlines
 * ({@code \r}, tabs, any bytes included; an empty line is an empty message). A last line without a
 * final newline is sent as a message too, so {@code consume --format raw}, which ends every message
 * with a newline, gives the input back with a newline added at the end.
 */
final class ProduceCommand implements Command {

    /**
     * Most key plus value bytes of one message: what a producer's default buffer takes (an eighth of
     * 64 MiB, less its record header), and what {@code deltaq consume}'s buffer takes back.
     */
    static final int MAX_MESSAGE_BYTES = 8 * 1024 * 1024 - 64;
    static final int DEFAULT_SIZE = 100;
    private static final long MAX_RATE = 100_000_000L;
    private static final int READ_BUFFER_BYTES = 64 * 1024;
    /** Longest wait for the last commits: a failing batch gives up after delivery.timeout.ms (default 120 s). */
    private static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(150);
    private static final long BACK_PRESSURE_PARK_NS = 50_000;
    private static final byte[] FILL = "abcdefghijklmnopqrstuvwxyz".getBytes(StandardCharsets.US_ASCII);

    private final Map<String, String> env;

    ProduceCommand() {
        this(System.getenv());
    }

    ProduceCommand(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public String name() {
        return "produce";
    }

    @Override
    public String summary() {
        return "send stdin lines (or --count generated messages) to a table and wait until they are committed";
    }

    @Override
    public String description() {
        return """
                Without --count, every line of stdin becomes one message: the value is the line's bytes
                without its newline ('\\n'), exactly (a '\\r' before it stays; an empty line is an empty
                message; a last line without a newline is sent too). With --format jsonl, every line is a
                JSON object as 'consume --format jsonl' writes it: "value" required, "key", "timestamp"
                and "headers" ([{"key":"k","value":"v"}, ...]) optional, base64 flagged as there; a line
                that is not stops the input with an error naming its number. With --count, sends N generated
                messages of --size bytes (the message number, a space, then letters), paced at --rate
                messages/s when given, else as fast as the producer takes them. Creates the table if it
                does not exist. Waits until every message is committed, then prints one line on stderr:
                messages acknowledged, commits, elapsed time. Exit status 0 only when every message was
                acknowledged, 1 otherwise. Ctrl-C or SIGTERM stops reading, commits what was read and
                prints the summary; the exit status is then the signal's (130, 143).
                """ + TableAddress.HELP + """

                Example: printf 'a\\nb\\n' | deltaq produce /tmp/topic""";
    }

    @Override
    public OptionParser options() {
        return TableAddress.declare(new OptionParser("deltaq produce")
                .positionals("TABLE", 1, 1)
                .value("count", "N", "send N generated messages instead of reading stdin")
                .value("rate", "R", "send at most R messages per second (default: as fast as possible)")
                .value("size", "B", "bytes per generated message, with --count (default " + DEFAULT_SIZE + ")")
                .value("key", "K", "the key of every message, as UTF-8 (default: no key)")
                .value("format", "FORMAT", "raw (default): each stdin line is a value; jsonl: each line a JSON object"
                        + " as consume --format jsonl writes (value, key, timestamp, headers)")
                .value(Progress.OPTION, "WHEN", Progress.OPTION_HELP)
                .value("producer-id", "ID", "the producer id in each commit's txn action (default: random)"));
    }

    @Override
    public int run(ParsedOptions options, CommandIo io) throws Exception {
        OptionParser parser = options();
        String address = options.positionals().get(0);
        boolean generate = options.has("count");
        long count = options.longValue("count", 0, 0, Long.MAX_VALUE);
        long rate = options.longValue("rate", 0, 1, MAX_RATE);
        if (options.has("size") && !generate) {
            throw parser.error("--size applies to generated messages (--count); stdin lines are sent as they are");
        }
        int size = options.intValue("size", DEFAULT_SIZE, 0, MAX_MESSAGE_BYTES);
        String format = options.string("format", MessageFormat.RAW).toLowerCase(Locale.ROOT);
        if (!List.of(MessageFormat.RAW, MessageFormat.JSONL).contains(format)) {
            throw parser.error("--format must be raw or jsonl, got '" + options.string("format").orElse("") + "'");
        }
        boolean jsonl = format.equals(MessageFormat.JSONL);
        if (jsonl && (generate || options.has("key"))) {
            throw parser.error("--format jsonl reads each message's key from its line; it takes neither --count nor --key");
        }
        byte[] key = options.string("key").map(k -> k.getBytes(StandardCharsets.UTF_8)).orElse(null);
        int keyLength = key == null ? 0 : key.length;
        if (keyLength + size > MAX_MESSAGE_BYTES) {
            throw parser.error("--key and --size together exceed " + MAX_MESSAGE_BYTES + " bytes per message");
        }
        Map<String, Object> config = new java.util.HashMap<>();
        options.string("producer-id").ifPresent(id -> config.put(ProducerConfig.PRODUCER_ID, id));

        Progress progress = Progress.of(options, parser, io.err());
        ObjectStore store = TableAddress.open(address, options, parser, env);
        Acks acks = new Acks();
        Producer producer;
        try {
            producer = Producer.create(store, "", config, acks);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        Run run = new Run(producer, store, acks, address, io, Thread.currentThread(), progress);
        Thread hook = new Thread(run::stopFromSignal, "deltaq-produce-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            Pacer pacer = new Pacer(rate);
            if (generate) {
                run.sendGenerated(count, size, key, pacer);
            } else {
                run.sendLines(io.in(), key, pacer, jsonl);
            }
        } finally {
            // Interrupted in process (the stand-in for a signal): commit what was accepted all the same.
            boolean interrupted = Thread.interrupted();
            try {
                run.finish();
            } finally {
                removeHook(hook);
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        return run.status();
    }

    /** Counts acknowledgements on the commit thread. */
    private static final class Acks implements AckListener {
        final AtomicLong acknowledged = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicReference<Throwable> firstFailure = new AtomicReference<>();

        @Override
        public void onAcknowledged(long sequence, long version, int index) {
            acknowledged.incrementAndGet();
        }

        @Override
        public void onFailed(long sequence, Throwable cause) {
            failed.incrementAndGet();
            firstFailure.compareAndSet(null, cause);
        }
    }

    /** Spaces sends {@code 1/rate} s apart from the first; a late sender catches up at once. */
    private static final class Pacer {
        private final double intervalNs;
        private long startNs;
        private long sent;

        Pacer(long rate) {
            this.intervalNs = rate == 0 ? 0 : 1e9 / rate;
        }

        /** Waits until the next message is due; false if interrupted while waiting. */
        boolean awaitNext() {
            if (intervalNs == 0) {
                return true;
            }
            long now = System.nanoTime();
            if (sent == 0) {
                startNs = now;
            }
            long due = startNs + (long) (sent * intervalNs);
            sent++;
            while (now - due < 0) {
                LockSupport.parkNanos(due - now);
                if (Thread.currentThread().isInterrupted()) {
                    return false;
                }
                now = System.nanoTime();
            }
            return true;
        }
    }

    /** One run: the sending loop on the command's thread, the ending shared with a signal's hook. */
    private static final class Run {
        private final Producer producer;
        private final ObjectStore store;
        private final Acks acks;
        private final String address;
        private final CommandIo io;
        private final Thread sender;
        private final Progress progress;
        private final long startNs = System.nanoTime();
        private volatile boolean stopping;
        /** Written by the sender, read by a signal's hook. */
        private volatile long sent;
        private volatile String problem;
        private boolean finished;
        private int status = FAILED;

        Run(Producer producer, ObjectStore store, Acks acks, String address, CommandIo io, Thread sender,
                Progress progress) {
            this.producer = producer;
            this.progress = progress;
            progress.start();
            this.store = store;
            this.acks = acks;
            this.address = address;
            this.io = io;
            this.sender = sender;
        }

        void sendGenerated(long count, int size, byte[] key, Pacer pacer) {
            byte[] value = new byte[size];
            for (int i = 0; i < size; i++) {
                value[i] = FILL[i % FILL.length];
            }
            int keyLength = key == null ? 0 : key.length;
            for (long n = 0; n < count; n++) {
                if (!pacer.awaitNext()) {
                    return;
                }
                writeNumber(value, n);
                if (!offer(key, keyLength, value, 0, size)) {
                    return;
                }
            }
        }

        /** Writes {@code n} in decimal and a space at the start of {@code value}, as far as it reaches. */
        private static void writeNumber(byte[] value, long n) {
            int digits = 1;
            for (long rest = n; rest >= 10; rest /= 10) {
                digits++;
            }
            if (digits < value.length) {
                value[digits] = ' ';
            }
            long rest = n;
            for (int i = digits - 1; i >= 0; i--) {
                if (i < value.length) {
                    value[i] = (byte) ('0' + rest % 10);
                }
                rest /= 10;
            }
        }

        void sendLines(InputStream in, byte[] key, Pacer pacer, boolean jsonl) throws IOException {
            int keyLength = key == null ? 0 : key.length;
            LineReader lines = new LineReader(in);
            try {
                while (lines.next()) {
                    if (jsonl) {
                        if (!sendJson(lines, pacer)) {
                            return;
                        }
                        continue;
                    }
                    if (lines.length() + keyLength > MAX_MESSAGE_BYTES) {
                        problem = "line " + lines.number() + " has " + lines.length() + " bytes"
                                + (keyLength > 0 ? " (plus a key of " + keyLength + ")" : "") + "; a message takes at most "
                                + MAX_MESSAGE_BYTES + " bytes of key and value";
                        return;
                    }
                    if (!pacer.awaitNext() || !offer(key, keyLength, lines.array(), lines.offset(), lines.length())) {
                        return;
                    }
                }
            } catch (InterruptedIOException e) {
                Thread.currentThread().interrupt(); // a stop request while waiting for input
            }
        }

        /** Sends the message a JSON line describes; a line that does not is reported by its number, and ends sending. */
        private boolean sendJson(LineReader lines, Pacer pacer) {
            MessageFormat.Jsonl.Parsed m;
            try {
                m = MessageFormat.Jsonl.parse(lines.array(), lines.offset(), lines.length());
            } catch (IllegalArgumentException e) {
                problem = "line " + lines.number() + ": " + e.getMessage() + "; nothing after it was sent";
                return false;
            }
            long timestamp = m.timestampMicros() == MessageFormat.Jsonl.Parsed.NO_TIMESTAMP ? nowMicros() : m.timestampMicros();
            try {
                return pacer.awaitNext() && offer(m.key(), m.key() == null ? 0 : m.key().length, m.value(), 0,
                        m.value().length, timestamp, m.headers());
            } catch (IllegalArgumentException e) { // too large, or headers a table without the column cannot take
                problem = "line " + lines.number() + ": " + e.getMessage();
                return false;
            }
        }

        /** Offers one message, waiting out back pressure; false when sending must stop. */
        private boolean offer(byte[] key, int keyLength, byte[] value, int offset, int length) {
            return offer(key, keyLength, value, offset, length, nowMicros(), List.of());
        }

        private boolean offer(byte[] key, int keyLength, byte[] value, int offset, int length, long timestampMicros,
                              List<Header> headers) {
            while (true) {
                if (stopping || Thread.currentThread().isInterrupted()) {
                    return false;
                }
                long result = headers.isEmpty()
                        ? producer.offer(key, 0, keyLength, value, offset, length, timestampMicros)
                        : producer.offer(key, 0, keyLength, value, offset, length, timestampMicros, headers);
                if (result >= 0) {
                    sent = sent + 1; // one writer
                    if (progress.due()) {
                        showProgress();
                    }
                    return true;
                }
                if (result == Producer.CLOSED) {
                    if (!stopping) {
                        Throwable cause = acks.firstFailure.get();
                        problem = "the producer stopped accepting messages after " + sent
                                + (cause == null ? "" : ": " + cause.getMessage());
                    }
                    return false;
                }
                LockSupport.parkNanos(BACK_PRESSURE_PARK_NS);
            }
        }

        private static long nowMicros() {
            return System.currentTimeMillis() * 1_000L;
        }

        private void showProgress() {
            long acknowledged = acks.acknowledged.get();
            progress.show(String.format(Locale.ROOT, "%,d sent, %,d acknowledged, %,d in flight, %,.0f msg/s", sent,
                    acknowledged, sent - acknowledged - acks.failed.get(), progress.rate(sent)));
        }

        /** The shutdown hook: stop sending, then commit what was accepted and report. */
        void stopFromSignal() {
            stopping = true;
            sender.interrupt();
            // The sender may be blocked reading stdin, where an interrupt does not reach: finish here.
            finish();
        }

        /** Commits what was accepted, closes, prints the summary; once, whoever comes first. */
        synchronized void finish() {
            if (finished) {
                return;
            }
            finished = true;
            String timeout = null;
            try {
                producer.flush(FLUSH_TIMEOUT);
            } catch (TimeoutException e) {
                timeout = e.getMessage();
            }
            long elapsedNs = System.nanoTime() - startNs;
            producer.close(Duration.ofSeconds(10));
            store.close();
            if (progress.isOn()) {
                showProgress(); // the final figures
            }
            progress.end();
            long acknowledged = acks.acknowledged.get();
            long failed = acks.failed.get();
            double seconds = elapsedNs / 1e9;
            StringBuilder line = new StringBuilder("deltaq produce: ")
                    .append(acknowledged).append(" of ").append(sent).append(" messages acknowledged, ")
                    .append(producer.metrics().commits()).append(producer.metrics().commits() == 1 ? " commit, " : " commits, ")
                    .append(String.format(Locale.ROOT, "%.3f s, %.0f msg/s", seconds, seconds > 0 ? acknowledged / seconds : 0))
                    .append(", table ").append(address);
            if (failed > 0) {
                Throwable cause = acks.firstFailure.get();
                line.append("; ").append(failed).append(" failed: ").append(cause == null ? "?" : cause.getMessage());
            } else if (timeout != null) {
                line.append("; ").append(timeout);
            }
            if (stopping) {
                line.append(" (stopped by a signal)");
            } else if (sender.isInterrupted()) {
                line.append(" (interrupted)");
            }
            io.err().println(line);
            if (problem != null) {
                io.err().println("deltaq produce: " + problem);
            }
            io.err().flush();
            status = problem == null && failed == 0 && acknowledged == sent ? OK : FAILED;
        }

        synchronized int status() {
            return status;
        }
    }

    /**
     * Splits an input stream into lines at {@code \n}, without copying a line that lies within one
     * read; the current line is valid until the next call of {@link #next()}.
     */
    static final class LineReader {
        private final InputStream in;
        private final byte[] buffer = new byte[READ_BUFFER_BYTES];
        private int position;
        private int limit;
        private boolean eof;
        /** Holds a line that spans reads. */
        private byte[] spill = new byte[256];
        private byte[] lineArray;
        private int lineOffset;
        private int lineLength;
        private long number;

        LineReader(InputStream in) {
            this.in = in;
        }

        /** Moves to the next line; false at the end of the input. */
        boolean next() throws IOException {
            int spilled = 0;
            while (true) {
                if (position == limit) {
                    if (eof) {
                        if (spilled > 0) {
                            return line(spill, 0, spilled); // the last line, without a final newline
                        }
                        return false;
                    }
                    int read = in.read(buffer, 0, buffer.length);
                    if (read < 0) {
                        eof = true;
                        continue;
                    }
                    position = 0;
                    limit = read;
                    continue;
                }
                int newline = indexOfNewline(position, limit);
                if (newline >= 0) {
                    int start = position;
                    position = newline + 1;
                    if (spilled == 0) {
                        return line(buffer, start, newline - start);
                    }
                    spilled = append(spilled, start, newline - start);
                    return line(spill, 0, spilled);
                }
                spilled = append(spilled, position, limit - position);
                position = limit;
            }
        }

        private int indexOfNewline(int from, int to) {
            for (int i = from; i < to; i++) {
                if (buffer[i] == '\n') {
                    return i;
                }
            }
            return -1;
        }

        /** Appends to the spilled line; past the message limit only counts, since such a line is refused. */
        private int append(int spilled, int from, int length) {
            long total = Math.min((long) spilled + length, Integer.MAX_VALUE);
            int cap = MAX_MESSAGE_BYTES + 1;
            if (total > spill.length && spill.length < cap) {
                spill = Arrays.copyOf(spill, (int) Math.min(Math.max(2L * spill.length, total), cap));
            }
            int copy = Math.max(0, Math.min(length, spill.length - spilled));
            if (copy > 0) {
                System.arraycopy(buffer, from, spill, spilled, copy);
            }
            return (int) total;
        }

        private boolean line(byte[] array, int offset, int length) {
            lineArray = array;
            lineOffset = offset;
            lineLength = length;
            number++;
            return true;
        }

        byte[] array() {
            return lineArray;
        }

        int offset() {
            return lineOffset;
        }

        /** The line's length in bytes (for a line over the message limit, its full length; its bytes are cut). */
        int length() {
            return lineLength;
        }

        /** 1 for the first line. */
        long number() {
            return number;
        }
    }

    /** Unregisters the hook unless the JVM is already running it. */
    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shutdownInProgress) {
            // The hook is finishing the run.
        }
    }
}

package io.deltaq.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import io.deltaq.deltalog.Header;
import io.deltaq.deltalog.MessageLimits;
import io.deltaq.producer.AckListener;
import io.deltaq.producer.Producer;
import io.deltaq.producer.ProducerBufferFullException;
import io.deltaq.producer.ProducerConfig;
import io.deltaq.s3io.Futures;
import io.deltaq.s3io.ObjectStore;
import io.deltaq.topic.Topic;
import io.deltaq.topic.TopicPosition;
import io.deltaq.topic.TopicAckListener;
import io.deltaq.topic.TopicProducer;

/**
 * {@code deltaq produce TABLE}: sends the lines of stdin, or {@code --count} generated messages, to a
 * table (creating it if needed) or to a topic of several partitions (each message to its key's
 * partition), waits until every message is committed, and prints a one-line summary on stderr. Exit
 * status 0 only when every message was acknowledged.
 *
 * <p>Lines are split on {@code \n} only: a message's value is exactly the bytes between two newlines
 * ({@code \r}, tabs, any bytes included; an empty line is an empty message). A last line without a
 * final newline is sent as a message too, so {@code consume --format raw}, which ends every message
 * with a newline, gives the input back with a newline added at the end.
 *
 * <p>A table is written through a {@link Producer}'s {@code offer}, a topic through a
 * {@link TopicProducer}'s; both allocate nothing (a message with headers goes through the topic
 * producer's {@code send}, which takes them). Both sit behind {@link Sink}, so reading, pacing,
 * stopping and the summary are the same for both.
 */
final class ProduceCommand implements Command {

    /**
     * Most key plus value bytes of one message: the one limit producer and consumer share
     * ({@code max.message.bytes} at its default), so a line longer than that is refused by its line
     * number here rather than by the producer.
     */
    static final int MAX_MESSAGE_BYTES = MessageLimits.MAX_MESSAGE_BYTES_DEFAULT;
    static final int DEFAULT_SIZE = 100;
    private static final long MAX_RATE = 100_000_000L;
    private static final int READ_BUFFER_BYTES = 64 * 1024;
    /** Longest wait for the last commits: a failing batch gives up after delivery.timeout.ms (default 120 s). */
    private static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(150);
    private static final long BACK_PRESSURE_PARK_NS = 50_000;
    private static final byte[] FILL = "abcdefghijklmnopqrstuvwxyz".getBytes(StandardCharsets.US_ASCII);
    private static final String KEY_SEPARATOR = "key-separator";

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
        return "send stdin lines (or --count generated messages) to a table or topic and wait until they are committed";
    }

    @Override
    public String description() {
        return """
                Without --count, every line of stdin becomes one message: the value is the line's bytes
                without its newline ('\\n'), exactly (a '\\r' before it stays; an empty line is an empty
                message; a last line without a newline is sent too). With --key-separator SEP, every line is
                KEY<SEP>VALUE: the key is the bytes before the first SEP, the value all after it; a line
                without SEP stops the input with an error naming its number. With --format jsonl, every line
                is a JSON object as 'consume --format jsonl' writes it: "value" required, "key", "timestamp"
                and "headers" ([{"key":"k","value":"v"}, ...]) optional, base64 flagged as there ("partition",
                "version", "index" and "offset" are ignored); a line that is not stops the input with an error
                naming its number. With --count, sends N generated messages of --size bytes (the message
                number, a space, then letters), paced at --rate messages/s when given, else as fast as the
                producer takes them. Creates the table if nothing is there. Waits until every message is
                committed, then prints one line on stderr: messages acknowledged, commits, elapsed time. Exit
                status 0 only when every message was acknowledged, 1 otherwise. Ctrl-C or SIGTERM stops
                reading, commits what was read and prints the summary; the exit status is then the signal's
                (130, 143).

                TABLE may be a topic ('deltaq topic create'): each message goes to its key's partition, the
                one Kafka's default partitioner picks, so one key's messages stay in order; messages without
                a key are spread over the partitions. A plain table is a topic of one partition.
                """ + TableAddress.HELP + """

                Examples: printf 'a\\nb\\n' | deltaq produce /tmp/topic
                          printf 'k1 a\\nk2 b\\n' | deltaq produce /tmp/orders --key-separator ' '""";
    }

    @Override
    public OptionParser options() {
        return TableAddress.declare(new OptionParser("deltaq produce")
                .positionals("TABLE", 1, 1)
                .value("count", "N", "send N generated messages instead of reading stdin")
                .value("rate", "R", "send at most R messages per second (default: as fast as possible)")
                .value("size", "B", "bytes per generated message, with --count (default " + DEFAULT_SIZE + ")")
                .value("key", "K", "the key of every message, as UTF-8 (default: no key)")
                .value(KEY_SEPARATOR, "SEP", "each stdin line is KEY<SEP>VALUE, split at the first SEP (raw format;"
                        + " e.g. ' ', or $'\\t' in bash)")
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
        Optional<String> separator = options.string(KEY_SEPARATOR);
        if (separator.isPresent()) {
            if (generate || jsonl || options.has("key")) {
                throw parser.error("--" + KEY_SEPARATOR + " reads each stdin line's key (--format raw); it takes neither"
                        + " --count, --format jsonl nor --key");
            }
            if (separator.get().isEmpty()) {
                throw parser.error("--" + KEY_SEPARATOR + " must not be empty");
            }
        }
        byte[] key = options.string("key").map(k -> k.getBytes(StandardCharsets.UTF_8)).orElse(null);
        int keyLength = key == null ? 0 : key.length;
        if (keyLength + size > MAX_MESSAGE_BYTES) {
            throw parser.error("--key and --size together exceed " + MAX_MESSAGE_BYTES + " bytes per message");
        }
        Map<String, Object> config = new HashMap<>();
        options.string("producer-id").ifPresent(id -> config.put(ProducerConfig.PRODUCER_ID, id));

        Progress progress = Progress.of(options, parser, io.err());
        ObjectStore store = TableAddress.open(address, options, parser, env);
        Acks acks = new Acks();
        Sink sink;
        try {
            sink = openSink(store, config, acks);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        Run run = new Run(sink, store, acks, address, io, Thread.currentThread(), progress);
        Thread hook = new Thread(run::stopFromSignal, "deltaq-produce-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            Pacer pacer = new Pacer(rate);
            if (generate) {
                run.sendGenerated(count, size, key, pacer);
            } else {
                run.sendLines(io.in(), key, separator.orElse(null), pacer, jsonl);
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

    /**
     * A plain table, or nothing yet (which becomes a table, as before topics), is written by a
     * {@link Producer}; a topic with a manifest, even of one partition, by a {@link TopicProducer}:
     * its root is no table, and its partitions are.
     */
    private static Sink openSink(ObjectStore store, Map<String, Object> config, Acks acks) {
        Optional<Topic> topic = Topic.find(store, "");
        if (topic.isPresent() && !topic.get().plainTable()) {
            Map<String, Object> topicConfig = new HashMap<>(config);
            // A full buffer comes back at once, as from offer, and the sending loop waits it out where
            // it sees a stop request (send would wait inside, for up to a minute by default).
            topicConfig.put(ProducerConfig.BLOCK_TIMEOUT_MS, 0L);
            return new TopicSink(TopicProducer.create(store, "", topicConfig, acks), acks);
        }
        return new TableSink(Producer.create(store, "", config, acks));
    }

    /** Counts acknowledgements on the commit threads: a table producer's listener, or a topic producer's. */
    private static final class Acks implements AckListener, TopicAckListener {
        final AtomicLong acknowledged = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicReference<Throwable> firstFailure = new AtomicReference<>();

        @Override
        public void onAcknowledged(long sequence, long version, int index) {
            acknowledged.incrementAndGet();
        }

        @Override
        public void onFailed(long sequence, Throwable cause) {
            failed(cause);
        }

        @Override
        public void onAcknowledged(int partition, long sequence, long version, int index) {
            acknowledged.incrementAndGet();
        }

        @Override
        public void onFailed(int partition, long sequence, Throwable cause) {
            failed(cause);
        }

        void failed(Throwable cause) {
            failed.incrementAndGet();
            firstFailure.compareAndSet(null, cause);
        }
    }

    /**
     * Where the sending loop puts messages: {@link Producer#offer}'s contract (a sequence number, at
     * least 0, for an accepted message; else {@link Producer#BACK_PRESSURED} or {@link Producer#CLOSED}),
     * each outcome counted in the run's {@link Acks}.
     */
    private interface Sink {
        long offer(byte[] key, int keyOffset, int keyLength, byte[] value, int valueOffset, int valueLength,
                   long timestampMicros, List<Header> headers);

        void flush(Duration timeout) throws TimeoutException;

        void close(Duration timeout);

        /** Commits made, over every partition. */
        long commits();

        /** What the summary names, e.g. {@code table /tmp/t}. */
        String describe(String address);
    }

    /** A table: offers allocate nothing (a message with headers allocates their encoding); the producer's listener counts. */
    private record TableSink(Producer producer) implements Sink {
        @Override
        public long offer(byte[] key, int keyOffset, int keyLength, byte[] value, int valueOffset, int valueLength,
                          long timestampMicros, List<Header> headers) {
            return headers.isEmpty()
                    ? producer.offer(key, keyOffset, keyLength, value, valueOffset, valueLength, timestampMicros)
                    : producer.offer(key, keyOffset, keyLength, value, valueOffset, valueLength, timestampMicros, headers);
        }

        @Override
        public void flush(Duration timeout) throws TimeoutException {
            producer.flush(timeout);
        }

        @Override
        public void close(Duration timeout) {
            producer.close(timeout);
        }

        @Override
        public long commits() {
            return producer.metrics().commits();
        }

        @Override
        public String describe(String address) {
            return "table " + address;
        }
    }

    /**
     * A topic: messages without headers through {@link TopicProducer#offer}, which allocates
     * nothing; with headers through {@code send}, whose future failed at once is the offer's answer
     * (a full buffer, {@code block.timeout.ms} being 0, or a closed producer). Either way the run's
     * {@link Acks}, the producer's listener, hears the outcome.
     */
    private record TopicSink(TopicProducer producer, Acks acks) implements Sink {
        @Override
        public long offer(byte[] key, int keyOffset, int keyLength, byte[] value, int valueOffset, int valueLength,
                          long timestampMicros, List<Header> headers) {
            if (headers.isEmpty()) {
                long partition = producer.offer(key, keyOffset, keyLength, value, valueOffset, valueLength, timestampMicros);
                return partition >= 0 ? 0 : partition;
            }
            CompletableFuture<TopicPosition> sent = producer.send(key == null ? null : exact(key, keyOffset, keyLength),
                    exact(value, valueOffset, valueLength), timestampMicros, headers);
            if (sent.isCompletedExceptionally()) {
                Throwable cause = Futures.unwrap(sent.handle((position, failure) -> failure).join());
                if (cause instanceof ProducerBufferFullException) {
                    return Producer.BACK_PRESSURED;
                }
                acks.firstFailure.compareAndSet(null, cause); // why the producer stopped accepting messages
                return Producer.CLOSED;
            }
            return 0;
        }

        /** The bytes as an array of their own, or the array itself when they are all of it. */
        private static byte[] exact(byte[] array, int offset, int length) {
            return offset == 0 && length == array.length ? array : Arrays.copyOfRange(array, offset, offset + length);
        }

        @Override
        public void flush(Duration timeout) throws TimeoutException {
            producer.flush(timeout);
        }

        @Override
        public void close(Duration timeout) {
            producer.close(timeout);
        }

        @Override
        public long commits() {
            long commits = 0;
            for (int p = 0; p < producer.partitions(); p++) {
                commits += producer.partitionProducer(p).metrics().commits();
            }
            return commits;
        }

        @Override
        public String describe(String address) {
            return "topic " + address + " (" + producer.partitions() + (producer.partitions() == 1 ? " partition)"
                    : " partitions)");
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
        private final Sink sink;
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

        Run(Sink sink, ObjectStore store, Acks acks, String address, CommandIo io, Thread sender, Progress progress) {
            this.sink = sink;
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
                if (!offer(key, 0, keyLength, value, 0, size)) {
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

        /**
         * @param key every line's key, or null
         * @param separator what ends each line's own key, or null
         */
        void sendLines(InputStream in, byte[] key, String separator, Pacer pacer, boolean jsonl) throws IOException {
            int keyLength = key == null ? 0 : key.length;
            byte[] separatorBytes = separator == null ? null : separator.getBytes(StandardCharsets.UTF_8);
            int separatorLength = separatorBytes == null ? 0 : separatorBytes.length;
            // A keyed line holds its separator besides the message's bytes.
            LineReader lines = new LineReader(in, MAX_MESSAGE_BYTES + separatorLength);
            try {
                while (lines.next()) {
                    if (jsonl) {
                        if (!sendJson(lines, pacer)) {
                            return;
                        }
                        continue;
                    }
                    if (lines.length() - separatorLength + keyLength > MAX_MESSAGE_BYTES) {
                        problem = "line " + lines.number() + " has " + lines.length() + " bytes"
                                + (keyLength > 0 ? " (plus a key of " + keyLength + ")" : "")
                                + (separatorLength > 0 ? " (" + separatorLength + " of them the key separator)" : "")
                                + "; a message takes at most " + MAX_MESSAGE_BYTES + " bytes of key and value ("
                                + MessageLimits.MAX_MESSAGE_BYTES + ")";
                        return;
                    }
                    if (separatorBytes != null) {
                        if (!sendKeyed(lines, separatorBytes, separator, pacer)) {
                            return;
                        }
                        continue;
                    }
                    if (!pacer.awaitNext() || !offer(key, 0, keyLength, lines.array(), lines.offset(), lines.length())) {
                        return;
                    }
                }
            } catch (InterruptedIOException e) {
                Thread.currentThread().interrupt(); // a stop request while waiting for input
            }
        }

        /** Sends a KEY&lt;SEP&gt;VALUE line; a line without the separator is reported by its number, and ends sending. */
        private boolean sendKeyed(LineReader lines, byte[] separator, String separatorText, Pacer pacer) {
            byte[] line = lines.array();
            int start = lines.offset();
            int end = start + lines.length();
            int at = indexOf(line, start, end, separator);
            if (at < 0) {
                problem = "line " + lines.number() + " has no key separator '" + separatorText + "'; nothing after it was sent";
                return false;
            }
            int valueOffset = at + separator.length;
            return pacer.awaitNext() && offer(line, start, at - start, line, valueOffset, end - valueOffset);
        }

        /** Where {@code target} first occurs in {@code array} between {@code from} and {@code to}, or -1. */
        private static int indexOf(byte[] array, int from, int to, byte[] target) {
            outer:
            for (int i = from; i <= to - target.length; i++) {
                for (int j = 0; j < target.length; j++) {
                    if (array[i + j] != target[j]) {
                        continue outer;
                    }
                }
                return i;
            }
            return -1;
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
                return pacer.awaitNext() && offer(m.key(), 0, m.key() == null ? 0 : m.key().length, m.value(), 0,
                        m.value().length, timestamp, m.headers());
            } catch (IllegalArgumentException e) { // too large, or headers a table without the column cannot take
                problem = "line " + lines.number() + ": " + e.getMessage();
                return false;
            }
        }

        /** Offers one message, waiting out back pressure; false when sending must stop. */
        private boolean offer(byte[] key, int keyOffset, int keyLength, byte[] value, int offset, int length) {
            return offer(key, keyOffset, keyLength, value, offset, length, nowMicros(), List.of());
        }

        private boolean offer(byte[] key, int keyOffset, int keyLength, byte[] value, int offset, int length,
                              long timestampMicros, List<Header> headers) {
            while (true) {
                if (stopping || Thread.currentThread().isInterrupted()) {
                    return false;
                }
                long result = sink.offer(key, keyOffset, keyLength, value, offset, length, timestampMicros, headers);
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
                sink.flush(FLUSH_TIMEOUT);
            } catch (TimeoutException e) {
                timeout = e.getMessage();
            }
            long elapsedNs = System.nanoTime() - startNs;
            sink.close(Duration.ofSeconds(10));
            store.close();
            if (progress.isOn()) {
                showProgress(); // the final figures
            }
            progress.end();
            long acknowledged = acks.acknowledged.get();
            long failed = acks.failed.get();
            double seconds = elapsedNs / 1e9;
            long commits = sink.commits();
            StringBuilder line = new StringBuilder("deltaq produce: ")
                    .append(acknowledged).append(" of ").append(sent).append(" messages acknowledged, ")
                    .append(commits).append(commits == 1 ? " commit, " : " commits, ")
                    .append(String.format(Locale.ROOT, "%.3f s, %.0f msg/s", seconds, seconds > 0 ? acknowledged / seconds : 0))
                    .append(", ").append(sink.describe(address));
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
        /** The longest line kept whole; a longer one is only counted, since it is refused. */
        private final int maxLineBytes;
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

        LineReader(InputStream in, int maxLineBytes) {
            this.in = in;
            this.maxLineBytes = maxLineBytes;
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

        /** Appends to the spilled line; past the longest line kept it only counts, since such a line is refused. */
        private int append(int spilled, int from, int length) {
            long total = Math.min((long) spilled + length, Integer.MAX_VALUE);
            int cap = maxLineBytes + 1;
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

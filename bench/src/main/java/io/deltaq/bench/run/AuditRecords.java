package io.deltaq.bench.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.deltaq.bench.driver.SendOutcomes;

/**
 * What the workers write for the delivery audit, under the run's audit directory, so that a worker
 * killed with SIGKILL leaves behind what it knew. A kill can lose what was not yet written (an ack
 * heard in the last moment, the last deliveries), never make a record claim more than happened:
 * an ack is written only after the producer reported it, a committed position only after
 * {@code commitSync} returned, and the deliveries it covers before it.
 *
 * <ul>
 *   <li>{@code producer-<index>-<incarnation>.log}, text lines of inclusive ranges of the bench's
 *       per-producer sequence numbers: {@code O first last} offered so far, {@code A first last}
 *       acknowledged, {@code F first last class} failed, {@code U first last class} failed with
 *       the outcome unknown.
 *   <li>{@code consumer-<index>-<incarnation>.bin}, 16-byte big-endian records in delivery order:
 *       (producer index, partition, sequence) per delivery, or (-1, 0, deliveries so far) once a
 *       position covering every delivery before it was committed.
 * </ul>
 */
final class AuditRecords {

    static final int RECORD_BYTES = 16;
    static final int COMMIT_MARK = -1;

    private static final Pattern PRODUCER_FILE = Pattern.compile("producer-(\\d+)-(\\d+)\\.log");
    private static final Pattern CONSUMER_FILE = Pattern.compile("consumer-(\\d+)-(\\d+)\\.bin");

    private AuditRecords() {
    }

    /**
     * Whether a send failed with its outcome unknown (it may be in the table) rather than failed
     * (it is not). The one place that decides: the producer's exception of that meaning is matched by
     * name (a class whose name contains {@code OutcomeUnknown}) or by an {@code isOutcomeUnknown()}
     * method that answers true, so the bench needs no change when the library adds it.
     */
    static boolean outcomeUnknown(Throwable cause) {
        if (cause == null) {
            return false;
        }
        if (cause.getClass().getSimpleName().contains("OutcomeUnknown")) {
            return true;
        }
        try {
            Method method = cause.getClass().getMethod("isOutcomeUnknown");
            return method.getReturnType() == boolean.class && (boolean) method.invoke(cause);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    static Path producerFile(Path dir, int producer, int incarnation) {
        return dir.resolve("producer-" + producer + "-" + incarnation + ".log");
    }

    static Path consumerFile(Path dir, int consumer, int incarnation) {
        return dir.resolve("consumer-" + consumer + "-" + incarnation + ".bin");
    }

    private static FileChannel create(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            return FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("could not create the audit file " + file, e);
        }
    }

    /**
     * One producer's outcomes, as ranges. The pacer calls {@link #begin} before its first offer and
     * {@link #offered} after each; the driver's completion thread calls the {@link SendOutcomes}
     * methods (no allocation while acks run on); a flusher calls {@link #flush} every so often.
     */
    static final class ProducerLog implements SendOutcomes, AutoCloseable {
        private final Path file;
        private final FileChannel channel;
        private final StringBuilder pending = new StringBuilder();
        private volatile long base = -1;
        private volatile long offeredThrough = -1;
        private long offeredWritten = -1;
        private char runKind;
        private long runFrom;
        private long runTo;
        private long runWrittenTo;
        private String runCause;

        ProducerLog(Path file) {
            this.file = file;
            this.channel = create(file);
        }

        /** The bench sequence number of this producer's first offered message. */
        void begin(long firstSequence) {
            base = firstSequence;
        }

        /** The message of {@code offerIndex} was accepted. */
        void offered(long offerIndex) {
            offeredThrough = offerIndex;
        }

        @Override
        public synchronized void acknowledged(long offerIndex) {
            extend('A', offerIndex, null);
        }

        @Override
        public synchronized void failed(long offerIndex, Throwable cause) {
            extend(outcomeUnknown(cause) ? 'U' : 'F', offerIndex, cause == null ? "unknown" : cause.getClass().getName());
        }

        private void extend(char kind, long offerIndex, String cause) {
            if (runKind == kind && offerIndex == runTo + 1 && Objects.equals(cause, runCause)) {
                runTo = offerIndex;
                return;
            }
            writeRun();
            runKind = kind;
            runFrom = offerIndex;
            runTo = offerIndex;
            runWrittenTo = offerIndex - 1;
            runCause = cause;
        }

        private void writeRun() {
            if (runKind != 0 && runWrittenTo < runTo) {
                long b = base;
                pending.append(runKind).append(' ').append(b + Math.max(runFrom, runWrittenTo + 1)).append(' ')
                        .append(b + runTo);
                if (runCause != null) {
                    pending.append(' ').append(runCause);
                }
                pending.append('\n');
                runWrittenTo = runTo;
            }
        }

        /** Writes and forces what was heard since the last flush. */
        void flush() {
            String text;
            synchronized (this) {
                long offered = offeredThrough;
                if (offered > offeredWritten) {
                    // Before the outcomes in the same write: an outcome is never of an unrecorded offer.
                    pending.insert(0, "O " + base + " " + (base + offered) + "\n");
                    offeredWritten = offered;
                }
                writeRun();
                if (pending.length() == 0) {
                    return;
                }
                text = pending.toString();
                pending.setLength(0);
            }
            try {
                ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(false);
            } catch (IOException e) {
                throw new UncheckedIOException("could not write the audit file " + file, e);
            }
        }

        @Override
        public void close() {
            try {
                flush();
            } finally {
                try {
                    channel.close();
                } catch (IOException e) {
                    // Everything was forced by the flush.
                }
            }
        }
    }

    /** One consumer's deliveries and commits, written by its polling thread only; no allocation per message. */
    static final class ConsumerLog implements AutoCloseable {
        private final Path file;
        private final FileChannel channel;
        private final ByteBuffer buffer = ByteBuffer.allocateDirect(RECORD_BYTES * 8192);
        private long deliveries;
        private boolean closed;

        ConsumerLog(Path file) {
            this.file = file;
            this.channel = create(file);
        }

        void delivered(int partition, int producer, long sequence) {
            if (buffer.remaining() < RECORD_BYTES) {
                writeOut();
            }
            buffer.putInt(producer).putInt(partition).putLong(sequence);
            deliveries++;
        }

        /** Writes the deliveries so far: call before committing the position after them. */
        void beforeCommit() {
            writeOut();
        }

        /** A position after every delivery so far was committed. */
        void committed() {
            if (buffer.remaining() < RECORD_BYTES) {
                writeOut();
            }
            buffer.putInt(COMMIT_MARK).putInt(0).putLong(deliveries);
            writeOut();
        }

        private void writeOut() {
            buffer.flip();
            try {
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("could not write the audit file " + file, e);
            } finally {
                buffer.clear();
            }
        }

        /** Writes and forces what is left; again, nothing. */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            try {
                writeOut();
                channel.force(false);
            } catch (IOException e) {
                throw new UncheckedIOException("could not write the audit file " + file, e);
            } finally {
                try {
                    channel.close();
                } catch (IOException e) {
                    // Nothing more to lose.
                }
            }
        }
    }

    /** Feeds every record under {@code dir} to {@code audit}: producers first, then each consumer's incarnations in order. */
    static void read(Path dir, DeliveryAudit audit) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = new ArrayList<>(list.toList());
        }
        for (Path file : files) {
            Matcher m = PRODUCER_FILE.matcher(file.getFileName().toString());
            if (m.matches()) {
                readProducer(file, Integer.parseInt(m.group(1)), audit);
            }
        }
        List<int[]> consumers = new ArrayList<>();
        for (Path file : files) {
            Matcher m = CONSUMER_FILE.matcher(file.getFileName().toString());
            if (m.matches()) {
                consumers.add(new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))});
            }
        }
        consumers.sort((a, b) -> a[0] != b[0] ? Integer.compare(a[0], b[0]) : Integer.compare(a[1], b[1]));
        for (int[] c : consumers) {
            readConsumer(consumerFile(dir, c[0], c[1]), c[0], audit);
        }
    }

    private static void readProducer(Path file, int producer, DeliveryAudit audit) throws IOException {
        for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
            String[] words = line.split(" ");
            if (words.length < 3) {
                continue; // the end of a line a kill cut short
            }
            long from;
            long to;
            try {
                from = Long.parseLong(words[1]);
                to = Long.parseLong(words[2]);
            } catch (NumberFormatException e) {
                continue;
            }
            String cause = words.length > 3 ? words[3] : "";
            switch (words[0]) {
                case "O" -> audit.offered(producer, from, to);
                case "A" -> audit.acknowledged(producer, from, to);
                case "F" -> audit.failed(producer, from, to, false, cause);
                case "U" -> audit.failed(producer, from, to, true, cause);
                default -> {
                    // A line a kill cut short.
                }
            }
        }
    }

    private static void readConsumer(Path file, int consumer, DeliveryAudit audit) throws IOException {
        audit.consumerStarted(consumer);
        ByteBuffer buffer = ByteBuffer.allocate(RECORD_BYTES * 8192);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            while (channel.read(buffer) > 0 || buffer.position() > 0) {
                buffer.flip();
                if (buffer.remaining() < RECORD_BYTES) {
                    break; // a record a kill cut short
                }
                while (buffer.remaining() >= RECORD_BYTES) {
                    int producer = buffer.getInt();
                    int partition = buffer.getInt();
                    long sequence = buffer.getLong();
                    if (producer == COMMIT_MARK) {
                        audit.committed(consumer);
                    } else {
                        audit.delivered(consumer, partition, producer, sequence);
                    }
                }
                buffer.compact();
            }
        }
    }
}

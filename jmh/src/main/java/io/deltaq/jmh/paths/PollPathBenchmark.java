package io.deltaq.jmh.paths;

import java.util.concurrent.TimeUnit;

import io.deltaq.jmh.SampleMessages;
import io.deltaq.jmh.queue.QueueStore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The poll path, deltaq next to Delta Kernel: from a commit that has landed to its
 * {@code messages} messages decoded and handed to a handler (commit GET, parse, data-file GET,
 * decode); see {@link CommitReader} for exactly what each side does. Setup writes the table and one
 * commit of the messages with deltaq's producer path, and checks that both readers see every
 * message with the same checksum; every invocation checks the row count again.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class PollPathBenchmark {

    @State(Scope.Benchmark)
    public static class Path {
        @Param({QueueStore.S3, QueueStore.LOCAL})
        public String store;

        @Param({CommitReader.DELTAQ, CommitReader.KERNEL})
        public String impl;

        @Param({"1000", "10000", "100000"})
        public int messages;

        QueueStore storage;
        CommitReader reader;
        CommitReader other;
        long version;
        final CommitReader.Tally tally = new CommitReader.Tally();

        @Setup(Level.Trial)
        public void open() {
            storage = QueueStore.open(store);
            try {
                SharedTable table = SharedTable.create(storage, SharedTable.kernelEngine(storage), "poll");
                try (Appender writer = Appender.open(Appender.DELTAQ, table, "jmh-writer")) {
                    version = writer.append(SampleMessages.generate(messages, 42));
                }
                reader = CommitReader.open(impl, table);
                other = CommitReader.open(impl.equals(CommitReader.DELTAQ) ? CommitReader.KERNEL : CommitReader.DELTAQ,
                        table);
                checkAgreement();
            } catch (RuntimeException | Error e) {
                close();
                throw e;
            }
        }

        /** Both readers see every message of the commit, with the same checksum. */
        void checkAgreement() {
            long checksum = reader.read(version, tally).require(messages, impl).checksum;
            long otherChecksum = other.read(version, tally).require(messages, "the other reader").checksum;
            if (checksum != otherChecksum) {
                throw new IllegalStateException("the readers disagree on version " + version + ": checksum "
                        + checksum + " (" + impl + ") vs " + otherChecksum);
            }
        }

        long poll() {
            return reader.read(version, tally).require(messages, impl).checksum;
        }

        @TearDown(Level.Trial)
        public void close() {
            try {
                if (reader != null) {
                    checkAgreement();
                    reader.close();
                    other.close();
                }
            } finally {
                storage.close();
            }
        }
    }

    @Benchmark
    public long poll(Path path) {
        return path.poll();
    }
}

package io.deltaq.jmh.paths;

import java.util.concurrent.TimeUnit;

import io.delta.kernel.engine.Engine;
import io.deltaq.deltalog.DeltaLogOptions;
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
 * The commit path, deltaq next to Delta Kernel: a ready batch of {@code messages} messages to a
 * durable commit (Parquet encode, data-file PUT, put-if-absent of the commit), one batch per
 * invocation, by one writer; see {@link Appender} for exactly what each side does. Both go through
 * the same {@link QueueStore} ({@code s3}: the embedded S3 server over deltaq's S3 client;
 * {@code local}: the local file system, fsync on), Kernel by way of {@link StoreFileIO}.
 *
 * <p>Every iteration (warm-up ones included) starts a fresh table, created by deltaq, and deletes it
 * afterwards (neither timed), so that the store's memory and disk stay bounded. Both sides write a
 * checkpoint every 100 commits after the invocation that made the version, outside the timing
 * ({@link Appender#checkpointIfDue}). The batch is prepared in setup, as deltaq's
 * {@code MessageBatch} and as Kernel's {@code ColumnarBatch} ({@link SampleMessages}). Teardown
 * checks, with deltaq's reader, that the table holds every commit and every message.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class CommitPathBenchmark {

    @State(Scope.Benchmark)
    public static class Path {
        @Param({QueueStore.S3, QueueStore.LOCAL})
        public String store;

        @Param({Appender.DELTAQ, Appender.KERNEL})
        public String impl;

        @Param({"1000", "10000", "100000"})
        public int messages;

        QueueStore storage;
        Engine kernel;
        SampleMessages batch;
        SharedTable table;
        Appender appender;
        long commits;
        /** The tables' {@code delta.checkpointInterval}; tests lower it. */
        int checkpointInterval = DeltaLogOptions.DEFAULT_CHECKPOINT_INTERVAL;
        private int tables;

        @Setup(Level.Trial)
        public void open() {
            storage = QueueStore.open(store);
            kernel = SharedTable.kernelEngine(storage);
            batch = SampleMessages.generate(messages, 42);
        }

        @Setup(Level.Iteration)
        public void freshTable() {
            table = SharedTable.create(storage, kernel, "commit-" + (++tables), checkpointInterval);
            appender = Appender.open(impl, table, "jmh-writer");
            commits = 0;
        }

        long commit() {
            long version = appender.append(batch);
            if (version != ++commits) {
                throw new IllegalStateException(table.uri + ": committed version " + version + ", expected " + commits);
            }
            return version;
        }

        @TearDown(Level.Invocation)
        public void checkpointIfDue() {
            appender.checkpointIfDue();
        }

        @TearDown(Level.Iteration)
        public void checkAndDelete() {
            try {
                appender.close();
                long version = table.deltaq.latestVersion();
                long rows = table.deltaq.rowCount(table.deltaq.snapshot());
                if (version != commits || rows != commits * messages) {
                    throw new IllegalStateException(table.uri + " holds version " + version + " and " + rows
                            + " rows after " + commits + " commits of " + messages);
                }
            } finally {
                table.deleteAll();
            }
        }

        @TearDown(Level.Trial)
        public void close() {
            storage.close();
        }
    }

    @Benchmark
    public long commit(Path path) {
        return path.commit();
    }
}

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
 * Discovery, deltaq next to Delta Kernel: the time for a reader to learn that version N+1 exists;
 * see {@link VersionProbe}. Before every invocation (not timed) a deltaq writer commits version N+1
 * (one small data file), and at every 100th version it writes the checkpoint, as a producer does
 * with the default {@code delta.checkpointInterval}. Each iteration starts on a fresh table holding
 * a checkpoint at version 100 and 50 commits after it (version 150), so the readers always face a
 * queue's log: a checkpoint and 0 to 99 commits after it, about 50 on average. Every invocation
 * checks that the reader saw version N+1.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class DiscoveryBenchmark {

    @State(Scope.Benchmark)
    public static class Log {
        @Param({QueueStore.S3, QueueStore.LOCAL})
        public String store;

        @Param({VersionProbe.DELTAQ, VersionProbe.KERNEL, VersionProbe.KERNEL_RANGE})
        public String impl;

        QueueStore storage;
        Engine kernel;
        final SampleMessages message = SampleMessages.generate(1, 7);
        SharedTable table;
        Appender writer;
        VersionProbe probe;
        long head;
        /** The tables' {@code delta.checkpointInterval}; tests lower it. */
        int checkpointInterval = DeltaLogOptions.DEFAULT_CHECKPOINT_INTERVAL;
        private int tables;

        @Setup(Level.Trial)
        public void open() {
            storage = QueueStore.open(store);
            kernel = SharedTable.kernelEngine(storage);
        }

        @Setup(Level.Iteration)
        public void freshTable() {
            table = SharedTable.create(storage, kernel, "discovery-" + (++tables), checkpointInterval);
            writer = Appender.open(Appender.DELTAQ, table, "jmh-writer");
            head = 0;
            // A checkpoint and half an interval of commits after it.
            while (head < checkpointInterval * 3L / 2) {
                appendNext();
            }
            probe = VersionProbe.open(impl, table);
        }

        @Setup(Level.Invocation)
        public void appendNext() {
            long version = writer.append(message);
            if (version != ++head) {
                throw new IllegalStateException(table.uri + ": committed version " + version + ", expected " + head);
            }
            writer.checkpointIfDue();
        }

        long discover() {
            long seen = probe.discover(head - 1);
            if (seen != head) {
                throw new IllegalStateException(impl + " saw version " + seen + " of " + table.uri + ", expected " + head);
            }
            return seen;
        }

        @TearDown(Level.Iteration)
        public void deleteTable() {
            writer.close();
            table.deleteAll();
        }

        @TearDown(Level.Trial)
        public void close() {
            storage.close();
        }
    }

    @Benchmark
    public long discover(Log log) {
        return log.discover();
    }
}

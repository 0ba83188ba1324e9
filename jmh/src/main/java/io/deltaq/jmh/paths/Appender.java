package io.deltaq.jmh.paths;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.delta.kernel.DataWriteContext;
import io.delta.kernel.Operation;
import io.delta.kernel.Snapshot;
import io.delta.kernel.TableManager;
import io.delta.kernel.Transaction;
import io.delta.kernel.TransactionCommitResult;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.hook.PostCommitHook;
import io.delta.kernel.internal.util.Utils;
import io.delta.kernel.utils.CloseableIterable;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.DataFileStatus;
import io.deltaq.deltalog.CommitResult;
import io.deltaq.deltalog.CommitWriter;
import io.deltaq.deltalog.MessageStats;
import io.deltaq.deltalog.actions.AddFile;
import io.deltaq.deltalog.internal.parquet.Compression;
import io.deltaq.deltalog.internal.parquet.MessageFileWriter;
import io.deltaq.jmh.SampleMessages;

/**
 * The commit path: one ready batch of messages to a durable commit, a blind append with a
 * transaction identifier ({@code txn}), by one long-lived writer that knows the version it last
 * committed. Both sides checkpoint every {@code delta.checkpointInterval} commits, but not in
 * {@link #append}: {@link #checkpointIfDue} writes it, when the caller chooses (deltaq's producer
 * checkpoints on another thread, off the commit path).
 */
interface Appender extends AutoCloseable {

    String DELTAQ = "deltaq";
    String KERNEL = "kernel";

    /** Appends {@code messages} as one data file in one commit; returns the version committed. */
    long append(SampleMessages messages);

    /** Writes the checkpoint of the last commit if its version is a multiple of the interval. */
    void checkpointIfDue();

    @Override
    void close();

    static Appender open(String impl, SharedTable table, String writerId) {
        return switch (impl) {
            case DELTAQ -> new Deltaq(table, writerId);
            case KERNEL -> new Kernel(table, writerId);
            default -> throw new IllegalArgumentException("impl must be " + DELTAQ + " or " + KERNEL + ", was " + impl);
        };
    }

    /**
     * What the producer's commit thread ({@code CommitAgent}) does per batch, one step after the
     * other: encode the batch into a Snappy Parquet file in memory, {@code put} it, commit it with
     * {@link CommitWriter} (put-if-absent of the next version).
     */
    final class Deltaq implements Appender {
        private final SharedTable table;
        private final MessageFileWriter encoder = new MessageFileWriter(Compression.SNAPPY);
        private final CommitWriter writer;
        private long batchSequence;
        private long lastVersion;

        Deltaq(SharedTable table, String writerId) {
            this.table = table;
            this.writer = table.deltaq.newWriter(writerId, table.deltaq.snapshot(), null);
            this.batchSequence = writer.lastBatchSequence();
        }

        @Override
        public long append(SampleMessages messages) {
            encoder.encode(messages.deltaq());
            String name = "part-00000-" + UUID.randomUUID() + "-c000.snappy.parquet";
            AddFile add = AddFile.ofNewFile(name, encoder.length(), System.currentTimeMillis(),
                    MessageStats.of(encoder.stats()).toJson());
            SharedTable.join(table.store.put(table.path + "/" + name, encoder.asByteBuffer()), "uploading " + name);
            CommitResult result = SharedTable.join(writer.commit(++batchSequence, List.of(add)), "committing");
            if (result.outcome() != CommitResult.Outcome.COMMITTED) {
                throw new IllegalStateException(table.uri + ": batch " + batchSequence + " was " + result.outcome());
            }
            lastVersion = result.version();
            return lastVersion;
        }

        @Override
        public void checkpointIfDue() {
            if (lastVersion > 0 && lastVersion % table.checkpointInterval == 0) {
                table.deltaq.checkpoint(lastVersion);
            }
        }

        @Override
        public void close() {
            encoder.close();
        }
    }

    /**
     * Kernel's documented blind append: a transaction from the writer's snapshot with
     * {@code withTransactionId}, {@code transformLogicalData}, {@code writeParquetFiles} into the
     * write context's directory with its statistics columns, {@code generateAppendActions},
     * {@code commit}. The next transaction starts from the commit's post-commit snapshot, so no
     * commit reloads the table: the fastest way Kernel 4.4 offers a long-lived writer.
     *
     * <p>Kernel keeps a checksum file ({@code <version>.crc}) next to each commit, written by the
     * commit's checksum post-commit hook, which {@link #append} runs: without a current checksum,
     * every Kernel commit replays the log since the last checkpoint to find the table's domain
     * metadata (for its clustering columns). The writer writes the checksum of the version it starts
     * from, which deltaq does not write. The checkpoint hook is kept for {@link #checkpointIfDue}.
     */
    final class Kernel implements Appender {
        private static final String ENGINE_INFO = "deltaq-jmh";
        private final SharedTable table;
        private final Engine engine;
        private final String appId;
        private Snapshot snapshot;
        private long txnVersion;
        private PostCommitHook checkpoint;

        Kernel(SharedTable table, String appId) {
            this.table = table;
            this.engine = table.kernel;
            this.appId = appId;
            Snapshot start = TableManager.loadSnapshot(table.uri).build(engine);
            Optional<Snapshot.ChecksumWriteMode> checksum = start.getStatistics().getChecksumWriteMode();
            if (checksum.isPresent()) {
                try {
                    start.writeChecksum(engine, checksum.get());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                start = TableManager.loadSnapshot(table.uri).build(engine);
            }
            this.snapshot = start;
            this.txnVersion = snapshot.getLatestTransactionVersion(engine, appId).orElse(-1L);
        }

        @Override
        public long append(SampleMessages messages) {
            Transaction txn = snapshot.buildUpdateTableTransaction(ENGINE_INFO, Operation.WRITE)
                    .withTransactionId(appId, ++txnVersion)
                    .build(engine);
            Row state = txn.getTransactionState(engine);
            DataWriteContext context = Transaction.getWriteContext(engine, state, Map.of());
            CloseableIterator<FilteredColumnarBatch> physical = Transaction.transformLogicalData(engine, state,
                    Utils.singletonCloseableIterator(new FilteredColumnarBatch(messages.kernel(), Optional.empty())),
                    Map.of());
            List<Row> actions = new ArrayList<>(1);
            try (CloseableIterator<DataFileStatus> files = engine.getParquetHandler()
                    .writeParquetFiles(context.getTargetDirectory(), physical, context.getStatisticsColumns());
                 CloseableIterator<Row> adds = Transaction.generateAppendActions(engine, state, files, context)) {
                adds.forEachRemaining(actions::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            TransactionCommitResult result = txn.commit(engine,
                    CloseableIterable.inMemoryIterable(Utils.toCloseableIterator(actions.iterator())));
            snapshot = result.getPostCommitSnapshot().orElseThrow(() -> new IllegalStateException(
                    table.uri + ": Kernel returned no post-commit snapshot for version " + result.getVersion()));
            for (PostCommitHook hook : result.getPostCommitHooks()) {
                switch (hook.getType()) {
                    case CHECKSUM_SIMPLE -> invoke(hook);
                    case CHECKPOINT -> checkpoint = hook;
                    default -> throw new IllegalStateException(table.uri + ": unexpected post-commit hook "
                            + hook.getType() + " after version " + result.getVersion());
                }
            }
            return result.getVersion();
        }

        @Override
        public void checkpointIfDue() {
            if (checkpoint != null) {
                invoke(checkpoint);
                checkpoint = null;
            }
        }

        private void invoke(PostCommitHook hook) {
            try {
                hook.threadSafeInvoke(engine);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
        }
    }
}

package io.deltaq.jmh.paths;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.delta.kernel.CommitRange;
import io.delta.kernel.CommitRangeBuilder.CommitBoundary;
import io.delta.kernel.TableManager;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.engine.FileReadResult;
import io.delta.kernel.internal.DeltaLogActionUtils.DeltaAction;
import io.delta.kernel.internal.util.Utils;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import io.deltaq.deltalog.Commit;
import io.deltaq.deltalog.LiveFile;
import io.deltaq.deltalog.actions.AddFile;
import io.deltaq.deltalog.internal.parquet.MessageBatch;
import io.deltaq.deltalog.internal.parquet.MessageFileReader;
import io.deltaq.deltalog.internal.parquet.MessageRowHandler;
import io.deltaq.jmh.SampleMessages;

/**
 * The poll path: from a commit that has landed to its messages decoded and handed to a handler,
 * commit GET, parse, data-file GET, decode. Both sides fold every message into a {@link Tally}: the
 * row count and a checksum of key length, value length, the value's first byte and the timestamp.
 */
interface CommitReader extends AutoCloseable {

    String DELTAQ = Appender.DELTAQ;
    String KERNEL = Appender.KERNEL;

    /** Reads the messages {@code version} added into {@code tally} (reset first); returns {@code tally}. */
    Tally read(long version, Tally tally);

    @Override
    void close();

    static CommitReader open(String impl, SharedTable table) {
        return switch (impl) {
            case DELTAQ -> new Deltaq(table);
            case KERNEL -> new Kernel(table);
            default -> throw new IllegalArgumentException("impl must be " + DELTAQ + " or " + KERNEL + ", was " + impl);
        };
    }

    /** Rows read and a checksum of them; also deltaq's message handler (views, nothing copied). */
    final class Tally implements MessageRowHandler {
        long rows;
        long checksum;

        Tally reset() {
            rows = 0;
            checksum = 0;
            return this;
        }

        @Override
        public void onMessage(int rowIndex, byte[] keyBuf, int keyOff, int keyLen, byte[] valueBuf, int valueOff,
                              int valueLen, long timestampMicros, byte[] headersBuf, int headersOff, int headersLen) {
            add(keyLen, valueLen, valueLen > 0 ? valueBuf[valueOff] : 0, timestampMicros);
        }

        void add(int keyLength, int valueLength, byte firstValueByte, long timestampMicros) {
            rows++;
            checksum = 31 * checksum + keyLength + valueLength + firstValueByte + timestampMicros;
        }

        /** Fails loudly unless {@code expectedRows} rows were read. */
        Tally require(long expectedRows, String what) {
            if (rows != expectedRows) {
                throw new IllegalStateException(what + " read " + rows + " rows, expected " + expectedRows);
            }
            return this;
        }
    }

    /**
     * The consumer's tailer path: {@code DeltaTable.readCommit} (GET and parse of the commit), the
     * data files its {@code add} actions name (one GET each), {@link MessageFileReader#decode} into
     * the handler, which gets views of the decoder's buffers.
     */
    final class Deltaq implements CommitReader {
        private final SharedTable table;
        private final MessageFileReader reader = new MessageFileReader();

        Deltaq(SharedTable table) {
            this.table = table;
        }

        @Override
        public Tally read(long version, Tally tally) {
            tally.reset();
            Commit commit = SharedTable.join(table.deltaq.readCommit(version), "reading version " + version)
                    .orElseThrow(() -> new IllegalStateException(table.uri + " has no version " + version));
            for (AddFile add : commit.dataAdds()) {
                LiveFile file = table.deltaq.dataFile(version, add);
                byte[] data = SharedTable.join(table.deltaq.readDataFile(file), "reading " + file.path());
                reader.decode(data, file.path(), tally);
            }
            return tally;
        }

        @Override
        public void close() {
            reader.close();
        }
    }

    /**
     * Kernel's way to read one commit: a commit range of that single version
     * ({@code TableManager.loadCommitRange}, which lists the log from the version), its {@code add}
     * actions ({@code getActions}, which reads and parses the commit), then the data files through
     * the engine's {@code readParquetFiles} with the table's schema, every key and value taken with
     * {@code getBinary} (Kernel's vectors have no views: each is a copy).
     */
    final class Kernel implements CommitReader {
        private final SharedTable table;
        private final Engine engine;

        Kernel(SharedTable table) {
            this.table = table;
            this.engine = table.kernel;
        }

        @Override
        public Tally read(long version, Tally tally) {
            tally.reset();
            try {
                List<FileStatus> files = addedFiles(version);
                try (CloseableIterator<FileReadResult> results = engine.getParquetHandler().readParquetFiles(
                        Utils.toCloseableIterator(files.iterator()), SampleMessages.KERNEL_SCHEMA, Optional.empty())) {
                    while (results.hasNext()) {
                        ColumnarBatch batch = results.next().getData();
                        ColumnVector keys = batch.getColumnVector(0);
                        ColumnVector values = batch.getColumnVector(1);
                        ColumnVector timestamps = batch.getColumnVector(2);
                        for (int i = 0; i < batch.getSize(); i++) {
                            byte[] value = values.getBinary(i);
                            tally.add(keys.isNullAt(i) ? MessageBatch.NULL_LENGTH : keys.getBinary(i).length,
                                    value.length, value.length > 0 ? value[0] : 0, timestamps.getLong(i));
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return tally;
        }

        private List<FileStatus> addedFiles(long version) throws IOException {
            CommitRange range = TableManager.loadCommitRange(table.uri, CommitBoundary.atVersion(version))
                    .withEndBoundary(CommitBoundary.atVersion(version))
                    .build(engine);
            List<FileStatus> files = new ArrayList<>(1);
            try (CloseableIterator<ColumnarBatch> actions = range.getActions(engine, Set.of(DeltaAction.ADD))) {
                while (actions.hasNext()) {
                    ColumnarBatch batch = actions.next();
                    int addOrdinal = batch.getSchema().indexOf(DeltaAction.ADD.colName);
                    ColumnVector adds = batch.getColumnVector(addOrdinal);
                    StructType addType = (StructType) batch.getSchema().at(addOrdinal).getDataType();
                    ColumnVector paths = adds.getChild(addType.indexOf("path"));
                    ColumnVector sizes = adds.getChild(addType.indexOf("size"));
                    ColumnVector dataChange = adds.getChild(addType.indexOf("dataChange"));
                    for (int i = 0; i < batch.getSize(); i++) {
                        if (!adds.isNullAt(i) && dataChange.getBoolean(i)) {
                            files.add(FileStatus.of(absolute(paths.getString(i)), sizes.getLong(i), 0));
                        }
                    }
                }
            }
            return files;
        }

        /** A data file's location: add paths are URIs, relative to the table unless absolute. */
        private String absolute(String addPath) {
            URI uri = URI.create(addPath);
            return uri.isAbsolute() ? addPath : table.uri + "/" + uri.getPath();
        }

        @Override
        public void close() {
        }
    }
}

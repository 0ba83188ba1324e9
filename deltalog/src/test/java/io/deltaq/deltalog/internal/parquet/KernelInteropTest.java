package io.deltaq.deltalog.internal.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.delta.kernel.Snapshot;
import io.delta.kernel.Table;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.MapValue;
import io.delta.kernel.data.Row;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.engine.FileReadResult;
import io.delta.kernel.types.BinaryType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.MapType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.DataFileStatus;
import io.delta.kernel.utils.FileStatus;
import io.deltaq.deltalog.Header;
import io.deltaq.deltalog.Headers;
import io.deltaq.testkit.GoldenTables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Delta Kernel (the reference Java reader) reads what deltaq writes, and deltaq reads what Kernel writes. */
class KernelInteropTest {
    private static final StructType MESSAGE_SCHEMA = new StructType()
            .add("key", BinaryType.BINARY, true)
            .add("value", BinaryType.BINARY, true)
            .add("timestamp", TimestampType.TIMESTAMP, true);
    private static final StructType MESSAGE_SCHEMA_WITH_HEADERS = MESSAGE_SCHEMA
            .add("headers", new MapType(StringType.STRING, BinaryType.BINARY, true), true);

    private final Engine engine = DefaultEngine.create(new Configuration());

    @TempDir
    Path tmp;

    @Test
    void kernelReadsOurMessageFilesRowForRow() throws IOException {
        MessageBatch batch = MessageFileTest.randomBatch(3_000, 11);
        for (Compression compression : Compression.values()) {
            Path file = tmp.resolve("part-" + compression + ".parquet");
            try (MessageFileWriter writer = new MessageFileWriter(compression, 64 * 1024)) {
                writer.encode(batch);
                Files.write(file, writer.toByteArray());
            }
            List<DecodedMessage> read = new ArrayList<>();
            FileStatus status = FileStatus.of(file.toUri().toString(), Files.size(file), 0);
            try (CloseableIterator<FileReadResult> results = engine.getParquetHandler()
                    .readParquetFiles(iterator(List.of(status)), MESSAGE_SCHEMA_WITH_HEADERS, Optional.empty())) {
                while (results.hasNext()) {
                    ColumnarBatch data = results.next().getData();
                    ColumnVector keys = data.getColumnVector(0);
                    ColumnVector values = data.getColumnVector(1);
                    ColumnVector timestamps = data.getColumnVector(2);
                    ColumnVector headers = data.getColumnVector(3);
                    for (int i = 0; i < data.getSize(); i++) {
                        read.add(new DecodedMessage(read.size(),
                                keys.isNullAt(i) ? null : keys.getBinary(i),
                                values.isNullAt(i) ? null : values.getBinary(i),
                                timestamps.getLong(i),
                                headers.isNullAt(i) ? null : encodedHeaders(headers.getMap(i))));
                    }
                }
            }
            assertEquals(DecodedMessage.of(batch), read, "codec " + compression);
        }
    }

    @Test
    void weDecodeMessageFilesKernelWrote() throws IOException {
        MessageBatch batch = MessageFileTest.randomBatch(2_500, 12, false);
        ColumnarBatch data = new MessageColumnarBatch(batch);
        List<String> written = new ArrayList<>();
        try (CloseableIterator<DataFileStatus> files = engine.getParquetHandler().writeParquetFiles(
                tmp.toUri().toString(), iterator(List.of(new FilteredColumnarBatch(data, Optional.empty()))), List.of())) {
            while (files.hasNext()) {
                written.add(files.next().getPath());
            }
        }
        assertEquals(1, written.size());
        byte[] file = Files.readAllBytes(Path.of(java.net.URI.create(written.get(0))));
        assertEquals(DecodedMessage.of(batch), MessageFileTest.decodeAll(file));
        assertEquals(batch.size(), ParquetFiles.rowCount(file, written.get(0)));
        // The generic reader sees the same rows.
        List<ParquetStruct> rows = ParquetRows.read(file, written.get(0), Set.of("timestamp"));
        assertEquals(batch.timestampMicros(17), rows.get(17).getLong("timestamp"));
    }

    @Test
    void kernelReplaysATableWhoseCheckpointWeWrote() throws IOException {
        Path source = GoldenTables.table("basic-with-inserts-deletes-checkpoint");
        Path table = tmp.resolve("table");
        copyTree(source, table);
        Path log = table.resolve("_delta_log");
        Path checkpoint = log.resolve("00000000000000000010.checkpoint.parquet");
        List<ParquetStruct> original = ParquetRows.read(Files.readAllBytes(checkpoint), checkpoint.toString(),
                ParquetRowsGoldenTest.ACTIONS);
        RowType.Struct type = CheckpointRowType.actions();
        List<ParquetStruct> rows = new ArrayList<>();
        for (ParquetStruct r : original) {
            rows.add((ParquetStruct) ParquetRowsRoundTripTest.project(r, type));
        }
        Files.write(checkpoint, new ParquetRowsWriter(type).write(rows));
        // Without the commits before it, Kernel can only reach version 13 through our checkpoint.
        try (Stream<Path> files = Files.list(log)) {
            for (Path p : files.toList()) {
                String name = p.getFileName().toString();
                if (name.endsWith(".crc") || name.matches("0000000000000000000\\d\\.json")) {
                    Files.delete(p);
                }
            }
        }
        Snapshot snapshot = Table.forPath(engine, table.toString()).getLatestSnapshot(engine);
        assertEquals(13, snapshot.getVersion());
        int liveFiles = 0;
        try (CloseableIterator<FilteredColumnarBatch> scanFiles = snapshot.getScanBuilder().build().getScanFiles(engine)) {
            while (scanFiles.hasNext()) {
                try (CloseableIterator<Row> it = scanFiles.next().getRows()) {
                    while (it.hasNext()) {
                        it.next();
                        liveFiles++;
                    }
                }
            }
        }
        assertEquals(7, liveFiles, "INDEX.md: 7 files at version 13");
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        assertTrue(Files.isDirectory(to.resolve("_delta_log")));
    }

    static <T> CloseableIterator<T> iterator(List<T> items) {
        Iterator<T> it = items.iterator();
        return new CloseableIterator<>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public T next() {
                return it.next();
            }

            @Override
            public void close() {
            }
        };
    }

    /** A MessageBatch seen through Kernel's columnar interfaces, so Kernel's writer can write it. */
    /** A map Kernel read, in deltaq's encoding of headers (entries in the file's order). */
    private static byte[] encodedHeaders(MapValue map) {
        List<Header> headers = new ArrayList<>();
        for (int j = 0; j < map.getSize(); j++) {
            headers.add(new Header(map.getKeys().getString(j),
                    map.getValues().isNullAt(j) ? null : map.getValues().getBinary(j)));
        }
        return Headers.encode(headers);
    }

    private static final class MessageColumnarBatch implements ColumnarBatch {
        private final MessageBatch batch;

        MessageColumnarBatch(MessageBatch batch) {
            this.batch = batch;
        }

        @Override
        public StructType getSchema() {
            return MESSAGE_SCHEMA;
        }

        @Override
        public int getSize() {
            return batch.size();
        }

        @Override
        public ColumnVector getColumnVector(int ordinal) {
            return new ColumnVector() {
                @Override
                public DataType getDataType() {
                    return MESSAGE_SCHEMA.at(ordinal).getDataType();
                }

                @Override
                public int getSize() {
                    return batch.size();
                }

                @Override
                public void close() {
                }

                @Override
                public boolean isNullAt(int row) {
                    return switch (ordinal) {
                        case 0 -> batch.keyLength(row) < 0;
                        case 1 -> batch.valueLength(row) < 0;
                        default -> false;
                    };
                }

                @Override
                public byte[] getBinary(int row) {
                    if (ordinal == 0) {
                        return java.util.Arrays.copyOfRange(batch.keyBytes(), batch.keyOffset(row), batch.keyOffset(row) + batch.keyLength(row));
                    }
                    return java.util.Arrays.copyOfRange(batch.valueBytes(), batch.valueOffset(row), batch.valueOffset(row) + batch.valueLength(row));
                }

                @Override
                public long getLong(int row) {
                    return batch.timestampMicros(row);
                }
            };
        }
    }
}

package io.deltaq.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.delta.kernel.Scan;
import io.delta.kernel.Snapshot;
import io.delta.kernel.Table;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.engine.FileReadResult;
import io.delta.kernel.internal.InternalScanFileUtils;
import io.delta.kernel.internal.data.ScanStateRow;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import io.deltaq.s3io.ListPage;
import io.deltaq.s3io.ObjectInfo;
import io.deltaq.s3io.ObjectStore;
import org.apache.hadoop.conf.Configuration;

/**
 * Reads a table with Delta Kernel, the reference Java reader, through its full scan path (log
 * replay, scan files, Parquet read, physical-to-logical transform, selection vectors). Public, in
 * this module's test jar, for the modules above whose tables must be proven readable too.
 */
public final class KernelRows {

    /** One row as Kernel returns it. */
    public record Message(byte[] key, byte[] value, long timestampMicros) {
    }

    private KernelRows() {
    }

    /** Every row of the latest snapshot of the table in {@code dir}; also returns the snapshot's version. */
    public static List<Message> read(Path dir, long[] versionOut) {
        Engine engine = DefaultEngine.create(new Configuration());
        Snapshot snapshot = Table.forPath(engine, dir.toAbsolutePath().toString()).getLatestSnapshot(engine);
        versionOut[0] = snapshot.getVersion();
        Scan scan = snapshot.getScanBuilder().build();
        Row scanState = scan.getScanState(engine);
        StructType physicalSchema = ScanStateRow.getPhysicalDataReadSchema(scanState);
        List<Message> rows = new ArrayList<>();
        try (CloseableIterator<FilteredColumnarBatch> scanFiles = scan.getScanFiles(engine)) {
            while (scanFiles.hasNext()) {
                try (CloseableIterator<Row> files = scanFiles.next().getRows()) {
                    while (files.hasNext()) {
                        Row scanFile = files.next();
                        FileStatus status = InternalScanFileUtils.getAddFileStatus(scanFile);
                        CloseableIterator<ColumnarBatch> physical = engine.getParquetHandler()
                                .readParquetFiles(single(status), physicalSchema, Optional.empty())
                                .map(FileReadResult::getData);
                        try (CloseableIterator<FilteredColumnarBatch> logical =
                                     Scan.transformPhysicalData(engine, scanState, scanFile, physical)) {
                            while (logical.hasNext()) {
                                collect(logical.next(), rows);
                            }
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows;
    }

    private static void collect(FilteredColumnarBatch batch, List<Message> rows) {
        ColumnarBatch data = batch.getData();
        StructType schema = data.getSchema();
        ColumnVector keys = data.getColumnVector(schema.indexOf("key"));
        ColumnVector values = data.getColumnVector(schema.indexOf("value"));
        ColumnVector timestamps = data.getColumnVector(schema.indexOf("timestamp"));
        Optional<ColumnVector> selection = batch.getSelectionVector();
        for (int i = 0; i < data.getSize(); i++) {
            if (selection.isPresent() && (selection.get().isNullAt(i) || !selection.get().getBoolean(i))) {
                continue;
            }
            rows.add(new Message(keys.isNullAt(i) ? null : keys.getBinary(i),
                    values.isNullAt(i) ? null : values.getBinary(i),
                    timestamps.isNullAt(i) ? Long.MIN_VALUE : timestamps.getLong(i)));
        }
    }

    private static CloseableIterator<FileStatus> single(FileStatus status) {
        return new CloseableIterator<>() {
            private boolean done;

            @Override
            public boolean hasNext() {
                return !done;
            }

            @Override
            public FileStatus next() {
                done = true;
                return status;
            }

            @Override
            public void close() {
            }
        };
    }

    /**
     * Copies the table's objects of {@code store} into {@code dir}, so that Kernel reads an S3 table from
     * files. deltaq's own objects ({@code _deltaq/}, the maintenance lease a running producer renews and
     * prunes) are not part of the table and are left out.
     */
    public static Path copyToDirectory(ObjectStore store, Path dir) throws Exception {
        String after = null;
        while (true) {
            ListPage page = store.list("", after, 1000).get(60, TimeUnit.SECONDS);
            for (ObjectInfo info : page.objects()) {
                if (info.key().startsWith("_deltaq/") || info.key().contains("/_deltaq/")) {
                    continue;
                }
                byte[] bytes = store.get(info.key()).get(60, TimeUnit.SECONDS)
                        .orElseThrow(() -> new IllegalStateException(info.key() + " was listed, then vanished"));
                Path target = dir.resolve(info.key());
                Files.createDirectories(target.getParent());
                Files.write(target, bytes);
            }
            if (!page.truncated() || page.nextStartAfter() == null) {
                return dir;
            }
            after = page.nextStartAfter();
        }
    }
}

package io.deltaq.jmh.paths;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import io.delta.kernel.Operation;
import io.delta.kernel.Scan;
import io.delta.kernel.Snapshot;
import io.delta.kernel.TableManager;
import io.delta.kernel.Transaction;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.engine.FileReadResult;
import io.delta.kernel.exceptions.MaxCommitRetryLimitReachedException;
import io.delta.kernel.internal.InternalScanFileUtils;
import io.delta.kernel.internal.data.ScanStateRow;
import io.delta.kernel.internal.util.Utils;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterable;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import io.delta.kernel.defaults.engine.fileio.SeekableInputStream;
import io.deltaq.deltalog.Commit;
import io.deltaq.deltalog.DeltaLogOptions;
import io.deltaq.deltalog.DeltaTable;
import io.deltaq.deltalog.actions.SetTransaction;
import io.deltaq.deltalog.internal.parquet.MessageBatch;
import io.deltaq.jmh.SampleMessages;
import io.deltaq.jmh.queue.QueueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link StoreFileIO} against real stores (the embedded S3 server and the local file system): Kernel
 * and deltaq read each other's tables through it, Kernel's commits conflict instead of overwriting,
 * and the file operations keep Kernel's contract.
 */
class StoreFileIOTest {

    private QueueStore storage;

    private StoreFileIO open(String kind) {
        storage = QueueStore.open(kind);
        return new StoreFileIO(storage.store(), storage.rootUri(), SharedTable.KERNEL_CONF);
    }

    @AfterEach
    void close() {
        if (storage != null) {
            storage.close();
        }
    }

    /** The tally the messages give, computed from deltaq's batch. */
    static CommitReader.Tally expected(SampleMessages messages) {
        CommitReader.Tally tally = new CommitReader.Tally();
        MessageBatch batch = messages.deltaq();
        for (int i = 0; i < batch.size(); i++) {
            tally.add(batch.keyLength(i), batch.valueLength(i), batch.valueBytes()[batch.valueOffset(i)],
                    batch.timestampMicros(i));
        }
        return tally;
    }

    @ParameterizedTest
    @ValueSource(strings = {QueueStore.S3, QueueStore.LOCAL})
    void deltaqReadsWhatKernelCreatesAndAppends(String kind) {
        open(kind);
        Engine engine = SharedTable.kernelEngine(storage);
        String uri = storage.rootUri() + "/by-kernel";
        TableManager.buildCreateTableTransaction(uri, SampleMessages.KERNEL_SCHEMA, "test")
                .build(engine)
                .commit(engine, CloseableIterable.emptyIterable());
        DeltaTable deltaq = DeltaTable.at(storage.store(), "by-kernel", DeltaLogOptions.builder().tableUri(uri).build());
        SharedTable table = new SharedTable(storage.store(), "by-kernel", uri, deltaq, engine, 100);
        SampleMessages messages = SampleMessages.generate(500, 1);
        try (Appender kernel = Appender.open(Appender.KERNEL, table, "kernel-writer")) {
            assertEquals(1, kernel.append(messages));
            assertEquals(2, kernel.append(messages));
        }

        assertEquals(2, deltaq.latestVersion());
        assertEquals(1000, deltaq.rowCount(deltaq.snapshot()), "Kernel's statistics give the row counts");
        try (CommitReader reader = CommitReader.open(CommitReader.DELTAQ, table)) {
            for (long version = 1; version <= 2; version++) {
                CommitReader.Tally read = reader.read(version, new CommitReader.Tally());
                assertEquals(500, read.rows);
                assertEquals(expected(messages).checksum, read.checksum, "the messages of version " + version);
            }
        }
        Commit second = deltaq.readCommit(2).join().orElseThrow();
        assertEquals(List.of(new SetTransaction("kernel-writer", 1, second.txns().get(0).lastUpdated())), second.txns(),
                "Kernel's commit carries its transaction identifier");
    }

    @ParameterizedTest
    @ValueSource(strings = {QueueStore.S3, QueueStore.LOCAL})
    void kernelReadsWhatDeltaqWrites(String kind) throws IOException {
        open(kind);
        Engine engine = SharedTable.kernelEngine(storage);
        SharedTable table = SharedTable.create(storage, engine, "by-deltaq");
        SampleMessages messages = SampleMessages.generate(700, 2);
        try (Appender deltaq = Appender.open(Appender.DELTAQ, table, "deltaq-writer")) {
            for (int i = 0; i < 3; i++) {
                deltaq.append(messages);
            }
        }
        table.deltaq.checkpoint(2);

        Snapshot snapshot = TableManager.loadSnapshot(table.uri).build(engine);
        assertEquals(3, snapshot.getVersion());
        assertEquals(Optional.of(2L), snapshot.getLatestTransactionVersion(engine, "deltaq-writer"),
                "batch sequences 0, 1, 2");
        CommitReader.Tally scanned = scan(engine, snapshot);
        assertEquals(2100, scanned.rows, "Kernel's full scan, from deltaq's checkpoint and the commit after it");

        try (CommitReader reader = CommitReader.open(CommitReader.KERNEL, table)) {
            CommitReader.Tally read = reader.read(3, new CommitReader.Tally());
            assertEquals(700, read.rows);
            assertEquals(expected(messages).checksum, read.checksum);
        }
    }

    /** Every row of a snapshot, read the way a Kernel connector does: scan files, then data. */
    private static CommitReader.Tally scan(Engine engine, Snapshot snapshot) throws IOException {
        Scan scan = snapshot.getScanBuilder().build();
        Row state = scan.getScanState(engine);
        StructType physical = ScanStateRow.getPhysicalDataReadSchema(state);
        CommitReader.Tally tally = new CommitReader.Tally();
        try (CloseableIterator<FilteredColumnarBatch> files = scan.getScanFiles(engine)) {
            while (files.hasNext()) {
                try (CloseableIterator<Row> rows = files.next().getRows()) {
                    while (rows.hasNext()) {
                        FileStatus file = InternalScanFileUtils.getAddFileStatus(rows.next());
                        try (CloseableIterator<FileReadResult> data = engine.getParquetHandler().readParquetFiles(
                                Utils.singletonCloseableIterator(file), physical, Optional.empty())) {
                            while (data.hasNext()) {
                                ColumnarBatch batch = data.next().getData();
                                ColumnVector values = batch.getColumnVector(1);
                                for (int i = 0; i < batch.getSize(); i++) {
                                    tally.add(0, values.getBinary(i).length, (byte) 0, 0);
                                }
                            }
                        }
                    }
                }
            }
        }
        return tally;
    }

    @ParameterizedTest
    @ValueSource(strings = {QueueStore.S3, QueueStore.LOCAL})
    void kernelsSecondCommitOfAVersionIsAConflict(String kind) {
        open(kind);
        Engine engine = SharedTable.kernelEngine(storage);
        SharedTable table = SharedTable.create(storage, engine, "race");
        Snapshot base = TableManager.loadSnapshot(table.uri).build(engine);
        Transaction first = base.buildUpdateTableTransaction("test", Operation.WRITE)
                .withTransactionId("first", 0).build(engine);
        Transaction second = base.buildUpdateTableTransaction("test", Operation.WRITE)
                .withTransactionId("second", 0).withMaxRetries(0).build(engine);
        Transaction third = base.buildUpdateTableTransaction("test", Operation.WRITE)
                .withTransactionId("third", 0).build(engine);

        assertEquals(1, first.commit(engine, CloseableIterable.emptyIterable()).getVersion());
        MaxCommitRetryLimitReachedException conflict = assertThrows(MaxCommitRetryLimitReachedException.class,
                () -> second.commit(engine, CloseableIterable.emptyIterable()));
        assertTrue(conflict.getMessage().contains("version 1") || conflict.getCause() != null, conflict.toString());
        assertEquals(2, third.commit(engine, CloseableIterable.emptyIterable()).getVersion(),
                "with retries, a blind append moves past the version it lost");

        assertEquals(List.of("first"), appIds(table, 1), "version 1 is the first writer's, not overwritten");
        assertEquals(List.of("third"), appIds(table, 2));
        assertEquals(2, table.deltaq.latestVersion());
    }

    private static List<String> appIds(SharedTable table, long version) {
        List<String> ids = new ArrayList<>();
        for (SetTransaction txn : table.deltaq.readCommit(version).join().orElseThrow().txns()) {
            ids.add(txn.appId());
        }
        return ids;
    }

    @ParameterizedTest
    @ValueSource(strings = {QueueStore.S3, QueueStore.LOCAL})
    void fileOperationsKeepKernelsContract(String kind) throws IOException {
        StoreFileIO io = open(kind);
        String root = storage.rootUri();
        String log = root + "/t/_delta_log/";
        for (String name : List.of("00000000000000000000.json", "00000000000000000001.checkpoint.parquet",
                "00000000000000000001.json", "00000000000000000002.json", "_commits/00000000000000000003.uuid.json")) {
            io.newOutputFile(log + name).writeAtomically(Utils.singletonCloseableIterator(name), false);
        }

        assertEquals(List.of(log + "00000000000000000001.checkpoint.parquet", log + "00000000000000000001.json",
                        log + "00000000000000000002.json"),
                paths(io.listFrom(log + "00000000000000000001.")), "at or after the name, in the directory only");
        assertEquals(List.of(), paths(io.listFrom(log + "00000000000000000009.")));
        assertThrows(FileNotFoundException.class, () -> io.listFrom(root + "/missing/_delta_log/00000000000000000000."));

        FileAlreadyExistsException exists = assertThrows(FileAlreadyExistsException.class, () -> io
                .newOutputFile(log + "00000000000000000001.json")
                .writeAtomically(Utils.singletonCloseableIterator("other"), false));
        assertTrue(exists.getMessage().contains("00000000000000000001.json"), exists.getMessage());
        assertEquals("00000000000000000001.json\n", read(io, log + "00000000000000000001.json"), "not overwritten");
        io.newOutputFile(log + "00000000000000000001.json").writeAtomically(Utils.singletonCloseableIterator("new"), true);
        assertEquals("new\n", read(io, log + "00000000000000000001.json"));

        String fileUri = root.startsWith("file:") ? "file://" + root.substring("file:".length()) + "/t/x.bin" : null;
        String data = root + "/t/x.bin";
        byte[] bytes = new byte[3 * StoreFileIO.TAIL_BYTES + 17];
        new Random(5).nextBytes(bytes);
        try (OutputStream out = io.newOutputFile(data).create(true)) {
            out.write(bytes, 0, 100);
            out.write(bytes, 100, bytes.length - 100);
        }
        FileStatus status = io.getFileStatus(fileUri != null ? fileUri : data);
        assertEquals(data, status.getPath(), "paths come back canonical");
        assertEquals(bytes.length, status.getSize());
        assertEquals(data, io.resolvePath(data));
        assertThrows(FileNotFoundException.class, () -> io.getFileStatus(root + "/t/x.bi"));
        assertThrows(IllegalArgumentException.class, () -> io.getFileStatus("s3://elsewhere/t/x.bin"));

        try (SeekableInputStream in = io.newInputFile(data, bytes.length).newStream()) {
            byte[] tail = new byte[8];
            in.seek(bytes.length - 8);
            in.readFully(tail, 0, 8);
            assertArrayEquals(java.util.Arrays.copyOfRange(bytes, bytes.length - 8, bytes.length), tail);
            byte[] middle = new byte[StoreFileIO.TAIL_BYTES];
            in.seek(100);
            in.readFully(middle, 0, middle.length);
            assertArrayEquals(java.util.Arrays.copyOfRange(bytes, 100, 100 + middle.length), middle);
            assertEquals(100 + middle.length, in.getPos());
            assertEquals(bytes[100 + middle.length] & 0xff, in.read());
            in.seek(bytes.length);
            assertEquals(-1, in.read());
            assertThrows(EOFException.class, () -> in.readFully(new byte[1], 0, 1));
        }
        try (SeekableInputStream in = io.newInputFile(data, -1).newStream()) {
            assertArrayEquals(bytes, in.readAllBytes(), "a file of unknown size is read whole");
        }
        assertThrows(FileNotFoundException.class, () -> io.newInputFile(root + "/t/none", -1).newStream().read());

        assertTrue(io.delete(data));
        assertThrows(FileNotFoundException.class, () -> io.getFileStatus(data));
        assertEquals(Optional.of("SNAPPY"), io.getConf("parquet.compression"));
        assertEquals(Optional.empty(), io.getConf("parquet.block.size"));
    }

    private static List<String> paths(CloseableIterator<FileStatus> files) throws IOException {
        List<String> paths = new ArrayList<>();
        try (files) {
            files.forEachRemaining(f -> paths.add(f.getPath()));
        }
        return paths;
    }

    private static String read(StoreFileIO io, String path) throws IOException {
        try (SeekableInputStream in = io.newInputFile(path, -1).newStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}

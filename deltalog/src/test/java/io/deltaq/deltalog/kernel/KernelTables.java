package io.deltaq.deltalog.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;

import io.delta.kernel.DataWriteContext;
import io.delta.kernel.Operation;
import io.delta.kernel.Scan;
import io.delta.kernel.Snapshot;
import io.delta.kernel.Table;
import io.delta.kernel.Transaction;
import io.delta.kernel.TransactionBuilder;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.MapValue;
import io.delta.kernel.data.Row;
import io.delta.kernel.defaults.internal.data.DefaultColumnarBatch;
import io.delta.kernel.defaults.internal.data.vector.DefaultBinaryVector;
import io.delta.kernel.defaults.internal.data.vector.DefaultLongVector;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.engine.FileReadResult;
import io.delta.kernel.internal.InternalScanFileUtils;
import io.delta.kernel.internal.data.ScanStateRow;
import io.delta.kernel.types.BinaryType;
import io.delta.kernel.types.MapType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;
import io.delta.kernel.utils.CloseableIterable;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.DataFileStatus;
import io.delta.kernel.utils.FileStatus;
import io.deltaq.deltalog.Header;
import io.deltaq.deltalog.Headers;
import io.deltaq.deltalog.CommitWriter;
import io.deltaq.deltalog.DeltaTable;
import io.deltaq.deltalog.LiveFile;
import io.deltaq.deltalog.MessageStats;
import io.deltaq.deltalog.actions.AddFile;
import io.deltaq.deltalog.internal.parquet.MessageBatch;
import io.deltaq.deltalog.internal.parquet.MessageFileReader;
import io.deltaq.deltalog.internal.parquet.MessageFileWriter;
import io.deltaq.s3io.ObjectStore;

/** Writing and reading message tables through Delta Kernel's public API, and through deltaq's. */
final class KernelTables {

    /**
     * The deltaq message schema of a table created before headers, as Kernel types (the same
     * nullability as the table's schemaString): the tables Kernel creates here.
     */
    static final StructType MESSAGE_SCHEMA = new StructType()
            .add("key", BinaryType.BINARY, true)
            .add("value", BinaryType.BINARY, false)
            .add("timestamp", TimestampType.TIMESTAMP, false);
    /** The deltaq message schema, headers included: the tables deltaq creates. */
    static final StructType MESSAGE_SCHEMA_WITH_HEADERS = MESSAGE_SCHEMA
            .add("headers", new MapType(StringType.STRING, BinaryType.BINARY, true), true);

    private static final HexFormat HEX = HexFormat.of();

    private KernelTables() {
    }

    /**
     * One message, comparable by content: key and value as hex (key null when null), timestamp in µs,
     * headers as the hex of their encoding (null for none).
     */
    record Message(String key, String value, long timestampMicros, String headers) {
        static final Comparator<Message> ORDER = Comparator.comparingLong(Message::timestampMicros)
                .thenComparing(Message::value);

        static Message of(byte[] key, byte[] value, long timestampMicros) {
            return of(key, value, timestampMicros, null);
        }

        static Message of(byte[] key, byte[] value, long timestampMicros, byte[] headers) {
            return new Message(key == null ? null : HEX.formatHex(key), HEX.formatHex(value), timestampMicros,
                    headers == null || headers.length == 0 ? null : HEX.formatHex(headers));
        }

        byte[] headerBytes() {
            return headers == null ? null : HEX.parseHex(headers);
        }

        byte[] keyBytes() {
            return key == null ? null : HEX.parseHex(key);
        }

        byte[] valueBytes() {
            return HEX.parseHex(value);
        }
    }

    /**
     * {@code count} messages with distinct timestamps from {@code firstTimestampMicros}: every fifth key
     * null, some empty keys and values, random bytes otherwise (all 256 byte values occur); with
     * {@code headers}, every third message has two (one with a null value).
     */
    static List<Message> messages(Random random, int count, long firstTimestampMicros, boolean headers) {
        List<Message> messages = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] key = i % 5 == 0 ? null : new byte[i % 7 == 0 ? 0 : 1 + random.nextInt(16)];
            byte[] value = new byte[i % 11 == 0 ? 0 : 1 + random.nextInt(300)];
            if (key != null) {
                random.nextBytes(key);
            }
            random.nextBytes(value);
            byte[] encoded = headers && i % 3 == 1 ? Headers.encode(List.of(
                    new Header("h-" + i % 4, Arrays.copyOf(value, Math.min(value.length, 9))), new Header("\u00fcber", null)))
                    : null;
            messages.add(Message.of(key, value, firstTimestampMicros + i * 1_001L, encoded));
        }
        return messages;
    }

    static List<Message> sorted(List<Message> messages) {
        List<Message> copy = new ArrayList<>(messages);
        copy.sort(Message.ORDER);
        return copy;
    }

    /* ------------------------------ deltaq side ------------------------------ */

    /** Encodes {@code messages} as one data file, uploads it and commits it as batch {@code sequence}. */
    static long deltaqAppend(ObjectStore store, CommitWriter writer, MessageFileWriter encoder, long sequence,
                             List<Message> messages) {
        MessageBatch batch = new MessageBatch();
        for (Message m : messages) {
            byte[] key = m.keyBytes();
            byte[] value = m.valueBytes();
            byte[] headers = m.headerBytes();
            batch.append(key, 0, key == null ? MessageBatch.NULL_LENGTH : key.length, value, 0, value.length,
                    m.timestampMicros(), headers, 0, headers == null ? MessageBatch.NULL_LENGTH : headers.length);
        }
        int length = encoder.encode(batch);
        String path = "part-" + sequence + "-" + UUID.randomUUID() + ".snappy.parquet";
        store.put(path, encoder.toByteArray()).join();
        return writer.commit(sequence, List.of(AddFile.ofNewFile(path, length, System.currentTimeMillis(),
                MessageStats.of(encoder.stats()).toJson()))).join().version();
    }

    /** Every message in {@code files}, read with deltaq's data-file reader. */
    static List<Message> deltaqRead(DeltaTable table, List<LiveFile> files) {
        List<Message> read = new ArrayList<>();
        try (MessageFileReader reader = new MessageFileReader()) {
            for (LiveFile file : files) {
                byte[] data = table.readDataFile(file).join();
                int before = read.size();
                reader.decode(data, file.path(), (row, kb, ko, kl, vb, vo, vl, ts, hb, ho, hl) -> read.add(Message.of(
                        kl < 0 ? null : Arrays.copyOfRange(kb, ko, ko + kl), Arrays.copyOfRange(vb, vo, vo + vl), ts,
                        hl < 0 ? null : Arrays.copyOfRange(hb, ho, ho + hl))));
                long expected = file.numRecordsFromStats();
                if (expected >= 0) {
                    assertEquals(expected, read.size() - before, "numRecords of " + file.path());
                }
            }
        }
        return read;
    }

    /* ------------------------------ Kernel side ------------------------------ */

    /** Every row of the table's latest snapshot, read the way a Kernel connector reads: scan files, then data. */
    static List<Message> kernelRead(Engine engine, Snapshot snapshot) {
        assertTrue(MESSAGE_SCHEMA_WITH_HEADERS.equals(snapshot.getSchema()) || MESSAGE_SCHEMA.equals(snapshot.getSchema()),
                "Kernel sees the message schema: " + snapshot.getSchema());
        Scan scan = snapshot.getScanBuilder().build();
        Row scanState = scan.getScanState(engine);
        StructType physicalSchema = ScanStateRow.getPhysicalDataReadSchema(scanState);
        List<Message> read = new ArrayList<>();
        try (CloseableIterator<FilteredColumnarBatch> scanFiles = scan.getScanFiles(engine)) {
            while (scanFiles.hasNext()) {
                try (CloseableIterator<Row> scanFileRows = scanFiles.next().getRows()) {
                    while (scanFileRows.hasNext()) {
                        Row scanFile = scanFileRows.next();
                        FileStatus status = InternalScanFileUtils.getAddFileStatus(scanFile);
                        CloseableIterator<ColumnarBatch> physical = engine.getParquetHandler()
                                .readParquetFiles(iterator(List.of(status)), physicalSchema, Optional.empty())
                                .map(FileReadResult::getData);
                        try (CloseableIterator<FilteredColumnarBatch> logical =
                                     Scan.transformPhysicalData(engine, scanState, scanFile, physical)) {
                            while (logical.hasNext()) {
                                addRows(logical.next(), read);
                            }
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return read;
    }

    private static void addRows(FilteredColumnarBatch batch, List<Message> read) throws IOException {
        StructType schema = batch.getData().getSchema();
        int key = schema.indexOf("key");
        int value = schema.indexOf("value");
        int timestamp = schema.indexOf("timestamp");
        int headers = schema.indexOf("headers");
        try (CloseableIterator<Row> rows = batch.getRows()) {
            while (rows.hasNext()) {
                Row row = rows.next();
                assertTrue(!row.isNullAt(value) && !row.isNullAt(timestamp), "value and timestamp are never null");
                read.add(Message.of(row.isNullAt(key) ? null : row.getBinary(key), row.getBinary(value),
                        row.getLong(timestamp), headers < 0 || row.isNullAt(headers) ? null : encoded(row.getMap(headers))));
            }
        }
    }

    /** A map Kernel read, in deltaq's encoding of headers (entries in the file's order). */
    private static byte[] encoded(MapValue map) {
        List<Header> headers = new ArrayList<>();
        for (int j = 0; j < map.getSize(); j++) {
            headers.add(new Header(map.getKeys().getString(j),
                    map.getValues().isNullAt(j) ? null : map.getValues().getBinary(j)));
        }
        return Headers.encode(headers);
    }

    /**
     * One Kernel transaction: creates the table with the message schema ({@code create}) or appends to
     * it, writing each batch as its own data file with Kernel's Parquet writer and statistics, under
     * {@code txn (appId, txnVersion)} when {@code appId} is not null. Returns the committed version.
     */
    static long kernelCommit(Engine engine, String tablePath, boolean create, String appId, long txnVersion,
                             List<List<Message>> batches) {
        TransactionBuilder builder = Table.forPath(engine, tablePath)
                .createTransactionBuilder(engine, "deltaq-kernel-interop", create ? Operation.CREATE_TABLE : Operation.WRITE);
        if (create) {
            builder = builder.withSchema(engine, MESSAGE_SCHEMA);
        }
        if (appId != null) {
            builder = builder.withTransactionId(engine, appId, txnVersion);
        }
        Transaction txn = builder.build(engine);
        Row state = txn.getTransactionState(engine);
        List<Row> actions = new ArrayList<>();
        try {
            for (List<Message> batch : batches) {
                CloseableIterator<FilteredColumnarBatch> physical = Transaction.transformLogicalData(engine, state,
                        iterator(List.of(new FilteredColumnarBatch(columnarBatch(batch), Optional.empty()))), Map.of());
                DataWriteContext context = Transaction.getWriteContext(engine, state, Map.of());
                CloseableIterator<DataFileStatus> files = engine.getParquetHandler()
                        .writeParquetFiles(context.getTargetDirectory(), physical, context.getStatisticsColumns());
                try (CloseableIterator<Row> append = Transaction.generateAppendActions(engine, state, files, context)) {
                    append.forEachRemaining(actions::add);
                }
            }
            return txn.commit(engine, CloseableIterable.inMemoryIterable(iterator(actions))).getVersion();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Messages as Kernel's in-memory columnar batch (the representation Kernel's writer takes). */
    static ColumnarBatch columnarBatch(List<Message> messages) {
        int n = messages.size();
        byte[][] keys = new byte[n][];
        byte[][] values = new byte[n][];
        long[] timestamps = new long[n];
        for (int i = 0; i < n; i++) {
            keys[i] = messages.get(i).keyBytes();
            values[i] = messages.get(i).valueBytes();
            timestamps[i] = messages.get(i).timestampMicros();
        }
        return new DefaultColumnarBatch(n, MESSAGE_SCHEMA, new ColumnVector[] {
                new DefaultBinaryVector(BinaryType.BINARY, n, keys),
                new DefaultBinaryVector(BinaryType.BINARY, n, values),
                new DefaultLongVector(TimestampType.TIMESTAMP, n, Optional.empty(), timestamps)});
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
}

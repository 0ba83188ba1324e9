package io.deltaq.deltalog.parquet;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.CompressionCodec;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;

/**
 * Decodes message files (columns {@code key}, {@code value}, {@code timestamp}) into a
 * {@link MessageHandler}. Files that use PLAIN or dictionary values with RLE levels (deltaq's,
 * Spark's, Kernel's, pyarrow's defaults; DATA_PAGE v1 or v2; any supported codec) go through a
 * purpose-built fast path that allocates nothing per message: values are handed out as views
 * into the file or into reused page buffers. Other encodings (DELTA_*, BYTE_STREAM_SPLIT) go
 * through parquet-column's general reader. Extra columns are ignored; column order is free.
 * Not thread-safe: one instance per decoding thread.
 */
public final class MessageFileReader implements AutoCloseable {
    private static final Set<Encoding> FAST_ENCODINGS = EnumSet.of(Encoding.PLAIN, Encoding.PLAIN_DICTIONARY,
            Encoding.RLE_DICTIONARY, Encoding.RLE, Encoding.BIT_PACKED);

    private final Codecs codecs = new Codecs();
    private final PositionedInput headerInput = new PositionedInput();
    private final ColumnCursor keyCursor = new ColumnCursor(codecs, headerInput);
    private final ColumnCursor valueCursor = new ColumnCursor(codecs, headerInput);
    private final ColumnCursor timestampCursor = new ColumnCursor(codecs, headerInput);
    private final boolean fastPathEnabled;

    public MessageFileReader() {
        this(true);
    }

    /** With {@code fastPathEnabled} false every file goes through parquet-column (for comparisons). */
    MessageFileReader(boolean fastPathEnabled) {
        this.fastPathEnabled = fastPathEnabled;
    }

    /** Decodes every message of the file. Returns the number delivered. */
    public int decode(byte[] file, String fileName, MessageHandler handler) {
        return decode(file, 0, file.length, fileName, 0, Integer.MAX_VALUE, handler);
    }

    /**
     * Decodes up to {@code maxMessages} messages starting at row {@code firstRow} of the file
     * held in {@code file[off, off+len)}. Returns the number delivered.
     *
     * @param fileName only used in error messages; may be null
     */
    public int decode(byte[] file, int off, int len, String fileName, int firstRow, int maxMessages, MessageHandler handler) {
        if (firstRow < 0 || maxMessages < 0) {
            throw new IllegalArgumentException("firstRow " + firstRow + " and maxMessages " + maxMessages + " must be >= 0");
        }
        FileMetaData meta = ParquetFooter.read(file, off, len, fileName);
        if (meta.getNum_rows() > Integer.MAX_VALUE) {
            throw new ParquetFormatException(fileName, "holds " + meta.getNum_rows() + " rows, more than a message file may");
        }
        MessageType schema = ThriftSchema.fromThrift(meta.getSchema(), fileName);
        Column key = column(schema, MessageSchema.KEY, false, fileName);
        Column value = column(schema, MessageSchema.VALUE, true, fileName);
        Column timestamp = column(schema, MessageSchema.TIMESTAMP, true, fileName);

        int delivered = 0;
        long rowBase = 0;
        for (RowGroup rowGroup : meta.getRow_groups()) {
            long rows = rowGroup.getNum_rows();
            if (rowGroup.getColumns() == null || rowGroup.getColumns().size() != schema.getColumns().size()) {
                throw new ParquetFormatException(fileName, "corrupt footer: a row group has "
                        + (rowGroup.getColumns() == null ? 0 : rowGroup.getColumns().size()) + " column chunks for "
                        + schema.getColumns().size() + " columns");
            }
            if (delivered >= maxMessages) {
                break;
            }
            if (rowBase + rows <= firstRow) {
                rowBase += rows;
                continue;
            }
            int skip = (int) Math.max(0, firstRow - rowBase);
            int take = (int) Math.min(rows - skip, (long) maxMessages - delivered);
            if (fastPathEnabled && fastPathApplies(rowGroup, key, value, timestamp)) {
                decodeFast(file, off, len, fileName, rowGroup, key, value, timestamp, (int) rowBase + skip, skip, take, handler);
            } else {
                decodeGeneral(file, off, len, fileName, meta.getCreated_by(), schema, rowGroup, key, value, timestamp,
                        (int) rowBase + skip, skip, take, handler);
            }
            delivered += take;
            rowBase += rows;
        }
        return delivered;
    }

    private void decodeFast(byte[] file, int off, int len, String fileName, RowGroup rowGroup,
                            Column key, Column value, Column timestamp,
                            int firstIndex, int skip, int take, MessageHandler handler) {
        ColumnCursor k = keyCursor;
        ColumnCursor v = valueCursor;
        ColumnCursor t = timestampCursor;
        if (key != null) {
            k.open(file, off, len, fileName, chunk(rowGroup, key, fileName), key);
        } else {
            k.openAbsent();
        }
        v.open(file, off, len, fileName, chunk(rowGroup, value, fileName), value);
        t.open(file, off, len, fileName, chunk(rowGroup, timestamp, fileName), timestamp);
        if (skip > 0) {
            k.skip(skip);
            v.skip(skip);
            t.skip(skip);
        }
        for (int i = 0; i < take; i++) {
            k.next();
            v.next();
            t.next();
            handler.onMessage(firstIndex + i, k.outBuf, k.outOff, k.outLen, v.outBuf, v.outOff, v.outLen,
                    t.outNull ? MessageHandler.NULL_TIMESTAMP : t.outLong);
        }
    }

    private void decodeGeneral(byte[] file, int off, int len, String fileName, String createdBy, MessageType schema,
                               RowGroup rowGroup, Column key, Column value, Column timestamp,
                               int firstIndex, int skip, int take, MessageHandler handler) {
        List<Type> fields = new ArrayList<>(3);
        if (key != null) {
            fields.add(schema.getType(MessageSchema.KEY));
        }
        fields.add(schema.getType(MessageSchema.VALUE));
        fields.add(schema.getType(MessageSchema.TIMESTAMP));
        MessageType requested = new MessageType(schema.getName(), fields);
        RowGroupPages pages = new RowGroupPages(file, off, len, rowGroup, fileName, codecs);
        ColumnReadStoreImpl store = new ColumnReadStoreImpl(pages, new IgnoringGroupConverter(fields.size()), requested,
                createdBy == null ? "" : createdBy);
        ColumnReader k = key == null ? null : store.getColumnReader(requested.getColumnDescription(new String[] {MessageSchema.KEY}));
        ColumnReader v = store.getColumnReader(requested.getColumnDescription(new String[] {MessageSchema.VALUE}));
        ColumnReader t = store.getColumnReader(requested.getColumnDescription(new String[] {MessageSchema.TIMESTAMP}));
        try {
            for (int i = 0; i < skip; i++) {
                skipValue(k);
                skipValue(v);
                skipValue(t);
            }
            for (int i = 0; i < take; i++) {
                byte[] keyBuf = null;
                int keyLen = MessageBatch.NULL_LENGTH;
                if (k != null && k.getCurrentDefinitionLevel() == k.getDescriptor().getMaxDefinitionLevel()) {
                    Binary b = k.getBinary();
                    keyBuf = b.getBytesUnsafe();
                    keyLen = b.length();
                }
                byte[] valueBuf = null;
                int valueLen = MessageBatch.NULL_LENGTH;
                if (v.getCurrentDefinitionLevel() == v.getDescriptor().getMaxDefinitionLevel()) {
                    Binary b = v.getBinary();
                    valueBuf = b.getBytesUnsafe();
                    valueLen = b.length();
                }
                long ts = MessageHandler.NULL_TIMESTAMP;
                if (t.getCurrentDefinitionLevel() == t.getDescriptor().getMaxDefinitionLevel()) {
                    ts = timestamp.int96 ? Int96.toEpochMicros(t.getBinary().getBytesUnsafe(), 0) : timestamp.scale(t.getLong());
                }
                if (k != null) {
                    k.consume();
                }
                v.consume();
                t.consume();
                handler.onMessage(firstIndex + i, keyBuf, 0, keyLen, valueBuf, 0, valueLen, ts);
            }
        } catch (ParquetFormatException e) {
            throw e;
        } catch (org.apache.parquet.io.ParquetDecodingException | IllegalArgumentException | IllegalStateException e) {
            throw new ParquetFormatException(fileName, "cannot decode message columns: " + e.getMessage(), e);
        }
    }

    private static void skipValue(ColumnReader r) {
        if (r != null) {
            if (r.getCurrentDefinitionLevel() == r.getDescriptor().getMaxDefinitionLevel()) {
                r.skip();
            }
            r.consume();
        }
    }

    private static boolean fastPathApplies(RowGroup rowGroup, Column... columns) {
        for (Column c : columns) {
            if (c == null) {
                continue;
            }
            ColumnChunk chunk = rowGroup.getColumns().get(c.leafIndex);
            if (!chunk.isSetMeta_data() || chunk.isSetFile_path()) {
                return false; // the general path words the error
            }
            for (Encoding e : chunk.getMeta_data().getEncodings()) {
                if (!FAST_ENCODINGS.contains(e)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static ColumnMetaData chunk(RowGroup rowGroup, Column c, String fileName) {
        ColumnChunk chunk = rowGroup.getColumns().get(c.leafIndex);
        ColumnMetaData md = chunk.getMeta_data();
        if (md.getPath_in_schema().size() != 1 || !md.getPath_in_schema().get(0).equals(c.name)) {
            throw new ParquetFormatException(fileName, "row group's column chunk " + c.leafIndex + " is "
                    + md.getPath_in_schema() + ", expected " + c.name);
        }
        Codecs.checkSupported(md.getCodec(), fileName);
        return md;
    }

    /** Resolves a top-level message column in the file's schema, checking its type. */
    private static Column column(MessageType schema, String name, boolean required, String fileName) {
        if (!schema.containsField(name)) {
            if (required) {
                throw new ParquetFormatException(fileName, "missing required column '" + name + "' (columns: "
                        + schema.getFields().stream().map(Type::getName).toList() + ")");
            }
            return null;
        }
        Type type = schema.getType(name);
        if (!type.isPrimitive() || type.isRepetition(Type.Repetition.REPEATED)) {
            throw new ParquetFormatException(fileName, "column '" + name + "' has type " + type
                    + ", expected a single " + (name.equals(MessageSchema.TIMESTAMP) ? "timestamp" : "binary"));
        }
        PrimitiveType p = type.asPrimitiveType();
        int leaf = -1;
        List<ColumnDescriptor> columns = schema.getColumns();
        for (int i = 0; i < columns.size(); i++) {
            String[] path = columns.get(i).getPath();
            if (path.length == 1 && path[0].equals(name)) {
                leaf = i;
                break;
            }
        }
        Column c = new Column(name, leaf, p.getPrimitiveTypeName(), type.isRepetition(Type.Repetition.OPTIONAL) ? 1 : 0);
        if (name.equals(MessageSchema.TIMESTAMP)) {
            if (p.getPrimitiveTypeName() == PrimitiveTypeName.INT96) {
                c.int96 = true;
            } else if (p.getPrimitiveTypeName() == PrimitiveTypeName.INT64
                    && p.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation ts) {
                c.unit = ts.getUnit();
            } else {
                throw new ParquetFormatException(fileName, "column 'timestamp' has type " + type
                        + ", expected INT64 TIMESTAMP or INT96");
            }
        } else if (p.getPrimitiveTypeName() != PrimitiveTypeName.BINARY) {
            throw new ParquetFormatException(fileName, "column '" + name + "' has type " + type + ", expected binary");
        }
        return c;
    }

    @Override
    public void close() {
        codecs.close();
    }

    /** A resolved message column: where it is and how to read it. */
    static final class Column {
        final String name;
        final int leafIndex;
        final PrimitiveTypeName type;
        final int maxDefinitionLevel;
        boolean int96;
        LogicalTypeAnnotation.TimeUnit unit = LogicalTypeAnnotation.TimeUnit.MICROS;

        Column(String name, int leafIndex, PrimitiveTypeName type, int maxDefinitionLevel) {
            this.name = name;
            this.leafIndex = leafIndex;
            this.type = type;
            this.maxDefinitionLevel = maxDefinitionLevel;
        }

        long scale(long raw) {
            return switch (unit) {
                case MILLIS -> raw * 1000L;
                case MICROS -> raw;
                case NANOS -> Math.floorDiv(raw, 1000L);
            };
        }
    }

    /** parquet-column wants a converter tree even when values are pulled from the readers directly. */
    private static final class IgnoringGroupConverter extends GroupConverter {
        private final PrimitiveConverter ignore = new PrimitiveConverter() {
        };
        private final int fields;

        IgnoringGroupConverter(int fields) {
            this.fields = fields;
        }

        @Override
        public Converter getConverter(int fieldIndex) {
            if (fieldIndex >= fields) {
                throw new IndexOutOfBoundsException(fieldIndex);
            }
            return ignore;
        }

        @Override
        public void start() {
        }

        @Override
        public void end() {
        }
    }
}

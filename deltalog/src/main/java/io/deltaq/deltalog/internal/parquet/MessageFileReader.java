package io.deltaq.deltalog.internal.parquet;

import io.deltaq.deltalog.Headers;

import java.util.ArrayList;
import java.util.Arrays;
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
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;

/**
 * Decodes message files (columns {@code key}, {@code value}, {@code timestamp} and, when the file
 * has it, the {@code headers} map) into a {@link MessageRowHandler}. Files that use PLAIN or dictionary values with RLE levels (deltaq's,
 * Spark's, Kernel's, pyarrow's defaults; DATA_PAGE v1 or v2; any supported codec) go through a
 * purpose-built fast path that allocates nothing per message: values are handed out as views
 * into the file or into reused page buffers. Other encodings (DELTA_*, BYTE_STREAM_SPLIT) go
 * through parquet-column's general reader. Extra columns are ignored; column order is free.
 *
 * <p>A file can be decoded in one call ({@link #decode}) or taken in pieces: {@link #open} it,
 * then {@link #read} as many messages at a time as there is room for; each read continues where
 * the last stopped, so a file taken in n pieces costs what one call does, not n times as much.
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
    private final ColumnCursor headerKeyCursor = new ColumnCursor(codecs, headerInput);
    private final ColumnCursor headerValueCursor = new ColumnCursor(codecs, headerInput);
    /** The row's headers, encoded (see {@link io.deltaq.deltalog.Headers}); reused. */
    private byte[] headersOut = new byte[256];
    private int headersOutLength;
    private final boolean fastPathEnabled;

    // The open file, and where in it the next read starts. file == null: none is open.
    private byte[] file;
    private int fileOff;
    private int fileLen;
    private String fileName;
    private FileMetaData meta;
    private MessageType schema;
    private Column key;
    private Column value;
    private Column timestamp;
    private HeaderColumns headers;
    private int columnCount;
    private int row;
    private int rowGroup;
    private int rowGroupEnd;
    private boolean fast;
    private ColumnReader generalKey;
    private ColumnReader generalValue;
    private ColumnReader generalTimestamp;
    private ColumnReader generalHeaderKey;
    private ColumnReader generalHeaderValue;
    private long generalHeaderEntriesLeft;

    public MessageFileReader() {
        this(true);
    }

    /** With {@code fastPathEnabled} false every file goes through parquet-column (for comparisons). */
    MessageFileReader(boolean fastPathEnabled) {
        this.fastPathEnabled = fastPathEnabled;
    }

    /** Decodes every message of the file. Returns the number delivered. */
    public int decode(byte[] file, String fileName, MessageRowHandler handler) {
        return decode(file, 0, file.length, fileName, 0, Integer.MAX_VALUE, handler);
    }

    /**
     * Decodes up to {@code maxMessages} messages starting at row {@code firstRow} of the file
     * held in {@code file[off, off+len)}. Returns the number delivered. Each call reads the file
     * from its footer again; to take a file in pieces, {@link #open} it and {@link #read} on.
     *
     * @param fileName only used in error messages; may be null
     */
    public int decode(byte[] file, int off, int len, String fileName, int firstRow, int maxMessages, MessageRowHandler handler) {
        if (firstRow < 0 || maxMessages < 0) {
            throw new IllegalArgumentException("firstRow " + firstRow + " and maxMessages " + maxMessages + " must be >= 0");
        }
        open(file, off, len, fileName);
        seek(firstRow);
        return read(maxMessages, handler);
    }

    /**
     * Makes {@code file[off, off+len)} the open file, positioned at row 0: its footer and schema
     * are read and checked here, once, however many {@link #read}s take its rows. The bytes must
     * not change while the file is open.
     *
     * @param fileName only used in error messages; may be null
     */
    public void open(byte[] file, int off, int len, String fileName) {
        this.file = null; // stays closed if the footer or schema is bad
        FileMetaData meta = ParquetFooter.read(file, off, len, fileName);
        if (meta.getNum_rows() > Integer.MAX_VALUE) {
            throw new ParquetFormatException(fileName, "holds " + meta.getNum_rows() + " rows, more than a message file may");
        }
        long groupRows = 0;
        for (RowGroup rg : meta.getRow_groups()) {
            groupRows += rg.getNum_rows();
        }
        if (groupRows != meta.getNum_rows()) {
            throw new ParquetFormatException(fileName, "corrupt footer: num_rows is " + meta.getNum_rows()
                    + " but its row groups hold " + groupRows);
        }
        MessageType schema = ThriftSchema.fromThrift(meta.getSchema(), fileName);
        List<ColumnDescriptor> columns = schema.getColumns(); // built anew by each call: once per file
        this.key = column(schema, columns, MessageFileSchema.KEY, false, fileName);
        this.value = column(schema, columns, MessageFileSchema.VALUE, true, fileName);
        this.timestamp = column(schema, columns, MessageFileSchema.TIMESTAMP, true, fileName);
        this.headers = headerColumns(schema, columns, fileName);
        this.columnCount = columns.size();
        // A footer has no checksum. A file deltaq wrote has exactly deltaq's schema, so a damaged one (a
        // renamed column would read as all-null keys, another time unit would rescale every timestamp)
        // is refused rather than believed.
        String createdBy = meta.getCreated_by();
        if (createdBy != null && createdBy.startsWith(ParquetConstants.CREATED_BY_PREFIX)
                && !MessageFileSchema.PARQUET_SCHEMA.equals(schema)
                && !MessageFileSchema.PARQUET_SCHEMA_WITHOUT_HEADERS.equals(schema)) {
            throw new ParquetFormatException(fileName, "corrupt footer: written by " + createdBy + " but its schema is "
                    + schema.toString().replace('\n', ' ') + ", not deltaq's message schema");
        }
        this.meta = meta;
        this.schema = schema;
        this.fileOff = off;
        this.fileLen = len;
        this.fileName = fileName;
        this.file = file;
        rewind();
    }

    /** Whether this file is the open one (the same array and range), so reading can go on in it. */
    public boolean isOpen(byte[] file, int off, int len) {
        return this.file == file && file != null && fileOff == off && fileLen == len;
    }

    /** The open file's row count, from its footer. */
    public int rows() {
        checkOpen();
        return (int) meta.getNum_rows();
    }

    /** The open file's next row to be read: rows before it have been read or skipped. */
    public int row() {
        checkOpen();
        return row;
    }

    /**
     * Moves to {@code row} of the open file (at most its row count): forward by skipping rows,
     * whole row groups without decoding them; backward by starting over from the file's start.
     */
    public void seek(int row) {
        checkOpen();
        if (row < 0) {
            throw new IllegalArgumentException("row " + row + " must be >= 0");
        }
        if (row < this.row) {
            rewind();
        }
        try {
            while (this.row < row) {
                if (this.row == rowGroupEnd) {
                    // A row group wholly before the target is passed over undecoded.
                    if (!enterRowGroup(rowGroup + 1, row)) {
                        return;
                    }
                    continue;
                }
                int n = (int) Math.min(rowGroupEnd, row) - this.row;
                if (fast) {
                    keyCursor.skip(n);
                    valueCursor.skip(n);
                    timestampCursor.skip(n);
                    if (headers != null) {
                        for (int i = 0; i < n; i++) {
                            readHeadersFast(false);
                        }
                    }
                } else {
                    skipGeneral(n);
                }
                this.row += n;
            }
        } catch (RuntimeException e) {
            throw closeOnFailure(e);
        }
    }

    /**
     * Hands up to {@code maxMessages} messages of the open file, from {@link #row()} on, to the
     * handler, and returns how many; fewer than asked only at the file's end.
     */
    public int read(int maxMessages, MessageRowHandler handler) {
        checkOpen();
        if (maxMessages < 0) {
            throw new IllegalArgumentException("maxMessages " + maxMessages + " must be >= 0");
        }
        int delivered = 0;
        try {
            while (delivered < maxMessages) {
                if (row == rowGroupEnd) {
                    if (!enterRowGroup(rowGroup + 1, row)) {
                        break;
                    }
                    continue;
                }
                int take = (int) Math.min(rowGroupEnd - row, (long) maxMessages - delivered);
                if (fast) {
                    readFast(take, handler);
                } else {
                    readGeneral(take, handler);
                }
                row += take;
                delivered += take;
            }
        } catch (RuntimeException e) {
            // The cursors may stand anywhere inside the batch that failed: nothing more is read
            // from this file until it is opened again.
            throw closeOnFailure(e);
        }
        return delivered;
    }

    private void checkOpen() {
        if (file == null) {
            throw new IllegalStateException("no message file is open (open one first; a failed read closes it)");
        }
    }

    private RuntimeException closeOnFailure(RuntimeException e) {
        file = null;
        return e;
    }

    private void rewind() {
        row = 0;
        rowGroup = -1;
        rowGroupEnd = 0;
    }

    /**
     * Sets the cursors up at the start of row group {@code index} unless it ends at or before
     * {@code skipBefore} (then only its rows are counted); false past the last row group.
     */
    private boolean enterRowGroup(int index, int skipBefore) {
        List<RowGroup> rowGroups = meta.getRow_groups();
        if (index >= rowGroups.size()) {
            return false;
        }
        RowGroup rg = rowGroups.get(index);
        if (rg.getColumns() == null || rg.getColumns().size() != columnCount) {
            throw new ParquetFormatException(fileName, "corrupt footer: a row group has "
                    + (rg.getColumns() == null ? 0 : rg.getColumns().size()) + " column chunks for "
                    + columnCount + " columns");
        }
        checkChunksDisjoint(rg, index);
        long end = rowGroupEnd + rg.getNum_rows();
        if (rg.getNum_rows() < 0 || end > Integer.MAX_VALUE) {
            throw new ParquetFormatException(fileName, "corrupt footer: row group " + index + " has "
                    + rg.getNum_rows() + " rows");
        }
        rowGroup = index;
        row = (int) rowGroupEnd;
        rowGroupEnd = (int) end;
        if (end <= skipBefore) {
            row = rowGroupEnd;
            return true;
        }
        fast = fastPathEnabled && fastPathApplies(rg, key, value, timestamp)
                && (headers == null || fastPathApplies(rg, headers.key, headers.value));
        if (fast) {
            if (key != null) {
                keyCursor.open(file, fileOff, fileLen, fileName, chunk(rg, key, fileName), key);
            } else {
                keyCursor.openAbsent();
            }
            valueCursor.open(file, fileOff, fileLen, fileName, chunk(rg, value, fileName), value);
            timestampCursor.open(file, fileOff, fileLen, fileName, chunk(rg, timestamp, fileName), timestamp);
            if (headers != null) {
                headerKeyCursor.open(file, fileOff, fileLen, fileName, chunk(rg, headers.key, fileName), headers.key);
                headerValueCursor.open(file, fileOff, fileLen, fileName, chunk(rg, headers.value, fileName), headers.value);
            }
        } else {
            openGeneral(rg);
        }
        return true;
    }

    /**
     * Column chunks never share bytes: a chunk offset that points into another chunk (a damaged
     * footer, which has no checksum) would read that column's intact pages as this column's values.
     */
    private void checkChunksDisjoint(RowGroup rg, int index) {
        List<ColumnChunk> chunks = rg.getColumns();
        for (int i = 0; i < chunks.size(); i++) {
            ColumnMetaData a = chunks.get(i).getMeta_data();
            if (a == null) {
                continue;
            }
            // The message columns are flat, so each of their chunks holds one value (or null) per row.
            List<String> path = a.getPath_in_schema();
            boolean messageColumn = path != null && path.size() == 1 && (path.get(0).equals(MessageFileSchema.KEY)
                    || path.get(0).equals(MessageFileSchema.VALUE) || path.get(0).equals(MessageFileSchema.TIMESTAMP));
            if (messageColumn && a.getNum_values() != rg.getNum_rows()) {
                throw new ParquetFormatException(fileName, "corrupt footer: in row group " + index + " the chunk of "
                        + a.getPath_in_schema() + " holds " + a.getNum_values() + " values for " + rg.getNum_rows()
                        + " rows");
            }
            int[] ra = RowGroupPages.chunkRange(a, fileLen, fileName, String.valueOf(a.getPath_in_schema()));
            for (int j = i + 1; j < chunks.size(); j++) {
                ColumnMetaData b = chunks.get(j).getMeta_data();
                if (b == null) {
                    continue;
                }
                int[] rb = RowGroupPages.chunkRange(b, fileLen, fileName, String.valueOf(b.getPath_in_schema()));
                if (ra[0] < rb[1] && rb[0] < ra[1]) {
                    throw new ParquetFormatException(fileName, "corrupt footer: in row group " + index + " the chunks of "
                            + a.getPath_in_schema() + " [" + ra[0] + ", " + ra[1] + ") and " + b.getPath_in_schema()
                            + " [" + rb[0] + ", " + rb[1] + ") overlap");
                }
            }
        }
    }

    private void readFast(int take, MessageRowHandler handler) {
        ColumnCursor k = keyCursor;
        ColumnCursor v = valueCursor;
        ColumnCursor t = timestampCursor;
        int firstIndex = row;
        boolean withHeaders = headers != null;
        for (int i = 0; i < take; i++) {
            k.next();
            v.next();
            t.next();
            int headersLength = withHeaders ? readHeadersFast(true) : MessageBatch.NULL_LENGTH;
            handler.onMessage(firstIndex + i, k.outBuf, k.outOff, k.outLen, v.outBuf, v.outOff, v.outLen,
                    t.outNull ? MessageRowHandler.NULL_TIMESTAMP : t.outLong, headersOut, 0, headersLength);
        }
    }

    /**
     * Reads one row's entries of the headers map from its two leaf columns; with {@code keep}, encodes
     * them into {@link #headersOut}. Returns their encoded length, or {@link MessageBatch#NULL_LENGTH}
     * for a row without headers (a null or empty map).
     */
    private int readHeadersFast(boolean keep) {
        ColumnCursor k = headerKeyCursor;
        ColumnCursor v = headerValueCursor;
        headersOutLength = 0;
        int entry = 0;
        do {
            k.next();
            v.next();
            if (k.outRepetition != (entry == 0 ? 0 : 1) || v.outRepetition != k.outRepetition) {
                throw headersCorrupt("an entry with repetition levels " + k.outRepetition + " and " + v.outRepetition
                        + " where " + (entry == 0 ? "a row starts" : "its row goes on"));
            }
            if (k.outDefinition >= headers.entryLevel) {
                if (k.outNull) {
                    throw headersCorrupt("a null key");
                }
                if (keep) {
                    appendHeader(k.outBuf, k.outOff, k.outLen, v.outBuf, v.outOff, v.outNull ? Headers.NULL_LENGTH : v.outLen);
                }
            } else if (entry > 0) {
                throw headersCorrupt("a missing entry inside a row");
            }
            entry++;
        } while (k.peekRepetition() > 0);
        return headersOutLength > 0 ? headersOutLength : MessageBatch.NULL_LENGTH;
    }

    private void appendHeader(byte[] kb, int ko, int kl, byte[] vb, int vo, int vl) {
        int needed = headersOutLength + Headers.entryLength(kl, vl);
        if (needed > headersOut.length) {
            headersOut = Arrays.copyOf(headersOut, Math.max(needed, headersOut.length * 2));
        }
        headersOutLength = Headers.putEntry(headersOut, headersOutLength, kb, ko, kl, vb, vo, vl);
    }

    private ParquetFormatException headersCorrupt(String problem) {
        return new ParquetFormatException(fileName, "column " + MessageFileSchema.HEADERS + ": " + problem);
    }

    private void openGeneral(RowGroup rg) {
        List<Type> fields = new ArrayList<>(3);
        if (key != null) {
            fields.add(schema.getType(MessageFileSchema.KEY));
        }
        fields.add(schema.getType(MessageFileSchema.VALUE));
        fields.add(schema.getType(MessageFileSchema.TIMESTAMP));
        if (headers != null) {
            fields.add(schema.getType(MessageFileSchema.HEADERS));
        }
        MessageType requested = new MessageType(schema.getName(), fields);
        try {
            RowGroupPages pages = new RowGroupPages(file, fileOff, fileLen, rg, fileName, codecs);
            String createdBy = meta.getCreated_by();
            ColumnReadStoreImpl store = new ColumnReadStoreImpl(pages, new IgnoringGroupConverter(requested),
                    requested, createdBy == null ? "" : createdBy);
            generalKey = key == null ? null
                    : store.getColumnReader(requested.getColumnDescription(new String[] {MessageFileSchema.KEY}));
            generalValue = store.getColumnReader(requested.getColumnDescription(new String[] {MessageFileSchema.VALUE}));
            generalTimestamp = store.getColumnReader(requested.getColumnDescription(new String[] {MessageFileSchema.TIMESTAMP}));
            if (headers != null) {
                generalHeaderKey = store.getColumnReader(requested.getColumnDescription(headers.key.path));
                generalHeaderValue = store.getColumnReader(requested.getColumnDescription(headers.value.path));
                generalHeaderEntriesLeft = generalHeaderKey.getTotalValueCount();
            }
        } catch (org.apache.parquet.io.ParquetDecodingException | IllegalArgumentException | IllegalStateException e) {
            throw cannotDecode(e);
        }
    }

    private void readGeneral(int take, MessageRowHandler handler) {
        ColumnReader k = generalKey;
        ColumnReader v = generalValue;
        ColumnReader t = generalTimestamp;
        int firstIndex = row;
        try {
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
                long ts = MessageRowHandler.NULL_TIMESTAMP;
                if (t.getCurrentDefinitionLevel() == t.getDescriptor().getMaxDefinitionLevel()) {
                    ts = timestamp.int96 ? Int96.toEpochMicros(t.getBinary().getBytesUnsafe(), 0) : timestamp.scale(t.getLong());
                }
                if (k != null) {
                    k.consume();
                }
                v.consume();
                t.consume();
                int headersLength = headers == null ? MessageBatch.NULL_LENGTH : readHeadersGeneral(true);
                handler.onMessage(firstIndex + i, keyBuf, 0, keyLen, valueBuf, 0, valueLen, ts, headersOut, 0, headersLength);
            }
        } catch (ParquetFormatException e) {
            throw e;
        } catch (org.apache.parquet.io.ParquetDecodingException | IllegalArgumentException | IllegalStateException e) {
            throw cannotDecode(e);
        }
    }

    private void skipGeneral(int n) {
        try {
            for (int i = 0; i < n; i++) {
                skipValue(generalKey);
                skipValue(generalValue);
                skipValue(generalTimestamp);
                if (headers != null) {
                    readHeadersGeneral(false);
                }
            }
        } catch (org.apache.parquet.io.ParquetDecodingException | IllegalArgumentException | IllegalStateException e) {
            throw cannotDecode(e);
        }
    }

    /** {@link #readHeadersFast} through parquet-column's readers. */
    private int readHeadersGeneral(boolean keep) {
        ColumnReader k = generalHeaderKey;
        ColumnReader v = generalHeaderValue;
        headersOutLength = 0;
        int entry = 0;
        do {
            if (generalHeaderEntriesLeft <= 0) {
                throw headersCorrupt("the column ends before its last row");
            }
            if (k.getCurrentRepetitionLevel() != (entry == 0 ? 0 : 1)) {
                throw headersCorrupt("an entry with repetition level " + k.getCurrentRepetitionLevel() + " where "
                        + (entry == 0 ? "a row starts" : "its row goes on"));
            }
            int definition = k.getCurrentDefinitionLevel();
            if (definition >= headers.entryLevel) {
                if (definition < k.getDescriptor().getMaxDefinitionLevel()) {
                    throw headersCorrupt("a null key");
                }
                Binary key = k.getBinary();
                boolean valueNull = v.getCurrentDefinitionLevel() < v.getDescriptor().getMaxDefinitionLevel();
                Binary value = valueNull ? null : v.getBinary();
                if (keep) {
                    appendHeader(key.getBytesUnsafe(), 0, key.length(), valueNull ? null : value.getBytesUnsafe(), 0,
                            valueNull ? Headers.NULL_LENGTH : value.length());
                }
            } else if (entry > 0) {
                throw headersCorrupt("a missing entry inside a row");
            }
            k.consume();
            v.consume();
            generalHeaderEntriesLeft--;
            entry++;
        } while (generalHeaderEntriesLeft > 0 && k.getCurrentRepetitionLevel() > 0);
        return headersOutLength > 0 ? headersOutLength : MessageBatch.NULL_LENGTH;
    }

    /** What parquet-column's readers throw on bad data, as the error that names the file. */
    private ParquetFormatException cannotDecode(RuntimeException e) {
        return new ParquetFormatException(fileName, "cannot decode message columns: " + e.getMessage(), e);
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
        if (!md.getPath_in_schema().equals(List.of(c.path))) {
            throw new ParquetFormatException(fileName, "row group's column chunk " + c.leafIndex + " is "
                    + md.getPath_in_schema() + ", expected " + String.join(".", c.path));
        }
        Codecs.checkSupported(md.getCodec(), fileName);
        return md;
    }

    /** Resolves a top-level message column in the file's schema, checking its type. */
    private static Column column(MessageType schema, List<ColumnDescriptor> columns, String name, boolean required,
                                 String fileName) {
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
                    + ", expected a single " + (name.equals(MessageFileSchema.TIMESTAMP) ? "timestamp" : "binary"));
        }
        PrimitiveType p = type.asPrimitiveType();
        int leaf = -1;
        for (int i = 0; i < columns.size(); i++) {
            String[] path = columns.get(i).getPath();
            if (path.length == 1 && path[0].equals(name)) {
                leaf = i;
                break;
            }
        }
        Column c = new Column(new String[] {name}, leaf, p.getPrimitiveTypeName(),
                type.isRepetition(Type.Repetition.OPTIONAL) ? 1 : 0, 0);
        if (name.equals(MessageFileSchema.TIMESTAMP)) {
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

    /**
     * Resolves the {@code headers} map's two leaf columns, or null when the file has no
     * {@code headers} column (written before headers, or by another writer): its rows have none.
     */
    private static HeaderColumns headerColumns(MessageType schema, List<ColumnDescriptor> columns, String fileName) {
        if (!schema.containsField(MessageFileSchema.HEADERS)) {
            return null;
        }
        Type type = schema.getType(MessageFileSchema.HEADERS);
        // A map: (optional|required) group headers { repeated group <any name> { key; value } }.
        String expected = ", expected a map<string,binary>";
        if (type.isPrimitive() || type.isRepetition(Type.Repetition.REPEATED) || type.asGroupType().getFieldCount() != 1) {
            throw new ParquetFormatException(fileName, "column 'headers' has type " + type + expected);
        }
        Type entries = type.asGroupType().getType(0);
        if (entries.isPrimitive() || !entries.isRepetition(Type.Repetition.REPEATED)
                || entries.asGroupType().getFieldCount() != 2
                || !isBinaryLeaf(entries.asGroupType().getType(0)) || !isBinaryLeaf(entries.asGroupType().getType(1))) {
            throw new ParquetFormatException(fileName, "column 'headers' has type " + type + expected);
        }
        String[] keyPath = {MessageFileSchema.HEADERS, entries.getName(), entries.asGroupType().getType(0).getName()};
        String[] valuePath = {MessageFileSchema.HEADERS, entries.getName(), entries.asGroupType().getType(1).getName()};
        Column key = leaf(columns, keyPath);
        Column value = leaf(columns, valuePath);
        // An entry exists from the definition level of the repeated group on: one less than a
        // key's own level when the key is optional.
        int entryLevel = key.maxDefinitionLevel - (entries.asGroupType().getType(0).isRepetition(Type.Repetition.OPTIONAL) ? 1 : 0);
        return new HeaderColumns(key, value, entryLevel);
    }

    private static boolean isBinaryLeaf(Type t) {
        return t.isPrimitive() && !t.isRepetition(Type.Repetition.REPEATED)
                && t.asPrimitiveType().getPrimitiveTypeName() == PrimitiveTypeName.BINARY;
    }

    private static Column leaf(List<ColumnDescriptor> columns, String[] path) {
        for (int i = 0; i < columns.size(); i++) {
            if (Arrays.equals(columns.get(i).getPath(), path)) {
                ColumnDescriptor d = columns.get(i);
                return new Column(path, i, PrimitiveTypeName.BINARY, d.getMaxDefinitionLevel(), d.getMaxRepetitionLevel());
            }
        }
        throw new IllegalStateException("no leaf " + Arrays.toString(path) + " in " + columns);
    }

    @Override
    public void close() {
        codecs.close();
    }

    /** The two leaves of the {@code headers} map, and the definition level from which an entry exists. */
    private record HeaderColumns(Column key, Column value, int entryLevel) {
    }

    /** A resolved message column: where it is and how to read it. */
    static final class Column {
        final String[] path;
        final String name;
        final int leafIndex;
        final PrimitiveTypeName type;
        final int maxDefinitionLevel;
        final int maxRepetitionLevel;
        boolean int96;
        LogicalTypeAnnotation.TimeUnit unit = LogicalTypeAnnotation.TimeUnit.MICROS;

        Column(String[] path, int leafIndex, PrimitiveTypeName type, int maxDefinitionLevel, int maxRepetitionLevel) {
            this.path = path;
            this.name = String.join(".", path);
            this.leafIndex = leafIndex;
            this.type = type;
            this.maxDefinitionLevel = maxDefinitionLevel;
            this.maxRepetitionLevel = maxRepetitionLevel;
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
        private final Converter[] converters;

        IgnoringGroupConverter(GroupType type) {
            converters = new Converter[type.getFieldCount()];
            for (int i = 0; i < converters.length; i++) {
                Type field = type.getType(i);
                converters[i] = field.isPrimitive() ? new PrimitiveConverter() {
                } : new IgnoringGroupConverter(field.asGroupType());
            }
        }

        @Override
        public Converter getConverter(int fieldIndex) {
            return converters[fieldIndex];
        }

        @Override
        public void start() {
        }

        @Override
        public void end() {
        }
    }
}

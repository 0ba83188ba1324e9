package io.deltaq.deltalog.internal.parquet;

import io.deltaq.deltalog.Headers;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.zip.CRC32;

import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.ColumnOrder;
import org.apache.parquet.format.DataPageHeader;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.format.PageType;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.SchemaElement;
import org.apache.parquet.format.Statistics;
import org.apache.parquet.format.Type;
import org.apache.parquet.format.TypeDefinedOrder;
import org.apache.parquet.format.Util;

/**
 * Encodes a {@link MessageBatch} into one complete in-memory Parquet file with the
 * {@link MessageFileSchema}: one row group, PLAIN values, RLE definition levels, DATA_PAGE v1 (the
 * page version every reader accepts), footer statistics (null counts; min/max of the timestamp).
 * The output buffer is reused: the bytes returned by {@link #buffer()} are valid until the next
 * {@link #encode}. Not thread-safe; one per commit thread.
 */
public final class MessageFileWriter implements AutoCloseable {
    public static final int DEFAULT_PAGE_SIZE_BYTES = 1 << 20;

    private static final List<SchemaElement> THRIFT_SCHEMA = ThriftSchema.toThrift(MessageFileSchema.PARQUET_SCHEMA);
    private static final List<Encoding> ENCODINGS = List.of(Encoding.PLAIN, Encoding.RLE);

    private final Compression compression;
    private final int pageSizeBytes;
    private final ByteSink out;
    private final ByteSink page;
    private final ByteSink compressed;
    private final Codecs codecs = new Codecs();
    private final CRC32 crc = new CRC32();
    private final MessageFileStats stats = new MessageFileStats();
    private final Headers headers = new Headers();

    /** The definition levels of a header's key and of a header's value in the {@code headers} map. */
    private static final int HEADER_KEY_MAX_DEFINITION = 2;
    private static final int HEADER_VALUE_MAX_DEFINITION = 3;

    // The header entries of the batch being encoded (see indexHeaders), and a scratch of levels.
    private int[] entryStart = new int[64];
    private int[] entryKeyOffset = new int[64];
    private int[] entryKeyLength = new int[64];
    private int[] entryValueOffset = new int[64];
    private int[] entryValueLength = new int[64];
    private int[] levels = new int[64];

    // Per-chunk figures of the column being written.
    private long chunkUncompressed;
    private long chunkCompressed;

    public MessageFileWriter() {
        this(Compression.SNAPPY, DEFAULT_PAGE_SIZE_BYTES);
    }

    public MessageFileWriter(Compression compression) {
        this(compression, DEFAULT_PAGE_SIZE_BYTES);
    }

    public MessageFileWriter(Compression compression, int pageSizeBytes) {
        if (compression == null) {
            throw new IllegalArgumentException("compression is null");
        }
        if (pageSizeBytes < 1024) {
            throw new IllegalArgumentException("pageSizeBytes must be at least 1024, was " + pageSizeBytes);
        }
        this.compression = compression;
        this.pageSizeBytes = pageSizeBytes;
        this.out = new ByteSink(64 * 1024);
        this.page = new ByteSink(Math.min(pageSizeBytes + 64 * 1024, 4 << 20));
        this.compressed = new ByteSink(Math.min(pageSizeBytes + 64 * 1024, 4 << 20));
    }

    public Compression compression() {
        return compression;
    }

    /** Encodes the batch; returns the file's length in bytes (the file is {@code buffer()[0, length)}). */
    public int encode(MessageBatch batch) {
        int n = batch.size();
        out.reset();
        out.write(ParquetFooter.MAGIC, 0, 4);
        stats.numRecords = n;
        List<RowGroup> rowGroups = new ArrayList<>(1);
        if (n > 0) {
            List<ColumnChunk> chunks = new ArrayList<>(3);
            long rowGroupStart = out.size;
            long totalUncompressed = 0;

            int keyNulls = writeBinaryChunk(batch.keyBytes(), batch.keyOffsets(), batch.keyLengths(), n, chunks, MessageFileSchema.KEY);
            totalUncompressed += chunkUncompressed;
            int valueNulls = writeBinaryChunk(batch.valueBytes(), batch.valueOffsets(), batch.valueLengths(), n, chunks, MessageFileSchema.VALUE);
            totalUncompressed += chunkUncompressed;
            writeTimestampChunk(batch.timestamps(), n, chunks);
            totalUncompressed += chunkUncompressed;
            indexHeaders(batch, n);
            writeHeaderChunk(batch, n, chunks, true);
            totalUncompressed += chunkUncompressed;
            writeHeaderChunk(batch, n, chunks, false);
            totalUncompressed += chunkUncompressed;

            stats.keyNullCount = keyNulls;
            stats.valueNullCount = valueNulls;
            RowGroup rowGroup = new RowGroup(chunks, totalUncompressed, n);
            rowGroup.setFile_offset(rowGroupStart);
            rowGroup.setTotal_compressed_size(out.size - rowGroupStart);
            rowGroup.setOrdinal((short) 0);
            rowGroups.add(rowGroup);
        } else {
            stats.keyNullCount = 0;
            stats.valueNullCount = 0;
            stats.minTimestampMicros = 0;
            stats.maxTimestampMicros = 0;
        }
        FileMetaData meta = new FileMetaData(1, THRIFT_SCHEMA, n, rowGroups);
        meta.setCreated_by(ParquetConstants.CREATED_BY);
        ColumnOrder typeOrder = ColumnOrder.TYPE_ORDER(new TypeDefinedOrder());
        meta.setColumn_orders(Collections.nCopies(MessageFileSchema.PARQUET_SCHEMA.getColumns().size(), typeOrder));
        int footerStart = out.size;
        try {
            Util.writeFileMetaData(meta, out);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialize Parquet footer", e);
        }
        out.writeIntLE(out.size - footerStart);
        out.write(ParquetFooter.MAGIC, 0, 4);
        return out.size;
    }

    /** The buffer holding the last encoded file at {@code [0, length())}. */
    public byte[] buffer() {
        return out.buf;
    }

    public int length() {
        return out.size;
    }

    /** A read-only view of the last encoded file (valid until the next encode). */
    public ByteBuffer asByteBuffer() {
        return ByteBuffer.wrap(out.buf, 0, out.size).asReadOnlyBuffer();
    }

    /** A copy of the last encoded file. */
    public byte[] toByteArray() {
        return Arrays.copyOf(out.buf, out.size);
    }

    /** Statistics of the last encoded file. */
    public MessageFileStats stats() {
        return stats;
    }

    private int writeBinaryChunk(byte[] data, int[] offsets, int[] lengths, int n, List<ColumnChunk> chunks, String name) {
        long chunkStart = out.size;
        chunkUncompressed = 0;
        chunkCompressed = 0;
        int nulls = 0;
        int row = 0;
        while (row < n) {
            int first = row;
            long bytes = 0;
            while (row < n && (row == first || bytes < pageSizeBytes)) {
                int len = lengths[row];
                bytes += 4 + Math.max(len, 0);
                row++;
            }
            page.reset();
            int pageNulls = writeDefinitionLevels(lengths, first, row);
            nulls += pageNulls;
            writePlainValues(data, offsets, lengths, first, row, bytes);
            writePage(row - first);
        }
        Statistics st = new Statistics();
        st.setNull_count(nulls);
        chunks.add(chunk(Type.BYTE_ARRAY, List.of(name), n, chunkStart, st));
        return nulls;
    }

    private void writeTimestampChunk(long[] timestamps, int n, List<ColumnChunk> chunks) {
        long chunkStart = out.size;
        chunkUncompressed = 0;
        chunkCompressed = 0;
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        int rowsPerPage = Math.max(1, pageSizeBytes / 8);
        for (int first = 0; first < n; first += rowsPerPage) {
            int end = Math.min(n, first + rowsPerPage);
            page.reset();
            writeAllDefinedLevels(end - first);
            page.ensureSpare((end - first) * 8);
            byte[] dst = page.buf;
            int p = page.size;
            for (int i = first; i < end; i++) {
                long t = timestamps[i];
                min = Math.min(min, t);
                max = Math.max(max, t);
                ByteOrderAccess.putLongLE(dst, p, t);
                p += 8;
            }
            page.size = p;
            writePage(end - first);
        }
        stats.minTimestampMicros = min;
        stats.maxTimestampMicros = max;
        byte[] minBytes = new byte[8];
        byte[] maxBytes = new byte[8];
        ByteOrderAccess.putLongLE(minBytes, 0, min);
        ByteOrderAccess.putLongLE(maxBytes, 0, max);
        Statistics st = new Statistics();
        st.setNull_count(0);
        st.setMin_value(minBytes);
        st.setMax_value(maxBytes);
        st.setIs_min_value_exact(true);
        st.setIs_max_value_exact(true);
        // The deprecated fields too: signed INT64 order is the same under both rules.
        st.setMin(minBytes);
        st.setMax(maxBytes);
        chunks.add(chunk(Type.INT64, List.of(MessageFileSchema.TIMESTAMP), n, chunkStart, st));
    }

    /**
     * Lists the batch's header entries for the two leaf columns of the {@code headers} map: one entry
     * per header, and one (a null map) per message without headers; {@link #entryStart} holds where
     * each message's entries begin.
     */
    private void indexHeaders(MessageBatch batch, int n) {
        if (entryStart.length < n + 1) {
            entryStart = new int[n + 1];
        }
        int e = 0;
        for (int i = 0; i < n; i++) {
            entryStart[i] = e;
            int len = batch.headersLength(i);
            if (len <= 0) {
                ensureEntries(e + 1);
                entryKeyLength[e] = MessageBatch.NULL_LENGTH;
                entryValueLength[e] = MessageBatch.NULL_LENGTH;
                e++;
                continue;
            }
            headers.wrap(batch.headerBytes(), batch.headersOffset(i), len);
            ensureEntries(e + headers.count());
            for (int h = 0; h < headers.count(); h++, e++) {
                entryKeyOffset[e] = headers.keyOffset(h);
                entryKeyLength[e] = headers.keyLength(h);
                entryValueOffset[e] = headers.valueOffset(h);
                entryValueLength[e] = headers.valueLength(h);
            }
        }
        entryStart[n] = e;
    }

    private void ensureEntries(int needed) {
        if (entryKeyLength.length < needed) {
            int size = Math.max(needed, entryKeyLength.length * 2);
            entryKeyOffset = Arrays.copyOf(entryKeyOffset, size);
            entryKeyLength = Arrays.copyOf(entryKeyLength, size);
            entryValueOffset = Arrays.copyOf(entryValueOffset, size);
            entryValueLength = Arrays.copyOf(entryValueLength, size);
            levels = Arrays.copyOf(levels, size);
        }
    }

    /**
     * Writes {@code headers.key_value.key} ({@code keys}) or {@code headers.key_value.value}: per
     * entry a repetition level (0 for a message's first, 1 for the next), a definition level (0: no
     * headers; 2: a header, whose value is null in the value column; 3: a value) and the defined
     * bytes. Pages end between messages, never inside one.
     */
    private void writeHeaderChunk(MessageBatch batch, int n, List<ColumnChunk> chunks, boolean keys) {
        long chunkStart = out.size;
        chunkUncompressed = 0;
        chunkCompressed = 0;
        byte[] data = batch.headerBytes();
        int[] offsets = keys ? entryKeyOffset : entryValueOffset;
        int[] lengths = keys ? entryKeyLength : entryValueLength;
        int maxDefinition = keys ? HEADER_KEY_MAX_DEFINITION : HEADER_VALUE_MAX_DEFINITION;
        int nulls = 0;
        int row = 0;
        while (row < n) {
            int first = row;
            long bytes = 0;
            while (row < n && (row == first || bytes < pageSizeBytes)) {
                for (int e = entryStart[row]; e < entryStart[row + 1]; e++) {
                    bytes += 4 + Math.max(lengths[e], 0);
                }
                row++;
            }
            int from = entryStart[first];
            int to = entryStart[row];
            page.reset();
            for (int r = first; r < row; r++) {
                levels[entryStart[r]] = 0;
                for (int e = entryStart[r] + 1; e < entryStart[r + 1]; e++) {
                    levels[e] = 1;
                }
            }
            writeLevels(levels, from, to, 1);
            for (int e = from; e < to; e++) {
                // A message without headers has no key length; a header's key is never null.
                levels[e] = entryKeyLength[e] < 0 ? 0 : keys || lengths[e] < 0 ? HEADER_KEY_MAX_DEFINITION : maxDefinition;
                if (levels[e] < maxDefinition) {
                    nulls++;
                }
            }
            writeLevels(levels, from, to, 2);
            writePlainValues(data, offsets, lengths, from, to, bytes);
            writePage(to - from);
        }
        Statistics st = new Statistics();
        st.setNull_count(nulls);
        chunks.add(chunk(Type.BYTE_ARRAY, List.of(MessageFileSchema.HEADERS, MessageFileSchema.KEY_VALUE,
                keys ? MessageFileSchema.HEADER_KEY : MessageFileSchema.HEADER_VALUE), entryStart[n], chunkStart, st));
    }

    /**
     * Writes the values {@code [from, to)} that are not null (length {@link MessageBatch#NULL_LENGTH})
     * into the page, PLAIN: a 4-byte length, then the bytes; {@code bytes} bounds what they take.
     */
    private void writePlainValues(byte[] data, int[] offsets, int[] lengths, int from, int to, long bytes) {
        page.ensureSpare((int) Math.min(Integer.MAX_VALUE, bytes));
        byte[] dst = page.buf;
        int p = page.size;
        for (int i = from; i < to; i++) {
            int len = lengths[i];
            if (len >= 0) {
                ByteOrderAccess.putIntLE(dst, p, len);
                System.arraycopy(data, offsets[i], dst, p + 4, len);
                p += 4 + len;
            }
        }
        page.size = p;
    }

    /**
     * Writes levels {@code [from, to)} into the page: a 4-byte length, then the RLE/bit-packed
     * hybrid of {@code bitWidth} bits: one RLE run when all are equal, else one bit-packed run.
     */
    private void writeLevels(int[] values, int from, int to, int bitWidth) {
        int lengthAt = page.size;
        page.writeIntLE(0);
        int count = to - from;
        boolean same = true;
        for (int i = from + 1; i < to && same; i++) {
            same = values[i] == values[from];
        }
        if (same) {
            page.writeUnsignedVarInt(count << 1);
            page.write(count == 0 ? 0 : values[from]);
        } else {
            int groups = (count + 7) >>> 3;
            page.writeUnsignedVarInt(groups << 1 | 1);
            page.ensureSpare(groups * bitWidth);
            byte[] dst = page.buf;
            int p = page.size;
            long acc = 0;
            int bits = 0;
            for (int i = 0; i < groups << 3; i++) {
                int v = from + i < to ? values[from + i] : 0;
                acc |= (long) v << bits;
                bits += bitWidth;
                while (bits >= 8) {
                    dst[p++] = (byte) acc;
                    acc >>>= 8;
                    bits -= 8;
                }
            }
            page.size = p; // 8 values of bitWidth bits fill whole bytes: nothing is left in acc
        }
        ByteOrderAccess.putIntLE(page.buf, lengthAt, page.size - lengthAt - 4);
    }

    private ColumnChunk chunk(Type type, List<String> path, int numValues, long chunkStart, Statistics st) {
        ColumnMetaData md = new ColumnMetaData(type, ENCODINGS, path, compression.thrift,
                numValues, chunkUncompressed, chunkCompressed, chunkStart);
        md.setStatistics(st);
        ColumnChunk chunk = new ColumnChunk(chunkStart);
        chunk.setMeta_data(md);
        return chunk;
    }

    /**
     * Writes the definition levels of rows [first, end) of a flat column into the page (1 where the
     * length is not {@link MessageBatch#NULL_LENGTH}); returns the number of nulls.
     */
    private int writeDefinitionLevels(int[] lengths, int first, int end) {
        if (levels.length < end - first) {
            levels = new int[Math.max(end - first, levels.length * 2)];
        }
        int nulls = 0;
        for (int i = first; i < end; i++) {
            boolean isNull = lengths[i] < 0;
            levels[i - first] = isNull ? 0 : 1;
            nulls += isNull ? 1 : 0;
        }
        writeLevels(levels, 0, end - first, 1);
        return nulls;
    }

    /** Definition levels for rows that are all non-null: one RLE run of 1s. */
    private void writeAllDefinedLevels(int count) {
        int lengthAt = page.size;
        page.writeIntLE(0);
        page.writeUnsignedVarInt(count << 1);
        page.write(1);
        ByteOrderAccess.putIntLE(page.buf, lengthAt, page.size - lengthAt - 4);
    }

    private void writePage(int numValues) {
        ByteSink body = page;
        if (compression != Compression.UNCOMPRESSED) {
            compressed.reset();
            codecs.compress(compression, page.buf, 0, page.size, compressed);
            body = compressed;
        }
        int compressedLength = body.size;
        PageHeader header = new PageHeader(PageType.DATA_PAGE, page.size, compressedLength);
        header.setData_page_header(new DataPageHeader(numValues, Encoding.PLAIN, Encoding.RLE, Encoding.RLE));
        header.setCrc(PageChecks.crcOf(body.buf, 0, compressedLength, crc)); // readers detect a damaged page
        int headerStart = out.size;
        try {
            Util.writePageHeader(header, out);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialize Parquet page header", e);
        }
        int headerLength = out.size - headerStart;
        out.write(body.buf, 0, compressedLength);
        chunkUncompressed += headerLength + page.size;
        chunkCompressed += headerLength + compressedLength;
    }

    @Override
    public void close() {
        codecs.close();
    }
}

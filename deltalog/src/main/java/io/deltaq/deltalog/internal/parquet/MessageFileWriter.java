package io.deltaq.deltalog.internal.parquet;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
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
        meta.setColumn_orders(Arrays.asList(typeOrder, typeOrder, typeOrder));
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
            page.ensureSpare((int) Math.min(Integer.MAX_VALUE, bytes));
            byte[] dst = page.buf;
            int p = page.size;
            for (int i = first; i < row; i++) {
                int len = lengths[i];
                if (len >= 0) {
                    ByteOrderAccess.putIntLE(dst, p, len);
                    System.arraycopy(data, offsets[i], dst, p + 4, len);
                    p += 4 + len;
                }
            }
            page.size = p;
            writePage(row - first);
        }
        Statistics st = new Statistics();
        st.setNull_count(nulls);
        chunks.add(chunk(Type.BYTE_ARRAY, name, n, chunkStart, st));
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
        chunks.add(chunk(Type.INT64, MessageFileSchema.TIMESTAMP, n, chunkStart, st));
    }

    private ColumnChunk chunk(Type type, String name, int numValues, long chunkStart, Statistics st) {
        ColumnMetaData md = new ColumnMetaData(type, ENCODINGS, List.of(name), compression.thrift,
                numValues, chunkUncompressed, chunkCompressed, chunkStart);
        md.setStatistics(st);
        ColumnChunk chunk = new ColumnChunk(chunkStart);
        chunk.setMeta_data(md);
        return chunk;
    }

    /**
     * Writes the definition levels of rows [first, end) into the page (4-byte length prefix, then
     * the RLE/bit-packed hybrid with bit width 1); returns the number of nulls.
     */
    private int writeDefinitionLevels(int[] lengths, int first, int end) {
        int nulls = 0;
        for (int i = first; i < end; i++) {
            if (lengths[i] < 0) {
                nulls++;
            }
        }
        int count = end - first;
        if (nulls == 0) {
            writeAllDefinedLevels(count);
            return 0;
        }
        int lengthAt = page.size;
        page.writeIntLE(0);
        if (nulls == count) {
            page.writeUnsignedVarInt(count << 1);
            page.write(0);
        } else {
            // One bit-packed run: a bit per row, LSB first, the last group padded with zeros.
            int groups = (count + 7) >>> 3;
            page.writeUnsignedVarInt(groups << 1 | 1);
            page.ensureSpare(groups);
            byte[] dst = page.buf;
            int p = page.size;
            for (int g = 0; g < groups; g++) {
                int bits = 0;
                int base = first + (g << 3);
                int lim = Math.min(8, end - base);
                for (int b = 0; b < lim; b++) {
                    if (lengths[base + b] >= 0) {
                        bits |= 1 << b;
                    }
                }
                dst[p++] = (byte) bits;
            }
            page.size = p;
        }
        ByteOrderAccess.putIntLE(page.buf, lengthAt, page.size - lengthAt - 4);
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

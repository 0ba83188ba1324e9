package io.deltaq.deltalog.internal.parquet;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;

import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.column.impl.ColumnWriteStoreV1;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageWriteStore;
import org.apache.parquet.column.page.PageWriter;
import org.apache.parquet.column.statistics.SizeStatistics;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.column.statistics.geospatial.GeospatialStatistics;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.ColumnOrder;
import org.apache.parquet.format.DataPageHeader;
import org.apache.parquet.format.DataPageHeaderV2;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.format.PageType;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.TypeDefinedOrder;
import org.apache.parquet.format.Util;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/**
 * Writes rows of the generic model ({@link Map}s for structs, {@link List}s, {@link Map}s,
 * boxed primitives, {@link String}, {@code byte[]}) as one single-file Parquet with one row
 * group, DATA_PAGE v1 and PLAIN values: the shape of a classic Delta checkpoint that Spark and
 * Delta Kernel read. Record shredding is parquet-column's; pages and footer are written here.
 */
public final class ParquetRowsWriter {
    private static final int PAGE_SIZE_BYTES = 1 << 20;

    private final RowType.Struct rowType;
    private final MessageType schema;
    private final Compression compression;

    public ParquetRowsWriter(RowType.Struct rowType) {
        this(rowType, Compression.SNAPPY);
    }

    public ParquetRowsWriter(RowType.Struct rowType, Compression compression) {
        this.rowType = rowType;
        this.schema = rowType.toMessageType("spark_schema");
        this.compression = compression;
    }

    public MessageType parquetSchema() {
        return schema;
    }

    /** Encodes the rows into a complete Parquet file. */
    public byte[] write(List<? extends Map<String, ?>> rows) {
        ParquetProperties props = ParquetProperties.builder()
                .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_1_0)
                .withDictionaryEncoding(false)
                .withPageSize(PAGE_SIZE_BYTES)
                .build();
        try (Codecs codecs = new Codecs()) {
            Pages pages = new Pages(codecs);
            ColumnWriteStoreV1 store = new ColumnWriteStoreV1(schema, pages, props);
            RecordConsumer consumer = new ColumnIOFactory().getColumnIO(schema).getRecordWriter(store);
            for (int r = 0; r < rows.size(); r++) {
                consumer.startMessage();
                writeFields(consumer, rows.get(r), rowType, "row " + r);
                consumer.endMessage();
            }
            // Nulls of missing groups are cached by the record consumer; they reach the columns only on its flush.
            consumer.flush();
            store.flush();
            byte[] file = assemble(pages, rows.size());
            store.close();
            return file;
        }
    }

    private static void writeFields(RecordConsumer c, Map<String, ?> struct, RowType.Struct type, String where) {
        List<RowType.Field> fields = type.fields;
        for (int i = 0; i < fields.size(); i++) {
            RowType.Field f = fields.get(i);
            Object v = struct.get(f.name());
            if (v == null) {
                if (!f.nullable()) {
                    throw new IllegalArgumentException(where + ": required field '" + f.name() + "' is null");
                }
                continue;
            }
            c.startField(f.name(), i);
            writeValue(c, v, f.type(), where + "." + f.name());
            c.endField(f.name(), i);
        }
    }

    @SuppressWarnings("unchecked")
    private static void writeValue(RecordConsumer c, Object v, RowType type, String where) {
        try {
            if (type instanceof RowType.Primitive p) {
                writePrimitive(c, v, p);
            } else if (type instanceof RowType.Struct s) {
                c.startGroup();
                writeFields(c, (Map<String, ?>) v, s, where);
                c.endGroup();
            } else if (type instanceof RowType.ListOf l) {
                List<?> list = (List<?>) v;
                c.startGroup();
                if (!list.isEmpty()) {
                    c.startField("list", 0);
                    for (Object e : list) {
                        c.startGroup();
                        if (e != null) {
                            c.startField("element", 0);
                            writeValue(c, e, l.element, where + "[]");
                            c.endField("element", 0);
                        } else if (!l.elementNullable) {
                            throw new IllegalArgumentException(where + ": null element in a list of non-null elements");
                        }
                        c.endGroup();
                    }
                    c.endField("list", 0);
                }
                c.endGroup();
            } else if (type instanceof RowType.MapOf m) {
                Map<?, ?> map = (Map<?, ?>) v;
                c.startGroup();
                if (!map.isEmpty()) {
                    c.startField("key_value", 0);
                    for (Map.Entry<?, ?> e : map.entrySet()) {
                        if (e.getKey() == null) {
                            throw new IllegalArgumentException(where + ": null map key");
                        }
                        c.startGroup();
                        c.startField("key", 0);
                        writeValue(c, e.getKey(), m.key, where + ".key");
                        c.endField("key", 0);
                        if (e.getValue() != null) {
                            c.startField("value", 1);
                            writeValue(c, e.getValue(), m.value, where + "." + e.getKey());
                            c.endField("value", 1);
                        } else if (!m.valueNullable) {
                            throw new IllegalArgumentException(where + ": null value for key " + e.getKey());
                        }
                        c.endGroup();
                    }
                    c.endField("key_value", 0);
                }
                c.endGroup();
            }
        } catch (ClassCastException e) {
            throw new IllegalArgumentException(where + ": " + v.getClass().getSimpleName() + " does not fit type " + type, e);
        }
    }

    private static void writePrimitive(RecordConsumer c, Object v, RowType.Primitive p) {
        switch (p.physical) {
            case BINARY -> c.addBinary(v instanceof String s ? Binary.fromString(s) : Binary.fromConstantByteArray((byte[]) v));
            case INT64 -> c.addLong(((Number) v).longValue());
            case INT32 -> c.addInteger(((Number) v).intValue());
            case BOOLEAN -> c.addBoolean((Boolean) v);
            case DOUBLE -> c.addDouble(((Number) v).doubleValue());
            case FLOAT -> c.addFloat(((Number) v).floatValue());
            default -> throw new IllegalStateException(p.physical.name());
        }
    }

    private byte[] assemble(Pages pages, long numRows) {
        ByteSink out = new ByteSink(64 * 1024);
        out.write(ParquetFooter.MAGIC, 0, 4);
        List<ColumnDescriptor> columns = schema.getColumns();
        List<ColumnChunk> chunks = new ArrayList<>(columns.size());
        long totalUncompressed = 0;
        for (ColumnDescriptor d : columns) {
            Chunk chunk = pages.chunks.get(d);
            long start = out.size;
            out.write(chunk.bytes.buf, 0, chunk.bytes.size);
            List<Encoding> encodings = new ArrayList<>(chunk.encodings);
            ColumnMetaData md = new ColumnMetaData(ThriftSchema.toThriftType(d.getPrimitiveType().getPrimitiveTypeName()),
                    encodings, Arrays.asList(d.getPath()), compression.thrift, chunk.values, chunk.uncompressed,
                    chunk.bytes.size, start);
            if (chunk.statistics != null) {
                md.setStatistics(thriftStatistics(chunk.statistics, d));
            }
            ColumnChunk cc = new ColumnChunk(start);
            cc.setMeta_data(md);
            chunks.add(cc);
            totalUncompressed += chunk.uncompressed;
        }
        List<RowGroup> rowGroups = new ArrayList<>(1);
        if (numRows > 0) {
            RowGroup rg = new RowGroup(chunks, totalUncompressed, numRows);
            rg.setFile_offset(4);
            rg.setTotal_compressed_size(out.size - 4);
            rg.setOrdinal((short) 0);
            rowGroups.add(rg);
        }
        FileMetaData meta = new FileMetaData(1, ThriftSchema.toThrift(schema), numRows, rowGroups);
        meta.setCreated_by(ParquetConstants.CREATED_BY);
        List<ColumnOrder> orders = new ArrayList<>(columns.size());
        for (int i = 0; i < columns.size(); i++) {
            orders.add(ColumnOrder.TYPE_ORDER(new TypeDefinedOrder()));
        }
        meta.setColumn_orders(orders);
        int footerStart = out.size;
        try {
            Util.writeFileMetaData(meta, out);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialize Parquet footer", e);
        }
        out.writeIntLE(out.size - footerStart);
        out.write(ParquetFooter.MAGIC, 0, 4);
        return Arrays.copyOf(out.buf, out.size);
    }

    private static org.apache.parquet.format.Statistics thriftStatistics(Statistics<?> s, ColumnDescriptor d) {
        org.apache.parquet.format.Statistics t = new org.apache.parquet.format.Statistics();
        t.setNull_count(s.getNumNulls());
        // Binary min/max can be large (stats JSON); checkpoint readers need only null counts there.
        if (s.hasNonNullValue() && d.getPrimitiveType().getPrimitiveTypeName() != PrimitiveTypeName.BINARY) {
            t.setMin_value(s.getMinBytes());
            t.setMax_value(s.getMaxBytes());
        }
        return t;
    }

    /** One column chunk's pages, compressed and with headers, in write order. */
    private static final class Chunk {
        final ByteSink bytes = new ByteSink(1024);
        final Set<Encoding> encodings = EnumSet.noneOf(Encoding.class);
        long values;
        long uncompressed;
        Statistics<?> statistics;
    }

    private final class Pages implements PageWriteStore {
        final Map<ColumnDescriptor, Chunk> chunks = new LinkedHashMap<>();
        final Codecs codecs;
        final ByteSink compressed = new ByteSink(64 * 1024);

        Pages(Codecs codecs) {
            this.codecs = codecs;
        }

        @Override
        public PageWriter getPageWriter(ColumnDescriptor descriptor) {
            Chunk chunk = chunks.computeIfAbsent(descriptor, d -> new Chunk());
            return new ChunkWriter(chunk);
        }

        /** PageWriter's older overloads are still abstract (deprecated), so they must be implemented. */
        @SuppressWarnings("deprecation")
        private final class ChunkWriter implements PageWriter {
            private final Chunk chunk;

            ChunkWriter(Chunk chunk) {
                this.chunk = chunk;
            }

            @Override
            public void writePage(BytesInput bytes, int valueCount, Statistics<?> statistics,
                                  org.apache.parquet.column.Encoding rl, org.apache.parquet.column.Encoding dl,
                                  org.apache.parquet.column.Encoding values) throws IOException {
                writePage(bytes, valueCount, valueCount, statistics, rl, dl, values);
            }

            @Override
            public void writePage(BytesInput bytes, int valueCount, int rowCount, Statistics<?> statistics,
                                  SizeStatistics sizeStatistics, GeospatialStatistics geospatialStatistics,
                                  org.apache.parquet.column.Encoding rl, org.apache.parquet.column.Encoding dl,
                                  org.apache.parquet.column.Encoding values) throws IOException {
                writePage(bytes, valueCount, rowCount, statistics, rl, dl, values);
            }

            @Override
            public void writePage(BytesInput bytes, int valueCount, int rowCount, Statistics<?> statistics,
                                  SizeStatistics sizeStatistics, org.apache.parquet.column.Encoding rl,
                                  org.apache.parquet.column.Encoding dl, org.apache.parquet.column.Encoding values)
                    throws IOException {
                writePage(bytes, valueCount, rowCount, statistics, rl, dl, values);
            }

            @Override
            public void writePage(BytesInput bytes, int valueCount, int rowCount, Statistics<?> statistics,
                                  org.apache.parquet.column.Encoding rl, org.apache.parquet.column.Encoding dl,
                                  org.apache.parquet.column.Encoding values) throws IOException {
                byte[] raw = bytes.toByteArray();
                compressed.reset();
                codecs.compress(compression, raw, 0, raw.length, compressed);
                PageHeader header = new PageHeader(PageType.DATA_PAGE, raw.length, compressed.size);
                header.setData_page_header(new DataPageHeader(valueCount, thrift(values), thrift(dl), thrift(rl)));
                appendPage(header, raw.length);
                chunk.values += valueCount;
                chunk.encodings.add(thrift(values));
                chunk.encodings.add(thrift(dl));
                chunk.encodings.add(thrift(rl));
                mergeStatistics(statistics);
            }

            @Override
            public void writePageV2(int rowCount, int nullCount, int valueCount, BytesInput repetitionLevels,
                                    BytesInput definitionLevels, org.apache.parquet.column.Encoding dataEncoding,
                                    BytesInput data, Statistics<?> statistics) throws IOException {
                byte[] rl = repetitionLevels.toByteArray();
                byte[] dl = definitionLevels.toByteArray();
                byte[] raw = data.toByteArray();
                compressed.reset();
                compressed.write(rl, 0, rl.length);
                compressed.write(dl, 0, dl.length);
                codecs.compress(compression, raw, 0, raw.length, compressed);
                PageHeader header = new PageHeader(PageType.DATA_PAGE_V2, rl.length + dl.length + raw.length, compressed.size);
                header.setData_page_header_v2(new DataPageHeaderV2(valueCount, nullCount, rowCount, thrift(dataEncoding),
                        dl.length, rl.length));
                appendPage(header, rl.length + dl.length + raw.length);
                chunk.values += valueCount;
                chunk.encodings.add(thrift(dataEncoding));
                chunk.encodings.add(Encoding.RLE);
                mergeStatistics(statistics);
            }

            private void appendPage(PageHeader header, int uncompressedBody) throws IOException {
                int before = chunk.bytes.size;
                header.setCrc(PageChecks.crcOf(compressed.buf, 0, compressed.size, new CRC32()));
                Util.writePageHeader(header, chunk.bytes);
                int headerLength = chunk.bytes.size - before;
                chunk.bytes.write(compressed.buf, 0, compressed.size);
                chunk.uncompressed += headerLength + uncompressedBody;
            }

            @SuppressWarnings({"unchecked", "rawtypes"})
            private void mergeStatistics(Statistics<?> statistics) {
                if (statistics == null) {
                    return;
                }
                if (chunk.statistics == null) {
                    chunk.statistics = statistics.copy();
                } else {
                    ((Statistics) chunk.statistics).mergeStatistics(statistics);
                }
            }

            @Override
            public long getMemSize() {
                return chunk.bytes.size;
            }

            @Override
            public long allocatedSize() {
                return chunk.bytes.buf.length;
            }

            @Override
            public void writeDictionaryPage(DictionaryPage dictionaryPage) throws IOException {
                // Dictionary encoding is off; a dictionary page here means the properties changed.
                throw new IllegalStateException("dictionary pages are not expected: dictionary encoding is disabled");
            }

            @Override
            public String memUsageString(String prefix) {
                return prefix + " " + chunk.bytes.size + " bytes";
            }
        }
    }

    private static Encoding thrift(org.apache.parquet.column.Encoding e) {
        return Encoding.valueOf(e.name());
    }
}

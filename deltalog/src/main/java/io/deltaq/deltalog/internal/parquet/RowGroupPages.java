package io.deltaq.deltalog.internal.parquet;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DataPageV1;
import org.apache.parquet.column.page.DataPageV2;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.CompressionCodec;
import org.apache.parquet.format.DataPageHeader;
import org.apache.parquet.format.DataPageHeaderV2;
import org.apache.parquet.format.DictionaryPageHeader;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.Util;

/**
 * The pages of one row group of an in-memory file, decompressed, for parquet-column's readers
 * (all encodings, nested columns). This general path allocates per page; the message decoder's
 * fast path does not use it for files it can decode itself.
 */
final class RowGroupPages implements PageReadStore {
    private final byte[] file;
    private final int fileOff;
    private final int fileLen;
    private final RowGroup rowGroup;
    private final String fileName;
    private final Codecs codecs;
    private final Map<String, ColumnChunk> chunksByPath = new HashMap<>();

    RowGroupPages(byte[] file, int fileOff, int fileLen, RowGroup rowGroup, String fileName, Codecs codecs) {
        this.file = file;
        this.fileOff = fileOff;
        this.fileLen = fileLen;
        this.rowGroup = rowGroup;
        this.fileName = fileName;
        this.codecs = codecs;
        for (ColumnChunk chunk : rowGroup.getColumns()) {
            if (chunk.isSetFile_path()) {
                throw new ParquetFormatException(fileName, "column chunk stored in another file (" + chunk.getFile_path()
                        + ") is not supported");
            }
            if (!chunk.isSetMeta_data()) {
                throw new ParquetFormatException(fileName, "column chunk without metadata (encrypted?) is not supported");
            }
            chunksByPath.put(pathKey(chunk.getMeta_data().getPath_in_schema()), chunk);
        }
    }

    static String pathKey(List<String> path) {
        return String.join("\u0000", path);
    }

    @Override
    public PageReader getPageReader(ColumnDescriptor descriptor) {
        ColumnChunk chunk = chunksByPath.get(pathKey(Arrays.asList(descriptor.getPath())));
        if (chunk == null) {
            throw new ParquetFormatException(fileName, "no column chunk for column " + String.join(".", descriptor.getPath()));
        }
        return new ChunkPages(chunk.getMeta_data(), String.join(".", descriptor.getPath()));
    }

    @Override
    public long getRowCount() {
        return rowGroup.getNum_rows();
    }

    /** [start, end) of a column chunk within the file, checked against the file's length. */
    static int[] chunkRange(ColumnMetaData md, int fileLen, String fileName, String column) {
        long start = md.getData_page_offset();
        if (md.isSetDictionary_page_offset() && md.getDictionary_page_offset() > 0
                && md.getDictionary_page_offset() < start) {
            start = md.getDictionary_page_offset();
        }
        long end = start + md.getTotal_compressed_size();
        if (start < 4 || md.getTotal_compressed_size() < 0 || end > fileLen - 8) {
            throw new ParquetFormatException(fileName, "truncated or corrupt: column " + column + " chunk ["
                    + start + ", " + end + ") lies outside the file of " + fileLen + " bytes");
        }
        return new int[] {(int) start, (int) end};
    }

    private final class ChunkPages implements PageReader {
        private final ArrayDeque<DataPage> pages = new ArrayDeque<>();
        private final CRC32 crc = new CRC32();
        private final long totalValues;
        private DictionaryPage dictionary;

        ChunkPages(ColumnMetaData md, String column) {
            CompressionCodec codec = md.getCodec();
            Codecs.checkSupported(codec, fileName);
            int[] range = chunkRange(md, fileLen, fileName, column);
            int pos = fileOff + range[0];
            int end = fileOff + range[1];
            long values = 0;
            PositionedInput in = new PositionedInput();
            while (values < md.getNum_values() && pos < end) {
                in.reset(file, pos, end);
                PageHeader h;
                try {
                    h = Util.readPageHeader(in);
                } catch (IOException | RuntimeException e) {
                    throw new ParquetFormatException(fileName, "corrupt page header in column " + column + ": " + e.getMessage(), e);
                }
                int start = in.position();
                int comp = h.getCompressed_page_size();
                int uncomp = h.getUncompressed_page_size();
                if (comp < 0 || uncomp < 0 || comp > end - start) {
                    throw new ParquetFormatException(fileName, "truncated page in column " + column);
                }
                PageChecks.check(h, file, start, comp, uncomp, codec, crc, fileName, column);
                pos = start + comp;
                switch (h.getType()) {
                    case DICTIONARY_PAGE -> {
                        DictionaryPageHeader dh = h.getDictionary_page_header();
                        byte[] bytes = decompress(codec, start, comp, uncomp);
                        dictionary = new DictionaryPage(BytesInput.from(bytes), dh.getNum_values(), encoding(dh.getEncoding()));
                    }
                    case DATA_PAGE -> {
                        DataPageHeader dh = h.getData_page_header();
                        byte[] bytes = decompress(codec, start, comp, uncomp);
                        pages.add(new DataPageV1(BytesInput.from(bytes), dh.getNum_values(), uncomp, null,
                                encoding(dh.getRepetition_level_encoding()), encoding(dh.getDefinition_level_encoding()),
                                encoding(dh.getEncoding())));
                        values += dh.getNum_values();
                    }
                    case DATA_PAGE_V2 -> {
                        DataPageHeaderV2 dh = h.getData_page_header_v2();
                        int rl = dh.getRepetition_levels_byte_length();
                        int dl = dh.getDefinition_levels_byte_length();
                        if (rl < 0 || dl < 0 || rl + dl > comp) {
                            throw new ParquetFormatException(fileName, "corrupt v2 page levels in column " + column);
                        }
                        byte[] rep = Arrays.copyOfRange(file, start, start + rl);
                        byte[] def = Arrays.copyOfRange(file, start + rl, start + rl + dl);
                        boolean compressed = !dh.isSetIs_compressed() || dh.isIs_compressed();
                        byte[] data = compressed
                                ? decompress(codec, start + rl + dl, comp - rl - dl, uncomp - rl - dl)
                                : Arrays.copyOfRange(file, start + rl + dl, start + comp);
                        pages.add(DataPageV2.uncompressed(dh.getNum_rows(), dh.getNum_nulls(), dh.getNum_values(),
                                BytesInput.from(rep), BytesInput.from(def), encoding(dh.getEncoding()),
                                BytesInput.from(data), null));
                        values += dh.getNum_values();
                    }
                    default -> {
                        // index and unknown pages carry no values
                    }
                }
            }
            if (values < md.getNum_values()) {
                throw new ParquetFormatException(fileName, "truncated column " + column + ": found " + values
                        + " of " + md.getNum_values() + " values");
            }
            totalValues = values;
        }

        private byte[] decompress(CompressionCodec codec, int start, int comp, int uncomp) {
            byte[] out = new byte[uncomp];
            codecs.decompress(codec, file, start, comp, out, 0, uncomp, fileName);
            return out;
        }

        @Override
        public DictionaryPage readDictionaryPage() {
            return dictionary;
        }

        @Override
        public long getTotalValueCount() {
            return totalValues;
        }

        @Override
        public DataPage readPage() {
            return pages.poll();
        }
    }

    static Encoding encoding(org.apache.parquet.format.Encoding e) {
        return Encoding.valueOf(e.name());
    }
}

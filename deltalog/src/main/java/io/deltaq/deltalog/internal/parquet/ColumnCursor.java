package io.deltaq.deltalog.internal.parquet;

import java.io.IOException;
import java.util.zip.CRC32;

import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.CompressionCodec;
import org.apache.parquet.format.DataPageHeader;
import org.apache.parquet.format.DataPageHeaderV2;
import org.apache.parquet.format.DictionaryPageHeader;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.format.Util;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/**
 * The message decoder's fast path over one column chunk: PLAIN or dictionary values, RLE levels,
 * DATA_PAGE v1 or v2. {@link #next()} leaves the next value in the {@code out*} fields as a view
 * (into the file, a reused page buffer or the dictionary); the only allocations are the thrift
 * page headers, once per page. A flat column has one value per row; a repeated one (a leaf of the
 * headers map) one per entry, with its levels in {@link #outRepetition} and {@link #outDefinition}.
 */
final class ColumnCursor {
    private static final byte[] EMPTY = new byte[0];

    private final Codecs codecs;
    private final PositionedInput headerInput;
    private final HybridDecoder levels = new HybridDecoder();
    private final HybridDecoder repetitions = new HybridDecoder();
    private final CRC32 crc = new CRC32();
    private final HybridDecoder indices = new HybridDecoder();

    private byte[] file;
    private String fileName;
    private String column;
    private CompressionCodec codec;
    private int pos;
    private int end;
    private int maxDefinitionLevel;
    private int maxRepetitionLevel;
    private PrimitiveTypeName type;
    private MessageFileReader.Column resolved;
    private boolean absent;

    private int leftInPage;
    private boolean dictionaryMode;
    private byte[] data = EMPTY;
    private int dataPos;
    private int dataEnd;
    private byte[] pageBuf = new byte[4096];

    private boolean hasDictionary;
    private int dictionarySize;
    private byte[] dictionaryBytes = EMPTY;
    private byte[] dictionaryBuf = new byte[1024];
    private int[] dictionaryOffsets = new int[64];
    private int[] dictionaryLengths = new int[64];
    private long[] dictionaryLongs = new long[64];

    byte[] outBuf;
    int outOff;
    int outLen;
    long outLong;
    boolean outNull;
    int outDefinition;
    int outRepetition;

    ColumnCursor(Codecs codecs, PositionedInput headerInput) {
        this.codecs = codecs;
        this.headerInput = headerInput;
    }

    void open(byte[] file, int fileOff, int fileLen, String fileName, ColumnMetaData md, MessageFileReader.Column c) {
        int[] range = RowGroupPages.chunkRange(md, fileLen, fileName, c.name);
        this.file = file;
        this.fileName = fileName;
        this.column = c.name;
        this.codec = md.getCodec();
        this.pos = fileOff + range[0];
        this.end = fileOff + range[1];
        this.maxDefinitionLevel = c.maxDefinitionLevel;
        this.maxRepetitionLevel = c.maxRepetitionLevel;
        this.type = c.int96 ? PrimitiveTypeName.INT96 : c.type;
        this.resolved = c;
        this.absent = false;
        this.leftInPage = 0;
        this.hasDictionary = false;
        this.dictionarySize = 0;
    }

    /** A column the file does not have: every row reads as null. */
    void openAbsent() {
        absent = true;
        outBuf = null;
        outOff = 0;
        outLen = MessageBatch.NULL_LENGTH;
        outNull = true;
    }

    /** Skips {@code rows} values of a flat column, whole pages undecoded where they fit. */
    void skip(int rows) {
        if (absent) {
            return;
        }
        int n = rows;
        while (n > 0) {
            if (leftInPage == 0) {
                int skipped = loadPage(n);
                n -= skipped;
                if (skipped > 0) {
                    continue;
                }
            }
            int k = Math.min(n, leftInPage);
            for (int i = 0; i < k; i++) {
                next();
            }
            n -= k;
        }
    }

    void next() {
        if (absent) {
            return;
        }
        while (leftInPage == 0) {
            loadPage(0);
        }
        leftInPage--;
        if (maxRepetitionLevel > 0) {
            outRepetition = repetitions.next();
        }
        outDefinition = maxDefinitionLevel > 0 ? levels.next() : 0;
        if (outDefinition < maxDefinitionLevel) {
            outNull = true;
            outBuf = null;
            outOff = 0;
            outLen = MessageBatch.NULL_LENGTH;
            return;
        }
        outNull = false;
        if (dictionaryMode) {
            int id = indices.next();
            if (id < 0 || id >= dictionarySize) {
                throw corrupt("dictionary index " + id + " outside a dictionary of " + dictionarySize);
            }
            if (type == PrimitiveTypeName.BINARY) {
                outBuf = dictionaryBytes;
                outOff = dictionaryOffsets[id];
                outLen = dictionaryLengths[id];
            } else {
                outLong = dictionaryLongs[id];
            }
            return;
        }
        int p = dataPos;
        switch (type) {
            case BINARY -> {
                if (dataEnd - p < 4) {
                    throw corrupt("page ends inside a value");
                }
                int len = ByteOrderAccess.getIntLE(data, p);
                if (len < 0 || len > dataEnd - p - 4) {
                    throw corrupt("value length " + len + " runs past the page end");
                }
                outBuf = data;
                outOff = p + 4;
                outLen = len;
                dataPos = p + 4 + len;
            }
            case INT64 -> {
                if (dataEnd - p < 8) {
                    throw corrupt("page ends inside a value");
                }
                outLong = resolved.scale(ByteOrderAccess.getLongLE(data, p));
                dataPos = p + 8;
            }
            case INT96 -> {
                if (dataEnd - p < 12) {
                    throw corrupt("page ends inside a value");
                }
                outLong = Int96.toEpochMicros(data, p);
                dataPos = p + 12;
            }
            default -> throw corrupt("unexpected type " + type);
        }
    }

    /**
     * The repetition level of the value {@link #next()} reads next (0: it starts a row), or -1 at
     * the chunk's end. Only for a repeated column.
     */
    int peekRepetition() {
        if (leftInPage == 0) {
            if (pos >= end) {
                return -1;
            }
            loadPage(0);
        }
        return repetitions.peek();
    }

    /**
     * Reads page headers up to the next data page. If that page holds no more than
     * {@code skipBudget} rows it is passed over undecoded and its row count returned; otherwise
     * it is set up for {@link #next()} and 0 is returned.
     */
    private int loadPage(int skipBudget) {
        while (true) {
            if (pos >= end) {
                throw corrupt("column chunk ends before its last row");
            }
            headerInput.reset(file, pos, end);
            PageHeader h;
            try {
                h = Util.readPageHeader(headerInput);
            } catch (IOException | RuntimeException e) {
                throw new ParquetFormatException(fileName, "corrupt page header in column " + column + ": " + e.getMessage(), e);
            }
            int start = headerInput.position();
            int comp = h.getCompressed_page_size();
            int uncomp = h.getUncompressed_page_size();
            if (comp < 0 || uncomp < 0 || comp > end - start) {
                throw corrupt("truncated page");
            }
            PageChecks.check(h, file, start, comp, uncomp, codec, crc, fileName, column);
            pos = start + comp;
            switch (h.getType()) {
                case DICTIONARY_PAGE -> readDictionary(h.getDictionary_page_header(), start, comp, uncomp);
                case DATA_PAGE -> {
                    DataPageHeader dh = h.getData_page_header();
                    if (dh == null) {
                        throw corrupt("data page without its header");
                    }
                    int rows = dh.getNum_values();
                    if (rows <= skipBudget && maxRepetitionLevel == 0) {
                        return rows;
                    }
                    setUpV1(dh, start, comp, uncomp);
                    return 0;
                }
                case DATA_PAGE_V2 -> {
                    DataPageHeaderV2 dh = h.getData_page_header_v2();
                    if (dh == null) {
                        throw corrupt("data page without its header");
                    }
                    int rows = dh.getNum_values();
                    if (rows <= skipBudget && maxRepetitionLevel == 0) {
                        return rows;
                    }
                    setUpV2(dh, start, comp, uncomp);
                    return 0;
                }
                default -> {
                    // index and unknown pages carry no values
                }
            }
        }
    }

    private void setUpV1(DataPageHeader dh, int start, int comp, int uncomp) {
        byte[] b;
        int p;
        int e;
        if (codec == CompressionCodec.UNCOMPRESSED) {
            b = file;
            p = start;
            e = start + comp;
        } else {
            if (pageBuf.length < uncomp) {
                pageBuf = new byte[Math.max(uncomp, pageBuf.length * 2)];
            }
            codecs.decompress(codec, file, start, comp, pageBuf, 0, uncomp, fileName);
            b = pageBuf;
            p = 0;
            e = uncomp;
        }
        if (maxRepetitionLevel > 0) {
            if (dh.getRepetition_level_encoding() != Encoding.RLE) {
                throw corrupt("repetition levels encoded as " + dh.getRepetition_level_encoding() + " are not supported");
            }
            p = initLevels(repetitions, b, p, e, maxRepetitionLevel, "repetition");
        }
        if (maxDefinitionLevel > 0) {
            if (dh.getDefinition_level_encoding() != Encoding.RLE) {
                throw corrupt("definition levels encoded as " + dh.getDefinition_level_encoding() + " are not supported");
            }
            p = initLevels(levels, b, p, e, maxDefinitionLevel, "definition");
        }
        leftInPage = dh.getNum_values();
        setUpValues(b, p, e, dh.getEncoding());
    }

    /** Sets {@code decoder} on the length-prefixed levels at {@code p} of a v1 page; returns where they end. */
    private int initLevels(HybridDecoder decoder, byte[] b, int p, int e, int maxLevel, String kind) {
        if (e - p < 4) {
            throw corrupt("page ends inside its " + kind + " levels");
        }
        int len = ByteOrderAccess.getIntLE(b, p);
        if (len < 0 || len > e - p - 4) {
            throw corrupt(kind + " levels run past the page end");
        }
        decoder.init(b, p + 4, p + 4 + len, bitWidth(maxLevel), fileName, kind + " levels of column " + column);
        return p + 4 + len;
    }

    private void setUpV2(DataPageHeaderV2 dh, int start, int comp, int uncomp) {
        int rl = dh.getRepetition_levels_byte_length();
        int dl = dh.getDefinition_levels_byte_length();
        if (rl < 0 || dl < 0 || rl + dl > comp || rl + dl > uncomp) {
            throw corrupt("level lengths exceed the page");
        }
        if (maxRepetitionLevel > 0) {
            repetitions.init(file, start, start + rl, bitWidth(maxRepetitionLevel), fileName,
                    "repetition levels of column " + column);
        }
        if (maxDefinitionLevel > 0) {
            levels.init(file, start + rl, start + rl + dl, bitWidth(maxDefinitionLevel), fileName,
                    "definition levels of column " + column);
        }
        int valuesStart = start + rl + dl;
        int valuesComp = comp - rl - dl;
        int valuesUncomp = uncomp - rl - dl;
        boolean compressed = !dh.isSetIs_compressed() || dh.isIs_compressed();
        byte[] b;
        int p;
        int e;
        if (!compressed || codec == CompressionCodec.UNCOMPRESSED) {
            b = file;
            p = valuesStart;
            e = valuesStart + valuesComp;
        } else {
            if (pageBuf.length < valuesUncomp) {
                pageBuf = new byte[Math.max(valuesUncomp, pageBuf.length * 2)];
            }
            codecs.decompress(codec, file, valuesStart, valuesComp, pageBuf, 0, valuesUncomp, fileName);
            b = pageBuf;
            p = 0;
            e = valuesUncomp;
        }
        leftInPage = dh.getNum_values();
        setUpValues(b, p, e, dh.getEncoding());
    }

    private void setUpValues(byte[] b, int p, int e, Encoding encoding) {
        switch (encoding) {
            case PLAIN -> {
                dictionaryMode = false;
                data = b;
                dataPos = p;
                dataEnd = e;
            }
            case PLAIN_DICTIONARY, RLE_DICTIONARY -> {
                if (!hasDictionary) {
                    throw corrupt("dictionary-encoded page but the chunk has no dictionary page");
                }
                if (p >= e) {
                    // a page of nulls only may carry no indices at all
                    indices.init(b, p, p, 0, fileName, "dictionary indices of column " + column);
                } else {
                    indices.init(b, p + 1, e, b[p] & 0xff, fileName, "dictionary indices of column " + column);
                }
                dictionaryMode = true;
            }
            default -> throw corrupt("value encoding " + encoding + " in a chunk whose metadata does not list it");
        }
    }

    private void readDictionary(DictionaryPageHeader dh, int start, int comp, int uncomp) {
        if (dh == null) {
            throw corrupt("dictionary page without its header");
        }
        int n = dh.getNum_values();
        if (n < 0) {
            throw corrupt("negative dictionary size");
        }
        byte[] b;
        int p;
        int e;
        if (codec == CompressionCodec.UNCOMPRESSED) {
            b = file;
            p = start;
            e = start + comp;
        } else {
            if (dictionaryBuf.length < uncomp) {
                dictionaryBuf = new byte[Math.max(uncomp, dictionaryBuf.length * 2)];
            }
            codecs.decompress(codec, file, start, comp, dictionaryBuf, 0, uncomp, fileName);
            b = dictionaryBuf;
            p = 0;
            e = uncomp;
        }
        switch (type) {
            case BINARY -> {
                if ((long) n * 4 > e - p) {
                    throw corrupt("dictionary page too short for " + n + " values");
                }
                if (dictionaryOffsets.length < n) {
                    dictionaryOffsets = new int[Math.max(n, dictionaryOffsets.length * 2)];
                    dictionaryLengths = new int[dictionaryOffsets.length];
                }
                for (int i = 0; i < n; i++) {
                    if (e - p < 4) {
                        throw corrupt("dictionary page ends inside a value");
                    }
                    int len = ByteOrderAccess.getIntLE(b, p);
                    if (len < 0 || len > e - p - 4) {
                        throw corrupt("dictionary value runs past the page end");
                    }
                    dictionaryOffsets[i] = p + 4;
                    dictionaryLengths[i] = len;
                    p += 4 + len;
                }
                dictionaryBytes = b;
            }
            case INT64, INT96 -> {
                int width = type == PrimitiveTypeName.INT64 ? 8 : 12;
                if ((long) n * width > e - p) {
                    throw corrupt("dictionary page too short for " + n + " values");
                }
                if (dictionaryLongs.length < n) {
                    dictionaryLongs = new long[Math.max(n, dictionaryLongs.length * 2)];
                }
                for (int i = 0; i < n; i++) {
                    dictionaryLongs[i] = width == 8
                            ? resolved.scale(ByteOrderAccess.getLongLE(b, p + 8 * i))
                            : Int96.toEpochMicros(b, p + 12 * i);
                }
            }
            default -> throw corrupt("unexpected type " + type);
        }
        dictionarySize = n;
        hasDictionary = true;
    }

    private static int bitWidth(int maxLevel) {
        return 32 - Integer.numberOfLeadingZeros(maxLevel);
    }

    private ParquetFormatException corrupt(String problem) {
        return new ParquetFormatException(fileName, "column " + column + ": " + problem);
    }
}

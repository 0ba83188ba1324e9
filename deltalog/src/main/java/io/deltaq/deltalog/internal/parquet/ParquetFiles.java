package io.deltaq.deltalog.internal.parquet;

import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.schema.MessageType;

/** Facts read from a Parquet footer alone. */
public final class ParquetFiles {
    private ParquetFiles() {
    }

    /** Number of rows of the whole file, from the footer (for files whose Delta stats are missing). */
    public static long rowCount(byte[] file, String fileName) {
        return rowCount(file, 0, file.length, fileName);
    }

    public static long rowCount(byte[] file, int off, int len, String fileName) {
        return ParquetFooter.read(file, off, len, fileName).getNum_rows();
    }

    /**
     * How many bytes from the end of a file hold the footer, its length and the magic, read from
     * the file's last 8 bytes: fetch that many with a range read, then call {@link #rowCountFromTail}.
     */
    public static int tailLength(byte[] last8Bytes, String fileName) {
        return ParquetFooter.footerLength(last8Bytes, 0, last8Bytes.length, fileName) + 8;
    }

    /** Number of rows, from the file's tail (at least {@link #tailLength} bytes ending at the file's end). */
    public static long rowCountFromTail(byte[] tail, String fileName) {
        return ParquetFooter.readFromTail(tail, 0, tail.length, fileName).getNum_rows();
    }

    /** The file's Parquet schema. */
    public static MessageType schema(byte[] file, String fileName) {
        FileMetaData meta = ParquetFooter.read(file, 0, file.length, fileName);
        return ThriftSchema.fromThrift(meta.getSchema(), fileName);
    }
}

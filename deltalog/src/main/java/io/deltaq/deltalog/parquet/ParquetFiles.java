package io.deltaq.deltalog.parquet;

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

    /** The file's Parquet schema. */
    public static MessageType schema(byte[] file, String fileName) {
        FileMetaData meta = ParquetFooter.read(file, 0, file.length, fileName);
        return ThriftSchema.fromThrift(meta.getSchema(), fileName);
    }
}

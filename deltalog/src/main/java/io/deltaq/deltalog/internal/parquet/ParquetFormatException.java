package io.deltaq.deltalog.internal.parquet;

/**
 * A Parquet file that deltaq cannot read or that does not have the shape the caller asked for:
 * truncated, bad magic, missing column, wrong type, unsupported codec or encoding.
 * The message names the file (when the caller gave its name) and what is wrong.
 */
public final class ParquetFormatException extends RuntimeException {
    private final String fileName;

    public ParquetFormatException(String fileName, String problem) {
        super(describe(fileName, problem));
        this.fileName = fileName;
    }

    public ParquetFormatException(String fileName, String problem, Throwable cause) {
        super(describe(fileName, problem), cause);
        this.fileName = fileName;
    }

    /** The file name given by the caller, or null. */
    public String fileName() {
        return fileName;
    }

    private static String describe(String fileName, String problem) {
        return fileName == null ? "Parquet file: " + problem : "Parquet file " + fileName + ": " + problem;
    }
}

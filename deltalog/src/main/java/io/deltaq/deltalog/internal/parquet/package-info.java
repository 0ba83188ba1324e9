/**
 * Internal: used by deltaq's own modules, not an API for applications; it may change in any
 * release. Parquet for the Delta log, without Hadoop: parquet-column for encodings and record
 * assembly, parquet-format-structures for the thrift footer and page headers, and the file
 * layout (pages, chunks, footer) written and read here from in-memory byte arrays.
 *
 * <ul>
 *   <li>Message data files: {@link MessageBatch} (columnar buffer the
 *       commit thread fills), {@link MessageFileWriter} (batch to one
 *       Parquet file plus {@link MessageFileStats}),
 *       {@link MessageFileReader} (file to
 *       {@link MessageRowHandler}, allocation-free on its fast path).</li>
 *   <li>Generic nested rows for checkpoints: {@link ParquetRows},
 *       {@link ParquetRowsWriter},
 *       {@link RowType}, {@link ParquetStruct}.</li>
 *   <li>Footer facts: {@link ParquetFiles}. Errors:
 *       {@link ParquetFormatException}.</li>
 * </ul>
 * Codecs: UNCOMPRESSED, SNAPPY (snappy-java), GZIP (JDK). ZSTD, LZ4 and BROTLI files are refused
 * with an error naming the codec.
 */
package io.deltaq.deltalog.internal.parquet;

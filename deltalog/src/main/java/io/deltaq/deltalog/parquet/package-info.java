/**
 * Parquet for the Delta log, without Hadoop: parquet-column for encodings and record
 * assembly, parquet-format-structures for the thrift footer and page headers, and the file
 * layout (pages, chunks, footer) written and read here from in-memory byte arrays.
 *
 * <ul>
 *   <li>Message data files: {@link io.deltaq.deltalog.parquet.MessageBatch} (columnar buffer the
 *       commit thread fills), {@link io.deltaq.deltalog.parquet.MessageFileWriter} (batch to one
 *       Parquet file plus {@link io.deltaq.deltalog.parquet.MessageFileStats}),
 *       {@link io.deltaq.deltalog.parquet.MessageFileReader} (file to
 *       {@link io.deltaq.deltalog.parquet.MessageHandler}, allocation-free on its fast path).</li>
 *   <li>Generic nested rows for checkpoints: {@link io.deltaq.deltalog.parquet.ParquetRows},
 *       {@link io.deltaq.deltalog.parquet.ParquetRowsWriter},
 *       {@link io.deltaq.deltalog.parquet.RowType}, {@link io.deltaq.deltalog.parquet.ParquetStruct}.</li>
 *   <li>Footer facts: {@link io.deltaq.deltalog.parquet.ParquetFiles}. Errors:
 *       {@link io.deltaq.deltalog.parquet.ParquetFormatException}.</li>
 * </ul>
 * Codecs: UNCOMPRESSED, SNAPPY (snappy-java), GZIP (JDK). ZSTD, LZ4 and BROTLI files are refused
 * with an error naming the codec.
 */
package io.deltaq.deltalog.parquet;

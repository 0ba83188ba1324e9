package io.deltaq.deltalog.internal.parquet;

/**
 * Compression codecs deltaq writes. Readers also accept these; ZSTD, LZ4 and BROTLI are refused
 * with a clear error because their Java codecs would bring JNI or extra dependencies.
 */
public enum Compression {
    UNCOMPRESSED(org.apache.parquet.format.CompressionCodec.UNCOMPRESSED),
    SNAPPY(org.apache.parquet.format.CompressionCodec.SNAPPY),
    GZIP(org.apache.parquet.format.CompressionCodec.GZIP);

    final org.apache.parquet.format.CompressionCodec thrift;

    Compression(org.apache.parquet.format.CompressionCodec thrift) {
        this.thrift = thrift;
    }
}

package io.deltaq.deltalog.internal.parquet;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.Random;

import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.schema.MessageType;

/**
 * Encode and decode throughput of a 10,000-message file (16-byte keys, 100-byte values, SNAPPY),
 * comparing three decoders: parquet-hadoop's ParquetFileReader feeding parquet-column's column
 * readers, deltaq's parquet-column general path, and deltaq's fast path. The argument is seconds
 * measured per case. Not a unit test (speed is never asserted):
 * <pre>
 * mvn -B -o -q -pl deltalog -am test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=test
 * java -cp deltalog/target/test-classes:deltalog/target/classes:$(cat /tmp/cp.txt) io.deltaq.deltalog.internal.parquet.MessageCodecBenchmark 4
 * </pre>
 */
public final class MessageCodecBenchmark {
    private static final int MESSAGES = 10_000;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static long sink;
    /** Built once: building read options creates a Hadoop Configuration, which parses XML. */
    private static final ParquetReadOptions READ_OPTIONS = ParquetReadOptions.builder().build();

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3.0;
        MessageBatch batch = new MessageBatch();
        Random random = new Random(1);
        byte[] key = new byte[16];
        byte[] value = new byte[100];
        long t0 = 1_700_000_000_000_000L;
        for (int i = 0; i < MESSAGES; i++) {
            random.nextBytes(key);
            random.nextBytes(value);
            batch.append(key, 0, 16, value, 0, 100, t0 + i);
        }
        for (Compression compression : new Compression[] {Compression.SNAPPY, Compression.UNCOMPRESSED}) {
            MessageFileWriter writer = new MessageFileWriter(compression);
            writer.encode(batch);
            byte[] file = writer.toByteArray();
            System.out.printf("%s: file %d bytes for %d messages%n", compression, file.length, MESSAGES);
            run("encode (deltaq)", seconds, () -> sink += writer.encode(batch));
            MessageFileReader fast = new MessageFileReader(true);
            MessageFileReader general = new MessageFileReader(false);
            MessageRowHandler handler = (row, kb, ko, kl, vb, vo, vl, ts, hb, ho, hl) -> sink += kl + vl + ts;
            run("decode parquet-hadoop + parquet-column", seconds, () -> sink += decodeWithParquetHadoop(file));
            run("decode deltaq general (parquet-column)", seconds, () -> sink += general.decode(file, "bench", handler));
            run("decode deltaq fast path", seconds, () -> sink += fast.decode(file, "bench", handler));
        }
        System.out.println("(sink " + sink + ")");
    }

    interface Op {
        void run() throws Exception;
    }

    private static void run(String name, double seconds, Op op) throws Exception {
        long warmEnd = System.nanoTime() + (long) (seconds * 0.5e9);
        while (System.nanoTime() < warmEnd) {
            op.run();
        }
        long bytesBefore = THREADS.getCurrentThreadAllocatedBytes();
        long cpuBefore = THREADS.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long files = 0;
        long now;
        do {
            op.run();
            files++;
            now = System.nanoTime();
        } while (now < end);
        double elapsed = (now - start) / 1e9;
        double cpu = (THREADS.getCurrentThreadCpuTime() - cpuBefore) / 1e9;
        double perMessageBytes = (THREADS.getCurrentThreadAllocatedBytes() - bytesBefore) / (double) (files * MESSAGES);
        // Per CPU-second figures hold up on a shared machine; wall-clock ones do not.
        System.out.printf("  %-42s %8.2f M msg/s wall  %8.2f M msg/CPU-s  %7.1f us CPU/file  %8.2f B allocated/msg%n", name,
                files * MESSAGES / elapsed / 1e6, files * MESSAGES / cpu / 1e6, cpu * 1e6 / files, perMessageBytes);
    }

    /** The parquet-hadoop way: its file reader for pages, parquet-column's readers for values. */
    private static long decodeWithParquetHadoop(byte[] file) throws IOException {
        long sum = 0;
        try (ParquetFileReader reader = ParquetFileReader.open(new BytesInputFile(file), READ_OPTIONS)) {
            MessageType schema = reader.getFooter().getFileMetaData().getSchema();
            String createdBy = reader.getFooter().getFileMetaData().getCreatedBy();
            PageReadStore rowGroup;
            while ((rowGroup = reader.readNextRowGroup()) != null) {
                ColumnReadStoreImpl store = new ColumnReadStoreImpl(rowGroup, new Ignoring(), schema, createdBy);
                ColumnDescriptor[] columns = schema.getColumns().toArray(new ColumnDescriptor[0]);
                ColumnReader k = store.getColumnReader(columns[0]);
                ColumnReader v = store.getColumnReader(columns[1]);
                ColumnReader t = store.getColumnReader(columns[2]);
                for (long i = 0; i < rowGroup.getRowCount(); i++) {
                    if (k.getCurrentDefinitionLevel() == 1) {
                        Binary b = k.getBinary();
                        sum += b.length();
                    }
                    Binary b = v.getBinary();
                    sum += b.length() + t.getLong();
                    k.consume();
                    v.consume();
                    t.consume();
                }
            }
        }
        return sum;
    }

    private static final class Ignoring extends GroupConverter {
        private final PrimitiveConverter ignore = new PrimitiveConverter() {
        };

        @Override
        public Converter getConverter(int fieldIndex) {
            return ignore;
        }

        @Override
        public void start() {
        }

        @Override
        public void end() {
        }
    }

    private static final class BytesInputFile implements InputFile {
        private final byte[] bytes;

        BytesInputFile(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public long getLength() {
            return bytes.length;
        }

        @Override
        public SeekableInputStream newStream() {
            Positioned in = new Positioned(bytes);
            return new DelegatingSeekableInputStream(in) {
                @Override
                public long getPos() {
                    return in.position();
                }

                @Override
                public void seek(long newPos) {
                    in.seek((int) newPos);
                }
            };
        }
    }

    private static final class Positioned extends ByteArrayInputStream {
        Positioned(byte[] b) {
            super(b);
        }

        int position() {
            return pos;
        }

        void seek(int p) {
            pos = p;
        }
    }
}

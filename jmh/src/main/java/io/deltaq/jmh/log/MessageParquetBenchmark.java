package io.deltaq.jmh.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.defaults.engine.DefaultParquetHandler;
import io.delta.kernel.defaults.engine.hadoopio.HadoopFileIO;
import io.delta.kernel.engine.FileReadResult;
import io.delta.kernel.expressions.Column;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.DataFileStatus;
import io.delta.kernel.utils.FileStatus;
import io.deltaq.deltalog.internal.parquet.Compression;
import io.deltaq.deltalog.internal.parquet.MessageBatch;
import io.deltaq.deltalog.internal.parquet.MessageFileReader;
import io.deltaq.deltalog.internal.parquet.MessageFileWriter;
import io.deltaq.deltalog.internal.parquet.MessageRowHandler;
import io.deltaq.jmh.SampleMessages;
import org.apache.hadoop.conf.Configuration;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encoding and decoding one 10,000-message batch as a Parquet data file with the message schema:
 * deltaq's {@link MessageFileWriter} / {@link MessageFileReader} against Delta Kernel's
 * {@link DefaultParquetHandler} (parquet-mr underneath) on the same messages. Scores are messages per
 * second ({@code @OperationsPerInvocation} = batch size).
 *
 * <p>What each includes:
 * <ul>
 *   <li>{@code encodeDeltaq}: the whole file (pages, Snappy, footer, statistics) into deltaq's reused
 *       in-memory buffer; no I/O. deltaq uploads that buffer as it is.
 *   <li>{@code encodeDeltaqToFile}: the same plus writing the bytes to a local file (page cache), the
 *       destination Kernel's handler writes to.
 *   <li>{@code encodeKernel}: {@code writeParquetFiles} of the batch held as Kernel's in-memory columnar
 *       batch (built once in setup), statistics for the three columns as a Kernel transaction asks,
 *       Snappy, written through Hadoop's local file system (with its {@code .crc} side file) to a new
 *       file; the file is deleted outside the measurement.
 *   <li>{@code decodeDeltaq}: every message of the file's bytes, in memory, to a handler that reads
 *       key length, value length and timestamp (views; nothing is copied).
 *   <li>{@code decodeDeltaqFromFile}: the same after reading the file from the local file system.
 *   <li>{@code decodeKernel}: {@code readParquetFiles} of the local file with the message schema, then
 *       for every row the key and value ({@code getBinary}, which copies each value into a new array:
 *       Kernel's API has no view) and the timestamp.
 * </ul>
 * The decoded file is written by deltaq or by Kernel ({@code fileWriter}); both hold the same messages
 * and use the same codec ({@code codec}). Neither writer uses dictionary encoding here: deltaq never
 * does, and parquet-mr falls back to plain pages for these mostly distinct values.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@OperationsPerInvocation(MessageParquetBenchmark.MESSAGES)
public class MessageParquetBenchmark {

    static final int MESSAGES = 10_000;
    static final StructType MESSAGE_SCHEMA = SampleMessages.KERNEL_SCHEMA;

    /** The same 10,000 messages for both libraries ({@link SampleMessages}). */
    @State(Scope.Thread)
    public static class Messages {
        /** The Parquet codec of both writers: Snappy (deltaq's default, Spark's) or none (parquet-mr's default, so Kernel's). */
        @Param({"SNAPPY", "UNCOMPRESSED"})
        public String codec;

        MessageBatch deltaqBatch;
        ColumnarBatch kernelBatch;
        DefaultParquetHandler kernel;
        MessageFileWriter writer;
        MessageFileReader reader;
        Path dir;

        @Setup
        public void setUp() throws IOException {
            SampleMessages sample = SampleMessages.generate(MESSAGES, 42);
            deltaqBatch = sample.deltaq();
            kernelBatch = sample.kernel();
            Configuration hadoop = new Configuration();
            // Kernel's writer takes its codec from parquet-mr's Hadoop setting; without it, it writes uncompressed.
            hadoop.set("parquet.compression", codec);
            kernel = new DefaultParquetHandler(new HadoopFileIO(hadoop));
            writer = new MessageFileWriter(Compression.valueOf(codec));
            reader = new MessageFileReader();
            dir = Files.createTempDirectory("deltaq-jmh-parquet-");
        }

        @TearDown
        public void tearDown() throws IOException {
            writer.close();
            reader.close();
            deleteTree(dir);
        }
    }

    /** Files Kernel wrote in the last invocation, deleted outside the measurement. */
    @State(Scope.Thread)
    public static class KernelOutput {
        final List<String> written = new ArrayList<>();

        @TearDown(Level.Invocation)
        public void delete() throws IOException {
            for (String uri : written) {
                Path file = Path.of(URI.create(uri));
                Files.deleteIfExists(file);
                Files.deleteIfExists(file.resolveSibling("." + file.getFileName() + ".crc"));
            }
            written.clear();
        }
    }

    /** A data file of the batch, written by deltaq or by Kernel, on the local file system and in memory. */
    @State(Scope.Thread)
    public static class EncodedFile {
        @Param({"deltaq", "kernel"})
        public String fileWriter;

        Path file;
        byte[] bytes;
        FileStatus status;

        @Setup
        public void setUp(Messages messages) throws IOException {
            if (fileWriter.equals("deltaq")) {
                int length = messages.writer.encode(messages.deltaqBatch);
                file = messages.dir.resolve("deltaq-written.parquet");
                Files.write(file, java.util.Arrays.copyOf(messages.writer.buffer(), length));
            } else {
                Path kernelDir = Files.createDirectories(messages.dir.resolve("kernel-written"));
                List<String> written = writeKernel(messages, kernelDir, new ArrayList<>());
                if (written.size() != 1) {
                    throw new IllegalStateException("Kernel wrote " + written.size() + " files, expected 1");
                }
                file = Path.of(URI.create(written.get(0)));
            }
            bytes = Files.readAllBytes(file);
            status = FileStatus.of(file.toUri().toString(), bytes.length, 0);
            // Both readers must see every message, or the comparison means nothing.
            Sum check = new Sum();
            if (messages.reader.decode(bytes, file.toString(), check) != MESSAGES
                    || kernelDecode(messages, this) != check.total) {
                throw new IllegalStateException("the readers disagree on " + file);
            }
        }
    }

    /** Folds what a reader delivers into one number, so that nothing is optimized away. */
    static final class Sum implements MessageRowHandler {
        long total;

        @Override
        public void onMessage(int rowIndex, byte[] keyBuf, int keyOff, int keyLen, byte[] valueBuf, int valueOff,
                              int valueLen, long timestampMicros, byte[] headersBuf, int headersOff, int headersLen) {
            total += keyLen + valueLen + timestampMicros;
        }
    }

    @Benchmark
    public int encodeDeltaq(Messages m) {
        return m.writer.encode(m.deltaqBatch);
    }

    @Benchmark
    public long encodeDeltaqToFile(Messages m) throws IOException {
        int length = m.writer.encode(m.deltaqBatch);
        try (FileChannel channel = FileChannel.open(m.dir.resolve("deltaq-encoded.parquet"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(m.writer.buffer(), 0, length);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }
        return length;
    }

    @Benchmark
    public int encodeKernel(Messages m, KernelOutput out) throws IOException {
        Path kernelDir = m.dir.resolve("kernel-encoded");
        Files.createDirectories(kernelDir);
        return writeKernel(m, kernelDir, out.written).size();
    }

    @Benchmark
    public long decodeDeltaq(Messages m, EncodedFile f) {
        Sum sum = new Sum();
        m.reader.decode(f.bytes, "bench.parquet", sum);
        return sum.total;
    }

    @Benchmark
    public long decodeDeltaqFromFile(Messages m, EncodedFile f) throws IOException {
        Sum sum = new Sum();
        m.reader.decode(Files.readAllBytes(f.file), "bench.parquet", sum);
        return sum.total;
    }

    @Benchmark
    public long decodeKernel(Messages m, EncodedFile f) throws IOException {
        return kernelDecode(m, f);
    }

    static List<String> writeKernel(Messages m, Path dir, List<String> written) throws IOException {
        List<Column> statsColumns = List.of(new Column("key"), new Column("value"), new Column("timestamp"));
        try (CloseableIterator<DataFileStatus> files = m.kernel.writeParquetFiles(dir.toUri().toString(),
                iterator(List.of(new FilteredColumnarBatch(m.kernelBatch, Optional.empty()))), statsColumns)) {
            while (files.hasNext()) {
                written.add(files.next().getPath());
            }
        }
        return written;
    }

    static long kernelDecode(Messages m, EncodedFile f) throws IOException {
        long total = 0;
        try (CloseableIterator<FileReadResult> results =
                     m.kernel.readParquetFiles(iterator(List.of(f.status)), MESSAGE_SCHEMA, Optional.empty())) {
            while (results.hasNext()) {
                ColumnarBatch batch = results.next().getData();
                ColumnVector keys = batch.getColumnVector(0);
                ColumnVector values = batch.getColumnVector(1);
                ColumnVector timestamps = batch.getColumnVector(2);
                for (int i = 0; i < batch.getSize(); i++) {
                    total += (keys.isNullAt(i) ? MessageBatch.NULL_LENGTH : keys.getBinary(i).length)
                            + values.getBinary(i).length + timestamps.getLong(i);
                }
            }
        }
        return total;
    }

    static <T> CloseableIterator<T> iterator(List<T> items) {
        Iterator<T> it = items.iterator();
        return new CloseableIterator<>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public T next() {
                return it.next();
            }

            @Override
            public void close() {
            }
        };
    }

    static void deleteTree(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}

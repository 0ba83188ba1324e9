package io.deltaq.jmh.log;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.defaults.engine.DefaultJsonHandler;
import io.delta.kernel.defaults.engine.fileio.FileIO;
import io.delta.kernel.defaults.engine.hadoopio.HadoopFileIO;
import io.delta.kernel.defaults.internal.json.JsonUtils;
import io.delta.kernel.internal.actions.SingleAction;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.utils.CloseableIterator;
import io.deltaq.deltalog.ActionJson;
import io.deltaq.deltalog.MessageStats;
import io.deltaq.deltalog.actions.Action;
import io.deltaq.deltalog.actions.AddFile;
import io.deltaq.deltalog.actions.CommitInfo;
import io.deltaq.deltalog.actions.SetTransaction;
import org.apache.hadoop.conf.Configuration;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Parsing and writing one produce commit's actions: deltaq's {@link ActionJson} (jackson-core
 * streaming into records) against what Delta Kernel's default engine does with the same bytes.
 *
 * <p>The commit is the one deltaq's commit writer makes: {@code commitInfo} (WRITE, blind append),
 * {@code txn} and {@code adds} {@code add} actions with message statistics.
 * <ul>
 *   <li>{@code parseDeltaq}: {@code ActionJson.parseCommit(bytes)}, every action into a typed record.
 *   <li>{@code parseKernel}: what {@code DefaultJsonHandler.readJsonFiles} does with a commit file once
 *       its bytes are read: split into lines with a {@code BufferedReader} over UTF-8, then
 *       {@code DefaultJsonHandler.parseJson} of the lines with {@code SingleAction.FULL_SCHEMA} (the
 *       schema of every action Kernel knows). {@code parseJson} reads each line with Jackson databind
 *       ({@code ObjectReader.readTree}) and decodes the tree eagerly into a {@code DefaultJsonRow}.
 *   <li>{@code writeDeltaq}: {@code ActionJson.Writer.write(actions)}, newline-delimited UTF-8 bytes.
 *   <li>{@code writeKernel}: what {@code DefaultJsonHandler.writeJsonFileAtomically} does before its
 *       file I/O: {@code JsonUtils.rowToJson} (an {@code ObjectMapper} with Kernel's row serializer)
 *       of each action row, joined with newlines and encoded as UTF-8. The rows are Kernel's own
 *       parse of the same commit, built once in setup, as deltaq's records are.
 * </ul>
 * No file I/O on either side.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@State(Scope.Thread)
public class CommitJsonBenchmark {

    /** {@code add} actions in the commit: one per data file of the batch. */
    @Param({"1", "16"})
    public int adds;

    private byte[] commit;
    private List<Action> actions;
    private ActionJson.Writer writer;
    private DefaultJsonHandler kernelJson;
    private List<Row> kernelRows;

    @Setup
    public void setUp() throws IOException {
        long now = 1_764_000_000_000L;
        actions = new ArrayList<>();
        actions.add(new CommitInfo(now, null, "WRITE", Map.of("mode", "Append"), Boolean.TRUE,
                "deltaq/0.1.0", null));
        actions.add(new SetTransaction("producer-" + UUID.randomUUID(), 123_456, now));
        for (int i = 0; i < adds; i++) {
            String stats = new MessageStats(10_000, 1_764_000_000_000_000L + i, 1_764_000_000_999_000L + i, 17).toJson();
            actions.add(AddFile.ofNewFile("part-" + i + "-" + UUID.randomUUID() + ".snappy.parquet",
                    1_234_567 + i, now, stats));
        }
        writer = new ActionJson.Writer();
        commit = writer.write(actions);
        FileIO fileIO = new HadoopFileIO(new Configuration());
        kernelJson = new DefaultJsonHandler(fileIO);
        ColumnarBatch parsed = parseKernel();
        kernelRows = new ArrayList<>();
        try (CloseableIterator<Row> rows = parsed.getRows()) {
            rows.forEachRemaining(kernelRows::add);
        }
        // Both sides must describe the same commit, or the comparison means nothing.
        List<Action> fromKernel = ActionJson.parseCommit(writeKernel(), "kernel.json", 1);
        if (!fromKernel.equals(ActionJson.parseCommit(commit, "deltaq.json", 1))) {
            throw new IllegalStateException("Kernel's rewrite of the commit differs:\n" + new String(writeKernel(),
                    StandardCharsets.UTF_8) + "\nvs\n" + new String(commit, StandardCharsets.UTF_8));
        }
    }

    @Benchmark
    public List<Action> parseDeltaq() {
        return ActionJson.parseCommit(commit, "bench.json", 1);
    }

    @Benchmark
    public ColumnarBatch parseKernel() throws IOException {
        List<String> lines = new ArrayList<>(adds + 2);
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(new ByteArrayInputStream(commit), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                lines.add(line);
            }
        }
        return kernelJson.parseJson(new StringVector(lines), SingleAction.FULL_SCHEMA, Optional.empty());
    }

    @Benchmark
    public byte[] writeDeltaq() {
        return writer.write(actions);
    }

    @Benchmark
    public byte[] writeKernel() {
        StringBuilder text = new StringBuilder(commit.length + 64);
        for (Row row : kernelRows) {
            text.append(JsonUtils.rowToJson(row)).append('\n');
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Lines of a file as Kernel's string column, the input {@code parseJson} takes. */
    private static final class StringVector implements ColumnVector {
        private final List<String> lines;

        StringVector(List<String> lines) {
            this.lines = lines;
        }

        @Override
        public DataType getDataType() {
            return StringType.STRING;
        }

        @Override
        public int getSize() {
            return lines.size();
        }

        @Override
        public void close() {
        }

        @Override
        public boolean isNullAt(int rowId) {
            return lines.get(rowId) == null;
        }

        @Override
        public String getString(int rowId) {
            return lines.get(rowId);
        }
    }
}

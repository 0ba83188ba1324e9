package io.deltaq.sparktool;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeoutException;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Apache Spark with Delta Lake, driven over stdin and stdout by deltaq's interop tests, in a JVM of
 * its own (Spark needs its own versions of Jackson, Parquet and Hadoop). Rows go out as
 * {@code ROW <key hex or -> <value hex> <timestamp micros>}, followed for a row with headers by
 * {@code <key hex>=<value hex or ->,...} in their order; every command ends with one {@code OK ...}
 * line, or {@code ERROR <message>}.
 *
 * <pre>
 * read PATH                   a batch read of the table: its rows, then OK count
 * write PATH FROM COUNT       appends rows key k&lt;i&gt;, value v&lt;i&gt;, timestamp i s for i in [FROM, FROM+COUNT); OK
 * stream PATH CHECKPOINT      starts a Structured Streaming read (skipChangeCommits) into memory; OK
 * drain                       processes what the stream has available, prints the rows it had not printed; OK count
 * quit                        stops the stream and Spark; OK
 * </pre>
 */
public final class SparkTool {

    private static final StructType MESSAGE_SCHEMA = new StructType()
            .add("key", DataTypes.BinaryType, true)
            .add("value", DataTypes.BinaryType, false)
            .add("timestamp", DataTypes.TimestampType, false);
    private static final HexFormat HEX = HexFormat.of();
    private static final String STREAM_TABLE = "deltaq_stream";

    private final SparkSession spark;
    private final PrintStream out;
    private StreamingQuery query;
    private long streamedRowsPrinted;

    private SparkTool(SparkSession spark, PrintStream out) {
        this.spark = spark;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        // Spark's own logging goes to stderr; stdout carries the protocol alone.
        PrintStream protocol = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
                StandardCharsets.UTF_8);
        System.setOut(System.err);
        SparkSession spark = SparkSession.builder()
                .master("local[1]")
                .appName("deltaq-interop")
                .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
                .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "1")
                .config("spark.sql.session.timeZone", "UTC")
                .getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        SparkTool tool = new SparkTool(spark, protocol);
        protocol.println("READY");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] words = line.trim().split("\\s+");
            try {
                if (tool.run(words)) {
                    break;
                }
            } catch (Exception | Error e) {
                protocol.println("ERROR " + String.valueOf(e).replaceAll("\\s+", " "));
            }
        }
        tool.stop();
    }

    /** Runs one command; true for quit. */
    private boolean run(String[] words) throws Exception {
        switch (words[0]) {
            case "read" -> {
                List<Row> rows = withHeaderEntries(spark.read().format("delta").load(words[1])).collectAsList();
                rows.forEach(this::printRow);
                out.println("OK " + rows.size());
            }
            case "write" -> {
                long from = Long.parseLong(words[2]);
                int count = Integer.parseInt(words[3]);
                List<Row> rows = new ArrayList<>(count);
                for (long i = from; i < from + count; i++) {
                    rows.add(RowFactory.create(("k" + i).getBytes(StandardCharsets.UTF_8),
                            ("v" + i).getBytes(StandardCharsets.UTF_8), new Timestamp(i * 1000)));
                }
                spark.createDataFrame(rows, MESSAGE_SCHEMA).coalesce(1).write().format("delta").mode("append")
                        .save(words[1]);
                out.println("OK");
            }
            case "stream" -> {
                Dataset<Row> stream = spark.readStream().format("delta").option("skipChangeCommits", "true")
                        .load(words[1]);
                query = stream.writeStream().format("memory").queryName(STREAM_TABLE)
                        .option("checkpointLocation", words[2]).start();
                out.println("OK");
            }
            case "drain" -> {
                query.processAllAvailable();
                // The memory sink keeps rows in arrival order; print only those not yet printed.
                List<Row> all = withHeaderEntries(spark.table(STREAM_TABLE)).collectAsList();
                for (int i = (int) streamedRowsPrinted; i < all.size(); i++) {
                    printRow(all.get(i));
                }
                out.println("OK " + (all.size() - streamedRowsPrinted));
                streamedRowsPrinted = all.size();
            }
            case "quit" -> {
                out.println("OK");
                return true;
            }
            default -> out.println("ERROR unknown command " + words[0]);
        }
        return false;
    }

    /** The headers map, where the table has one, as an array of its entries: a map's order is then kept. */
    private static Dataset<Row> withHeaderEntries(Dataset<Row> rows) {
        return java.util.Arrays.asList(rows.columns()).contains("headers")
                ? rows.selectExpr("key", "value", "timestamp", "map_entries(headers) AS headers")
                : rows;
    }

    private void printRow(Row row) {
        byte[] key = row.isNullAt(row.fieldIndex("key")) ? null : row.getAs("key");
        byte[] value = row.getAs("value");
        Timestamp timestamp = row.getAs("timestamp");
        long micros = timestamp.getTime() / 1000 * 1_000_000 + timestamp.getNanos() / 1000;
        StringBuilder line = new StringBuilder("ROW ").append(key == null ? "-" : HEX.formatHex(key)).append(' ')
                .append(HEX.formatHex(value)).append(' ').append(micros);
        int headers = java.util.Arrays.asList(row.schema().fieldNames()).indexOf("headers");
        if (headers >= 0 && !row.isNullAt(headers) && !row.getList(headers).isEmpty()) {
            List<Row> entries = row.getList(headers);
            line.append(' ');
            for (int i = 0; i < entries.size(); i++) {
                Row entry = entries.get(i);
                line.append(i == 0 ? "" : ",").append(HEX.formatHex(entry.getString(0).getBytes(StandardCharsets.UTF_8)))
                        .append('=').append(entry.isNullAt(1) ? "-" : HEX.formatHex((byte[]) entry.get(1)));
            }
        }
        out.println(line);
    }

    private void stop() throws TimeoutException, StreamingQueryException {
        if (query != null) {
            query.stop();
        }
        spark.stop();
    }
}

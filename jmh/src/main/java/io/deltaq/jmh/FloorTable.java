package io.deltaq.jmh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.deltaq.jmh.paths.PathsTable;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints the results of a JMH JSON file ({@code -rf json}) as Markdown tables. For
 * {@link S3FloorBenchmark}: p50 and p99 per operation and client configuration, each also as a
 * ratio to the fastest configuration of that operation (and payload size) in the same file. For the
 * paths suite ({@code io.deltaq.jmh.paths}): deltaq next to Delta Kernel, see {@link PathsTable}.
 *
 * <p>Usage: {@code bin/jmh --table jmh-results/s3-floor.json}
 */
public final class FloorTable {

    /** The target: the store's default within this factor of the fastest configuration. */
    static final double TARGET_RATIO = 1.5;
    static final String DEFAULT_CLIENT = "store-crt-lean";

    record Row(String operation, String payload, String client, double p50, double p99, long samples) {
    }

    /**
     * One sample-time result of a JMH JSON file.
     *
     * @param benchmark the benchmark's class and method, {@code io.deltaq.jmh.X.method}
     * @param params the {@code @Param} values
     * @param unit the score unit, such as {@code ms/op}
     * @param samples samples taken over all measurement iterations (0 without a raw histogram)
     */
    public record Result(String benchmark, Map<String, String> params, String unit, double mean, double p50,
                         double p99, long samples) {

        /** The class's simple name: {@code CommitPathBenchmark} of {@code io.deltaq.jmh.paths.CommitPathBenchmark.commit}. */
        public String className() {
            String type = benchmark.substring(0, benchmark.lastIndexOf('.'));
            return type.substring(type.lastIndexOf('.') + 1);
        }

        public String param(String name) {
            return params.getOrDefault(name, "-");
        }
    }

    private FloorTable() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: bin/jmh --table <jmh-results.json>");
            System.exit(2);
        }
        Path file = Path.of(args[0]);
        if (!Files.isReadable(file)) {
            System.err.println("cannot read " + file + ": run the suite with -rf json -rff " + file + " first");
            System.exit(2);
        }
        List<Row> rows = read(file);
        List<Result> paths = PathsTable.select(readSampleResults(file));
        if (rows.isEmpty() && paths.isEmpty()) {
            System.err.println(file + " holds no S3FloorBenchmark or paths results in sample-time mode");
            System.exit(1);
        }
        if (!rows.isEmpty()) {
            print(rows, System.out);
        }
        if (!paths.isEmpty()) {
            if (!rows.isEmpty()) {
                System.out.println();
            }
            PathsTable.print(paths, System.out);
        }
    }

    /** The {@link S3FloorBenchmark} results of {@code file}, in µs. */
    static List<Row> read(Path file) throws IOException {
        List<Row> rows = new ArrayList<>();
        for (Result result : readSampleResults(file)) {
            if (!result.benchmark().startsWith(S3FloorBenchmark.class.getName() + ".")) {
                continue;
            }
            if (!"us/op".equals(result.unit())) {
                throw new IOException(file + ": " + result.benchmark() + " is in " + result.unit() + ", expected us/op");
            }
            rows.add(new Row(result.benchmark().substring(result.benchmark().lastIndexOf('.') + 1),
                    result.param("payloadBytes"), result.param("client"), result.p50(), result.p99(), result.samples()));
        }
        return rows;
    }

    /** Every sample-time result in {@code file}, in file order. */
    static List<Result> readSampleResults(Path file) throws IOException {
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        if (root == null || !root.isArray()) {
            throw new IOException(file + " is not a JMH JSON result file (expected a top-level array)");
        }
        List<Result> results = new ArrayList<>();
        for (JsonNode result : root) {
            if (!"sample".equals(result.path("mode").asText())) {
                continue;
            }
            Map<String, String> params = new LinkedHashMap<>();
            result.path("params").fields().forEachRemaining(e -> params.put(e.getKey(), e.getValue().asText()));
            JsonNode metric = result.path("primaryMetric");
            JsonNode percentiles = metric.path("scorePercentiles");
            results.add(new Result(result.path("benchmark").asText(), params, metric.path("scoreUnit").asText(),
                    metric.path("score").asDouble(Double.NaN),
                    percentiles.path("50.0").asDouble(Double.NaN),
                    percentiles.path("99.0").asDouble(Double.NaN),
                    sampleCount(metric.path("rawDataHistogram"))));
        }
        return results;
    }

    /** Samples taken over all measurement iterations; 0 when the file has no raw histogram. */
    private static long sampleCount(JsonNode histogram) {
        long count = 0;
        // rawDataHistogram: forks -> iterations -> [value, count] pairs.
        for (JsonNode fork : histogram) {
            for (JsonNode iteration : fork) {
                for (JsonNode pair : iteration) {
                    count += pair.path(1).asLong();
                }
            }
        }
        return count;
    }

    static void print(List<Row> rows, PrintStream out) {
        Map<String, List<Row>> groups = new LinkedHashMap<>();
        for (Row row : rows) {
            groups.computeIfAbsent(row.operation() + " " + row.payload(), k -> new ArrayList<>()).add(row);
        }
        out.println("| operation | payload (B) | client | p50 (µs) | p50 vs fastest | p99 (µs) | p99 vs fastest | samples |");
        out.println("|---|---:|---|---:|---:|---:|---:|---:|");
        List<String> verdicts = new ArrayList<>();
        for (List<Row> group : groups.values()) {
            double bestP50 = group.stream().mapToDouble(Row::p50).min().orElse(Double.NaN);
            double bestP99 = group.stream().mapToDouble(Row::p99).min().orElse(Double.NaN);
            String fastest = group.stream().filter(r -> r.p50() == bestP50).map(Row::client).findFirst().orElse("?");
            for (Row r : group) {
                out.printf(Locale.ROOT, "| %s | %s | %s | %.1f | %.2fx | %.1f | %.2fx | %d |%n", r.operation(), r.payload(),
                        r.client(), r.p50(), r.p50() / bestP50, r.p99(), r.p99() / bestP99, r.samples());
                if (r.client().equals(DEFAULT_CLIENT)) {
                    double ratio = r.p50() / bestP50;
                    String size = r.payload().equals("-") ? "" : " (" + r.payload() + " B)";
                    verdicts.add(String.format(Locale.ROOT, "%s%s: %s p50 is %.2fx the fastest (%s): %s", r.operation(),
                            size, DEFAULT_CLIENT, ratio, fastest,
                            ratio <= TARGET_RATIO ? "within " + TARGET_RATIO + "x" : "NOT within " + TARGET_RATIO + "x"));
                }
            }
        }
        if (!verdicts.isEmpty()) {
            out.println();
            for (String verdict : verdicts) {
                out.println("- " + verdict);
            }
        }
    }
}

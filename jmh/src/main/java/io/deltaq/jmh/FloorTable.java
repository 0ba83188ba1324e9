package io.deltaq.jmh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * Prints the {@link S3FloorBenchmark} results of a JMH JSON file ({@code -rf json}) as a Markdown
 * table: p50 and p99 per operation and client configuration, each also as a ratio to the fastest
 * configuration of that operation (and payload size) in the same file.
 *
 * <p>Usage: {@code bin/jmh --table jmh-results/s3-floor.json}
 */
public final class FloorTable {

    /** The target: the store's default within this factor of the fastest configuration. */
    static final double TARGET_RATIO = 1.5;
    static final String DEFAULT_CLIENT = "store-crt-http";

    record Row(String operation, String payload, String client, double p50, double p99, long samples) {
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
        if (rows.isEmpty()) {
            System.err.println(file + " holds no S3FloorBenchmark results in sample-time mode");
            System.exit(1);
        }
        print(rows, System.out);
    }

    static List<Row> read(Path file) throws IOException {
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        if (!root.isArray()) {
            throw new IOException(file + " is not a JMH JSON result file (expected a top-level array)");
        }
        List<Row> rows = new ArrayList<>();
        for (JsonNode result : root) {
            String benchmark = result.path("benchmark").asText();
            if (!benchmark.startsWith(S3FloorBenchmark.class.getName() + ".") || !"sample".equals(result.path("mode").asText())) {
                continue;
            }
            JsonNode metric = result.path("primaryMetric");
            String unit = metric.path("scoreUnit").asText();
            if (!"us/op".equals(unit)) {
                throw new IOException(file + ": " + benchmark + " is in " + unit + ", expected us/op");
            }
            JsonNode percentiles = metric.path("scorePercentiles");
            JsonNode params = result.path("params");
            rows.add(new Row(benchmark.substring(benchmark.lastIndexOf('.') + 1),
                    params.path("payloadBytes").asText("-"),
                    params.path("client").asText(),
                    percentiles.path("50.0").asDouble(Double.NaN),
                    percentiles.path("99.0").asDouble(Double.NaN),
                    sampleCount(metric.path("rawDataHistogram"))));
        }
        return rows;
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

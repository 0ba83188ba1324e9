package io.deltaq.jmh.paths;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import io.deltaq.jmh.FloorTable;
import org.junit.jupiter.api.Test;

class PathsTableTest {

    private static FloorTable.Result result(String benchmark, String impl, String store, String messages, double p50) {
        Map<String, String> params = messages == null
                ? Map.of("impl", impl, "store", store)
                : Map.of("impl", impl, "store", store, "messages", messages);
        return new FloorTable.Result("io.deltaq.jmh.paths." + benchmark, params, "ms/op", p50 * 1.1, p50, p50 * 3, 42);
    }

    private static String print(List<FloorTable.Result> results) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PathsTable.print(results, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void kernelNextToDeltaqWithRatiosRatesAndTargets() {
        List<FloorTable.Result> results = PathsTable.select(List.of(
                result("DiscoveryBenchmark.discover", "kernel", "s3", null, 60),
                result("DiscoveryBenchmark.discover", "deltaq", "s3", null, 1),
                result("DiscoveryBenchmark.discover", "kernel-range", "s3", null, 2.5),
                result("CommitPathBenchmark.commit", "deltaq", "local", "10000", 10),
                result("CommitPathBenchmark.commit", "kernel", "local", "10000", 40),
                result("CommitPathBenchmark.commit", "kernel", "s3", "10000", 60),
                result("CommitPathBenchmark.commit", "deltaq", "s3", "10000", 10),
                result("CommitPathBenchmark.commit", "deltaq", "s3", "1000", 2),
                result("CommitPathBenchmark.commit", "kernel", "s3", "1000", 20),
                result("PollPathBenchmark.poll", "kernel", "s3", "1000", 8),
                result("PollPathBenchmark.poll", "deltaq", "s3", "1000", 0.5),
                new FloorTable.Result("io.deltaq.jmh.S3FloorBenchmark.get", Map.of(), "us/op", 1, 1, 1, 1)));
        assertEquals(11, results.size(), "only the paths suite's results");

        String[] lines = print(results).split("\n");
        assertEquals(List.of(
                "| commit | s3 | 1,000 | kernel | 2.000 | 20.0 | 10.00x | 500,000 | 50,000 | 42 / 42 |",
                "| commit | s3 | 10,000 | kernel | 10.0 | 60.0 | 6.00x | 1,000,000 | 166,667 | 42 / 42 |",
                "| commit | local | 10,000 | kernel | 10.0 | 40.0 | 4.00x | 1,000,000 | 250,000 | 42 / 42 |",
                "| poll | s3 | 1,000 | kernel | 0.500 | 8.000 | 16.00x | 2,000,000 | 125,000 | 42 / 42 |",
                "| discovery | s3 | - | kernel | 1.000 | 60.0 | 60.00x | - | - | 42 / 42 |",
                "| discovery | s3 | - | kernel-range | 1.000 | 2.500 | 2.50x | - | - | 42 / 42 |"),
                List.of(lines).subList(2, 8), "sorted by path, store (s3 first) and batch size");
        assertEquals(List.of(
                "- commit of 10,000 messages, s3: deltaq's p50 is 6.00x faster than Kernel's (target 5x): met",
                "- commit of 10,000 messages, local: deltaq's p50 is 4.00x faster than Kernel's (target 5x): NOT met",
                "- discovery of a new version, s3: deltaq's p50 is 2.50x faster than the fastest Kernel variant's "
                        + "(target 3x): NOT met"),
                List.of(lines).subList(9, 12));
    }

    @Test
    void resultsInOtherUnitsAreRejected() {
        FloorTable.Result seconds = new FloorTable.Result("io.deltaq.jmh.paths.PollPathBenchmark.poll",
                Map.of("impl", "kernel", "store", "s3", "messages", "1000"), "s/op", 1, 1, 1, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> print(List.of(
                result("PollPathBenchmark.poll", "deltaq", "s3", "1000", 0.5), seconds)));
        assertTrue(e.getMessage().contains("s/op"), e.getMessage());
    }
}

package io.deltaq.jmh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FloorTableTest {

    @TempDir
    Path dir;

    /** One result in the shape JMH 1.37 writes with -rf json, sample-time mode. */
    private static String result(String method, String client, double p50, double p99) {
        return """
                {"benchmark": "io.deltaq.jmh.S3FloorBenchmark.%s", "mode": "sample",
                 "params": {"client": "%s", "payloadBytes": "1024"},
                 "primaryMetric": {"score": 1.0, "scoreUnit": "us/op",
                   "scorePercentiles": {"0.0": 1.0, "50.0": %s, "90.0": 1.0, "99.0": %s, "100.0": 1.0},
                   "rawDataHistogram": [[[[100.0, 3], [200.0, 2]], [[150.0, 5]]]]}}
                """.formatted(method, client, p50, p99);
    }

    @Test
    void ratiosAreToTheFastestOfTheSameOperation() throws IOException {
        Path file = dir.resolve("floor.json");
        Files.writeString(file, "[" + String.join(",",
                result("get", "store-crt-lean", 300.0, 900.0),
                result("get", "sdk-apache5", 200.0, 1000.0),
                result("putIfAbsent", "store-crt-lean", 400.0, 800.0),
                result("putIfAbsent", "sdk-apache5", 500.0, 1600.0),
                """
                {"benchmark": "io.deltaq.jmh.OtherBenchmark.x", "mode": "sample", "params": {},
                 "primaryMetric": {"scoreUnit": "us/op", "scorePercentiles": {"50.0": 1.0, "99.0": 1.0}}}
                """) + "]");

        List<FloorTable.Row> rows = FloorTable.read(file);
        assertEquals(4, rows.size(), "results of other benchmarks are skipped");
        assertEquals(10, rows.get(0).samples());

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        FloorTable.print(rows, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String table = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(table.contains("| get | 1024 | store-crt-lean | 300.0 | 1.50x | 900.0 | 1.00x | 10 |"), table);
        assertTrue(table.contains("| get | 1024 | sdk-apache5 | 200.0 | 1.00x | 1000.0 | 1.11x | 10 |"), table);
        assertTrue(table.contains("| putIfAbsent | 1024 | sdk-apache5 | 500.0 | 1.25x | 1600.0 | 2.00x | 10 |"), table);
        assertTrue(table.contains("get (1024 B): store-crt-lean p50 is 1.50x the fastest (sdk-apache5): within 1.5x"), table);
        assertTrue(table.contains("putIfAbsent (1024 B): store-crt-lean p50 is 1.00x the fastest (store-crt-lean): within 1.5x"),
                table);
    }

    @Test
    void aFileInOtherUnitsIsRejected() throws IOException {
        Path file = dir.resolve("ms.json");
        Files.writeString(file, "[" + result("get", "sdk-apache5", 1, 2).replace("us/op", "ms/op") + "]");
        IOException e = assertThrows(IOException.class, () -> FloorTable.read(file));
        assertTrue(e.getMessage().contains("ms/op"), e.getMessage());
    }
}

package io.deltaq.bench.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RateFilesTest {

    @TempDir
    Path dir;

    @Test
    void aTickThatPrintsAtTheSameTimeAsTheOneBeforeReplacesItsRow() throws Exception {
        try (Coordinator.RateFiles files = new Coordinator.RateFiles(dir, 1000)) {
            files.csvRow(row(1.0, 0), true);
            files.csvRow(row(2.0, 10_000_000), false);
            files.csvRow(row(3.0, 20_000_000), false);
            // The worker's last tick, a few milliseconds after its regular one, with the final figures.
            files.csvRow(row(3.004, 30_000_000), false);
        }
        assertEquals(List.of("time_from_start,p50,p75,p85,p95,p99",
                "1.00,,,,,",
                "2.00,10.00,10.00,10.00,10.00,10.00",
                "3.00,30.00,30.00,30.00,30.00,30.00"), Files.readAllLines(dir.resolve("1000.csv")));
    }

    private static RateResult.Interval row(double seconds, long nanos) {
        return new RateResult.Interval(seconds, 1, nanos, nanos, nanos, nanos, nanos, nanos, nanos, nanos);
    }
}

package io.deltaq.bench.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import io.deltaq.bench.driver.BenchDriver;
import io.deltaq.bench.driver.BenchDrivers;
import io.deltaq.bench.driver.ClientOptions;
import io.deltaq.bench.driver.StorageFloor;
import io.deltaq.bench.driver.TargetOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportsTest {

    @TempDir
    Path out;

    private Coordinator.Sweep sweep() {
        BenchDriver deltaq = BenchDrivers.byName("deltaq").orElseThrow();
        BenchDriver kafka = BenchDrivers.byName("kafka").orElseThrow();
        BenchSettings settings = new BenchSettings(List.of(10_000L, 70_000L, 130_000L, 190_000L), 30, 5, 30,
                List.of(deltaq, kafka), new ClientOptions(100, OptionalLong.empty(), Optional.empty()), 1, 1, false,
                List.of("-Xmx1g"), new TargetOptions(Optional.empty(), Optional.empty(), Optional.empty(), 0,
                        Optional.empty(), "t", out.resolve("work")), out, 200, false);
        List<RateResult> results = new ArrayList<>();
        results.add(result("deltaq", 10_000, false, 20));
        results.add(result("deltaq", 70_000, true, 40));
        results.add(result("deltaq", 130_000, true, 60));
        results.add(result("kafka", 10_000, true, 5));
        results.add(result("kafka", 70_000, true, 6));
        results.add(result("kafka", 130_000, false, 900));
        results.add(result("kafka", 190_000, true, 7));
        return new Coordinator.Sweep(settings, List.of(
                new Coordinator.DriverSetup(deltaq, "embedded S3", Optional.of(new StorageFloor("s3://b/p", 200, 9000, 4000))),
                new Coordinator.DriverSetup(kafka, "broker", Optional.empty())), results, "1.00 2.00 3.00 1/1 1",
                "4.00 5.00 6.00 1/1 1", 0, 1000);
    }

    private static RateResult result(String driver, long rate, boolean sustained, long p50Ms) {
        RateResult r = new RateResult(driver, rate, 30);
        r.sent = rate * 35;
        r.received = r.sent;
        r.caughtUp = true;
        r.sustained = sustained;
        r.verdict = sustained ? "sustained" : "falling behind: test";
        r.latency.recordValueWithCount(p50Ms * 1000, 10);
        return r;
    }

    @Test
    void theHighestStableRateIsCappedByTheFirstFailure() {
        Coordinator.Sweep sweep = sweep();
        assertEquals(OptionalLong.empty(), Reports.maxSustainedRate(sweep, "deltaq"));
        assertEquals(List.of(70_000L, 130_000L), Reports.sustainedAboveAFailure(sweep, "deltaq"));
        assertEquals(OptionalLong.of(70_000), Reports.maxSustainedRate(sweep, "kafka"));
        assertEquals(List.of(190_000L), Reports.sustainedAboveAFailure(sweep, "kafka"));
    }

    @Test
    void summaryPutsDriversSideBySidePerRateAndSaysWhatIsStable() throws Exception {
        Reports.write(sweep(), "bin/bench --rates x");
        String md = Files.readString(out.resolve("summary.md"));
        int deltaq10k = md.indexOf("| 10,000 | deltaq | 350,000 | 350,000 |");
        int kafka10k = md.indexOf("| 10,000 | kafka | 350,000 | 350,000 |");
        int deltaq70k = md.indexOf("| 70,000 | deltaq |");
        assertTrue(deltaq10k > 0 && deltaq10k < kafka10k && kafka10k < deltaq70k, md);
        assertTrue(md.contains("2 writes + 2 reads = **26.00 ms**"), md);
        assertTrue(md.contains("| 20.02 | 0.8× | **falling behind** |"), "p50 20 ms over a 26 ms floor: " + md);
        assertTrue(md.contains("- deltaq: none (the lowest rate tried was not sustained); also sustained above the first"
                + " failure, at 70,000, 130,000 msg/s"), md);
        assertTrue(md.contains("- kafka: **70,000 msg/s**; also sustained above the first failure, at 190,000 msg/s"), md);
        String json = Files.readString(out.resolve("summary.json"));
        assertTrue(json.contains("\"maxSustainedRate\" : null"), json);
        assertTrue(json.contains("\"kafka\" : 70000"), json);
        assertTrue(json.contains("\"p50_ms\" : 20.015"), json);
        assertTrue(Files.readString(out.resolve("kafka").resolve("130000-latency.svg")).contains("no data"));
        assertTrue(Files.readString(out.resolve("latency-by-rate.svg")).contains("kafka p99"));
    }
}

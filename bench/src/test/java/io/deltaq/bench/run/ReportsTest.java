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
        List<RateResult> results = new ArrayList<>();
        results.add(result("deltaq", 10_000, false, 20));
        results.add(result("deltaq", 70_000, true, 40));
        results.add(result("deltaq", 130_000, true, 60));
        results.add(result("kafka", 10_000, true, 5));
        results.add(result("kafka", 70_000, true, 6));
        results.add(result("kafka", 130_000, false, 900));
        results.add(result("kafka", 190_000, true, 7));
        return sweep(results, new StorageFloor("s3://b/p", 200, 9000, 4000));
    }

    private Coordinator.Sweep sweep(List<RateResult> results, StorageFloor floor) {
        BenchDriver deltaq = BenchDrivers.byName("deltaq").orElseThrow();
        BenchDriver kafka = BenchDrivers.byName("kafka").orElseThrow();
        BenchSettings settings = new BenchSettings(List.of(10_000L, 70_000L, 130_000L, 190_000L), 30, 5, 30,
                List.of(deltaq, kafka), new ClientOptions(100, OptionalLong.empty(), Optional.empty()), 1, 1, false,
                List.of("-Xmx1g"), new TargetOptions(Optional.empty(), Optional.empty(), Optional.empty(), 0, 0,
                        Optional.empty(), "t", out.resolve("work")), out, 200, false);
        return new Coordinator.Sweep(settings, List.of(
                new Coordinator.DriverSetup(deltaq, "embedded S3", Optional.of(floor)),
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

    /**
     * A baseline compares multiples of each run's own floor: on a machine twice as slow (floor doubled) the
     * same multiples are no regression, a multiple grown beyond the tolerance is, and so is a rate that is
     * no longer sustained. Kafka, without a floor, is not compared.
     */
    @Test
    void aBaselineFlagsWhatGotWorseAsMultiplesOfTheFloor() throws Exception {
        Path before = out.resolve("summary.json");
        Reports.write(sweep(), "bin/bench --rates x");
        Baseline baseline = Baseline.read(before);

        List<RateResult> now = new ArrayList<>();
        now.add(result("deltaq", 10_000, true, 40)); // 20 ms of a 26 ms floor before, 40 of 52 now: the same
        now.add(result("deltaq", 70_000, false, 80)); // the same multiple, but no longer sustained
        now.add(result("deltaq", 130_000, true, 200)); // 60 of 26 before (2.3x), 200 of 52 now (3.8x)
        now.add(result("kafka", 10_000, true, 500));
        Baseline.Comparison comparison = baseline.compare(sweep(now, new StorageFloor("s3://b/p", 200, 18000, 8000)), 0.25);
        List<String> worse = comparison.rows().stream().filter(Baseline.Row::worse)
                .map(r -> r.driver() + " " + r.rate() + " " + r.figure()).toList();
        assertEquals(List.of("deltaq 70000 sustained", "deltaq 130000 p50", "deltaq 130000 p99"), worse);
        assertTrue(comparison.rows().stream().noneMatch(r -> r.driver().equals("kafka")), comparison.toString());
        assertTrue(comparison.anyWorse());

        String md = Reports.markdown(sweep(now, new StorageFloor("s3://b/p", 200, 18000, 8000)), "bin/bench", comparison);
        assertTrue(md.contains("## Against the baseline"), md);
        assertTrue(md.contains("| 130,000 | deltaq | p50 | 2.31× | 3.85× | **worse** |"), md);
        assertTrue(md.contains("- deltaq floor: 26.00 ms in the baseline, 52.00 ms now.\n"), "twice as slow is alike: " + md);
    }

    /** Floors far apart (a cold server's against a warm one's) are named, so the multiples are not read alone. */
    @Test
    void aBaselineWhoseFloorWasMeasuredUnlikeSaysSo() throws Exception {
        Path before = out.resolve("summary.json");
        Reports.write(sweep(), "bin/bench --rates x");
        List<RateResult> now = new ArrayList<>();
        now.add(result("deltaq", 10_000, true, 20));
        StorageFloor warm = new StorageFloor("s3://b/p", 200, 800, 500); // 2.6 ms against the baseline's 26
        Baseline.Comparison comparison = Baseline.read(before).compare(sweep(now, warm), 0.25);
        assertEquals(List.of(new Baseline.Floor("deltaq", 26.0, 2.6)), comparison.floors());
        String md = Reports.markdown(sweep(now, warm), "bin/bench", comparison);
        assertTrue(md.contains("- deltaq floor: 26.00 ms in the baseline, 2.60 ms now. They differ more than 2x: more"
                + " likely measured unlike"), md);
    }

    @Test
    void aBaselineThatIsNotASummaryIsRefusedByName() throws Exception {
        Path notASummary = out.resolve("other.json");
        Files.writeString(notASummary, "{\"rates\": 3}");
        java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> Baseline.read(notASummary));
        assertEquals(notASummary + " is not a bench summary.json: it has no \"targets\" and \"rates\"", e.getMessage());
        Files.writeString(notASummary, "{\"rates\": [");
        e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, () -> Baseline.read(notASummary));
        assertTrue(e.getMessage().startsWith(notASummary + " is not valid JSON"), e.getMessage());
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
        assertTrue(md.contains("| 20.02 | 0.8× | – | **falling behind** |"), "p50 20 ms over a 26 ms floor, no steady state known: " + md);
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

package io.deltaq.bench.run;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.deltaq.bench.driver.StorageFloor;

/**
 * {@code --baseline FILE}: a run compared with a saved {@code summary.json}, driver by driver and rate
 * by rate. Latencies are compared as multiples of the storage floor each run measured, since the
 * machine the two ran on may not have been equally loaded; a figure is worse when its multiple grew by
 * more than the tolerance, and a rate that was sustained and no longer is, is worse whatever its figures.
 * Drivers without a floor (Kafka) are not compared.
 */
public final class Baseline {

    /** A run's comparison with a baseline, for the reports. */
    public record Comparison(Path file, double tolerance, List<Row> rows, List<Floor> floors) {

        public boolean anyWorse() {
            return rows.stream().anyMatch(Row::worse);
        }
    }

    /** A driver's floor in the baseline and in this run, in ms. */
    public record Floor(String driver, double beforeMs, double nowMs) {

        /** Floors this far apart were measured unlike (a cold server against a warm one), not on a slower machine. */
        static final double UNLIKE = 2;

        boolean unlike() {
            return Math.max(beforeMs, nowMs) > UNLIKE * Math.min(beforeMs, nowMs);
        }
    }

    /** One figure of one rate, before and now, as multiples of the floor. */
    public record Row(String driver, long rate, String figure, double before, double now, boolean worse) {
    }

    private final Path file;
    /** Driver → its floor in ms, in the baseline. */
    private final Map<String, Double> floors = new LinkedHashMap<>();
    /** "driver rate" → its entry of the baseline's rates. */
    private final Map<String, Map<String, Object>> rates = new LinkedHashMap<>();

    private Baseline(Path file) {
        this.file = file;
    }

    /**
     * Reads an earlier run's {@code summary.json}.
     *
     * @throws IOException if it cannot be read or is not a bench summary (the message says which file and why)
     */
    @SuppressWarnings("unchecked")
    public static Baseline read(Path file) throws IOException {
        Map<String, Object> summary = JsonTree.readObject(file);
        if (!(summary.get("targets") instanceof List<?> targets) || !(summary.get("rates") instanceof List<?> rates)) {
            throw new IOException(file + " is not a bench summary.json: it has no \"targets\" and \"rates\"");
        }
        Baseline baseline = new Baseline(file);
        for (Object t : targets) {
            Map<String, Object> target = (Map<String, Object>) t;
            if (target.get("storageFloor") instanceof Map<?, ?> floor && floor.get("floorMs") instanceof Number ms) {
                baseline.floors.put((String) target.get("driver"), ms.doubleValue());
            }
        }
        for (Object r : rates) {
            Map<String, Object> rate = (Map<String, Object>) r;
            baseline.rates.put(rate.get("driver") + " " + rate.get("rate"), rate);
        }
        return baseline;
    }

    public Path file() {
        return file;
    }

    /**
     * Every figure of {@code sweep} that the baseline has too. A figure is worse when its multiple of the
     * floor grew by more than {@code tolerance} (0.25: a quarter).
     */
    public Comparison compare(Coordinator.Sweep sweep, double tolerance) {
        List<Row> rows = new ArrayList<>();
        Map<String, Floor> compared = new LinkedHashMap<>();
        for (RateResult r : sweep.results()) {
            Double floorBefore = floors.get(r.driver);
            StorageFloor floorNow = sweep.setups().stream().filter(s -> s.driver().name().equals(r.driver)).findFirst()
                    .flatMap(Coordinator.DriverSetup::floor).orElse(null);
            Map<String, Object> before = rates.get(r.driver + " " + r.rate);
            if (floorBefore == null || floorNow == null || before == null) {
                continue;
            }
            double nowFloorMs = floorNow.floorMicros() / 1000;
            compared.putIfAbsent(r.driver, new Floor(r.driver, floorBefore, nowFloorMs));
            add(rows, r, "p50", number(before, "p50_ms") / floorBefore, r.latencyMs(50) / nowFloorMs, tolerance);
            add(rows, r, "p99", number(before, "p99_ms") / floorBefore, r.latencyMs(99) / nowFloorMs, tolerance);
            add(rows, r, "steady p50", number(before, "steadyP50_ms") / floorBefore, r.steadyMs(50) / nowFloorMs,
                    tolerance);
            add(rows, r, "steady p99", number(before, "steadyP99_ms") / floorBefore, r.steadyMs(99) / nowFloorMs,
                    tolerance);
            boolean wasSustained = Boolean.TRUE.equals(before.get("sustained"));
            rows.add(new Row(r.driver, r.rate, "sustained", wasSustained ? 1 : 0, r.sustained ? 1 : 0,
                    wasSustained && !r.sustained));
        }
        return new Comparison(file, tolerance, rows, List.copyOf(compared.values()));
    }

    private static void add(List<Row> rows, RateResult r, String figure, double before, double now, double tolerance) {
        if (!Double.isNaN(before) && !Double.isNaN(now)) {
            rows.add(new Row(r.driver, r.rate, figure, before, now, now > before * (1 + tolerance)));
        }
    }

    private static double number(Map<String, Object> map, String key) {
        return map.get(key) instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    /** The comparison as a section of summary.md. */
    static void markdown(StringBuilder md, Comparison comparison) {
        Path file = comparison.file();
        double tolerance = comparison.tolerance();
        List<Row> rows = comparison.rows();
        md.append("\n## Against the baseline\n\n");
        md.append(String.format(Locale.ROOT, "`%s`: latencies as multiples of the floor each run measured; worse means"
                + " grown by more than %.0f%% (`--baseline-tolerance`), or no longer sustained.%n%n", file,
                tolerance * 100));
        if (rows.isEmpty()) {
            md.append("No driver and rate of this run is in the baseline with a storage floor: nothing compared.\n");
            return;
        }
        for (Floor floor : comparison.floors()) {
            md.append(String.format(Locale.ROOT, "- %s floor: %.2f ms in the baseline, %.2f ms now.%s%n", floor.driver(),
                    floor.beforeMs(), floor.nowMs(), floor.unlike() ? String.format(Locale.ROOT, " They differ more"
                            + " than %.0fx: more likely measured unlike (a baseline from before `--server-warmup`"
                            + " measured a cold server) than on a slower machine; compare the milliseconds too, or"
                            + " save a new baseline.", Floor.UNLIKE) : ""));
        }
        md.append("\n| rate | driver | figure | baseline | now | |\n|---:|---|---|---:|---:|---|\n");
        for (Row row : rows) {
            boolean flag = row.figure().equals("sustained");
            md.append(String.format(Locale.ROOT, "| %,d | %s | %s | %s | %s | %s |%n", row.rate(), row.driver(),
                    row.figure(), flag ? (row.before() > 0 ? "yes" : "no") : String.format(Locale.ROOT, "%.2f×", row.before()),
                    flag ? (row.now() > 0 ? "yes" : "no") : String.format(Locale.ROOT, "%.2f×", row.now()),
                    row.worse() ? "**worse**" : ""));
        }
    }
}

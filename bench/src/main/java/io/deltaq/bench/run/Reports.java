package io.deltaq.bench.run;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.deltaq.bench.driver.BenchDriver;
import io.deltaq.bench.driver.StorageFloor;

/** Writes a sweep's {@code summary.md}, {@code summary.json} and SVG charts. */
public final class Reports {

    private static final String[] PERCENTILE_COLORS = {"#1f77b4", "#ff7f0e", "#d62728"};
    private static final String[] DRIVER_DASHES = {"", "6 4", "2 3"};

    private Reports() {
    }

    /** Writes every report of {@code sweep} into its output directory; returns the summary's path. */
    public static Path write(Coordinator.Sweep sweep, String commandLine) throws IOException {
        Path out = sweep.settings().out();
        Files.writeString(out.resolve("summary.md"), markdown(sweep, commandLine), StandardCharsets.UTF_8);
        writeJson(sweep, commandLine, out.resolve("summary.json"));
        Files.writeString(out.resolve("latency-by-rate.svg"), latencyByRate(sweep), StandardCharsets.UTF_8);
        for (RateResult result : sweep.results()) {
            Path dir = sweep.settings().drivers().size() == 1 ? out : out.resolve(result.driver);
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(result.rate + "-latency.svg"), latencyOverTime(result), StandardCharsets.UTF_8);
        }
        return out.resolve("summary.md");
    }

    /**
     * The highest rate at which {@code driver} was stable with every lower rate stable too: a sweep
     * is read from the bottom up, and a rate that happens to pass above a failure is not a
     * sustainable rate.
     */
    static OptionalLong maxStableRate(Coordinator.Sweep sweep, String driver) {
        OptionalLong max = OptionalLong.empty();
        for (RateResult r : ordered(sweep)) {
            if (!r.driver.equals(driver)) {
                continue;
            }
            if (!r.stable) {
                break;
            }
            max = OptionalLong.of(r.rate);
        }
        return max;
    }

    /** Stable rates above the first rate that was not: worth a rerun, not a claim. */
    static List<Long> stableAboveAFailure(Coordinator.Sweep sweep, String driver) {
        List<Long> rates = new ArrayList<>();
        boolean failed = false;
        for (RateResult r : ordered(sweep)) {
            if (r.driver.equals(driver)) {
                failed |= !r.stable;
                if (failed && r.stable) {
                    rates.add(r.rate);
                }
            }
        }
        return rates;
    }

    static String markdown(Coordinator.Sweep sweep, String commandLine) {
        BenchSettings s = sweep.settings();
        StringBuilder md = new StringBuilder("# deltaq bench\n\n");
        md.append("`").append(commandLine).append("`\n\n");
        md.append(String.format(Locale.ROOT, "- %d s measured per rate after %d s of warm-up (excluded), up to %d s of"
                        + " drain; %d-byte messages; %d producer(s), %d consumer(s) each reading everything%n",
                s.seconds(), s.warmupSeconds(), s.drainSeconds(), s.client().messageSize(), s.producers(), s.consumers()));
        md.append("- ").append(s.inProcess() ? "producers and consumers in the coordinator's JVM (--in-process)"
                : "producers and consumers in two worker JVMs (" + String.join(" ", s.workerJvmOptions()) + ")")
                .append('\n');
        md.append("- latency: consumer delivery time minus the message's intended send time (the pacer's schedule, so"
                + " a late send counts against it), wall clock, cumulative over the measured time\n");
        md.append(String.format(Locale.ROOT, "- machine: %d CPUs; load average %s before, %s after; %s to %s%n",
                Runtime.getRuntime().availableProcessors(), loadTriple(sweep.loadBefore()), loadTriple(sweep.loadAfter()),
                Instant.ofEpochMilli(sweep.startedMillis()), Instant.ofEpochMilli(sweep.finishedMillis())));
        md.append("\n## Targets\n\n");
        for (Coordinator.DriverSetup setup : sweep.setups()) {
            md.append("- **").append(setup.driver().name()).append("**: ").append(setup.target()).append("; ")
                    .append(clientSettings(setup.driver(), s)).append('\n');
            setup.floor().ifPresent(f -> md.append(String.format(Locale.ROOT,
                    "  - storage floor (%d sequential round trips each against %s): put-if-absent p50 %.2f ms,"
                            + " GET p50 %.2f ms; 2 writes + 2 reads = **%.2f ms**%n",
                    f.samples(), f.target(), f.putIfAbsentMicros() / 1000, f.getMicros() / 1000, f.floorMicros() / 1000)));
        }

        md.append("\n## End-to-end latency (ms)\n\n");
        md.append("| rate | driver | sent | received | achieved msg/s | p50 | p75 | p85 | p95 | p99 | p99.9 | max |"
                + " p50 / floor | verdict |\n");
        md.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (RateResult r : ordered(sweep)) {
            StorageFloor floor = floorOf(sweep, r.driver);
            md.append(String.format(Locale.ROOT, "| %,d | %s | %,d | %,d | %,.0f | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
                    r.rate, r.driver, r.sent, r.received, r.achievedRate, ms(r.latencyMs(50)), ms(r.latencyMs(75)),
                    ms(r.latencyMs(85)), ms(r.latencyMs(95)), ms(r.latencyMs(99)), ms(r.latencyMs(99.9)),
                    ms(r.maxLatencyMs()),
                    floor == null || Double.isNaN(r.latencyMs(50)) ? "–"
                            : String.format(Locale.ROOT, "%.1f×", r.latencyMs(50) * 1000 / floor.floorMicros()),
                    r.stable ? (r.verdict.equals("stable") ? "stable" : "stable, after a backlog")
                            : r.error != null ? "**failed**" : "**falling behind**"));
        }

        md.append("\n## Costs and delivery\n\n");
        md.append("| rate | driver | commits (lost races, retried) | mean batch | S3 req/s | publish delay p50 / p99 ms | producer JVM GC ms,"
                + " alloc MB/s, hot B/msg | consumer JVM GC ms, alloc MB/s, hot B/msg | lag at end | drain s |"
                + " caught up | gaps / dups |\n");
        md.append("|---:|---|---:|---:|---:|---:|---|---|---:|---:|---|---:|\n");
        for (RateResult r : ordered(sweep)) {
            md.append(String.format(Locale.ROOT, "| %,d | %s | %s | %s | %s | %s / %s | %s | %s | %s | %s | %s | %d / %d |%n",
                    r.rate, r.driver, r.commits < 0 ? "–"
                            : String.format(Locale.ROOT, "%,d (%,d, %,d)", r.commits, r.lostRaces, r.retriedBatches),
                    r.meanBatchSize < 0 ? "–" : String.format(Locale.ROOT, "%,.0f", r.meanBatchSize),
                    r.storeRequestsPerSecond < 0 ? "–" : String.format(Locale.ROOT, "%,.0f", r.storeRequestsPerSecond),
                    ms(r.publishDelayMs(50)), ms(r.publishDelayMs(99)), jvm(r.producerJvm), jvm(r.consumerJvm),
                    r.lagMessagesAtEnd < 0 ? "–" : String.format(Locale.ROOT, "%,d msgs / %.2f s", r.lagMessagesAtEnd,
                            r.lagSecondsAtEnd),
                    r.drainSeconds < 0 ? "–" : String.format(Locale.ROOT, "%.1f", r.drainSeconds),
                    r.caughtUp ? "yes" : "**no**", r.gaps, r.duplicates));
        }
        if (sweep.settings().inProcess()) {
            md.append("\nIn-process: both columns of GC and allocation are the one shared JVM's.\n");
        }
        md.append("\nhot B/msg: bytes allocated by the harness's pacing or polling threads per message, the driver's"
                + " client calls included (deltaq's offer and poll allocate nothing; the Kafka clients allocate records).\n");

        md.append("\n## Verdicts\n\n");
        for (RateResult r : ordered(sweep)) {
            md.append(String.format(Locale.ROOT, "- %s %,d msg/s: %s%n", r.driver, r.rate, r.verdict.replace("\n", " ")));
        }
        md.append("\n## Highest stable rate\n\n");
        for (Coordinator.DriverSetup setup : sweep.setups()) {
            String name = setup.driver().name();
            OptionalLong max = maxStableRate(sweep, name);
            List<Long> above = stableAboveAFailure(sweep, name);
            md.append("- ").append(name).append(": ").append(max.isPresent()
                    ? String.format(Locale.ROOT, "**%,d msg/s**", max.getAsLong()) : "none (the lowest rate tried was not stable)")
                    .append(above.isEmpty() ? "" : "; also stable above the first failure, at "
                            + String.join(", ", above.stream().map(r -> String.format(Locale.ROOT, "%,d", r)).toList())
                            + " msg/s (noise? rerun those rates)")
                    .append('\n');
        }
        md.append("\nFiles: `<rate>.csv` (cumulative percentiles in seconds per 1 s interval), `<rate>.hlog`"
                + " (HdrHistogram interval log of end-to-end latency, µs), `<rate>-publish-delay.hlog`, `<rate>-latency.svg`,"
                + " `latency-by-rate.svg`, `summary.json`, worker logs under `logs/`"
                + (sweep.settings().drivers().size() > 1 ? "; per-rate files in one directory per driver" : "") + ".\n");
        return md.toString();
    }

    private static String clientSettings(BenchDriver driver, BenchSettings s) {
        List<String> overrides = new ArrayList<>();
        s.client().lingerMs().ifPresent(v -> overrides.add("linger.ms=" + v));
        s.client().compression().ifPresent(v -> overrides.add("compression " + v));
        return driver.describeDefaults() + (overrides.isEmpty() ? "" : "; overridden: " + String.join(", ", overrides));
    }

    private static List<RateResult> ordered(Coordinator.Sweep sweep) {
        return sweep.results().stream()
                .sorted((a, b) -> a.rate != b.rate ? Long.compare(a.rate, b.rate) : a.driver.compareTo(b.driver)).toList();
    }

    private static StorageFloor floorOf(Coordinator.Sweep sweep, String driver) {
        return sweep.setups().stream().filter(s -> s.driver().name().equals(driver)).findFirst()
                .flatMap(Coordinator.DriverSetup::floor).orElse(null);
    }

    private static String ms(double value) {
        if (Double.isNaN(value)) {
            return "–";
        }
        return value >= 100 ? String.format(Locale.ROOT, "%,.0f", value) : String.format(Locale.ROOT, "%.2f", value);
    }

    private static String jvm(RateResult.JvmFigures f) {
        if (f == null) {
            return "–";
        }
        return String.format(Locale.ROOT, "%.0f ms (%d), %.1f MB/s, %s", f.gcPauseMs(), f.gcCount(), f.allocMBps(),
                Double.isNaN(f.hotBytesPerMessage()) ? "–" : String.format(Locale.ROOT, "%.1f", f.hotBytesPerMessage()));
    }

    private static String loadTriple(String loadavg) {
        String[] parts = loadavg.split(" ");
        return parts.length >= 3 ? parts[0] + " " + parts[1] + " " + parts[2] : loadavg;
    }

    private static void writeJson(Coordinator.Sweep sweep, String commandLine, Path file) throws IOException {
        BenchSettings s = sweep.settings();
        try (OutputStream stream = Files.newOutputStream(file);
                JsonGenerator json = new JsonFactory().createGenerator(stream, JsonEncoding.UTF8)) {
            json.useDefaultPrettyPrinter();
            json.writeStartObject();
            json.writeStringField("command", commandLine);
            json.writeNumberField("seconds", s.seconds());
            json.writeNumberField("warmupSeconds", s.warmupSeconds());
            json.writeNumberField("drainSeconds", s.drainSeconds());
            json.writeNumberField("messageSize", s.client().messageSize());
            json.writeNumberField("producers", s.producers());
            json.writeNumberField("consumers", s.consumers());
            json.writeBooleanField("inProcess", s.inProcess());
            json.writeStringField("loadBefore", sweep.loadBefore());
            json.writeStringField("loadAfter", sweep.loadAfter());
            json.writeNumberField("cpus", Runtime.getRuntime().availableProcessors());
            json.writeArrayFieldStart("targets");
            for (Coordinator.DriverSetup setup : sweep.setups()) {
                json.writeStartObject();
                json.writeStringField("driver", setup.driver().name());
                json.writeStringField("target", setup.target());
                json.writeStringField("clientSettings", clientSettings(setup.driver(), s));
                if (setup.floor().isPresent()) {
                    StorageFloor f = setup.floor().get();
                    json.writeObjectFieldStart("storageFloor");
                    json.writeNumberField("samples", f.samples());
                    json.writeNumberField("putIfAbsentP50Ms", f.putIfAbsentMicros() / 1000);
                    json.writeNumberField("getP50Ms", f.getMicros() / 1000);
                    json.writeNumberField("floorMs", f.floorMicros() / 1000);
                    json.writeEndObject();
                }
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeArrayFieldStart("rates");
            for (RateResult r : ordered(sweep)) {
                json.writeStartObject();
                json.writeNumberField("rate", r.rate);
                json.writeStringField("driver", r.driver);
                json.writeNumberField("sent", r.sent);
                json.writeNumberField("received", r.received);
                json.writeNumberField("deliveries", r.deliveries);
                json.writeNumberField("measuredSent", r.measuredSent);
                json.writeNumberField("measuredReceived", r.latency.getTotalCount());
                number(json, "achievedRate", r.achievedRate);
                number(json, "p50_ms", r.latencyMs(50));
                number(json, "p75_ms", r.latencyMs(75));
                number(json, "p85_ms", r.latencyMs(85));
                number(json, "p95_ms", r.latencyMs(95));
                number(json, "p99_ms", r.latencyMs(99));
                number(json, "p999_ms", r.latencyMs(99.9));
                number(json, "max_ms", r.maxLatencyMs());
                number(json, "publishDelayP50_ms", r.publishDelayMs(50));
                number(json, "publishDelayP99_ms", r.publishDelayMs(99));
                StorageFloor floor = floorOf(sweep, r.driver);
                number(json, "p50OverFloor", floor == null ? Double.NaN : r.latencyMs(50) * 1000 / floor.floorMicros());
                if (r.commits >= 0) {
                    json.writeNumberField("commits", r.commits);
                    json.writeNumberField("lostRaces", r.lostRaces);
                    json.writeNumberField("retriedBatches", r.retriedBatches);
                    number(json, "meanBatchSize", r.meanBatchSize);
                }
                if (r.storeRequestsPerSecond >= 0) {
                    number(json, "storeRequestsPerSecond", r.storeRequestsPerSecond);
                }
                jvmJson(json, "producerJvm", r.producerJvm);
                jvmJson(json, "consumerJvm", r.consumerJvm);
                json.writeNumberField("lagMessagesAtEnd", r.lagMessagesAtEnd);
                number(json, "lagSecondsAtEnd", r.lagSecondsAtEnd);
                number(json, "drainSeconds", r.drainSeconds);
                json.writeBooleanField("caughtUp", r.caughtUp);
                json.writeNumberField("gaps", r.gaps);
                json.writeNumberField("duplicates", r.duplicates);
                json.writeNumberField("failedSends", r.failed);
                json.writeNumberField("backpressured", r.backpressured);
                json.writeBooleanField("stable", r.stable);
                json.writeStringField("verdict", r.verdict);
                if (r.error != null) {
                    json.writeStringField("error", r.error);
                }
                json.writeEndObject();
            }
            json.writeEndArray();
            Map<String, OptionalLong> byDriver = new LinkedHashMap<>();
            for (Coordinator.DriverSetup setup : sweep.setups()) {
                byDriver.put(setup.driver().name(), maxStableRate(sweep, setup.driver().name()));
            }
            json.writeFieldName("maxStableRate");
            OptionalLong first = byDriver.isEmpty() ? OptionalLong.empty() : byDriver.values().iterator().next();
            if (first.isPresent()) {
                json.writeNumber(first.getAsLong());
            } else {
                json.writeNull();
            }
            json.writeObjectFieldStart("maxStableRateByDriver");
            for (Map.Entry<String, OptionalLong> e : byDriver.entrySet()) {
                json.writeFieldName(e.getKey());
                if (e.getValue().isPresent()) {
                    json.writeNumber(e.getValue().getAsLong());
                } else {
                    json.writeNull();
                }
            }
            json.writeEndObject();
            json.writeObjectFieldStart("stableAboveAFailureByDriver");
            for (String driver : byDriver.keySet()) {
                json.writeArrayFieldStart(driver);
                for (long rate : stableAboveAFailure(sweep, driver)) {
                    json.writeNumber(rate);
                }
                json.writeEndArray();
            }
            json.writeEndObject();
            json.writeEndObject();
        }
    }

    private static void number(JsonGenerator json, String name, double value) throws IOException {
        json.writeFieldName(name);
        if (Double.isFinite(value)) {
            json.writeNumber(Math.round(value * 1000) / 1000.0);
        } else {
            json.writeNull();
        }
    }

    private static void jvmJson(JsonGenerator json, String name, RateResult.JvmFigures f) throws IOException {
        if (f == null) {
            return;
        }
        json.writeObjectFieldStart(name);
        number(json, "gcPauseMs", f.gcPauseMs());
        json.writeNumberField("gcCount", f.gcCount());
        number(json, "allocMBps", f.allocMBps());
        number(json, "hotBytesPerMessage", f.hotBytesPerMessage());
        json.writeEndObject();
    }

    static String latencyByRate(Coordinator.Sweep sweep) {
        SvgChart chart = new SvgChart("End-to-end latency by rate", "rate (messages/s)", "latency (ms, log scale)");
        double[] percentiles = {50, 95, 99};
        List<Coordinator.DriverSetup> setups = sweep.setups();
        for (int d = 0; d < setups.size(); d++) {
            String driver = setups.get(d).driver().name();
            for (int p = 0; p < percentiles.length; p++) {
                List<SvgChart.Point> points = new ArrayList<>();
                for (RateResult r : ordered(sweep)) {
                    if (r.driver.equals(driver)) {
                        points.add(new SvgChart.Point(r.rate, r.latencyMs(percentiles[p])));
                    }
                }
                chart.add(new SvgChart.Series(driver + " p" + (int) percentiles[p], PERCENTILE_COLORS[p],
                        DRIVER_DASHES[d % DRIVER_DASHES.length], points));
            }
        }
        return chart.render();
    }

    static String latencyOverTime(RateResult r) {
        SvgChart chart = new SvgChart(String.format(Locale.ROOT, "%s at %,d msg/s: latency per 1 s interval", r.driver,
                r.rate), "seconds since the end of the warm-up", "latency (ms, log scale)").xFrom(0);
        String[] names = {"p50", "p95", "p99"};
        for (int p = 0; p < names.length; p++) {
            List<SvgChart.Point> points = new ArrayList<>();
            for (RateResult.Interval i : r.intervals) {
                if (i.count() == 0) {
                    continue;
                }
                long micros = p == 0 ? i.p50() : p == 1 ? i.p95() : i.p99();
                points.add(new SvgChart.Point(i.secondsFromStart(), micros / 1000.0));
            }
            chart.add(new SvgChart.Series("interval " + names[p], PERCENTILE_COLORS[p], "", points));
        }
        return chart.render();
    }
}

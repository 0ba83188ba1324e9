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
import io.deltaq.producer.ProducerConfig;
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
        return write(sweep, commandLine, null);
    }

    /** As {@link #write(Coordinator.Sweep, String)}, with the comparison with {@code --baseline} when there is one. */
    public static Path write(Coordinator.Sweep sweep, String commandLine, Baseline.Comparison baseline) throws IOException {
        Path out = sweep.settings().out();
        Files.writeString(out.resolve("summary.md"), markdown(sweep, commandLine, baseline), StandardCharsets.UTF_8);
        writeJson(sweep, commandLine, baseline, out.resolve("summary.json"));
        Files.writeString(out.resolve("latency-by-rate.svg"), latencyByRate(sweep), StandardCharsets.UTF_8);
        for (RateResult result : sweep.results()) {
            Path dir = sweep.settings().drivers().size() == 1 ? out : out.resolve(result.driver);
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(result.rate + "-latency.svg"), latencyOverTime(result), StandardCharsets.UTF_8);
            if (result.soak != null) {
                result.soak.writeCharts(dir);
            }
        }
        return out.resolve("summary.md");
    }

    /**
     * The highest rate at which {@code driver} was stable with every lower rate stable too: a sweep
     * is read from the bottom up, and a rate that happens to pass above a failure is not a
     * sustainable rate.
     */
    static OptionalLong maxSustainedRate(Coordinator.Sweep sweep, String driver) {
        OptionalLong max = OptionalLong.empty();
        for (RateResult r : ordered(sweep)) {
            if (!r.driver.equals(driver)) {
                continue;
            }
            if (!r.sustained) {
                break;
            }
            max = OptionalLong.of(r.rate);
        }
        return max;
    }

    /** Stable rates above the first rate that was not: worth a rerun, not a claim. */
    static List<Long> sustainedAboveAFailure(Coordinator.Sweep sweep, String driver) {
        List<Long> rates = new ArrayList<>();
        boolean failed = false;
        for (RateResult r : ordered(sweep)) {
            if (r.driver.equals(driver)) {
                failed |= !r.sustained;
                if (failed && r.sustained) {
                    rates.add(r.rate);
                }
            }
        }
        return rates;
    }

    static String markdown(Coordinator.Sweep sweep, String commandLine) {
        return markdown(sweep, commandLine, null);
    }

    static String markdown(Coordinator.Sweep sweep, String commandLine, Baseline.Comparison baseline) {
        BenchSettings s = sweep.settings();
        StringBuilder md = new StringBuilder("# deltaq bench\n\n");
        md.append("`").append(commandLine).append("`\n\n");
        md.append(String.format(Locale.ROOT, "- %d s measured per rate after %d s of warm-up (excluded), up to %d s of"
                        + " drain; %d-byte messages; %d producer(s), %s; %s%n",
                s.seconds(), s.warmupSeconds(), s.drainSeconds(), s.client().messageSize(), s.producers(),
                s.members() == 1 ? s.consumers() + " consumer(s) each reading everything"
                        : s.consumers() + " consumer group(s) of " + s.members() + " members, which split the partitions",
                s.partitions() == 1 ? "topics of 1 partition"
                        : "topics of " + s.partitions() + " partitions, keyless messages spread over them"));
        md.append("- ").append(s.inProcess() ? "producers and consumers in the coordinator's JVM (--in-process)"
                : s.jvmPerClient() ? String.format(Locale.ROOT, "each producer and each group member in a worker JVM of"
                        + " its own, %d in all (%s)%s", s.producers() + s.consumers() * s.members(),
                        String.join(" ", s.workerJvmOptions()), s.remote().map(r -> String.format(Locale.ROOT,
                                "; the first %d of them remote workers (`bin/bench-worker`), so the runs are not audited",
                                r.workers())).orElse(""))
                : "producers and consumers in two worker JVMs (" + String.join(" ", s.workerJvmOptions()) + ")")
                .append('\n');
        md.append("- latency: consumer delivery time minus the message's intended send time (the pacer's schedule, so"
                + " a late send counts against it), wall clock, cumulative over the measured time\n");
        md.append(String.format(Locale.ROOT, "- machine: %d CPUs; load average %s before, %s after; %s to %s%n",
                Runtime.getRuntime().availableProcessors(), loadTriple(sweep.loadBefore()), loadTriple(sweep.loadAfter()),
                Instant.ofEpochMilli(sweep.startedMillis()), Instant.ofEpochMilli(sweep.finishedMillis())));
        headline(md, sweep);
        if (baseline != null) {
            Baseline.markdown(md, baseline);
        }
        md.append("\n## Targets\n\n");
        for (Coordinator.DriverSetup setup : sweep.setups()) {
            md.append("- **").append(setup.driver().name()).append("**: ").append(setup.target()).append("; ")
                    .append(clientSettings(setup.driver(), s)).append('\n');
            setup.floor().ifPresent(f -> md.append(String.format(Locale.ROOT,
                    "  - storage floor (%d sequential round trips each against %s): put-if-absent p50 %.2f ms,"
                            + " GET p50 %.2f ms; 2 writes + 2 reads = **%.2f ms**%n",
                    f.samples(), f.target(), f.putIfAbsentMicros() / 1000, f.getMicros() / 1000, f.floorMicros() / 1000)));
        }

        for (RateResult r : ordered(sweep)) {
            if (r.soak != null) {
                r.soak.markdown(md, maintenance(s), s.inProcess());
            }
        }

        md.append("\n## End-to-end latency (ms)\n\n");
        md.append("| rate | driver | sent | received | achieved msg/s | p50 | p75 | p85 | p95 | p99 | p99.9 | max |"
                + " p50 / floor | steady state: from, p50 / p99 | verdict |\n");
        md.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|\n");
        for (RateResult r : ordered(sweep)) {
            StorageFloor floor = floorOf(sweep, r.driver);
            md.append(String.format(Locale.ROOT, "| %,d | %s | %,d | %,d | %,.0f | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
                    r.rate, r.driver, r.sent, r.received, r.achievedRate, ms(r.latencyMs(50)), ms(r.latencyMs(75)),
                    ms(r.latencyMs(85)), ms(r.latencyMs(95)), ms(r.latencyMs(99)), ms(r.latencyMs(99.9)),
                    ms(r.maxLatencyMs()),
                    floor == null || Double.isNaN(r.latencyMs(50)) ? "–"
                            : String.format(Locale.ROOT, "%.1f×", r.latencyMs(50) * 1000 / floor.floorMicros()),
                    r.steady == null ? "–" : String.format(Locale.ROOT, "%d s, %s / %s", r.steady.fromSecond(),
                            ms(r.steadyMs(50)), ms(r.steadyMs(99))),
                    r.sustained ? (r.verdict.equals("sustained") ? "sustained" : "sustained, after a backlog")
                            : r.error != null ? "**failed**" : "**falling behind**"));
        }

        md.append("\n## Costs and delivery\n\n");
        md.append("| rate | driver | commits (lost races, retried) | mean batch | S3 req/s | publish delay p50 / p99 ms | producer JVM GC ms,"
                + " alloc MB/s, hot B/msg, CPU µs/msg | consumer JVM GC ms, alloc MB/s, hot B/msg, CPU µs/msg | lag at end | drain s |"
                + " caught up | gaps / dups |\n");
        md.append("|---:|---|---:|---:|---:|---:|---|---|---:|---:|---|---:|\n");
        for (RateResult r : ordered(sweep)) {
            md.append(String.format(Locale.ROOT, "| %,d | %s | %s | %s | %s | %s / %s | %s | %s | %s | %s | %s | %s / %s |%n",
                    r.rate, r.driver, r.commits < 0 ? "–"
                            : String.format(Locale.ROOT, "%,d (%,d, %,d)", r.commits, r.lostRaces, r.retriedBatches),
                    r.meanBatchSize < 0 ? "–" : String.format(Locale.ROOT, "%,.0f", r.meanBatchSize),
                    r.storeRequestsPerSecond < 0 ? "–" : String.format(Locale.ROOT, "%,.0f", r.storeRequestsPerSecond),
                    ms(r.publishDelayMs(50)), ms(r.publishDelayMs(99)), jvm(r.producerJvm), jvm(r.consumerJvm),
                    r.lagMessagesAtEnd < 0 ? "–" : String.format(Locale.ROOT, "%,d msgs / %.2f s", r.lagMessagesAtEnd,
                            r.lagSecondsAtEnd),
                    r.drainSeconds < 0 ? "–" : String.format(Locale.ROOT, "%.1f", r.drainSeconds),
                    r.caughtUp ? "yes" : "**no**", r.gaps < 0 ? uncounted(r) : Long.toString(r.gaps),
                    r.duplicates < 0 ? uncounted(r) : Long.toString(r.duplicates)));
        }
        if (sweep.settings().inProcess()) {
            md.append("\nIn-process: both columns of GC and allocation are the one shared JVM's.\n");
        }
        md.append("\nhot B/msg: bytes allocated by the harness's pacing or polling threads per message, the driver's"
                + " client calls included (deltaq's offer and poll allocate nothing; the Kafka clients allocate records)."
                + " CPU µs/msg: CPU time of every thread of the role's worker JVMs per message sent (producers) or"
                + " delivered (consumers), so that the figure reads on a machine of any size; the storage server or"
                + " broker in the coordinator's JVM is not in it.\n");
        if (s.partitions() > 1) {
            md.append("\nCommits, lost races and retried batches are summed over the partitions (deltaq: each partition a"
                    + " table with its own log). Gaps and dups are checked per partition and producer: a producer's"
                    + " messages in one partition must arrive in its order, in different partitions in any order.\n");
        }

        md.append("\nLatency columns are over the measured time (after `--warmup`). The steady state is each run's"
                + " own: from the second after which its per-second p50 stayed within twice its final level (or"
                + " 10 ms of it), counted from the start of the warm-up, so its *from* is the time to steady state.\n");
        sideBySide(md, sweep);
        whereTheTimeGoes(md, sweep);
        producersAndMembers(md, sweep);
        audit(md, sweep);

        md.append("\n## Verdicts\n\n");
        for (RateResult r : ordered(sweep)) {
            md.append(String.format(Locale.ROOT, "- %s %,d msg/s: %s%n", r.driver, r.rate, r.verdict.replace("\n", " ")));
        }
        md.append("\nFiles: `<rate>.csv` (cumulative percentiles in seconds per 1 s interval), `<rate>.hlog`"
                + " (HdrHistogram interval log of end-to-end latency, µs), `<rate>-publish-delay.hlog`, `<rate>-latency.svg`,"
                + " `latency-by-rate.svg`, `summary.json`, worker logs under `logs/`"
                + (sweep.settings().drivers().size() > 1 ? "; per-rate files in one directory per driver" : "")
                + (sweep.settings().soak().isPresent() ? "; `soak-<figure>.svg`, one chart per soak figure" : "") + ".\n");
        return md.toString();
    }

    /**
     * The headline: each driver's highest sustained rate (every rate up to it sustained: flat latency,
     * p99 within {@code --max-p99}, producers on schedule, consumers caught up, audit clean).
     */
    static void headline(StringBuilder md, Coordinator.Sweep sweep) {
        BenchSettings s = sweep.settings();
        md.append("\n## Highest sustained rate\n\n");
        for (Coordinator.DriverSetup setup : sweep.setups()) {
            String name = setup.driver().name();
            OptionalLong max = maxSustainedRate(sweep, name);
            List<Long> above = sustainedAboveAFailure(sweep, name);
            md.append("- ").append(name).append(": ").append(max.isPresent()
                    ? String.format(Locale.ROOT, "**%,d msg/s**", max.getAsLong()) : "none (the lowest rate tried was not sustained)")
                    .append(above.isEmpty() ? "" : "; also sustained above the first failure, at "
                            + String.join(", ", above.stream().map(r -> String.format(Locale.ROOT, "%,d", r)).toList())
                            + " msg/s (noise? rerun those rates)")
                    .append('\n');
        }
        md.append(String.format(Locale.ROOT, "%nSustained: latency flat over the run, p99 at most %,.0f ms (`--max-p99`),"
                + " the producers on schedule (publish delay p50 at most %,.0f ms, `--max-publish-delay`) and at the"
                + " rate, the consumers caught up, every message delivered; each rate's reasons are under Verdicts.%n",
                s.maxP99Ms(), s.maxPublishDelayMs()));
    }

    /** With several drivers, each rate's steady state next to the others': the comparison a user would make. */
    static void sideBySide(StringBuilder md, Coordinator.Sweep sweep) {
        List<Coordinator.DriverSetup> setups = sweep.setups();
        if (setups.size() < 2) {
            return;
        }
        String first = setups.get(0).driver().name();
        String second = setups.get(1).driver().name();
        md.append("\n## Side by side, steady state\n\n");
        md.append("Each driver's settings are under Targets. p50 / p99 in ms of each run's own steady state, and"
                + " the seconds it took to reach it.\n\n");
        md.append("| rate |");
        setups.forEach(s -> md.append(' ').append(s.driver().name()).append(" |"));
        md.append(" p50 ").append(first).append(" ÷ ").append(second).append(" | p99 ").append(first).append(" ÷ ")
                .append(second).append(" |\n|---:|");
        setups.forEach(s -> md.append("---|"));
        md.append("---:|---:|\n");
        for (long rate : sweep.settings().rates()) {
            md.append(String.format(Locale.ROOT, "| %,d |", rate));
            RateResult a = null;
            RateResult b = null;
            for (Coordinator.DriverSetup setup : setups) {
                RateResult r = sweep.results().stream()
                        .filter(x -> x.rate == rate && x.driver.equals(setup.driver().name())).findFirst().orElse(null);
                a = setup.driver().name().equals(first) ? r : a;
                b = setup.driver().name().equals(second) ? r : b;
                md.append(' ').append(r == null || r.steady == null ? "–" : String.format(Locale.ROOT, "%s / %s (from %d s)",
                        ms(r.steadyMs(50)), ms(r.steadyMs(99)), r.steady.fromSecond())).append(" |");
            }
            md.append(' ').append(ratio(a, b, 50)).append(" | ").append(ratio(a, b, 99)).append(" |\n");
        }
    }

    private static String ratio(RateResult a, RateResult b, double percentile) {
        if (a == null || b == null || Double.isNaN(a.steadyMs(percentile)) || Double.isNaN(b.steadyMs(percentile))) {
            return "–";
        }
        return String.format(Locale.ROOT, "%.1f×", a.steadyMs(percentile) / b.steadyMs(percentile));
    }

    /** What each stage means, in path order, for the stage table. */
    private static final Map<String, String> STAGES = stageDescriptions();

    private static Map<String, String> stageDescriptions() {
        Map<String, String> stages = new LinkedHashMap<>();
        stages.put("batching", "producer: first message taken from its buffer → batch sealed (linger, or the commit before it in flight)");
        stages.put("encode", "producer: sealed → Parquet file encoded");
        stages.put("upload", "producer: encoded → data file durable (PUT)");
        stages.put("commit-wait", "producer: data file durable → commit sent (the commit before it, a courtesy pause)");
        stages.put("commit", "producer: commit sent → durable and known (conditional PUT, lost races, retries)");
        stages.put("discovery", "consumer: commit's timestamp (as sent) → read from the log (includes the commit's PUT)");
        stages.put("fetch", "consumer: commit read → its first row in the ring (data file GET, commits ahead of it)");
        stages.put("decode", "consumer: first row → last row in the ring (decoding, room in the ring)");
        stages.put("store.put", "storage: a producer's PUT (data files, checkpoints), per request under this load");
        stages.put("store.put-if-absent", "storage: a producer's conditional PUT (commits), per request");
        stages.put("store.get", "storage: a consumer's GET (commits, misses of the next one, data files), per request");
        return stages;
    }

    /**
     * Per batch (producer stages) and per commit (consumer stages), p50 / p99 in ms of the measured time,
     * by rate, next to the per-message figures they add up to and the storage floor.
     */
    static void whereTheTimeGoes(StringBuilder md, Coordinator.Sweep sweep) {
        List<RateResult> timed = ordered(sweep).stream().filter(r -> !r.stages.isEmpty()).toList();
        if (timed.isEmpty()) {
            return;
        }
        md.append("\n## Where the time goes\n\n");
        md.append("Each stage's p50 / p99 in ms over the measured time: the producer's per committed batch, the"
                + " consumer's per commit that brought rows, each measured inside the client (its metrics'"
                + " `stageNanos`). A message waits through part of its batch's batching and all of the rest; the"
                + " end-to-end row is per message. Percentiles do not add up: the stages name where the time"
                + " goes, the end-to-end row is what it came to.\n\n");
        md.append("| stage | what |");
        timed.forEach(r -> md.append(String.format(Locale.ROOT, " %s %,d |", r.driver, r.rate)));
        md.append("\n|---|---|");
        timed.forEach(r -> md.append("---:|"));
        md.append("\n| publish delay | per message: intended send time → accepted by `send` |");
        timed.forEach(r -> md.append(' ').append(ms(r.publishDelayMs(50))).append(" / ").append(ms(r.publishDelayMs(99)))
                .append(" |"));
        for (Map.Entry<String, String> stage : STAGES.entrySet()) {
            md.append("\n| ").append(stage.getKey()).append(" | ").append(stage.getValue()).append(" |");
            for (RateResult r : timed) {
                org.HdrHistogram.Histogram h = r.stages.get(stage.getKey());
                md.append(' ').append(h == null || h.getTotalCount() == 0 ? "–" : ms(h.getValueAtPercentile(50) / 1000.0)
                        + " / " + ms(h.getValueAtPercentile(99) / 1000.0)).append(" |");
            }
        }
        md.append("\n| **end to end** | per message: intended send time → delivered by `poll` |");
        timed.forEach(r -> md.append(" **").append(ms(r.latencyMs(50))).append(" / ").append(ms(r.latencyMs(99)))
                .append("** |"));
        md.append("\n| storage floor | 2 conditional PUTs + 2 GETs, medians, measured before the sweep |");
        timed.forEach(r -> {
            StorageFloor floor = floorOf(sweep, r.driver);
            md.append(' ').append(floor == null ? "–" : ms(floor.floorMicros() / 1000)).append(" |");
        });
        md.append('\n');
    }

    /**
     * With several producers, each one's rate and end-to-end latency next to the best and worst of them;
     * with several members per group, how many partitions each held over the measured time.
     */
    static void producersAndMembers(StringBuilder md, Coordinator.Sweep sweep) {
        BenchSettings s = sweep.settings();
        if (s.producers() > 1) {
            md.append("\n## Per producer\n\n");
            md.append("End-to-end latency of each producer's measured messages (every consumer group's deliveries), and"
                    + " the rate it sent at. Worst / best: the highest p99 over the lowest.\n\n");
            md.append("| rate | driver | producer | msg/s | p50 | p99 | max |\n|---:|---|---:|---:|---:|---:|---:|\n");
            for (RateResult r : ordered(sweep)) {
                double best = Double.NaN;
                double worst = Double.NaN;
                for (Map.Entry<Integer, org.HdrHistogram.Histogram> e : r.latencyByProducer.entrySet()) {
                    org.HdrHistogram.Histogram h = e.getValue();
                    if (h.getTotalCount() == 0) {
                        continue;
                    }
                    double p99 = h.getValueAtPercentile(99) / 1000.0;
                    best = Double.isNaN(best) ? p99 : Math.min(best, p99);
                    worst = Double.isNaN(worst) ? p99 : Math.max(worst, p99);
                    md.append(String.format(Locale.ROOT, "| %,d | %s | %d | %,.0f | %s | %s | %s |%n", r.rate, r.driver,
                            e.getKey(), r.achievedRateByProducer.getOrDefault(e.getKey(), Double.NaN),
                            ms(h.getValueAtPercentile(50) / 1000.0), ms(p99), ms(h.getMaxValue() / 1000.0)));
                }
                if (!Double.isNaN(best)) {
                    md.append(String.format(Locale.ROOT, "| %,d | %s | worst / best p99 | | | %.2f× | |%n", r.rate,
                            r.driver, worst / best));
                }
            }
        }
        if (s.members() > 1) {
            md.append("\n## Group members\n\n");
            md.append("Partitions each member held at the ticks of the measured time (fewest–most), and at its last.\n\n");
            md.append("| rate | driver | group | member | partitions (fewest–most) | at the end |\n"
                    + "|---:|---|---:|---:|---|---:|\n");
            for (RateResult r : ordered(sweep)) {
                r.partitionsByMember.forEach((slot, seen) -> md.append(String.format(Locale.ROOT,
                        "| %,d | %s | %d | %d | %d–%d | %d |%n", r.rate, r.driver, slot / s.members(), slot % s.members(),
                        seen[0], seen[1], seen[2])));
            }
        }
    }

    /** Gaps and duplicates of a run whose consumers could not count them (group members): the audit's, if any. */
    private static String uncounted(RateResult r) {
        return r.audit != null ? "audit" : "–";
    }

    /** What the soak's producers were told about maintenance. */
    static String maintenance(BenchSettings s) {
        boolean on = s.soak().orElseThrow().maintenance();
        return (on ? "on" : "off") + " (producer configuration `" + ProducerConfig.MAINTENANCE_ENABLED + "=" + on + "`)";
    }

    /** The chaos settings, and each audited run's delivery audit, injected faults, restarts and memory. */
    static void audit(StringBuilder md, Coordinator.Sweep sweep) {
        Chaos chaos = sweep.settings().chaos();
        List<RateResult> audited = ordered(sweep).stream().filter(r -> r.audit != null || r.chaos).toList();
        if (audited.isEmpty()) {
            return;
        }
        md.append("\n## Delivery audit\n\n");
        if (chaos.active()) {
            md.append("- faults: ").append(chaos.faults().map(f -> "`" + f + "`").orElse("none")).append('\n');
            md.append("- kills: ").append(chaos.kills() ? String.format(Locale.ROOT, "SIGKILL of the producer worker and,"
                    + " independently, of the consumer worker every %.1f s on average during the run, restarted as the"
                    + " same producers and consumers (consumers commit their positions every %d ms; deltaq's consumer"
                    + " groups have a %d s session, after which a killed consumer's successor takes its partitions)",
                    chaos.killEverySeconds(), Coordinator.CHAOS_COMMIT_INTERVAL_MS, Chaos.GROUP_SESSION_MS / 1000)
                    : "none").append('\n');
            if (chaos.consumerDelayMs() > 0) {
                md.append(String.format(Locale.ROOT, "- slow consumers: %s ms per message delivered (at most %,.0f msg/s"
                        + " each)%n", chaos.consumerDelayMs(), 1000 / chaos.consumerDelayMs()));
            }
            md.append("- fault seed: **").append(chaos.seed()).append("** (`--fault-seed ").append(chaos.seed())
                    .append("` repeats the faults' and the kills' random choices)\n");
        }
        md.append("\nThe topic read back whole (every partition's table) with deltaq's own consumer, checked against what"
                + " the producers were told (recorded by the workers as they heard it) and what each consumer delivered."
                + " Order is checked per partition and producer: a producer's messages in one partition must be in its"
                + " send order, its messages in different partitions have no order between them.\n");
        for (RateResult r : audited) {
            md.append(String.format(Locale.ROOT, "%n### %s %,d msg/s: %s%s%n%n", r.driver, r.rate,
                    r.audit == null ? "not audited" : r.audit.clean() ? "audit clean" : "**audit failed**",
                    r.error != null ? " (the run failed: as far as its records go)" : ""));
            if (r.chaos) {
                md.append("- faults injected: ").append(r.faults.isEmpty() ? "none" : String.join(", ",
                        r.faults.entrySet().stream().map(e -> e.getKey().replace('_', '-') + " " + e.getValue()).toList()))
                        .append('\n');
                md.append(String.format(Locale.ROOT, "- worker restarts after SIGKILL or a failure: producer %d, consumer %d%n",
                        r.producerRestarts, r.consumerRestarts));
                if (!r.workerFailures.isEmpty()) {
                    md.append(String.format(Locale.ROOT, "- **%d worker failures**, each restarted like a killed worker:%n",
                            r.workerFailures.size()));
                    r.workerFailures.stream().limit(10).forEach(f -> md.append("  - ").append(f).append('\n'));
                    if (r.workerFailures.size() > 10) {
                        md.append("  - and ").append(r.workerFailures.size() - 10).append(" more (all in summary.json)\n");
                    }
                }
            }
            if (r.totalRetriedBatches >= 0) {
                md.append(String.format(Locale.ROOT, "- producers: %,d batches retried, %,d commit races lost, %,d messages"
                        + " failed for good; %,d commit attempts with an unknown outcome (settled by a retry unless counted next), %,d messages reported"
                        + " with their outcome unknown; %,d checkpoints failed and written again%n",
                        r.totalRetriedBatches, r.totalLostRaces, r.totalFailedMessages,
                        r.totalUnknownOutcomes, r.totalUnknownMessages, r.totalFailedCheckpoints));
            }
            if (r.positionCommits > 0 || r.positionCommitFailures > 0) {
                md.append(String.format(Locale.ROOT, "- consumers: %,d positions committed, %,d commits failed (and"
                        + " tried again)%n", r.positionCommits, r.positionCommitFailures));
            }
            memory(md, "producer", r.producerMemory, r);
            memory(md, "consumer", r.consumerMemory, r);
            if (r.driver.equals("deltaq") && r.consumerMemory.known()) {
                md.append(String.format(Locale.ROOT, "  - its bound: %d consumer ring(s) of %s (buffer.bytes) in direct"
                        + " memory, whatever the backlog%n", sweep.settings().consumers() * sweep.settings().members(),
                        mib(io.deltaq.consumer.ConsumerConfig.BUFFER_BYTES_DEFAULT)));
            }
            DeliveryAudit.Result a = r.audit;
            if (a == null) {
                continue;
            }
            md.append(String.format(Locale.ROOT, "- table: %,d messages; acknowledged %,d; delivered %,d times in all%n",
                    a.tableMessages(), a.acknowledged(), a.deliveries()));
            md.append("\n| check | count | must be |\n|---|---:|---:|\n");
            row(md, a.acknowledgedExpired() == 0 ? "(a) acknowledged messages missing from the table"
                    : String.format(Locale.ROOT, "(a) acknowledged messages missing from the table (older ones expired"
                    + " by retention, legal: %,d)", a.acknowledgedExpired()), a.acknowledgedMissing());
            row(md, String.format(Locale.ROOT, "(b) deliveries to a consumer at or before a position it had committed"
                    + " (redeliveries after it, legal: %,d)", a.legalRedeliveries()), a.illegalRedeliveries());
            row(md, "(c) order violations per partition and producer in the table", a.tableOrderViolations());
            row(md, "(c) order violations per partition and producer in a consumer's deliveries",
                    a.deliveryOrderViolations());
            row(md, "(d) messages reported failed that are in the table", a.failedInTable());
            row(md, "messages twice in the table", a.tableDuplicates());
            row(md, "messages in the table never delivered to a consumer that reached its end", a.undelivered());
            md.append(String.format(Locale.ROOT, "%nNot errors: %,d messages reported failed (none may be in the table);"
                    + " %,d reported with their outcome unknown (%,d of them in the table); %,d unresolved by a kill,"
                    + " neither acknowledged nor failed when their worker died (%,d of them in the table).%n",
                    a.failed(), a.outcomeUnknown(), a.outcomeUnknownInTable(), a.unresolved(), a.unresolvedInTable()));
            if (!a.failureCauses().isEmpty()) {
                md.append("\nFailures reported, by cause: ").append(String.join(", ", a.failureCauses().entrySet().stream()
                        .map(e -> "`" + e.getKey() + "` " + e.getValue()).toList())).append('\n');
            }
            if (!a.examples().isEmpty()) {
                md.append("\nFirst findings:\n\n");
                a.examples().forEach(e -> md.append("- ").append(e).append('\n'));
            }
        }
    }

    private static void row(StringBuilder md, String check, long count) {
        md.append(String.format(Locale.ROOT, "| %s | %s | 0 |%n", check, count == 0 ? "0" : String.format(Locale.ROOT,
                "**%,d**", count)));
    }

    private static void memory(StringBuilder md, String role, RateResult.MemoryPeaks m, RateResult r) {
        if (!m.known()) {
            return;
        }
        md.append(String.format(Locale.ROOT, "- %s worker memory, peak over its ticks%s: heap %s of %s, direct buffers %s%s%n",
                role, r.sharedJvm ? " (one shared JVM)" : r.jvmPerClient ? " (summed over its JVMs, one per client)" : "", mib(m.heapUsedBytes), mib(m.heapMaxBytes),
                mib(m.directBytes), m.rssBytes < 0 ? "" : ", resident " + mib(m.rssBytes)));
    }

    private static String mib(long bytes) {
        return bytes < 0 ? "–" : String.format(Locale.ROOT, "%,.0f MiB", bytes / 1048576.0);
    }

    private static String clientSettings(BenchDriver driver, BenchSettings s) {
        List<String> overrides = new ArrayList<>();
        s.client().lingerMs().ifPresent(v -> overrides.add("linger.ms=" + v));
        s.client().compression().ifPresent(v -> overrides.add("compression " + v));
        if (driver.name().equals("deltaq")) {
            // What the command line gave; the soak's and chaos's own settings are stated in their sections.
            s.client().producerConfig().forEach((k, v) -> overrides.add("producer " + k + "=" + v));
            s.client().consumerConfig().forEach((k, v) -> overrides.add("consumer " + k + "=" + v));
        }
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
        return String.format(Locale.ROOT, "%.0f ms (%d), %.1f MB/s, %s, %s", f.gcPauseMs(), f.gcCount(), f.allocMBps(),
                Double.isNaN(f.hotBytesPerMessage()) ? "–" : String.format(Locale.ROOT, "%.1f", f.hotBytesPerMessage()),
                Double.isNaN(f.cpuMicrosPerMessage()) ? "–" : String.format(Locale.ROOT, "%.1f", f.cpuMicrosPerMessage()));
    }

    private static String loadTriple(String loadavg) {
        String[] parts = loadavg.split(" ");
        return parts.length >= 3 ? parts[0] + " " + parts[1] + " " + parts[2] : loadavg;
    }

    private static void writeJson(Coordinator.Sweep sweep, String commandLine, Baseline.Comparison baseline, Path file)
            throws IOException {
        BenchSettings s = sweep.settings();
        try (OutputStream stream = Files.newOutputStream(file);
                JsonGenerator json = new JsonFactory().createGenerator(stream, JsonEncoding.UTF8)) {
            json.useDefaultPrettyPrinter();
            json.writeStartObject();
            json.writeStringField("command", commandLine);
            if (baseline != null) {
                json.writeObjectFieldStart("baseline");
                json.writeStringField("file", baseline.file().toString());
                json.writeNumberField("tolerance", baseline.tolerance());
                json.writeArrayFieldStart("worse");
                for (Baseline.Row row : baseline.rows()) {
                    if (row.worse()) {
                        json.writeStartObject();
                        json.writeStringField("driver", row.driver());
                        json.writeNumberField("rate", row.rate());
                        json.writeStringField("figure", row.figure());
                        number(json, "baseline", row.before());
                        number(json, "now", row.now());
                        json.writeEndObject();
                    }
                }
                json.writeEndArray();
                json.writeEndObject();
            }
            json.writeNumberField("seconds", s.seconds());
            json.writeNumberField("warmupSeconds", s.warmupSeconds());
            json.writeNumberField("drainSeconds", s.drainSeconds());
            json.writeNumberField("messageSize", s.client().messageSize());
            json.writeNumberField("producers", s.producers());
            json.writeNumberField("consumers", s.consumers());
            json.writeNumberField("partitions", s.partitions());
            json.writeNumberField("members", s.members());
            json.writeBooleanField("jvmPerClient", s.jvmPerClient());
            json.writeBooleanField("inProcess", s.inProcess());
            if (s.chaos().active()) {
                json.writeObjectFieldStart("chaos");
                if (s.chaos().faults().isPresent()) {
                    json.writeStringField("faults", s.chaos().faults().get());
                }
                json.writeNumberField("faultSeed", s.chaos().seed());
                json.writeNumberField("killEverySeconds", s.chaos().killEverySeconds());
                json.writeNumberField("consumerDelayMs", s.chaos().consumerDelayMs());
                json.writeEndObject();
            }
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
                if (r.steady != null) {
                    json.writeNumberField("steadyFromSeconds", r.steady.fromSecond());
                    number(json, "steadyP50_ms", r.steadyMs(50));
                    number(json, "steadyP99_ms", r.steadyMs(99));
                }
                number(json, "publishDelayP50_ms", r.publishDelayMs(50));
                number(json, "publishDelayP99_ms", r.publishDelayMs(99));
                StorageFloor floor = floorOf(sweep, r.driver);
                number(json, "p50OverFloor", floor == null ? Double.NaN : r.latencyMs(50) * 1000 / floor.floorMicros());
                if (!r.latencyByProducer.isEmpty() && s.producers() > 1) {
                    json.writeArrayFieldStart("producers");
                    for (Map.Entry<Integer, org.HdrHistogram.Histogram> e : r.latencyByProducer.entrySet()) {
                        org.HdrHistogram.Histogram h = e.getValue();
                        json.writeStartObject();
                        json.writeNumberField("producer", e.getKey());
                        number(json, "achievedRate", r.achievedRateByProducer.getOrDefault(e.getKey(), Double.NaN));
                        number(json, "p50_ms", h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(50) / 1000.0);
                        number(json, "p99_ms", h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(99) / 1000.0);
                        json.writeEndObject();
                    }
                    json.writeEndArray();
                }
                if (!r.partitionsByMember.isEmpty()) {
                    json.writeArrayFieldStart("members");
                    for (Map.Entry<Integer, int[]> e : r.partitionsByMember.entrySet()) {
                        json.writeStartObject();
                        json.writeNumberField("group", e.getKey() / s.members());
                        json.writeNumberField("member", e.getKey() % s.members());
                        json.writeNumberField("fewestPartitions", e.getValue()[0]);
                        json.writeNumberField("mostPartitions", e.getValue()[1]);
                        json.writeNumberField("partitionsAtEnd", e.getValue()[2]);
                        json.writeEndObject();
                    }
                    json.writeEndArray();
                }
                if (!r.stages.isEmpty()) {
                    json.writeObjectFieldStart("stages");
                    for (Map.Entry<String, org.HdrHistogram.Histogram> e : r.stages.entrySet()) {
                        org.HdrHistogram.Histogram h = e.getValue();
                        json.writeObjectFieldStart(e.getKey());
                        json.writeNumberField("count", h.getTotalCount());
                        number(json, "p50_ms", h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(50) / 1000.0);
                        number(json, "p99_ms", h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(99) / 1000.0);
                        json.writeEndObject();
                    }
                    json.writeEndObject();
                }
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
                auditJson(json, r);
                if (r.soak != null) {
                    r.soak.json(json);
                }
                json.writeBooleanField("sustained", r.sustained);
                json.writeStringField("verdict", r.verdict);
                if (r.error != null) {
                    json.writeStringField("error", r.error);
                }
                json.writeEndObject();
            }
            json.writeEndArray();
            Map<String, OptionalLong> byDriver = new LinkedHashMap<>();
            for (Coordinator.DriverSetup setup : sweep.setups()) {
                byDriver.put(setup.driver().name(), maxSustainedRate(sweep, setup.driver().name()));
            }
            json.writeFieldName("maxSustainedRate");
            OptionalLong first = byDriver.isEmpty() ? OptionalLong.empty() : byDriver.values().iterator().next();
            if (first.isPresent()) {
                json.writeNumber(first.getAsLong());
            } else {
                json.writeNull();
            }
            json.writeObjectFieldStart("maxSustainedRateByDriver");
            for (Map.Entry<String, OptionalLong> e : byDriver.entrySet()) {
                json.writeFieldName(e.getKey());
                if (e.getValue().isPresent()) {
                    json.writeNumber(e.getValue().getAsLong());
                } else {
                    json.writeNull();
                }
            }
            json.writeEndObject();
            json.writeObjectFieldStart("sustainedAboveAFailureByDriver");
            for (String driver : byDriver.keySet()) {
                json.writeArrayFieldStart(driver);
                for (long rate : sustainedAboveAFailure(sweep, driver)) {
                    json.writeNumber(rate);
                }
                json.writeEndArray();
            }
            json.writeEndObject();
            json.writeEndObject();
        }
    }

    static void number(JsonGenerator json, String name, double value) throws IOException {
        json.writeFieldName(name);
        if (Double.isFinite(value)) {
            json.writeNumber(Math.round(value * 1000) / 1000.0);
        } else {
            json.writeNull();
        }
    }

    private static void auditJson(JsonGenerator json, RateResult r) throws IOException {
        if (r.chaos) {
            json.writeObjectFieldStart("faultsInjected");
            for (Map.Entry<String, Long> e : r.faults.entrySet()) {
                json.writeNumberField(e.getKey(), e.getValue());
            }
            json.writeEndObject();
            json.writeNumberField("producerRestarts", r.producerRestarts);
            json.writeNumberField("consumerRestarts", r.consumerRestarts);
            json.writeArrayFieldStart("workerFailures");
            for (String failure : r.workerFailures) {
                json.writeString(failure);
            }
            json.writeEndArray();
        }
        if (r.totalRetriedBatches >= 0) {
            json.writeNumberField("retriedBatchesTotal", r.totalRetriedBatches);
            json.writeNumberField("lostRacesTotal", r.totalLostRaces);
            json.writeNumberField("unknownOutcomesTotal", r.totalUnknownOutcomes);
            json.writeNumberField("unknownMessagesTotal", r.totalUnknownMessages);
            json.writeNumberField("failedCheckpointsTotal", r.totalFailedCheckpoints);
            json.writeNumberField("failedMessagesTotal", r.totalFailedMessages);
        }
        json.writeNumberField("positionCommits", r.positionCommits);
        json.writeNumberField("positionCommitFailures", r.positionCommitFailures);
        memoryJson(json, "producerMemory", r.producerMemory);
        memoryJson(json, "consumerMemory", r.consumerMemory);
        DeliveryAudit.Result a = r.audit;
        if (a == null) {
            return;
        }
        json.writeObjectFieldStart("audit");
        json.writeBooleanField("clean", a.clean());
        json.writeNumberField("tableMessages", a.tableMessages());
        json.writeNumberField("acknowledged", a.acknowledged());
        json.writeNumberField("acknowledgedMissing", a.acknowledgedMissing());
        json.writeNumberField("acknowledgedExpiredByRetention", a.acknowledgedExpired());
        json.writeNumberField("illegalRedeliveries", a.illegalRedeliveries());
        json.writeNumberField("legalRedeliveries", a.legalRedeliveries());
        json.writeNumberField("tableOrderViolations", a.tableOrderViolations());
        json.writeNumberField("deliveryOrderViolations", a.deliveryOrderViolations());
        json.writeNumberField("failedInTable", a.failedInTable());
        json.writeNumberField("tableDuplicates", a.tableDuplicates());
        json.writeNumberField("undelivered", a.undelivered());
        json.writeNumberField("foreign", a.foreign());
        json.writeNumberField("failed", a.failed());
        json.writeNumberField("outcomeUnknown", a.outcomeUnknown());
        json.writeNumberField("outcomeUnknownInTable", a.outcomeUnknownInTable());
        json.writeNumberField("unresolvedByKill", a.unresolved());
        json.writeNumberField("unresolvedByKillInTable", a.unresolvedInTable());
        json.writeNumberField("deliveries", a.deliveries());
        json.writeObjectFieldStart("failureCauses");
        for (Map.Entry<String, Long> e : a.failureCauses().entrySet()) {
            json.writeNumberField(e.getKey(), e.getValue());
        }
        json.writeEndObject();
        json.writeArrayFieldStart("examples");
        for (String example : a.examples()) {
            json.writeString(example);
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    private static void memoryJson(JsonGenerator json, String name, RateResult.MemoryPeaks m) throws IOException {
        if (!m.known()) {
            return;
        }
        json.writeObjectFieldStart(name);
        json.writeNumberField("peakHeapUsedBytes", m.heapUsedBytes);
        json.writeNumberField("heapMaxBytes", m.heapMaxBytes);
        json.writeNumberField("peakDirectBytes", m.directBytes);
        json.writeNumberField("peakResidentBytes", m.rssBytes);
        json.writeEndObject();
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
        number(json, "cpuMicrosPerMessage", f.cpuMicrosPerMessage());
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

package io.deltaq.bench;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;

import io.deltaq.bench.driver.BenchDriver;
import io.deltaq.bench.driver.BenchDrivers;
import io.deltaq.bench.driver.ClientOptions;
import io.deltaq.bench.driver.Payload;
import io.deltaq.bench.driver.TargetOptions;
import io.deltaq.bench.run.Baseline;
import io.deltaq.bench.run.BenchSettings;
import io.deltaq.bench.run.Chaos;
import io.deltaq.bench.run.Coordinator;
import io.deltaq.bench.run.Rates;
import io.deltaq.bench.run.Reports;
import io.deltaq.bench.run.Soak;
import io.deltaq.cli.Command;
import io.deltaq.cli.CommandIo;
import io.deltaq.cli.KeyValues;
import io.deltaq.cli.OptionParser;
import io.deltaq.cli.ParsedOptions;
import io.deltaq.cli.UsageException;
import io.deltaq.producer.ProducerConfig;
import io.deltaq.s3io.FaultInjectingStore;

/**
 * {@code deltaq bench}: the latency/throughput rate sweep. Prints {@code summary.md} on stdout at
 * the end, progress on stderr while it runs. Public, with the implicit public constructor, because
 * {@link io.deltaq.cli.DeltaqMain} finds it through {@code META-INF/services}.
 */
public final class BenchCommand implements Command {

    static final String DEFAULT_RATES = "10000:50000:20000";
    static final long DEFAULT_SOAK_RATE = 10_000;
    static final String TABLE_PROPERTY = "table-property";
    static final String PRODUCER_CONFIG = "producer-config";
    static final String CONSUMER_CONFIG = "consumer-config";
    static final String DEFAULT_WORKER_JVM_OPTIONS = "-Xms1g -Xmx1g -XX:+UseG1GC";
    /** A worker JVM that runs one client: twenty of them fit in the machine's memory. */
    static final String PER_CLIENT_WORKER_JVM_OPTIONS = "-Xms256m -Xmx512m -XX:+UseG1GC";
    /** What the rings of all producers of one worker JVM may take together, when there are several. */
    static final long PRODUCER_RINGS_BYTES = 512L << 20;
    static final int DEFAULT_LISTEN_PORT = 7480;
    static final int DEFAULT_BASELINE_TOLERANCE_PCT = 25;
    /** Enough for the embedded server's request path to be compiled by C2 (measured: docs/performance.md). */
    static final int DEFAULT_SERVER_WARMUP_SECONDS = 20;
    /** Each partition of each deltaq producer has its own commit threads and ring, all in one worker JVM. */
    static final int MAX_PARTITIONS = 256;
    /**
     * About 5% of requests: 500s and 503s (SlowDown) on any request, 409s on writes, conditional creates
     * that land but whose answer is lost, lost requests, connection resets, and delays.
     */
    static final String EXAMPLE_FAULTS = "*:error=500:0.01,*:error=503:0.01,put-if-absent+put:error=409:0.005,"
            + "put-if-absent:lost-response:0.01,*:reset:0.005,*:lost-request:0.005,*:delay=200:0.01,put-if-absent:late=300:0.005";

    @Override
    public String name() {
        return "bench";
    }

    @Override
    public String summary() {
        return "run the latency/throughput rate sweep";
    }

    @Override
    public String description() {
        return """
                For each rate: a fresh topic, producers paced at exactly that rate (each message carries
                its intended send time, so a late send counts against latency), consumers that each read
                every message, a warm-up, the measured time, and a bounded drain for the consumers to
                catch up. Latency is delivery time minus intended send time. Producers and consumers run
                in two worker JVMs unless --in-process.
                Writes <rate>.csv, HdrHistogram logs, SVG charts, summary.md and summary.json under --out,
                and prints summary.md. Targets the embedded S3 server unless --endpoint/--bucket or
                --store say otherwise (credentials from the standard AWS chain).
                Examples:
                  bin/bench --rates 10000:250000:60000 --driver deltaq,kafka
                  bin/bench --rates 5000 --seconds 60 --s3-latency-ms 20
                  bin/bench --rates 20000 --producers 4 --partitions 4   (four producers on a topic of four
                    partitions, over which their keyless messages spread)
                  bin/bench --rates 20000 --seconds 120 --faults '<spec>' --kill-every 15   (a chaos run:
                    summary.md then holds a delivery audit, and the exit status is 1 if it failed)
                  bin/bench --soak 15m --rates 5000   (a soak: one run, a sample per minute of files, objects,
                    log files, checkpoint, cold start, memory, latency and S3 requests, each judged flat or
                    growing; the topic gets short retention and maintenance settings, see --table-property)""";
    }

    @Override
    public OptionParser options() {
        return new OptionParser("deltaq bench")
                .value("rates", "R", "START:END:STEP, one rate or a comma list, msg/s (default " + DEFAULT_RATES + ")")
                .value("seconds", "N", "measured seconds per rate (default 30)")
                .value("warmup", "N", "warm-up seconds per rate, excluded from results (default 5)")
                .value("drain", "N", "seconds the consumers may take to catch up afterwards (default 30)")
                .value("driver", "D", "deltaq, kafka, or both as deltaq,kafka (default deltaq)")
                .value("out", "DIR", "output directory (default benchmark-results)")
                .value("max-p99", "MS", "a rate is sustained only if its measured p99 stays at or below this (default "
                        + (long) BenchSettings.MAX_P99_MS_DEFAULT + ", the reference's bound)")
                .value("max-publish-delay", "MS", "and only if the producers keep their schedule: publish delay p50 at"
                        + " or below this (default " + (long) BenchSettings.MAX_PUBLISH_DELAY_MS_DEFAULT + ")")
                .value("baseline", "FILE", "compare with an earlier run's summary.json: latencies as multiples of each"
                        + " run's floor; exit 1 if a figure is worse beyond --baseline-tolerance or a sustained rate is no"
                        + " longer sustained")
                .value("baseline-tolerance", "PCT", "with --baseline: how much a multiple of the floor may grow (default "
                        + DEFAULT_BASELINE_TOLERANCE_PCT + ")")
                .flag("in-process", "run producers and consumers in this JVM instead of two worker JVMs")
                .value("message-size", "BYTES", "value size of each message (default 100, at least " + Payload.MIN_LENGTH + ")")
                .value("linger-ms", "N", "producer linger (default 5 for both drivers)")
                .value("compression", "C", "snappy, gzip or none (default: deltaq snappy, kafka none)")
                .value("producers", "N", "producers, each paced at rate/N (default 1); more than eight share 512 MiB"
                        + " of buffer.bytes in their worker JVM")
                .value("consumers", "N", "consumer groups, each receiving every message (default 1)")
                .value("members", "M", "members of each consumer group, which split its partitions between them; the"
                        + " summary gives each member's partitions (default 1: each consumer reads every partition)")
                .flag("jvm-per-client", "run each producer and each group member in a worker JVM of its own (default"
                        + " --worker-jvm-opts then \"" + PER_CLIENT_WORKER_JVM_OPTIONS + "\"), sharing only the bucket"
                        + " and this coordinator")
                .value("remote-workers", "K", "with --jvm-per-client: the first K clients of each run (producers first,"
                        + " then group members) run in workers on other machines, each started with `bin/bench-worker"
                        + " --coordinator HOST:PORT`; they need a target they can reach (--endpoint and --bucket), and"
                        + " keep their records, so the run is not audited")
                .value("listen", "HOST:PORT", "with --remote-workers: where the workers connect (default 0.0.0.0:"
                        + DEFAULT_LISTEN_PORT + ")")
                .value("partitions", "P", "partitions of each rate's topic, over which the producers spread their keyless"
                        + " messages; deltaq: 1 is a plain table (default 1)")
                .value("endpoint", "URL", "S3-compatible endpoint, e.g. MinIO (needs --bucket)")
                .value("bucket", "NAME", "bucket to write tables under (AWS unless --endpoint)")
                .value("region", "NAME", "S3 region (default from AWS_REGION, else us-east-1)")
                .value("s3-latency-ms", "N", "delay every operation of the embedded S3 server by N ms")
                .value("server-warmup", "N", "seconds of requests that warm the embedded S3 server before the floor and"
                        + " the first rate are measured, as S3 itself is always warm; 0 to skip (default "
                        + DEFAULT_SERVER_WARMUP_SECONDS + ")")
                .value("store", "DIR", "use a local directory instead of S3")
                .value("worker-jvm-opts", "OPTS", "options of the worker JVMs (default \"" + DEFAULT_WORKER_JVM_OPTIONS + "\");"
                        + " {worker} in an option becomes the worker's name (deltaq-producer, deltaq-consumer, ...), for files"
                        + " of one's own such as -XX:AOTCache=/tmp/aot/{worker}.aot")
                .value("floor-samples", "N", "round trips of each kind for the storage floor, 0 to skip (default 200)")
                .flag("jfr", "record a Java Flight Recorder profile of each worker JVM into OUT/jfr (per driver, rate and role)")
                .value("faults", "SPEC", "deltaq only: storage faults for the workers' stores, e.g. '" + EXAMPLE_FAULTS
                        + "' (see docs/chaos.md)")
                .value("fault-seed", "N", "seed of --faults and --kill-every; the summary prints it (default random)")
                .value("kill-every", "SECONDS", "deltaq only, worker JVMs only: SIGKILL the producer worker, and independently"
                        + " the consumer worker, at random times this far apart on average, and restart them as the same"
                        + " producers and consumers")
                .value("consumer-delay-ms", "N", "consumers take N ms per message delivered, fractions allowed: a slow"
                        + " consumer, for backpressure (0.1 caps each at 10,000 msg/s)")
                .value("soak", "DURATION", "deltaq only: one long run at one rate (--rates R, default "
                        + DEFAULT_SOAK_RATE + ") instead of a sweep, e.g. 15m, 90s, 1h30m; samples the topic's storage"
                        + " cost, memory, latency and requests every --soak-sample seconds and judges each flat or growing")
                .value("soak-sample", "SECONDS", "with --soak: the sampling period (default " + Soak.DEFAULT_SAMPLE_SECONDS + ")")
                .repeatable(PRODUCER_CONFIG, "KEY=VALUE", "repeatable: deltaq producer configuration by its documented"
                        + " name (docs/configuration.md), e.g. linger.ms=2; validated when the producers open")
                .repeatable(CONSUMER_CONFIG, "KEY=VALUE", "repeatable: deltaq consumer configuration by its documented"
                        + " name, e.g. poll.interval.min.ms=1")
                .repeatable(TABLE_PROPERTY, "KEY=VALUE", "with --soak, repeatable: a table property of the topic at creation,"
                        + " over the soak's short defaults (" + String.join(", ", Soak.DEFAULT_TABLE_PROPERTIES.entrySet()
                        .stream().map(e -> e.getKey() + "=" + e.getValue()).toList()) + ")")
                .value("maintenance", "on|off", "with --soak: whether the producers run maintenance (producer configuration "
                        + ProducerConfig.MAINTENANCE_ENABLED + "; default on)");
    }

    @Override
    public int run(ParsedOptions options, CommandIo io) throws Exception {
        // Read before the sweep: a baseline that cannot be used is known before minutes of measuring.
        Baseline baseline = baseline(options, options());
        BenchSettings settings = settings(options);
        double tolerance = options.intValue("baseline-tolerance", DEFAULT_BASELINE_TOLERANCE_PCT, 0, 10_000) / 100.0;
        Coordinator.Sweep sweep = new Coordinator(settings, io.err()).run();
        Baseline.Comparison comparison = baseline == null ? null : baseline.compare(sweep, tolerance);
        Path summary = Reports.write(sweep, "bin/bench " + String.join(" ", options.arguments()), comparison);
        io.out().print(Files.readString(summary, StandardCharsets.UTF_8));
        io.err().println("bench: results in " + settings.out().toAbsolutePath());
        if (comparison != null && comparison.anyWorse()) {
            io.err().println("bench: worse than the baseline " + baseline.file() + ": " + String.join(", ",
                    comparison.rows().stream().filter(Baseline.Row::worse)
                            .map(r -> r.driver() + " " + r.rate() + " " + r.figure()).toList()));
            return FAILED;
        }
        // Falling behind is a result; a run that could not be carried out, or lost or doubled messages, a failure.
        return sweep.anyFailed() || sweep.anyAuditFailed() ? FAILED : OK;
    }

    private static Baseline baseline(ParsedOptions options, OptionParser parser) throws UsageException {
        Optional<Path> file = options.path("baseline");
        if (file.isEmpty()) {
            if (options.has("baseline-tolerance")) {
                throw parser.error("--baseline-tolerance applies to --baseline, which is missing");
            }
            return null;
        }
        try {
            return Baseline.read(file.get());
        } catch (java.io.IOException e) {
            throw parser.error("--baseline: " + e.getMessage());
        }
    }

    BenchSettings settings(ParsedOptions options) throws UsageException {
        OptionParser parser = options();
        List<Long> rates;
        boolean soaking = options.has("soak");
        try {
            rates = Rates.parse(options.string("rates", soaking ? Long.toString(DEFAULT_SOAK_RATE) : DEFAULT_RATES));
        } catch (IllegalArgumentException e) {
            throw parser.error("--rates: " + e.getMessage());
        }
        int seconds = options.intValue("seconds", 30, 1, 86_400);
        int warmup = options.intValue("warmup", 5, 0, 3_600);
        int drain = options.intValue("drain", 30, 1, 3_600);
        List<BenchDriver> drivers = new ArrayList<>();
        for (String name : options.string("driver", "deltaq").split(",")) {
            BenchDriver driver = BenchDrivers.byName(name.trim().toLowerCase(Locale.ROOT)).orElseThrow(
                    () -> parser.error("--driver: unknown driver '" + name.trim() + "' (known: "
                            + String.join(", ", BenchDrivers.names()) + ")"));
            if (drivers.contains(driver)) {
                throw parser.error("--driver names " + driver.name() + " twice");
            }
            drivers.add(driver);
        }
        int messageSize = options.intValue("message-size", 100, Payload.MIN_LENGTH, 8 * 1024 * 1024);
        OptionalLong linger = options.has("linger-ms")
                ? OptionalLong.of(options.longValue("linger-ms", 0, 0, 60_000)) : OptionalLong.empty();
        Optional<String> compression = options.string("compression").map(c -> c.toLowerCase(Locale.ROOT));
        if (compression.isPresent() && !List.of("snappy", "gzip", "none").contains(compression.get())) {
            throw parser.error("--compression must be snappy, gzip or none, got '" + compression.get() + "'");
        }
        int producers = options.intValue("producers", 1, 1, 64);
        int consumers = options.intValue("consumers", 1, 1, 64);
        int partitions = options.intValue("partitions", 1, 1, MAX_PARTITIONS);
        int members = options.intValue("members", 1, 1, 64);
        boolean jvmPerClient = options.flag("jvm-per-client");
        if (members > 1 && partitions > BenchSettings.MAX_GROUP_PARTITIONS) {
            throw parser.error("--members " + members + " needs at most " + BenchSettings.MAX_GROUP_PARTITIONS
                    + " --partitions, got " + partitions);
        }
        if (jvmPerClient && options.flag("in-process")) {
            throw parser.error("--jvm-per-client and --in-process contradict each other: choose one");
        }
        Optional<URI> endpoint = options.string("endpoint").map(text -> {
            try {
                return URI.create(text);
            } catch (IllegalArgumentException e) {
                return null;
            }
        });
        if (options.has("endpoint") && (endpoint.isEmpty() || endpoint.get().getScheme() == null)) {
            throw parser.error("--endpoint needs a URL such as http://127.0.0.1:9000, got '"
                    + options.string("endpoint").orElse("") + "'");
        }
        Optional<String> bucket = options.string("bucket");
        Optional<Path> store = options.path("store");
        int s3LatencyMs = options.intValue("s3-latency-ms", 0, 0, 60_000);
        if (store.isPresent() && (endpoint.isPresent() || bucket.isPresent() || options.has("s3-latency-ms"))) {
            throw parser.error("--store (a local directory) cannot be combined with --endpoint, --bucket or --s3-latency-ms");
        }
        if (endpoint.isPresent() && bucket.isEmpty()) {
            throw parser.error("--endpoint needs --bucket");
        }
        if (bucket.isPresent() && options.has("s3-latency-ms")) {
            throw parser.error("--s3-latency-ms applies to the embedded S3 server only, not to --bucket");
        }
        int serverWarmupSeconds = options.intValue("server-warmup", DEFAULT_SERVER_WARMUP_SECONDS, 0, 600);
        if ((store.isPresent() || bucket.isPresent()) && options.has("server-warmup")) {
            throw parser.error("--server-warmup applies to the embedded S3 server only, not to --store or --bucket");
        }
        List<String> jvmOptions = Arrays.stream(options.string("worker-jvm-opts",
                        jvmPerClient ? PER_CLIENT_WORKER_JVM_OPTIONS : DEFAULT_WORKER_JVM_OPTIONS).trim()
                .split("\\s+")).filter(s -> !s.isEmpty()).toList();
        int floorSamples = options.intValue("floor-samples", 200, 0, 100_000);
        if (options.flag("jfr") && options.flag("in-process")) {
            throw parser.error("--jfr records the worker JVMs; it cannot be combined with --in-process");
        }
        Chaos chaos = chaos(options, parser, drivers);
        Optional<Soak> soak = soak(options, parser, drivers, rates);
        if (partitions > 1 && soak.isPresent()) {
            throw parser.error("--soak samples one table, a topic of one partition; drop --partitions");
        }
        if (soak.isPresent()) {
            seconds = soak.get().seconds();
        }
        Map<String, String> producerConfig = new java.util.HashMap<>();
        soak.ifPresent(k -> producerConfig.put(ProducerConfig.MAINTENANCE_ENABLED, Boolean.toString(k.maintenance())));
        if (!jvmPerClient && producers * (long) ProducerConfig.BUFFER_BYTES_DEFAULT > PRODUCER_RINGS_BYTES) {
            // The producers share one worker JVM, whose direct memory is its heap (1 GiB by default):
            // sixteen rings of the default 64 MiB would not fit. Up to eight keep the default.
            producerConfig.put(ProducerConfig.BUFFER_BYTES, Long.toString(PRODUCER_RINGS_BYTES / producers));
        }
        producerConfig.putAll(keyValues(options, parser, PRODUCER_CONFIG));
        Map<String, String> consumerConfig = new java.util.HashMap<>(chaos.consumerConfig());
        consumerConfig.putAll(keyValues(options, parser, CONSUMER_CONFIG));
        if ((options.has(PRODUCER_CONFIG) || options.has(CONSUMER_CONFIG))
                && drivers.stream().noneMatch(d -> d.name().equals("deltaq"))) {
            throw parser.error("--" + PRODUCER_CONFIG + " and --" + CONSUMER_CONFIG + " configure deltaq's clients;"
                    + " --driver has no deltaq");
        }
        ClientOptions client = new ClientOptions(messageSize, linger, compression, producerConfig, consumerConfig);
        Path out = options.path("out").orElse(Path.of("benchmark-results"));
        if (options.flag("jfr") && out.toAbsolutePath().toString().contains(",")) {
            // -XX:StartFlightRecording separates its options with commas, and has no way to quote one.
            throw parser.error("--jfr needs an --out directory without a comma in its path, got '" + out + "'");
        }
        String runId = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
        Path workDir;
        try {
            workDir = Files.createTempDirectory("deltaq-bench-");
        } catch (java.io.IOException e) {
            throw new IllegalStateException("could not create a scratch directory: " + e.getMessage(), e);
        }
        TargetOptions target = new TargetOptions(endpoint, bucket, options.string("region"), s3LatencyMs,
                serverWarmupSeconds, store, runId, workDir);
        Optional<BenchSettings.Remote> remote = remote(options, parser, jvmPerClient, chaos);
        if (members > 1 && chaos.kills()) {
            throw parser.error("--kill-every restarts consumers that each read every partition; drop --members");
        }
        return new BenchSettings(rates, seconds, warmup, drain, List.copyOf(drivers), client, producers, consumers,
                partitions, members, jvmPerClient, options.flag("in-process"), jvmOptions, target, out, floorSamples,
                options.flag("jfr"), chaos, remote, options.longValue("max-p99", (long) BenchSettings.MAX_P99_MS_DEFAULT,
                1, 3_600_000), options.longValue("max-publish-delay", (long) BenchSettings.MAX_PUBLISH_DELAY_MS_DEFAULT, 0,
                3_600_000), soak);
    }

    /** The soak options, refused without {@code --soak} and where a soak cannot work: one rate, deltaq only. */
    private static Optional<BenchSettings.Remote> remote(ParsedOptions options, OptionParser parser, boolean jvmPerClient,
            Chaos chaos) throws UsageException {
        if (!options.has("remote-workers")) {
            if (options.has("listen")) {
                throw parser.error("--listen is where remote workers connect: it needs --remote-workers");
            }
            return Optional.empty();
        }
        int workers = options.intValue("remote-workers", 0, 1, 1024);
        if (!jvmPerClient) {
            throw parser.error("--remote-workers runs clients one per worker: it needs --jvm-per-client");
        }
        if (chaos.kills()) {
            throw parser.error("--kill-every kills worker JVMs of this machine; it cannot be combined with --remote-workers");
        }
        String listen = options.string("listen", "0.0.0.0:" + DEFAULT_LISTEN_PORT);
        int colon = listen.lastIndexOf(':');
        try {
            int port = Integer.parseInt(listen.substring(colon + 1));
            if (colon <= 0 || port < 0 || port > 65_535) {
                throw new NumberFormatException();
            }
            return Optional.of(new BenchSettings.Remote(workers, new java.net.InetSocketAddress(listen.substring(0, colon),
                    port)));
        } catch (NumberFormatException e) {
            throw parser.error("--listen needs HOST:PORT, such as 0.0.0.0:" + DEFAULT_LISTEN_PORT + ", got '" + listen + "'");
        }
    }

    private static Optional<Soak> soak(ParsedOptions options, OptionParser parser, List<BenchDriver> drivers,
            List<Long> rates) throws UsageException {
        if (!options.has("soak")) {
            for (String only : List.of("soak-sample", TABLE_PROPERTY, "maintenance")) {
                if (options.has(only)) {
                    throw parser.error("--" + only + " applies to a soak run only (add --soak DURATION)");
                }
            }
            return Optional.empty();
        }
        int seconds;
        try {
            seconds = Soak.parseDuration(options.string("soak").orElse(""));
        } catch (IllegalArgumentException e) {
            throw parser.error("--soak: " + e.getMessage());
        }
        if (options.has("seconds")) {
            throw parser.error("--soak sets how long the run measures; it cannot be combined with --seconds");
        }
        if (rates.size() != 1) {
            throw parser.error("--soak runs at one rate; --rates names " + rates.size());
        }
        for (BenchDriver driver : drivers) {
            if (!driver.auditable()) {
                throw parser.error("--soak samples deltaq's tables; --driver " + driver.name()
                        + " has none (use --driver deltaq)");
            }
        }
        int sampleSeconds = options.intValue("soak-sample", Soak.DEFAULT_SAMPLE_SECONDS, 1, 86_400);
        if (sampleSeconds > seconds) {
            throw parser.error("--soak-sample (" + sampleSeconds + " s) is longer than the soak (" + seconds
                    + " s): there would be no sample");
        }
        Map<String, String> given = keyValues(options, parser, TABLE_PROPERTY);
        Map<String, String> properties = new LinkedHashMap<>(Soak.DEFAULT_TABLE_PROPERTIES);
        properties.putAll(given);
        boolean maintenance;
        try {
            maintenance = Soak.parseOnOff(options.string("maintenance", "on"));
        } catch (IllegalArgumentException e) {
            throw parser.error("--maintenance " + e.getMessage());
        }
        return Optional.of(new Soak(seconds, sampleSeconds, properties, given.keySet(), maintenance));
    }

    /** Every {@code --NAME KEY=VALUE} given, in order; a later key overrides an earlier one. */
    private static Map<String, String> keyValues(ParsedOptions options, OptionParser parser, String name)
            throws UsageException {
        Map<String, String> values = new LinkedHashMap<>();
        for (String pair : options.strings(name)) {
            try {
                KeyValues.parseInto(pair, values);
            } catch (IllegalArgumentException e) {
                throw parser.error("--" + name + ": " + e.getMessage());
            }
        }
        return values;
    }

    /** The chaos options, refused where they cannot work: faults and kills need deltaq, kills need worker JVMs. */
    private static Chaos chaos(ParsedOptions options, OptionParser parser, List<BenchDriver> drivers)
            throws UsageException {
        Optional<String> faults = options.string("faults").map(String::trim).filter(f -> !f.isEmpty());
        if (faults.isPresent()) {
            try {
                FaultInjectingStore.parseSpec(faults.get());
            } catch (IllegalArgumentException e) {
                throw parser.error("--faults: " + e.getMessage());
            }
        }
        double killEvery = options.has("kill-every")
                ? parseNumber("kill-every", "a number of seconds", options.string("kill-every").orElse(""), 1, 86_400, parser)
                : 0;
        double consumerDelay = options.has("consumer-delay-ms") ? parseNumber("consumer-delay-ms", "a number of milliseconds",
                options.string("consumer-delay-ms").orElse(""), 0, 60_000, parser) : 0;
        for (BenchDriver driver : drivers) {
            if (!driver.auditable() && faults.isPresent()) {
                throw parser.error("--faults injects faults into deltaq's storage; --driver " + driver.name()
                        + " has none to inject into (use --driver deltaq)");
            }
            if (!driver.auditable() && killEvery > 0) {
                throw parser.error("--kill-every restarts deltaq producers and consumers where they left off; --driver "
                        + driver.name() + " cannot (use --driver deltaq)");
            }
        }
        if (killEvery > 0 && options.flag("in-process")) {
            throw parser.error("--kill-every kills the worker JVMs; with --in-process there are none to kill");
        }
        long seed = options.has("fault-seed") ? options.longValue("fault-seed", 0, Long.MIN_VALUE, Long.MAX_VALUE)
                : ThreadLocalRandom.current().nextLong(1, 1L << 48);
        return new Chaos(faults, seed, killEvery, consumerDelay);
    }

    private static double parseNumber(String option, String what, String text, double min, double max,
            OptionParser parser) throws UsageException {
        double value;
        try {
            value = Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw parser.error("--" + option + " needs " + what + ", got '" + text + "'");
        }
        if (!(value >= min && value <= max)) {
            throw parser.error(String.format(Locale.ROOT, "--%s must be between %s and %s, got '%s'", option,
                    plain(min), plain(max), text));
        }
        return value;
    }

    private static String plain(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}

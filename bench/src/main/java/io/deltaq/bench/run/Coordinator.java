package io.deltaq.bench.run;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.deltaq.bench.driver.BenchDriver;
import io.deltaq.bench.driver.BenchTarget;
import io.deltaq.bench.driver.StorageFloor;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

/**
 * Runs a sweep: for each rate and driver a fresh topic, a consumer worker and a producer worker
 * (child JVMs unless in-process), a warm-up, the measured time and a bounded drain; keeps the
 * books from the workers' ticks and writes each rate's CSV and histogram logs as it goes.
 */
public final class Coordinator {

    /** One driver's target and what was measured of it before the sweep. */
    public record DriverSetup(BenchDriver driver, String target, Optional<StorageFloor> floor) {
    }

    /** The whole sweep, for the reports. */
    public record Sweep(BenchSettings settings, List<DriverSetup> setups, List<RateResult> results, String loadBefore,
            String loadAfter, long startedMillis, long finishedMillis) {

        /** Whether some run could not be carried out (as opposed to falling behind). */
        public boolean anyFailed() {
            return results.stream().anyMatch(r -> r.error != null);
        }

        /** Whether some run's delivery audit found a message lost, doubled, reordered or wrongly reported. */
        public boolean anyAuditFailed() {
            return results.stream().anyMatch(r -> r.audit != null && !r.audit.clean());
        }
    }

    private static final long READY_TIMEOUT_MICROS = TimeUnit.SECONDS.toMicros(180);
    private static final long PRODUCER_DONE_GRACE_MICROS = TimeUnit.SECONDS.toMicros(180);
    private static final long STOP_GRACE_MICROS = TimeUnit.SECONDS.toMicros(60);
    private static final long START_DELAY_MICROS = 1_000_000;
    /** How long the soak's last sample may take after the run is over. */
    private static final long SAMPLE_GRACE_MS = 120_000;
    /** How often consumers commit their positions in a run with kills. */
    static final long CHAOS_COMMIT_INTERVAL_MS = 200;
    private static final int PRODUCER_ROLE = 0;
    private static final int CONSUMER_ROLE = 1;
    /** Worker failures a run with kills survives by restarting the worker; one more ends the run. */
    static final int MAX_WORKER_FAILURES = 50;
    /** Tick fields that are neither counters nor gauges: a restart does not carry them over. */
    private static final java.util.Set<String> NOT_COUNTERS = java.util.Set.of("t", "hist", "lastIntended");

    private final BenchSettings settings;
    private final PrintStream err;
    /** Workers on other machines, with {@code --remote-workers}; null otherwise. */
    private RemoteWorkers remote;
    private final boolean console = System.console() != null;

    public Coordinator(BenchSettings settings, PrintStream err) {
        this.settings = settings;
        this.err = err;
    }

    public Sweep run() throws Exception {
        long started = System.currentTimeMillis();
        String loadBefore = loadAverage();
        Files.createDirectories(settings.out());
        List<DriverSetup> setups = new ArrayList<>();
        List<BenchTarget> targets = new ArrayList<>();
        List<RateResult> results = new ArrayList<>();
        try {
            if (settings.remote().isPresent()) {
                BenchSettings.Remote r = settings.remote().get();
                remote = RemoteWorkers.listen(r.listen());
                err.printf(Locale.ROOT, "bench: listening on %s:%d for %d remote worker(s); start each with"
                        + " `bin/bench-worker --coordinator <this host>:%d` (they take the first %d clients of each run,"
                        + " producers first)%n", r.listen().getHostString(), remote.port(), r.workers(), remote.port(),
                        r.workers());
            }
            for (BenchDriver driver : settings.drivers()) {
                err.println("bench: starting " + driver.name() + " target ...");
                BenchTarget target = driver.openTarget(settings.target());
                targets.add(target);
                // --floor-samples 0 skips the measurement (a median of no samples has no value).
                Optional<StorageFloor> floor = settings.floorSamples() > 0 ? target.measureFloor(settings.floorSamples())
                        : Optional.empty();
                floor.ifPresent(f -> err.printf(Locale.ROOT,
                        "bench: %s storage floor: put-if-absent p50 %.2f ms, GET p50 %.2f ms, 2 writes + 2 reads = %.2f ms%n",
                        driver.name(), f.putIfAbsentMicros() / 1000, f.getMicros() / 1000, f.floorMicros() / 1000));
                setups.add(new DriverSetup(driver, target.describe(), floor));
            }
            for (long rate : settings.rates()) {
                for (int d = 0; d < settings.drivers().size(); d++) {
                    BenchDriver driver = settings.drivers().get(d);
                    RateResult result = runRate(driver, targets.get(d), rate, outputDir(driver));
                    results.add(result);
                    err.println("bench: " + driver.name() + " " + rate + " msg/s: " + result.verdict);
                }
            }
        } finally {
            if (remote != null) {
                remote.close();
            }
            for (BenchTarget target : targets) {
                try {
                    target.close();
                } catch (RuntimeException e) {
                    err.println("bench: closing a target: " + e.getMessage());
                }
            }
            deleteQuietly(settings.target().workDir());
        }
        return new Sweep(settings, setups, results, loadBefore, loadAverage(), started, System.currentTimeMillis());
    }

    /** Where a driver's per-rate files go: {@code --out} itself, or a directory per driver when there are several. */
    Path outputDir(BenchDriver driver) {
        return settings.drivers().size() == 1 ? settings.out() : settings.out().resolve(driver.name());
    }

    private RateResult runRate(BenchDriver driver, BenchTarget target, long rate, Path dir) throws Exception {
        RateResult result = new RateResult(driver.name(), rate, settings.seconds());
        result.consumers = settings.consumers();
        result.jvmPerClient = settings.jvmPerClient();
        result.sharedJvm = settings.inProcess();
        Files.createDirectories(dir);
        String topic;
        try {
            String name = (settings.soak().isPresent() ? "soak-" : "bench-") + rate + "-" + settings.target().runId();
            topic = settings.soak().isPresent()
                    ? target.createTopic(name, settings.partitions(), settings.soak().get().tableProperties())
                    : target.createTopic(name, settings.partitions());
        } catch (Exception e) {
            result.error = "could not create the topic: " + Worker.describe(e);
            result.verdict = "failed: " + result.error;
            return result;
        }
        Map<String, String> spec = new LinkedHashMap<>();
        spec.put(Worker.DRIVER, driver.name());
        spec.put(Worker.TOPIC, topic);
        spec.put(Worker.PRODUCERS, Integer.toString(settings.producers()));
        spec.put(Worker.CONSUMERS, Integer.toString(settings.consumers()));
        spec.put(Worker.PARTITIONS, Integer.toString(settings.partitions()));
        spec.put(Worker.MEMBERS, Integer.toString(settings.members()));
        spec.put(Worker.RATE, Long.toString(rate));
        target.connection().forEach((k, v) -> spec.put(Worker.CONNECTION_PREFIX + k, v));
        spec.putAll(settings.client().toStrings());
        Chaos chaos = settings.chaos();
        Path auditDir = dir.resolve("audit").resolve(Long.toString(rate)).toAbsolutePath();
        if (auditable(driver)) {
            deleteQuietly(auditDir); // from an earlier sweep into the same directory
            Files.createDirectories(auditDir);
            spec.put(Worker.AUDIT_DIR, auditDir.toString());
        }
        if (chaos.kills()) {
            spec.put(Worker.COMMIT_INTERVAL_MS, Long.toString(CHAOS_COMMIT_INTERVAL_MS));
        }
        if (chaos.consumerDelayMs() > 0) {
            spec.put(Worker.CONSUMER_DELAY_MS, Double.toString(chaos.consumerDelayMs()));
        }
        settings.soak().ifPresent(soak -> spec.put(Worker.FULL_GC_EVERY_TICKS, Integer.toString(soak.sampleSeconds())));
        result.chaos = chaos.active();

        BlockingQueue<WorkerHandle.Event> events = new LinkedBlockingQueue<>();
        Run run = null;
        try (RateFiles files = new RateFiles(dir, rate)) {
            run = new Run(result, files, driver, target, topic, rate, dir, spec, events);
            run.startWorkers();
            run.execute();
        } finally {
            if (run != null) {
                run.closeWorkers();
            }
        }
        // A run that failed is audited too, as far as its records go: what was acknowledged must be there.
        if (auditable(driver) && (result.error == null || chaos.active())) {
            try {
                result.audit = audit(target, topic, auditDir, result.error == null && result.caughtUp);
            } catch (Exception e) {
                String why = "the delivery audit could not be carried out: " + Worker.describe(e);
                result.error = result.error == null ? why : result.error + "; " + why;
            }
        }
        Verdicts.judge(result, settings);
        return result;
    }

    /** Whether the run is audited: remote workers keep their records on their own machines. */
    private boolean auditable(BenchDriver driver) {
        return driver.auditable() && settings.remote().isEmpty();
    }

    /** Reads the table back with the system's own reader and checks the workers' records against it. */
    private DeliveryAudit.Result audit(BenchTarget target, String topic, Path auditDir, boolean consumersReachedEnd)
            throws Exception {
        err.println("bench: auditing deliveries of " + topic + " ...");
        DeliveryAudit audit = new DeliveryAudit(settings.producers(), settings.partitions(),
                settings.soak().map(Soak::maintenance).orElse(false), settings.members());
        long[] end = target.end(topic);
        target.readAll(topic, end, (partition, intendedMicros, producerIndex, sequence) ->
                audit.inTable(partition, producerIndex, sequence));
        AuditRecords.read(auditDir, audit);
        if (consumersReachedEnd) {
            for (int j = 0; j < settings.consumers(); j++) {
                audit.reachedEnd(j);
            }
        }
        return audit.finish();
    }

    /**
     * The workers of one role: one worker for all its clients, or with {@code --jvm-per-client} a
     * fleet of one worker JVM per producer or per group member, seen as one.
     */
    private WorkerHandle start(int roleKind, String role, BenchDriver driver, long rate, Path dir,
            BlockingQueue<WorkerHandle.Event> events) throws IOException {
        if (!settings.jvmPerClient()) {
            return startOne(role, driver, rate, dir, events);
        }
        List<Map<String, String>> extras = new ArrayList<>();
        int[] groupOf;
        if (roleKind == PRODUCER_ROLE) {
            for (int i = 0; i < settings.producers(); i++) {
                extras.add(Map.of(Worker.PRODUCER_INDEXES, Integer.toString(i)));
            }
            groupOf = null;
        } else {
            int slots = settings.consumers() * settings.members();
            groupOf = new int[slots];
            for (int slot = 0; slot < slots; slot++) {
                extras.add(Map.of(Worker.CONSUMER_SLOTS, Integer.toString(slot)));
                groupOf[slot] = slot / settings.members();
            }
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < extras.size(); i++) {
            names.add(roleKind == PRODUCER_ROLE ? role + "-p" + i
                    : role + "-g" + groupOf[i] + "m" + (i % settings.members()));
        }
        int remoteClients = settings.remote().map(BenchSettings.Remote::workers).orElse(0);
        return WorkerHandle.fleet(role, extras, groupOf, (i, inner) -> {
            // Producers are clients 0 .. producers - 1, group members the ones after them.
            int client = roleKind == PRODUCER_ROLE ? i : settings.producers() + i;
            return client < remoteClients ? remote.take(names.get(i), inner)
                    : startOne(names.get(i), driver, rate, dir, inner);
        }, events);
    }

    private WorkerHandle startOne(String role, BenchDriver driver, long rate, Path dir,
            BlockingQueue<WorkerHandle.Event> events) throws IOException {
        if (settings.inProcess()) {
            return WorkerHandle.inProcess(role, events);
        }
        List<String> jvmOptions = new ArrayList<>(WorkerHandle.optionsFor(driver.name() + "-" + role,
                settings.workerJvmOptions()));
        if (settings.flightRecordings()) {
            Path recording = dir.resolve("jfr").resolve(driver.name() + "-" + rate + "-" + role + ".jfr").toAbsolutePath();
            Files.createDirectories(recording.getParent());
            // The profile settings sample stacks every 10-20 ms and record allocation and lock events: enough to
            // rank costs, cheap enough (about 2% CPU) not to move the latencies being explained.
            jvmOptions.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename=" + recording);
        }
        return WorkerHandle.launch(role, jvmOptions, dir.resolve("logs").resolve(rate + "-" + role + ".log"), events);
    }

    /** The event loop of one rate's run. */
    private final class Run {
        private final RateResult result;
        private final RateFiles files;
        private final BenchDriver driver;
        private final BenchTarget target;
        private final String topic;
        private final long rate;
        private final Path dir;
        private final Map<String, String> spec;
        private final Chaos chaos = settings.chaos();
        private final java.util.Random killTimes = new java.util.Random(settings.chaos().seed());
        private WorkerHandle producer;
        private WorkerHandle consumer;
        private final List<WorkerHandle> killed = new ArrayList<>();
        private int producerIncarnation;
        private int consumerIncarnation;
        private long nextProducerKill = Long.MAX_VALUE;
        private long nextConsumerKill = Long.MAX_VALUE;
        /** Counters of killed incarnations, added to their successors' so that the books run on. */
        private final Map<String, Long> producerCarried = new LinkedHashMap<>();
        private final Map<String, Long> consumerCarried = new LinkedHashMap<>();
        private Map<String, String> producerLastRaw = Map.of();
        private Map<String, String> consumerLastRaw = Map.of();
        /** Where each partition ended when the producers were done, as the consumers were told (with kills); null before. */
        private long[] endSent;
        private String startLine;
        private final BlockingQueue<WorkerHandle.Event> events;
        private final List<Map<String, String>> producerTicks = new ArrayList<>();
        private final List<Map<String, String>> consumerTicks = new ArrayList<>();
        private long startMicros;
        private long warmupEndMicros;
        private long endMicros;
        private long previousTickMicros;
        private boolean producerDone;
        private boolean consumerDone;
        private long drainDeadline = Long.MAX_VALUE;
        private long stopDeadline = Long.MAX_VALUE;
        private long lastProgressMicros;
        /** With several members per group: every group delivered the topic through its end, and was told to stop. */
        private boolean groupsReachedEnd;
        private int progressWidth;
        private double lastIntervalP99Ms = Double.NaN;
        private volatile boolean samplerStopped;

        Run(RateResult result, RateFiles files, BenchDriver driver, BenchTarget target, String topic, long rate, Path dir,
                Map<String, String> spec, BlockingQueue<WorkerHandle.Event> events) {
            this.result = result;
            this.files = files;
            this.driver = driver;
            this.target = target;
            this.topic = topic;
            this.rate = rate;
            this.dir = dir;
            this.spec = spec;
            this.events = events;
        }

        void startWorkers() throws IOException {
            consumer = start(CONSUMER_ROLE, "consumer", driver, rate, dir, events);
            producer = start(PRODUCER_ROLE, "producer", driver, rate, dir, events);
            consumer.send(Wire.encodeSpec(workerSpec(CONSUMER_ROLE, 0)));
            producer.send(Wire.encodeSpec(workerSpec(PRODUCER_ROLE, 0)));
        }

        void closeWorkers() {
            if (producer != null) {
                producer.close();
            }
            if (consumer != null) {
                consumer.close();
            }
            killed.forEach(WorkerHandle::close);
        }

        /** The spec of one incarnation of a worker: its role, its restart count, its own fault seed. */
        private String workerSpecLine(int role, int incarnation) {
            return Wire.encodeSpec(workerSpec(role, incarnation));
        }

        private Map<String, String> workerSpec(int role, int incarnation) {
            Map<String, String> worker = new LinkedHashMap<>(spec);
            worker.put(Worker.ROLE, role == PRODUCER_ROLE ? Worker.PRODUCER : Worker.CONSUMER);
            worker.put(Worker.INCARNATION, Integer.toString(incarnation));
            chaos.faults().ifPresent(faults -> driver.faultConnection(faults, chaos.workerSeed(role, incarnation))
                    .forEach((k, v) -> worker.put(Worker.CONNECTION_PREFIX + k, v)));
            return worker;
        }

        /** Exponentially distributed, so kills come at no predictable phase of the work; seeded, so a run repeats. */
        private long nextKill(long after) {
            double mean = chaos.killEverySeconds() * 1e6;
            return after + (long) (-Math.log(1 - killTimes.nextDouble()) * mean);
        }

        /**
         * With kills, a worker that fails (a storage fault it did not survive) is restarted like a killed
         * one, as a supervisor would: the audit still judges what it acknowledged and delivered, and the
         * failure is reported. Returns false where the failure ends the run instead: without kills, or
         * after {@link #MAX_WORKER_FAILURES} of them.
         */
        private boolean restartAfterFailure(boolean isProducer, String why, long now) {
            if (!chaos.kills() || result.error != null || result.workerFailures.size() >= MAX_WORKER_FAILURES) {
                return false;
            }
            String text = why.replace('\n', ' ');
            text = text.length() <= 500 ? text : text.substring(0, 500) + "...";
            result.workerFailures.add(text);
            err.println("bench: " + text + "; restarting it");
            try {
                killAndRestart(isProducer, now);
                return true;
            } catch (IOException | RuntimeException e) {
                fail("could not restart the " + (isProducer ? "producer" : "consumer") + " worker after it failed: "
                        + Worker.describe(e));
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted while restarting a worker");
                return true;
            }
        }

        /** Kills a worker with SIGKILL and starts its successor, which resumes as the same producers or consumers. */
        private void killAndRestart(boolean isProducer, long now) throws IOException, InterruptedException {
            WorkerHandle old = isProducer ? producer : consumer;
            old.kill();
            killed.add(old);
            Map<String, Long> carried = isProducer ? producerCarried : consumerCarried;
            (isProducer ? producerLastRaw : consumerLastRaw).forEach((k, v) -> {
                if (!NOT_COUNTERS.contains(k) && !JvmCounters.GAUGES.contains(k)) {
                    try {
                        carried.merge(k, Long.parseLong(v), Long::sum);
                    } catch (NumberFormatException e) {
                        // Not a counter.
                    }
                }
            });
            if (isProducer) {
                producerLastRaw = Map.of();
                int incarnation = ++producerIncarnation;
                result.producerRestarts++;
                producer = start(PRODUCER_ROLE, "producer-" + incarnation, driver, rate, dir, events);
                producer.send(workerSpecLine(PRODUCER_ROLE, incarnation));
                if (startLine != null) {
                    producer.send(startLine);
                }
                nextProducerKill = Long.MAX_VALUE; // drawn when the successor is ready: no kill loop while JVMs start
            } else {
                consumerLastRaw = Map.of();
                int incarnation = ++consumerIncarnation;
                result.consumerRestarts++;
                consumer = start(CONSUMER_ROLE, "consumer-" + incarnation, driver, rate, dir, events);
                consumer.send(workerSpecLine(CONSUMER_ROLE, incarnation));
                if (startLine != null) {
                    consumer.send(startLine);
                }
                if (endSent != null) {
                    consumer.send(Wire.END + " " + Wire.formatEnd(endSent));
                }
                nextConsumerKill = Long.MAX_VALUE;
            }
            err.println("bench: killed the " + (isProducer ? "producer" : "consumer") + " worker (SIGKILL) and started"
                    + " its successor");
            if (startLine == null) {
                // Not started yet: the successor is awaited with the others, and the kills start with the run.
                return;
            }
        }

        /** Adds the counters of killed incarnations to a tick or DONE of their successor. */
        private void carryOver(Map<String, String> fields, Map<String, Long> carried) {
            if (carried.isEmpty()) {
                return;
            }
            fields.replaceAll((k, v) -> {
                Long before = carried.get(k);
                if (before == null || NOT_COUNTERS.contains(k) || JvmCounters.GAUGES.contains(k)) {
                    return v;
                }
                try {
                    return Long.toString(Long.parseLong(v) + before);
                } catch (NumberFormatException e) {
                    return v;
                }
            });
        }

        void execute() throws Exception {
            if (!awaitReady()) {
                return;
            }
            long now = WallClock.nowMicros();
            startMicros = (now + START_DELAY_MICROS) / 1000 * 1000;
            warmupEndMicros = startMicros + settings.warmupSeconds() * 1_000_000L;
            endMicros = warmupEndMicros + settings.seconds() * 1_000_000L;
            previousTickMicros = warmupEndMicros;
            files.start(warmupEndMicros);
            String start = Wire.START + " " + startMicros + " " + warmupEndMicros + " " + endMicros;
            startLine = start;
            consumer.send(start);
            producer.send(start);
            Thread sampler = settings.soak().map(soak -> startSampler(new SoakSeries(soak, warmupEndMicros))).orElse(null);
            if (chaos.kills()) {
                nextProducerKill = nextKill(startMicros);
                nextConsumerKill = nextKill(startMicros);
            }
            long producerDeadline = endMicros + settings.drainSeconds() * 1_000_000L + PRODUCER_DONE_GRACE_MICROS;
            try {
                while (!(producerDone && consumerDone) && result.error == null) {
                    WorkerHandle.Event event = events.poll(250, TimeUnit.MILLISECONDS);
                    now = WallClock.nowMicros();
                    if (event != null) {
                        handle(event, now);
                    }
                    // Kills stop with the measured time, so that the last incarnations finish the run.
                    if (!producerDone && result.error == null && now >= nextProducerKill && now < endMicros) {
                        killAndRestart(true, now);
                    }
                    if (!consumerDone && result.error == null && now >= nextConsumerKill && now < endMicros) {
                        killAndRestart(false, now);
                    }
                    if (!producerDone && now > producerDeadline) {
                        fail("the producers did not finish within " + (producerDeadline - endMicros) / 1_000_000
                                + " s after the measured time");
                    }
                    if (!consumerDone && now > drainDeadline && stopDeadline == Long.MAX_VALUE) {
                        consumer.send(Wire.STOP);
                        stopDeadline = now + STOP_GRACE_MICROS;
                    }
                    if (!consumerDone && now > stopDeadline) {
                        fail("the consumers did not stop within " + STOP_GRACE_MICROS / 1_000_000 + " s of being told to");
                    }
                }
            } finally {
                endProgress();
                if (sampler != null) {
                    stopSampler(sampler);
                }
            }
            if (result.soak != null) {
                result.soak.finish(producerTicks, consumerTicks);
            }
            Figures.derive(result, producerTicks, consumerTicks, warmupEndMicros, endMicros);
            result.steady = SteadyState.find(result.everySecond, startMicros, endMicros);
            result.everySecond.clear();
            Figures.faultsAndRetries(result, producerTicks, consumerTicks);
        }

        /**
         * Samples the topic's storage at the end of each soak period, on its own thread: a sample (a
         * snapshot, a listing, a consumer's cold start) takes long enough to hold up the workers' ticks.
         * A sample that takes longer than half a period makes the next late: a sample that cannot start
         * within half a period of its time is skipped rather than shown under that time.
         */
        private Thread startSampler(SoakSeries series) {
            result.soak = series;
            Thread thread = new Thread(() -> {
                for (int i = 0; i < series.samples() && !samplerStopped; i++) {
                    long wait;
                    while ((wait = series.dueMicros(i) - WallClock.nowMicros()) > 0 && !samplerStopped) {
                        java.util.concurrent.locks.LockSupport.parkNanos(Math.min(wait, 250_000) * 1_000);
                    }
                    if (samplerStopped) {
                        return;
                    }
                    long taken = WallClock.nowMicros();
                    if (!series.onTime(i, taken)) {
                        String why = "skipped: due at " + SoakSeries.clock((int) ((series.dueMicros(i) - warmupEndMicros) / 1_000_000))
                                + ", the sample before it ran until "
                                + SoakSeries.clock((int) ((taken - warmupEndMicros) / 1_000_000));
                        series.sampleFailed(i, why);
                        err.println("bench: soak sample " + (i + 1) + " " + why);
                        continue;
                    }
                    try {
                        io.deltaq.bench.driver.TopicSample sample = target.sampleTopic(topic);
                        series.topic(i, sample);
                        err.printf(Locale.ROOT, "[soak %s] live files %,d, objects %,d, log files %,d, checkpoint %s,"
                                + " cold start %.0f ms%n", SoakSeries.clock((int) ((taken - warmupEndMicros) / 1_000_000)),
                                sample.liveFiles(), sample.objects(), sample.logObjects(), sample.checkpointBytes() < 0
                                        ? "none" : String.format(Locale.ROOT, "v%d %,d B", sample.checkpointVersion(),
                                        sample.checkpointBytes()), sample.coldStartMs());
                    } catch (Exception | Error e) {
                        series.sampleFailed(i, Worker.describe(e));
                        err.println("bench: soak sample " + (i + 1) + " failed: " + Worker.describe(e));
                    }
                }
            }, "bench-soak-sampler");
            thread.setDaemon(true);
            thread.start();
            return thread;
        }

        /** Lets the last sample (due at the end of the measured time) finish, unless the run failed. */
        private void stopSampler(Thread sampler) throws InterruptedException {
            if (result.error == null) {
                long lastDue = result.soak.dueMicros(result.soak.samples() - 1);
                sampler.join(Math.max(0, lastDue - WallClock.nowMicros()) / 1000 + SAMPLE_GRACE_MS);
            }
            samplerStopped = true;
            sampler.join(SAMPLE_GRACE_MS);
        }

        private boolean awaitReady() throws InterruptedException {
            boolean producerReady = false;
            boolean consumerReady = false;
            long deadline = WallClock.nowMicros() + READY_TIMEOUT_MICROS;
            while (!(producerReady && consumerReady)) {
                WorkerHandle.Event event = events.poll(250, TimeUnit.MILLISECONDS);
                if (event != null) {
                    if (event.from() != producer && event.from() != consumer) {
                        continue; // a worker that failed and was restarted
                    }
                    if (event.line() == null || event.line().startsWith(Wire.FAIL)) {
                        String why = event.line() == null ? ended(event.from())
                                : event.from().name + " failed to start: " + event.line().substring(Wire.FAIL.length()).trim();
                        if (!restartAfterFailure(event.from() == producer, why, WallClock.nowMicros())) {
                            fail(why);
                            return false;
                        }
                        continue;
                    }
                    if (event.line().equals(Wire.READY)) {
                        producerReady |= event.from() == producer;
                        consumerReady |= event.from() == consumer;
                    }
                }
                if (WallClock.nowMicros() > deadline) {
                    fail("the workers were not ready within " + READY_TIMEOUT_MICROS / 1_000_000 + " s");
                    return false;
                }
            }
            return true;
        }

        private void handle(WorkerHandle.Event event, long now) throws IOException {
            if (event.from() != producer && event.from() != consumer) {
                return; // from a killed worker: its end, or lines it sent before it died
            }
            String line = event.line();
            boolean fromProducer = event.from() == producer;
            if (line == null) {
                if (!(fromProducer ? producerDone : consumerDone)
                        && !restartAfterFailure(fromProducer, ended(event.from()), now)) {
                    fail(ended(event.from()));
                }
                return;
            }
            int space = line.indexOf(' ');
            String verb = space < 0 ? line : line.substring(0, space);
            String body = space < 0 ? "" : line.substring(space + 1);
            switch (verb) {
                case Wire.TICK -> {
                    Map<String, String> fields = Wire.fields(body);
                    if (fromProducer) {
                        producerLastRaw = new LinkedHashMap<>(fields);
                        carryOver(fields, producerCarried);
                        producerTick(fields, now);
                    } else {
                        consumerLastRaw = new LinkedHashMap<>(fields);
                        carryOver(fields, consumerCarried);
                        consumerTick(fields, now);
                    }
                }
                case Wire.DONE -> {
                    Map<String, String> fields = Wire.fields(body);
                    carryOver(fields, fromProducer ? producerCarried : consumerCarried);
                    if (fromProducer) {
                        producerDone(fields, now);
                    } else {
                        consumerDone(fields, now);
                    }
                }
                case Wire.FAIL -> {
                    if (!restartAfterFailure(fromProducer, event.from().name + " failed: " + body, now)) {
                        fail(event.from().name + " failed: " + body);
                    }
                }
                case Wire.READY -> {
                    // A restarted worker is ready: the time to its own kill starts now.
                    if (chaos.kills() && fromProducer && nextProducerKill == Long.MAX_VALUE) {
                        nextProducerKill = nextKill(now);
                    } else if (chaos.kills() && !fromProducer && nextConsumerKill == Long.MAX_VALUE) {
                        nextConsumerKill = nextKill(now);
                    }
                }
                default -> {
                    // Unknown lines are ignored: a newer worker may say more.
                }
            }
        }

        private void producerTick(Map<String, String> fields, long now) throws IOException {
            producerTicks.add(fields);
            result.producerMemory.add(fields);
            long t = Long.parseLong(fields.get("t"));
            progress(now);
            Histogram interval = HistogramCodec.decode(fields.remove("hist"));
            // Workers record only measured messages (intended at or after the warm-up's end), so an
            // interval with samples belongs to the results even when its tick was due just before
            // the warm-up ended: ticks run late under load, and their samples with them.
            if (interval.getTotalCount() > 0) {
                result.publishDelay.add(interval);
                files.publishDelay(t, interval);
            }
        }

        private void consumerTick(Map<String, String> fields, long now) throws IOException {
            consumerTicks.add(fields);
            result.consumerMemory.add(fields);
            long t = Long.parseLong(fields.get("t"));
            Histogram interval = HistogramCodec.decode(fields.remove("hist"));
            String everyDelivery = fields.remove(Worker.HIST_ALL);
            if (everyDelivery != null) {
                result.everySecond.add(new SteadyState.Second(t, HistogramCodec.decode(everyDelivery)));
            }
            for (int i = 0; i < settings.producers(); i++) {
                String byProducer = fields.remove(Worker.HIST_OF + i);
                if (byProducer != null) { // measured messages only, as the total
                    result.latencyOf(i).add(HistogramCodec.decode(byProducer));
                }
            }
            if (settings.members() > 1) {
                groupMembers(fields, t);
            }
            if (result.soak != null) {
                result.soak.latency(t, interval);
            }
            if (t <= warmupEndMicros && interval.getTotalCount() > 0) {
                // A tick due just before the warm-up ended but taken late holds measured samples
                // (workers record only those): keep them, and let the next row's cumulative
                // percentiles show them rather than print a row at time 0.
                result.latency.add(interval);
                files.latency(Math.min(previousTickMicros, t), t, interval);
                previousTickMicros = t;
            } else if (t > warmupEndMicros) {
                result.latency.add(interval);
                files.latency(previousTickMicros, t, interval);
                Histogram cumulative = result.latency;
                RateResult.Interval row = new RateResult.Interval((t - warmupEndMicros) / 1e6, interval.getTotalCount(),
                        p(interval, 50), p(interval, 95), p(interval, 99), p(cumulative, 50), p(cumulative, 75),
                        p(cumulative, 85), p(cumulative, 95), p(cumulative, 99));
                result.intervals.add(row);
                files.csvRow(row, cumulative.getTotalCount() == 0);
                previousTickMicros = t;
                if (interval.getTotalCount() > 0) {
                    lastIntervalP99Ms = row.p99() / 1000.0;
                }
            }
            if (result.lagMessagesAtEnd < 0 && t >= endMicros) {
                long sent = producerTicks.isEmpty() ? 0 : Long.parseLong(last(producerTicks).get("sent"));
                result.lagMessagesAtEnd = Math.max(0, sent - Long.parseLong(fields.get("received")));
                long lastIntended = Long.parseLong(fields.get("lastIntended"));
                result.lagSecondsAtEnd = lastIntended <= 0 ? (t - startMicros) / 1e6 : Math.max(0, t - lastIntended) / 1e6;
            }
            progress(now);
        }

        /**
         * Keeps each member's partition counts over the measured time, and once every group's members hold
         * and have delivered every partition through its end, tells them to stop.
         */
        private void groupMembers(Map<String, String> fields, long t) {
            long all = settings.partitions() == 64 ? -1L : (1L << settings.partitions()) - 1;
            boolean everyGroup = true;
            for (int group = 0; group < settings.consumers(); group++) {
                long reached = 0;
                for (int m = 0; m < settings.members(); m++) {
                    int slot = group * settings.members() + m;
                    String held = fields.get(Worker.HELD_OF + slot);
                    if (held != null && t > warmupEndMicros && t <= endMicros + 1_000_000) {
                        result.memberPartitions(slot, Long.bitCount(Long.parseLong(held)));
                    }
                    String r = fields.get(Worker.REACHED_OF + slot);
                    reached |= r == null ? 0 : Long.parseLong(r);
                }
                everyGroup &= reached == all;
            }
            if (everyGroup && endSent != null && !groupsReachedEnd) {
                groupsReachedEnd = true;
                consumer.send(Wire.STOP);
            }
        }

        private void producerDone(Map<String, String> fields, long now) {
            producerDone = true;
            result.sent = Long.parseLong(fields.get("sent"));
            result.measuredSent = Long.parseLong(fields.get("measured"));
            result.acked = Long.parseLong(fields.get("acked"));
            result.failed = Long.parseLong(fields.get("failed"));
            result.backpressured = Long.parseLong(fields.get("backpressured"));
            long lastSend = Long.parseLong(fields.get("lastSend"));
            double sendingSeconds = Math.max(lastSend, endMicros) - warmupEndMicros;
            result.achievedRate = sendingSeconds <= 0 ? 0 : result.measuredSent / (sendingSeconds / 1e6);
            for (int i = 0; i < settings.producers(); i++) {
                String measured = fields.get(Worker.MEASURED_OF + i);
                if (measured != null && sendingSeconds > 0) {
                    result.achievedRateOf(i, Long.parseLong(measured) / (sendingSeconds / 1e6));
                }
            }
            if (chaos.kills() || settings.members() > 1) {
                // Killed producers leave messages that may or may not be in the table, and the members of a
                // group each see only their partitions: the consumers are done when they have delivered the
                // topic through where it ends now, not at a count.
                try {
                    endSent = target.end(topic);
                } catch (Exception e) {
                    fail("could not read where " + topic + " ends: " + Worker.describe(e));
                    return;
                }
                consumer.send(Wire.END + " " + Wire.formatEnd(endSent));
            } else {
                consumer.send(Wire.EXPECT + " " + result.sent);
            }
            drainDeadline = Math.max(now, endMicros) + settings.drainSeconds() * 1_000_000L;
        }

        private void consumerDone(Map<String, String> fields, long now) {
            consumerDone = true;
            result.received = Long.parseLong(fields.get("received"));
            result.deliveries = Long.parseLong(fields.get("deliveries"));
            result.caughtUp = settings.members() > 1 ? groupsReachedEnd : Boolean.parseBoolean(fields.get("caughtUp"));
            if (settings.members() > 1) {
                // A member sees some partitions only: gaps and duplicates are for the audit to count.
                result.gaps = -1;
                result.duplicates = -1;
            } else if (!chaos.kills()) {
                // With kills, restarted producers skip what fell due while they were down, and restarted
                // consumers legally see messages again after their committed position: the audit judges.
                result.gaps = Long.parseLong(fields.get("gaps"));
                result.duplicates = Long.parseLong(fields.get("duplicates"));
            }
            result.positionCommits = Figures.value(fields, "commits");
            result.positionCommitFailures = Figures.value(fields, "commitFailures");
            result.drainSeconds = Math.max(0, now - endMicros) / 1e6;
            if (!producerDone) {
                fail("the consumers finished before the producers");
            }
        }

        private void fail(String message) {
            if (result.error == null) {
                result.error = message;
                // Whoever is still running has nothing more to do.
                producer.send(Wire.STOP);
                consumer.send(Wire.STOP);
            }
        }

        private String ended(WorkerHandle worker) {
            String diagnostics = worker.diagnostics();
            return "the " + worker.name + " worker ended unexpectedly (" + worker.exitDescription() + ")"
                    + (diagnostics.isBlank() ? "" : "; its last output:\n" + diagnostics);
        }

        /** Prints a progress line once both workers have ticked for the same second (or the producers are done). */
        private void progress(long now) {
            if (consumerTicks.isEmpty() || producerTicks.isEmpty()) {
                return;
            }
            Map<String, String> fields = last(consumerTicks);
            long t = Long.parseLong(fields.get("t"));
            if (!producerDone && Long.parseLong(last(producerTicks).get("t")) != t) {
                return;
            }
            if (now - lastProgressMicros < (console ? 900_000 : 4_900_000)) {
                return;
            }
            lastProgressMicros = now;
            long sent = Long.parseLong(last(producerTicks).get("sent"));
            long received = Long.parseLong(fields.get("received"));
            long lastIntended = Long.parseLong(fields.get("lastIntended"));
            double lagSeconds = lastIntended <= 0 || producerDone ? 0 : Math.max(0, t - lastIntended) / 1e6;
            String phase = t < warmupEndMicros ? "warm-up" : t <= endMicros ? "measuring" : "draining";
            String line = String.format(Locale.ROOT,
                    "[%s %,d msg/s] %5.1f s %-9s sent %,d received %,d p99 %s lag %,d msgs / %.2f s",
                    result.driver, result.rate, (t - startMicros) / 1e6, phase, sent, received,
                    Double.isNaN(lastIntervalP99Ms) ? "-" : String.format(Locale.ROOT, "%.1f ms", lastIntervalP99Ms),
                    Math.max(0, sent - received), lagSeconds);
            if (console) {
                err.print("\r" + line + " ".repeat(Math.max(0, progressWidth - line.length())));
                progressWidth = line.length();
            } else {
                err.println(line);
            }
            err.flush();
        }

        private void endProgress() {
            if (console && progressWidth > 0) {
                err.println();
            }
        }
    }

    private static long p(Histogram histogram, double percentile) {
        return histogram.getTotalCount() == 0 ? 0 : histogram.getValueAtPercentile(percentile);
    }

    static <T> T last(List<T> list) {
        return list.get(list.size() - 1);
    }

    /** A rate's CSV and histogram logs, written as the ticks arrive. */
    static final class RateFiles implements AutoCloseable {
        private final PrintWriter csv;
        private final PrintStream latencyLogStream;
        private final PrintStream publishDelayLogStream;
        private final HistogramLogWriter latencyLog;
        private final HistogramLogWriter publishDelayLog;
        private long warmupEndMicros;
        private long previousPublishTick;
        private String heldTime;
        private String heldRow;

        RateFiles(Path dir, long rate) throws IOException {
            this.csv = new PrintWriter(Files.newBufferedWriter(dir.resolve(rate + ".csv"), StandardCharsets.UTF_8));
            this.latencyLogStream = new PrintStream(Files.newOutputStream(dir.resolve(rate + ".hlog")), false,
                    StandardCharsets.UTF_8);
            this.publishDelayLogStream = new PrintStream(Files.newOutputStream(dir.resolve(rate + "-publish-delay.hlog")),
                    false, StandardCharsets.UTF_8);
            this.latencyLog = new HistogramLogWriter(latencyLogStream);
            this.publishDelayLog = new HistogramLogWriter(publishDelayLogStream);
            csv.println("time_from_start,p50,p75,p85,p95,p99");
        }

        void start(long warmupEndMicros) {
            this.warmupEndMicros = warmupEndMicros;
            this.previousPublishTick = warmupEndMicros;
            for (HistogramLogWriter log : List.of(latencyLog, publishDelayLog)) {
                log.outputComment("values in microseconds; interval times in seconds since the end of the warm-up");
                log.outputLogFormatVersion();
                log.outputStartTime(warmupEndMicros / 1000);
                log.setBaseTime(warmupEndMicros / 1000);
                log.outputLegend();
            }
        }

        void latency(long fromMicros, long toMicros, Histogram interval) {
            latencyLog.outputIntervalHistogram((fromMicros - warmupEndMicros) / 1e6, (toMicros - warmupEndMicros) / 1e6,
                    interval, 1000.0);
        }

        void publishDelay(long toMicros, Histogram interval) {
            publishDelayLog.outputIntervalHistogram((previousPublishTick - warmupEndMicros) / 1e6,
                    (toMicros - warmupEndMicros) / 1e6, interval, 1000.0);
            previousPublishTick = toMicros;
        }

        /**
         * Rows are held back by one tick: a worker's last tick can follow its regular one by a few
         * milliseconds, and two rows at the same printed time would make the file ambiguous to plot, so
         * a row is replaced by a later one with the same printed time.
         */
        void csvRow(RateResult.Interval row, boolean empty) {
            String time = String.format(Locale.ROOT, "%.2f", row.secondsFromStart());
            if (heldRow != null && !time.equals(heldTime)) {
                csv.println(heldRow);
            }
            heldTime = time;
            // Nothing measured has arrived yet: no percentiles rather than zeros.
            heldRow = empty ? time + ",,,,," : String.format(Locale.ROOT, "%s,%.2f,%.2f,%.2f,%.2f,%.2f", time,
                    row.cumP50() / 1e6, row.cumP75() / 1e6, row.cumP85() / 1e6, row.cumP95() / 1e6, row.cumP99() / 1e6);
        }

        @Override
        public void close() {
            if (heldRow != null) {
                csv.println(heldRow);
            }
            csv.close();
            latencyLogStream.close();
            publishDelayLogStream.close();
        }
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static void deleteQuietly(Path dir) {
        try {
            io.deltaq.bench.driver.Scratch.delete(dir);
        } catch (RuntimeException e) {
            // Scratch space under the system temp directory; leaving it is harmless.
        }
    }
}

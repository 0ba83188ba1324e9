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
    }

    private static final long READY_TIMEOUT_MICROS = TimeUnit.SECONDS.toMicros(180);
    private static final long PRODUCER_DONE_GRACE_MICROS = TimeUnit.SECONDS.toMicros(180);
    private static final long STOP_GRACE_MICROS = TimeUnit.SECONDS.toMicros(60);
    private static final long START_DELAY_MICROS = 1_000_000;

    private final BenchSettings settings;
    private final PrintStream err;
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
            for (BenchDriver driver : settings.drivers()) {
                err.println("bench: starting " + driver.name() + " target ...");
                BenchTarget target = driver.openTarget(settings.target());
                targets.add(target);
                Optional<StorageFloor> floor = target.measureFloor(settings.floorSamples());
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
        result.sharedJvm = settings.inProcess();
        Files.createDirectories(dir);
        String topic;
        try {
            topic = target.createTopic("bench-" + rate + "-" + settings.target().runId());
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
        spec.put(Worker.RATE, Long.toString(rate));
        target.connection().forEach((k, v) -> spec.put(Worker.CONNECTION_PREFIX + k, v));
        spec.putAll(settings.client().toStrings());
        Map<String, String> consumerSpec = new LinkedHashMap<>(spec);
        consumerSpec.put(Worker.ROLE, Worker.CONSUMER);
        Map<String, String> producerSpec = new LinkedHashMap<>(spec);
        producerSpec.put(Worker.ROLE, Worker.PRODUCER);

        BlockingQueue<WorkerHandle.Event> events = new LinkedBlockingQueue<>();
        WorkerHandle consumer = null;
        WorkerHandle producer = null;
        try (RateFiles files = new RateFiles(dir, rate)) {
            consumer = start("consumer", driver, rate, dir, events);
            producer = start("producer", driver, rate, dir, events);
            consumer.send(Wire.encodeSpec(consumerSpec));
            producer.send(Wire.encodeSpec(producerSpec));
            new Run(result, files, producer, consumer, events).execute();
        } finally {
            if (producer != null) {
                producer.close();
            }
            if (consumer != null) {
                consumer.close();
            }
        }
        Verdicts.judge(result, settings);
        return result;
    }

    private WorkerHandle start(String role, BenchDriver driver, long rate, Path dir,
            BlockingQueue<WorkerHandle.Event> events) throws IOException {
        if (settings.inProcess()) {
            return WorkerHandle.inProcess(role, events);
        }
        List<String> jvmOptions = new ArrayList<>(settings.workerJvmOptions());
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
        private final WorkerHandle producer;
        private final WorkerHandle consumer;
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
        private int progressWidth;
        private double lastIntervalP99Ms = Double.NaN;

        Run(RateResult result, RateFiles files, WorkerHandle producer, WorkerHandle consumer,
                BlockingQueue<WorkerHandle.Event> events) {
            this.result = result;
            this.files = files;
            this.producer = producer;
            this.consumer = consumer;
            this.events = events;
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
            consumer.send(start);
            producer.send(start);
            long producerDeadline = endMicros + settings.drainSeconds() * 1_000_000L + PRODUCER_DONE_GRACE_MICROS;
            try {
                while (!(producerDone && consumerDone) && result.error == null) {
                    WorkerHandle.Event event = events.poll(250, TimeUnit.MILLISECONDS);
                    now = WallClock.nowMicros();
                    if (event != null) {
                        handle(event, now);
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
            }
            Figures.derive(result, producerTicks, consumerTicks, warmupEndMicros, endMicros);
        }

        private boolean awaitReady() throws InterruptedException {
            boolean producerReady = false;
            boolean consumerReady = false;
            long deadline = WallClock.nowMicros() + READY_TIMEOUT_MICROS;
            while (!(producerReady && consumerReady)) {
                WorkerHandle.Event event = events.poll(250, TimeUnit.MILLISECONDS);
                if (event != null) {
                    if (event.line() == null) {
                        fail(ended(event.from()));
                        return false;
                    }
                    if (event.line().startsWith(Wire.FAIL)) {
                        fail(event.from().name + " failed to start: " + event.line().substring(Wire.FAIL.length()).trim());
                        return false;
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
            String line = event.line();
            boolean fromProducer = event.from() == producer;
            if (line == null) {
                if (!(fromProducer ? producerDone : consumerDone)) {
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
                        producerTick(fields, now);
                    } else {
                        consumerTick(fields, now);
                    }
                }
                case Wire.DONE -> {
                    Map<String, String> fields = Wire.fields(body);
                    if (fromProducer) {
                        producerDone(fields, now);
                    } else {
                        consumerDone(fields, now);
                    }
                }
                case Wire.FAIL -> fail(event.from().name + " failed: " + body);
                default -> {
                    // Unknown lines are ignored: a newer worker may say more.
                }
            }
        }

        private void producerTick(Map<String, String> fields, long now) throws IOException {
            producerTicks.add(fields);
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
            long t = Long.parseLong(fields.get("t"));
            Histogram interval = HistogramCodec.decode(fields.remove("hist"));
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
            consumer.send(Wire.EXPECT + " " + result.sent);
            drainDeadline = Math.max(now, endMicros) + settings.drainSeconds() * 1_000_000L;
        }

        private void consumerDone(Map<String, String> fields, long now) {
            consumerDone = true;
            result.received = Long.parseLong(fields.get("received"));
            result.deliveries = Long.parseLong(fields.get("deliveries"));
            result.caughtUp = Boolean.parseBoolean(fields.get("caughtUp"));
            result.gaps = Long.parseLong(fields.get("gaps"));
            result.duplicates = Long.parseLong(fields.get("duplicates"));
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
    private static final class RateFiles implements AutoCloseable {
        private final PrintWriter csv;
        private final PrintStream latencyLogStream;
        private final PrintStream publishDelayLogStream;
        private final HistogramLogWriter latencyLog;
        private final HistogramLogWriter publishDelayLog;
        private long warmupEndMicros;
        private long previousPublishTick;

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

        void csvRow(RateResult.Interval row, boolean empty) {
            if (empty) {
                // Nothing measured has arrived yet: no percentiles rather than zeros.
                csv.printf(Locale.ROOT, "%.2f,,,,,%n", row.secondsFromStart());
                return;
            }
            csv.printf(Locale.ROOT, "%.2f,%.2f,%.2f,%.2f,%.2f,%.2f%n", row.secondsFromStart(), row.cumP50() / 1e6,
                    row.cumP75() / 1e6, row.cumP85() / 1e6, row.cumP95() / 1e6, row.cumP99() / 1e6);
        }

        @Override
        public void close() {
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

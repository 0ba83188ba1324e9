package io.deltaq.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import io.deltaq.cli.DeltaqMain;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Short real sweeps of both drivers (Kafka broker and embedded S3 server in this JVM): in-process,
 * and with the producers and consumers in two worker JVMs. Checks the files, their formats, and that
 * every message sent was received exactly once.
 */
class BenchSweepTest {

    /** Seconds with two decimals; no percentiles while nothing measured has arrived. */
    private static final Pattern CSV_ROW = Pattern.compile("\\d+\\.\\d{2}((,\\d+\\.\\d{2}){5}|,,,,,)");

    @TempDir
    Path dir;

    @Test
    void inProcessSweepOfBothDriversSideBySide() throws Exception {
        Path out = dir.resolve("results");
        Map<String, Object> summary = sweep(out, "--driver", "deltaq,kafka", "--rates", "1000:2000:1000", "--in-process");
        List<Map<String, Object>> rates = list(summary.get("rates"));
        assertEquals(4, rates.size());
        assertEquals(List.of("1000/deltaq", "1000/kafka", "2000/deltaq", "2000/kafka"),
                rates.stream().map(r -> r.get("rate") + "/" + r.get("driver")).toList());
        for (String driver : List.of("deltaq", "kafka")) {
            for (long rate : new long[] {1000, 2000}) {
                checkRateFiles(out.resolve(driver), rate, find(rates, driver, rate));
            }
        }
        // The CI log shows this smoke sweep's latency; it is printed, never asserted (speed is measured, not tested).
        String summaryMd = Files.readString(out.resolve("summary.md"), StandardCharsets.UTF_8);
        System.out.println(summaryMd.substring(summaryMd.indexOf("## Highest sustained rate"),
                summaryMd.indexOf("## Costs and delivery")));
        Map<String, Object> maxSustained = map(summary.get("maxSustainedRateByDriver"));
        assertEquals(List.of("deltaq", "kafka"), new ArrayList<>(maxSustained.keySet()));
        // Each driver's own steady state, found from its latency: when it began, and its figures from then.
        for (Map<String, Object> rate : rates) {
            long from = number(rate, "steadyFromSeconds");
            assertTrue(from >= 0 && from <= 4, "within the 4 s run: " + rate);
            assertTrue(((Number) rate.get("steadyP50_ms")).doubleValue() <= ((Number) rate.get("steadyP99_ms")).doubleValue(),
                    rate.toString());
        }
        String markdown = Files.readString(out.resolve("summary.md"), StandardCharsets.UTF_8);
        assertTrue(markdown.indexOf("## Highest sustained rate") < markdown.indexOf("## End-to-end latency"),
                "the headline first: " + markdown);
        assertTrue(markdown.contains("## Side by side, steady state\n"), markdown);
        Map<String, Object> deltaqTarget = map(list(summary.get("targets")).get(0));
        assertNotNull(map(deltaqTarget.get("storageFloor")).get("floorMs"));
        assertTrue(markdown.matches("(?s).*embedded S3 server .*, warmed by [1-9][0-9,]* requests over 1 s"
                + " \\(`--server-warmup`\\).*"), "the server was warmed before the floor: " + markdown);
    }

    @Test
    void separateWorkerJvms() throws Exception {
        Path out = dir.resolve("results");
        Map<String, Object> summary = sweep(out, "--driver", "deltaq,kafka", "--rates", "1000",
                "--worker-jvm-opts", "-Xms128m -Xmx512m", "--jfr");
        List<Map<String, Object>> rates = list(summary.get("rates"));
        assertEquals(2, rates.size());
        for (String driver : List.of("deltaq", "kafka")) {
            Map<String, Object> rate = find(rates, driver, 1000);
            checkRateFiles(out.resolve(driver), 1000, rate);
            assertTrue(Files.size(out.resolve(driver).resolve("logs").resolve("1000-producer.log")) >= 0);
            for (String role : List.of("producer", "consumer")) {
                Path recording = out.resolve(driver).resolve("jfr").resolve(driver + "-1000-" + role + ".jfr");
                assertTrue(Files.isRegularFile(recording) && Files.size(recording) > 0, "a flight recording at " + recording);
            }
            Map<String, Object> producerJvm = map(rate.get("producerJvm"));
            Map<String, Object> consumerJvm = map(rate.get("consumerJvm"));
            assertNotNull(producerJvm.get("allocMBps"), driver);
            assertNotNull(consumerJvm.get("gcPauseMs"), driver);
            assertTrue(((Number) producerJvm.get("cpuMicrosPerMessage")).doubleValue() > 0, producerJvm.toString());
            assertTrue(((Number) consumerJvm.get("cpuMicrosPerMessage")).doubleValue() > 0, consumerJvm.toString());
            if (driver.equals("deltaq")) {
                // Fewer bytes than the smallest object per message: the hot loops do not allocate per message.
                assertTrue(((Number) producerJvm.get("hotBytesPerMessage")).doubleValue() < 16, producerJvm.toString());
                assertTrue(((Number) consumerJvm.get("hotBytesPerMessage")).doubleValue() < 16, consumerJvm.toString());
                assertTrue(((Number) rate.get("commits")).longValue() > 0, rate.toString());
                assertTrue(((Number) rate.get("storeRequestsPerSecond")).doubleValue() > 0, rate.toString());
                // Where the time goes: every stage of the producer's and the consumer's path was timed.
                Map<String, Object> stages = map(rate.get("stages"));
                for (String stage : List.of("batching", "encode", "upload", "commit-wait", "commit", "discovery", "fetch",
                        "decode")) {
                    assertTrue(number(map(stages.get(stage)), "count") > 0, stage + " in " + stages);
                }
                assertTrue(Files.readString(out.resolve("summary.md")).contains("## Where the time goes"));
                // Every deltaq run is audited: the table read back holds what was acknowledged, once, in order.
                Map<String, Object> audit = map(rate.get("audit"));
                assertEquals(Boolean.TRUE, audit.get("clean"), audit.toString());
                assertEquals(1000L * 4, number(audit, "tableMessages"), audit.toString());
                assertEquals(1000L * 4, number(audit, "acknowledged"), audit.toString());
            }
        }
    }

    /**
     * Both drivers on topics of three partitions with two producers: every message sent is received
     * once by the consumer, which reads every partition, in order per partition and producer; deltaq's
     * audit reads every partition's table back and finds it clean.
     */
    @Test
    void inProcessSweepOfPartitionedTopics() throws Exception {
        Path out = dir.resolve("results");
        Map<String, Object> summary = sweep(out, "--driver", "deltaq,kafka", "--rates", "1000", "--in-process",
                "--partitions", "3", "--producers", "2");
        assertEquals(3L, number(summary, "partitions"));
        String markdown = Files.readString(out.resolve("summary.md"), StandardCharsets.UTF_8);
        assertTrue(markdown.contains("2 producer(s), 1 consumer(s) each reading everything; topics of 3 partitions"),
                markdown);
        assertTrue(markdown.contains("Order is checked per partition and producer"), markdown);
        List<Map<String, Object>> rates = list(summary.get("rates"));
        for (String driver : List.of("deltaq", "kafka")) {
            checkRateFiles(out.resolve(driver), 1000, find(rates, driver, 1000));
        }
        Map<String, Object> deltaq = find(rates, "deltaq", 1000);
        assertTrue(number(deltaq, "commits") > 0, deltaq.toString());
        Map<String, Object> audit = map(deltaq.get("audit"));
        assertEquals(Boolean.TRUE, audit.get("clean"), audit.toString());
        assertEquals(1000L * 4, number(audit, "tableMessages"), audit.toString());
        assertEquals(1000L * 4, number(audit, "acknowledged"), audit.toString());
        assertEquals(1000L * 4, number(audit, "deliveries"), audit.toString());
    }

    /**
     * Each producer and each group member in a JVM of its own, for both drivers: two producers on a topic
     * of four partitions, one group of two members. The members split the partitions (each holds some,
     * together all four) and between them receive every message (at least once: a rebalance may legally
     * deliver again what was not committed); each producer's rate and latency are reported; deltaq's audit
     * finds every acknowledged message in the table and delivered to the group.
     */
    @Test
    void aJvmPerProducerAndPerGroupMember() throws Exception {
        Path out = dir.resolve("results");
        Map<String, Object> summary = sweep(out, "--driver", "deltaq,kafka", "--rates", "1000", "--producers", "2",
                "--partitions", "4", "--members", "2", "--jvm-per-client", "--worker-jvm-opts", "-Xms64m -Xmx256m");
        assertEquals(Boolean.TRUE, summary.get("jvmPerClient"));
        String markdown = Files.readString(out.resolve("summary.md"), StandardCharsets.UTF_8);
        assertTrue(markdown.contains("1 consumer group(s) of 2 members, which split the partitions"), markdown);
        assertTrue(markdown.contains("each producer and each group member in a worker JVM of its own, 4 in all"), markdown);
        assertTrue(markdown.contains("## Per producer") && markdown.contains("## Group members"), markdown);
        List<Map<String, Object>> rates = list(summary.get("rates"));
        for (String driver : List.of("deltaq", "kafka")) {
            Map<String, Object> rate = find(rates, driver, 1000);
            String what = driver + ": " + rate;
            assertEquals(1000L * 4, number(rate, "sent"), what);
            assertTrue(number(rate, "received") >= number(rate, "sent"), what);
            assertEquals(Boolean.TRUE, rate.get("caughtUp"), what);
            for (String client : List.of("producer-p0", "producer-p1", "consumer-g0m0", "consumer-g0m1")) {
                assertTrue(Files.isRegularFile(out.resolve(driver).resolve("logs").resolve("1000-" + client + ".log")),
                        "a worker JVM of its own for " + client + " (" + driver + ")");
            }
            List<Map<String, Object>> producers = list(rate.get("producers"));
            assertEquals(2, producers.size(), what);
            for (Map<String, Object> producer : producers) {
                assertEquals(500.0, ((Number) producer.get("achievedRate")).doubleValue(), 50.0, what);
                assertTrue(((Number) producer.get("p99_ms")).doubleValue() > 0, what);
            }
            List<Map<String, Object>> members = list(rate.get("members"));
            assertEquals(2, members.size(), what);
            long held = 0;
            for (Map<String, Object> member : members) {
                assertTrue(number(member, "partitionsAtEnd") >= 1, "every member holds a partition: " + what);
                held += number(member, "partitionsAtEnd");
            }
            assertEquals(4L, held, "the members hold the four partitions between them: " + what);
        }
        Map<String, Object> audit = map(find(rates, "deltaq", 1000).get("audit"));
        assertEquals(Boolean.TRUE, audit.get("clean"), audit.toString());
        assertEquals(1000L * 4, number(audit, "tableMessages"), audit.toString());
        assertEquals(1000L * 4, number(audit, "acknowledged"), audit.toString());
    }

    /**
     * Two workers started as on other machines ({@code bench-worker --coordinator}, each a JVM of its own
     * that knows only the coordinator's address) run the two producers of every run; the consumer runs
     * here. Each worker serves both rates, then exits cleanly when the sweep is over.
     */
    @Test
    void remoteWorkersRunTheFirstClientsOfEachRun() throws Exception {
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        List<Process> workers = new ArrayList<>();
        try {
            for (int w = 0; w < 2; w++) {
                workers.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx256m", "-cp", System.getProperty("java.class.path"), DeltaqMain.class.getName(),
                        "bench-worker", "--coordinator", "127.0.0.1:" + port)
                        .redirectErrorStream(true).redirectOutput(dir.resolve("worker-" + w + ".log").toFile()).start());
            }
            Path out = dir.resolve("results");
            Map<String, Object> summary = sweep(out, "--rates", "500,1000", "--producers", "2", "--jvm-per-client",
                    "--remote-workers", "2", "--listen", "127.0.0.1:" + port, "--worker-jvm-opts", "-Xms64m -Xmx256m");
            String markdown = Files.readString(out.resolve("summary.md"), StandardCharsets.UTF_8);
            assertTrue(markdown.contains("the first 2 of them remote workers"), markdown);
            for (long rate : List.of(500L, 1000L)) {
                Map<String, Object> result = find(list(summary.get("rates")), "deltaq", rate);
                assertEquals(rate * 4, number(result, "sent"), result.toString());
                assertEquals(rate * 4, number(result, "received"), result.toString());
                assertEquals(2, list(result.get("producers")).size(), result.toString());
                assertFalse(Files.exists(out.resolve("logs").resolve(rate + "-producer-p0.log")),
                        "producer 0 ran remotely, not in a worker JVM of the coordinator's");
                assertTrue(Files.exists(out.resolve("logs").resolve(rate + "-consumer-g0m0.log")));
            }
            for (int w = 0; w < 2; w++) {
                Process worker = workers.get(w);
                assertTrue(worker.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "worker " + w + " exits");
                String log = Files.readString(dir.resolve("worker-" + w + ".log"));
                assertEquals(0, worker.exitValue(), log);
                assertTrue(log.contains("the coordinator's sweep is over; exiting after 2 run(s)"), log);
            }
        } finally {
            workers.forEach(Process::destroyForcibly);
        }
    }

    /** Runs a 3 s sweep after 1 s of warm-up; returns summary.json, having checked stdout and summary.md. */
    private Map<String, Object> sweep(Path out, String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("bench", "--seconds", "3", "--warmup", "1", "--drain", "30",
                "--floor-samples", "20", "--server-warmup", "1", "--out", out.toString()));
        args.addAll(List.of(extra));
        TextIo captured = new TextIo();
        int status = DeltaqMain.run(args.toArray(String[]::new), captured.io);
        assertEquals(0, status, () -> "stdout: " + captured.out() + "\nstderr: " + captured.err());
        String markdown = Files.readString(out.resolve("summary.md"), StandardCharsets.UTF_8);
        assertEquals(markdown, captured.out(), "stdout is summary.md");
        assertTrue(markdown.contains("`bin/bench " + String.join(" ", args.subList(1, args.size())) + "`"),
                "the command line as given: " + markdown);
        assertTrue(markdown.contains("| rate | driver | sent | received | achieved msg/s | p50 | p75 | p85 | p95 | p99 |"
                + " p99.9 | max | p50 / floor | steady state: from, p50 / p99 | verdict |"), markdown);
        assertTrue(markdown.contains("## Highest sustained rate"), markdown);
        assertTrue(Files.readString(out.resolve("latency-by-rate.svg")).startsWith("<svg "));
        assertTrue(captured.err().contains("msg/s]"), "a progress line: " + captured.err());
        return readJson(out.resolve("summary.json"));
    }

    private static void checkRateFiles(Path dir, long rate, Map<String, Object> result) throws IOException {
        String what = result.get("driver") + " at " + rate + ": " + result;
        long sent = number(result, "sent");
        // The pacer sends exactly rate x (warm-up + measured seconds) messages, on schedule or late.
        assertEquals(rate * 4, sent, what);
        assertEquals(sent, number(result, "received"), what);
        assertEquals(Boolean.TRUE, result.get("caughtUp"), what);
        assertEquals(0L, number(result, "gaps"), what);
        assertEquals(0L, number(result, "duplicates"), what);
        assertEquals(rate * 3, number(result, "measuredSent"), what);
        assertEquals(rate * 3, number(result, "measuredReceived"), what);
        for (String p : List.of("p50_ms", "p75_ms", "p85_ms", "p95_ms", "p99_ms", "p999_ms", "max_ms")) {
            assertTrue(((Number) result.get(p)).doubleValue() > 0, p + " of " + what);
        }
        assertTrue(((Number) result.get("p50_ms")).doubleValue() <= ((Number) result.get("p99_ms")).doubleValue());

        List<String> csv = Files.readAllLines(dir.resolve(rate + ".csv"));
        assertEquals("time_from_start,p50,p75,p85,p95,p99", csv.get(0));
        assertTrue(csv.size() >= 4, "a row per second of the 3 s measured: " + csv);
        assertTrue(CSV_ROW.matcher(csv.get(csv.size() - 1)).matches() && !csv.get(csv.size() - 1).endsWith(",,,,,"),
                "the last row has every percentile: " + csv);
        double previousTime = 0;
        for (String row : csv.subList(1, csv.size())) {
            assertTrue(CSV_ROW.matcher(row).matches(), row);
            String[] cells = row.split(",");
            double time = Double.parseDouble(cells[0]);
            assertTrue(time > previousTime, csv.toString());
            previousTime = time;
            for (int i = 2; i < cells.length && !row.endsWith(",,,,,"); i++) {
                assertTrue(Double.parseDouble(cells[i - 1]) <= Double.parseDouble(cells[i]), "percentiles ordered: " + row);
            }
        }

        // The interval log holds every measured delivery.
        long logged = 0;
        try (FileInputStream in = new FileInputStream(dir.resolve(rate + ".hlog").toFile())) {
            HistogramLogReader reader = new HistogramLogReader(in);
            EncodableHistogram interval;
            while ((interval = reader.nextIntervalHistogram()) != null) {
                logged += ((org.HdrHistogram.Histogram) interval).getTotalCount();
            }
        }
        assertEquals(rate * 3, logged, "histogram log of " + what);
        assertTrue(Files.readString(dir.resolve(rate + "-publish-delay.hlog")).contains("\"StartTimestamp\""));
        assertTrue(Files.readString(dir.resolve(rate + "-latency.svg")).contains("<polyline"));
    }

    private static Map<String, Object> find(List<Map<String, Object>> rates, String driver, long rate) {
        return rates.stream().filter(r -> driver.equals(r.get("driver")) && number(r, "rate") == rate).findFirst()
                .orElseThrow(() -> new AssertionError("no " + driver + " " + rate + " in " + rates));
    }

    static long number(Map<String, Object> map, String key) {
        Object value = map.get(key);
        assertNotNull(value, key + " in " + map);
        return ((Number) value).longValue();
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Object value) {
        assertFalse(value == null);
        return (List<Map<String, Object>>) value;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        assertNotNull(value);
        return (Map<String, Object>) value;
    }

    static Map<String, Object> readJson(Path file) throws IOException {
        return io.deltaq.bench.run.JsonTree.readObject(file);
    }
}

package io.deltaq.bench;

import static io.deltaq.bench.BenchSweepTest.list;
import static io.deltaq.bench.BenchSweepTest.map;
import static io.deltaq.bench.BenchSweepTest.readJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.deltaq.cli.DeltaqMain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 40 s soak sampled every 10 s (so that a sample may start up to 5 s late on a loaded machine),
 * in-process, on a local directory store (so that the table can be read afterwards): four rows of
 * every figure, a verdict for each, the charts, and the topic created with the soak's table
 * properties.
 */
class SoakRunTest {

    @TempDir
    Path dir;

    @Test
    void aShortSoakSamplesEveryFigureAndJudgesEach() throws Exception {
        Path out = dir.resolve("results");
        Path store = dir.resolve("store");
        TextIo captured = new TextIo();
        String[] args = {"bench", "--soak", "40s", "--soak-sample", "10", "--rates", "1000", "--warmup", "1",
                "--drain", "30", "--floor-samples", "0", "--in-process", "--store", store.toString(), "--out",
                out.toString(), "--table-property", "deltaq.retention.ms=60000"};
        int status = DeltaqMain.run(args, captured.io);
        assertEquals(0, status, () -> "stdout: " + captured.out() + "\nstderr: " + captured.err());
        String markdown = Files.readString(out.resolve("summary.md"), StandardCharsets.UTF_8);
        assertEquals(markdown, captured.out(), "stdout is summary.md");
        assertTrue(markdown.contains("## Soak"), markdown);
        assertTrue(markdown.contains("`deltaq.retention.ms=60000` (--table-property)"), markdown);
        assertTrue(markdown.contains("`deltaq.maintenance.interval.ms=10000`"), markdown);
        assertTrue(markdown.contains("**Overall: "), markdown);
        assertTrue(markdown.contains("more than 20% of the window's median"), markdown);
        for (String row : List.of("| 0:10 | ", "| 0:20 | ", "| 0:30 | ", "| 0:40 | ")) {
            assertTrue(markdown.contains(row), row + " in " + markdown);
        }
        assertTrue(captured.err().contains("[soak 0:10] live files "), captured.err());

        Map<String, Object> rate = list(readJson(out.resolve("summary.json")).get("rates")).get(0);
        Map<String, Object> soak = map(rate.get("soak"));
        assertEquals(List.of(10L, 20L, 30L, 40L), soak.get("times"));
        assertTrue(List.of("flat", "growing").contains(soak.get("overall")), soak.toString());
        assertEquals(List.of(), soak.get("sampleErrors"));
        Map<String, Object> figures = map(soak.get("figures"));
        for (String figure : List.of("liveFiles", "objects", "logFiles", "checkpointKiB", "coldStartMs",
                "producerHeapAfterGcMiB", "producerRssMiB", "consumerHeapAfterGcMiB", "consumerRssMiB", "p50Ms", "p99Ms",
                "s3RequestsPerSecond")) {
            Map<String, Object> f = map(figures.get(figure));
            List<?> values = values(f);
            assertEquals(4, values.size(), figure);
            for (Object v : values) {
                assertNotNull(v, figure + ": " + f);
                assertTrue(((Number) v).doubleValue() >= 0, figure + ": " + f);
            }
            assertTrue(List.of("flat", "growing").contains(f.get("verdict")), figure + ": " + f);
            assertTrue(Files.readString(out.resolve("soak-" + figure + ".svg")).contains("<polyline"), figure);
        }
        // 1,000 msg/s: commits keep coming, so files, objects and log files are never zero; the table's
        // objects include its log.
        List<?> live = values(map(figures.get("liveFiles")));
        List<?> objects = values(map(figures.get("objects")));
        List<?> logs = values(map(figures.get("logFiles")));
        for (int i = 0; i < 4; i++) {
            assertTrue(((Number) live.get(i)).longValue() > 0, live.toString());
            assertTrue(((Number) objects.get(i)).longValue() > ((Number) logs.get(i)).longValue(), objects + " " + logs);
        }
        assertTrue(((Number) values(map(figures.get("s3RequestsPerSecond"))).get(3)).doubleValue() > 0);
        // The topic was created with the soak's properties in version 0.
        Path versionZero;
        try (Stream<Path> files = Files.walk(store)) {
            versionZero = files.filter(p -> p.endsWith("_delta_log/00000000000000000000.json")).findFirst().orElseThrow();
        }
        String created = Files.readString(versionZero);
        assertTrue(created.contains("\"deltaq.retention.ms\":\"60000\""), created);
        assertTrue(created.contains("\"delta.deletedFileRetentionDuration\":\"interval 1 minutes\""), created);
    }

    private static List<?> values(Map<String, Object> figure) {
        Object values = figure.get("values");
        assertTrue(values instanceof List<?>, figure.toString());
        return (List<?>) values;
    }
}

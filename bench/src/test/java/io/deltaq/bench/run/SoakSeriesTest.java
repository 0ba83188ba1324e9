package io.deltaq.bench.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.deltaq.bench.driver.TopicSample;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The soak's figures from synthetic samples and ticks: periods, gauges, rates, verdicts, report. */
class SoakSeriesTest {

    private static final long WARMUP_END = 1_000_000_000L;
    private static final long SECOND = 1_000_000L;

    private static Soak soak() {
        return new Soak(60, 10, Soak.DEFAULT_TABLE_PROPERTIES, Set.of(), true);
    }

    /** A tick every second from the warm-up's end minus 2 s: requests at 100/s, RSS growing, heap after GC flat. */
    private static List<Map<String, String>> ticks(boolean growingRss) {
        List<Map<String, String>> ticks = new ArrayList<>();
        for (int s = -2; s <= 61; s++) {
            Map<String, String> tick = new LinkedHashMap<>();
            tick.put("t", Long.toString(WARMUP_END + s * SECOND));
            tick.put("storeRequests", Long.toString(1000 + 100L * s));
            tick.put("rssBytes", Long.toString((200 + (growingRss ? 10L * s : 0)) * 1048576L));
            tick.put("heapAfterGcBytes", Long.toString((s % 2 == 0 ? 40 : 60) * 1048576L));
            ticks.add(tick);
        }
        return ticks;
    }

    @Test
    void ticksFallIntoThePeriodTheyClose() {
        SoakSeries series = new SoakSeries(soak(), WARMUP_END);
        assertEquals(6, series.samples());
        assertEquals(-1, series.period(WARMUP_END));
        assertEquals(0, series.period(WARMUP_END + 1));
        assertEquals(0, series.period(WARMUP_END + 10 * SECOND));
        assertEquals(1, series.period(WARMUP_END + 10 * SECOND + 1));
        assertEquals(5, series.period(WARMUP_END + 60 * SECOND));
        assertEquals(-1, series.period(WARMUP_END + 60 * SECOND + 1), "the drain is no period's");
        assertEquals(WARMUP_END + 60 * SECOND, series.dueMicros(5));
    }

    /** Fails if a sample started long after its time is shown under that time (after the run: a table at rest). */
    @Test
    void aSampleThatCannotStartWithinHalfAPeriodOfItsTimeIsSkipped() {
        SoakSeries series = new SoakSeries(soak(), WARMUP_END);
        assertTrue(series.onTime(1, series.dueMicros(1)));
        assertTrue(series.onTime(1, series.dueMicros(1) + 5 * SECOND), "half of the 10 s period");
        assertFalse(series.onTime(1, series.dueMicros(1) + 5 * SECOND + 1));
        assertFalse(series.onTime(1, series.dueMicros(2)), "the next sample's time");
    }

    @Test
    void figuresFromSamplesAndTicks() {
        SoakSeries series = new SoakSeries(soak(), WARMUP_END);
        for (int i = 0; i < 6; i++) {
            // Live files flat at 30 after filling up, objects growing by 100 a sample.
            series.topic(i, new TopicSample(i == 0 ? 10 : 30, 100 + 100L * i, 20, i == 0 ? -1 : 10, 4096, 50 + i % 2));
            Histogram latency = HistogramCodec.empty();
            latency.recordValue(20_000);
            series.latency(series.dueMicros(i), latency);
        }
        series.finish(ticks(true), ticks(false));
        Map<String, SoakSeries.Figure> figures = new LinkedHashMap<>();
        series.figures().forEach(f -> figures.put(f.key(), f));

        assertEquals(Trend.Kind.FLAT, figures.get("liveFiles").verdict().kind());
        assertEquals(Trend.Kind.GROWING, figures.get("objects").verdict().kind());
        assertEquals(4.0, figures.get("checkpointKiB").values()[3], 1e-9);
        assertEquals(Trend.Kind.UNKNOWN, figures.get("checkpointWriteMs").verdict().kind(), "no producer reports it yet");
        assertEquals(40.0, figures.get("producerHeapAfterGcMiB").values()[2], 1e-9, "the least over the period");
        assertEquals(200 + 10 * 30, figures.get("producerRssMiB").values()[2], 1e-9, "at the period's last tick");
        assertEquals(Trend.Kind.GROWING, figures.get("producerRssMiB").verdict().kind());
        assertEquals(Trend.Kind.FLAT, figures.get("consumerRssMiB").verdict().kind());
        for (double rate : figures.get("s3RequestsPerSecond").values()) {
            assertEquals(200, rate, 1e-9, "100/s from each role's store");
        }
        assertEquals(Trend.Kind.FLAT, figures.get("s3RequestsPerSecond").verdict().kind());
        double p50 = figures.get("p50Ms").values()[4];
        assertTrue(p50 >= 19.9 && p50 <= 20.1, "20 ms within the histogram's precision: " + p50);
        assertEquals(Trend.Kind.GROWING, series.overall());
        assertTrue(series.overallLine().startsWith("**Overall: growing**: objects under the table, producer resident set"),
                series.overallLine());

        StringBuilder md = new StringBuilder();
        series.markdown(md, "on", false);
        String text = md.toString();
        assertTrue(text.contains("| 0:30 | 30.0 | 300 | 20.0 | 4.00 | n/a | 50.0 | 40.0 | 500 | 40.0 | 200 | 20.0 | 20.0 | 200 |"), text);
        assertTrue(text.contains("| objects under the table (objects) | **growing** |"), text);
        assertTrue(text.contains("`deltaq.retention.ms=120000`"), text);
        assertTrue(text.contains("Checkpoint write time: n/a"), text);
    }

    @Test
    void aFailedSampleIsReportedAndLeftOut() {
        SoakSeries series = new SoakSeries(soak(), WARMUP_END);
        for (int i = 0; i < 6; i++) {
            if (i == 2) {
                series.sampleFailed(i, "IllegalStateException: listing t/ failed");
            } else {
                series.topic(i, new TopicSample(30, 100, 20, 10, 4096, 50));
            }
        }
        series.finish(List.of(), List.of());
        assertTrue(Double.isNaN(series.figures().get(0).values()[2]));
        assertEquals(Trend.Kind.FLAT, series.figures().get(0).verdict().kind());
        StringBuilder md = new StringBuilder();
        series.markdown(md, "on", true);
        assertTrue(md.toString().contains("- 0:30: IllegalStateException: listing t/ failed"), md.toString());
        assertTrue(md.toString().contains("producer and consumer memory are the one shared JVM's"), md.toString());
    }
}

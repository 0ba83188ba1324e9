package io.deltaq.bench.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class TickMergeTest {

    private static String histogram(long... values) {
        Histogram h = HistogramCodec.empty();
        for (long v : values) {
            h.recordValue(v);
        }
        return HistogramCodec.encode(h);
    }

    @Test
    void producerTicksAddCountersAndHistogramsAndTakeTheLatestTime() {
        Map<String, String> merged = TickMerge.merge(List.of(
                Map.of("t", "2000000", "sent", "10", "lastCheckpointMs", "40", "hist", histogram(100, 200), "heapUsedBytes", "5"),
                Map.of("t", "2000150", "sent", "7", "lastCheckpointMs", "25", "hist", histogram(300), "heapUsedBytes", "6")),
                null);
        assertEquals("2000150", merged.get("t"));
        assertEquals("17", merged.get("sent"));
        assertEquals("40", merged.get("lastCheckpointMs"));
        assertEquals("11", merged.get("heapUsedBytes"), "memory of the JVMs together");
        Histogram hist = HistogramCodec.decode(merged.get("hist"));
        assertEquals(3, hist.getTotalCount());
        assertEquals(300, hist.getMaxValue(), 1);
    }

    @Test
    void consumersReceiveAsTheirGroupsSumAndTheLeastGroupDecides() {
        Map<String, String> merged = TickMerge.merge(List.of(
                Map.of("received", "30", "lastIntended", "900", "held.0", "3", "hist.1", histogram(50)),
                Map.of("received", "25", "lastIntended", "700", "held.1", "12", "hist.1", histogram(60)),
                Map.of("received", "50", "lastIntended", "800", "held.2", "15", "caughtUp", "true")),
                new int[] {0, 0, 1});
        assertEquals("50", merged.get("received"), "group 0 received 55 between its members, group 1 only 50");
        assertEquals("700", merged.get("lastIntended"), "the furthest behind");
        assertEquals("3", merged.get("held.0"));
        assertEquals("12", merged.get("held.1"));
        assertEquals("15", merged.get("held.2"));
        assertEquals(2, HistogramCodec.decode(merged.get("hist.1")).getTotalCount());
    }

    @Test
    void doneIsCaughtUpOnlyWhenEveryWorkerIs() {
        assertEquals("false", TickMerge.merge(List.of(Map.of("caughtUp", "true"), Map.of("caughtUp", "false")),
                null).get("caughtUp"));
        assertEquals("true", TickMerge.merge(List.of(Map.of("caughtUp", "true"), Map.of("caughtUp", "true")),
                null).get("caughtUp"));
    }
}

package io.deltaq.bench.run;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.deltaq.bench.driver.DeltaqDriver;
import org.HdrHistogram.Histogram;

/**
 * Merges the TICK or DONE fields of the workers of one role into the fields one worker running all
 * their clients would have sent, so that the coordinator keeps one set of books however the clients
 * are spread over JVMs.
 *
 * <ul>
 *   <li>{@code t}, {@code lastSend}, the newest checkpoint's time: the latest;</li>
 *   <li>{@code lastIntended}: the earliest (the furthest behind decides the lag);</li>
 *   <li>{@code received}: summed over the members of a consumer group, then the least of the groups,
 *       as one worker's {@code received} is the least of its consumers';</li>
 *   <li>histograms ({@code hist}, {@code histAll}, {@code hist.<producer>}, {@code stage.<name>}): added;</li>
 *   <li>{@code caughtUp}: whether every worker's is;</li>
 *   <li>everything else numeric, counters and memory gauges alike: summed over the JVMs.</li>
 * </ul>
 */
final class TickMerge {

    private TickMerge() {
    }

    /**
     * @param fields one map per worker, the same worker order as {@code groupOf}
     * @param groupOf the consumer group each worker's consumer belongs to; null for producers
     */
    static Map<String, String> merge(List<Map<String, String>> fields, int[] groupOf) {
        Map<String, String> merged = new LinkedHashMap<>();
        Map<String, Histogram> histograms = new LinkedHashMap<>();
        Map<Integer, Long> receivedByGroup = new java.util.TreeMap<>();
        for (int w = 0; w < fields.size(); w++) {
            for (Map.Entry<String, String> e : fields.get(w).entrySet()) {
                String key = e.getKey();
                String value = e.getValue();
                if (key.equals("hist") || key.equals(Worker.HIST_ALL) || key.startsWith(Worker.HIST_OF)
                        || key.startsWith(Worker.STAGE_OF)) {
                    histograms.computeIfAbsent(key, k -> HistogramCodec.empty()).add(HistogramCodec.decode(value));
                } else if (key.equals("received") && groupOf != null) {
                    receivedByGroup.merge(groupOf[w], Long.parseLong(value), Long::sum);
                } else if (key.equals("caughtUp")) {
                    merged.merge(key, value, (a, b) -> Boolean.toString(Boolean.parseBoolean(a) && Boolean.parseBoolean(b)));
                } else if (key.equals("t") || key.equals("lastSend") || key.equals(DeltaqDriver.LAST_CHECKPOINT_MS)) {
                    merged.merge(key, value, (a, b) -> Long.toString(Math.max(Long.parseLong(a), Long.parseLong(b))));
                } else if (key.equals("lastIntended")) {
                    merged.merge(key, value, (a, b) -> Long.toString(Math.min(Long.parseLong(a), Long.parseLong(b))));
                } else {
                    merged.merge(key, value, TickMerge::sum);
                }
            }
        }
        if (!receivedByGroup.isEmpty()) {
            merged.put("received", Long.toString(receivedByGroup.values().stream().mapToLong(Long::longValue).min()
                    .orElse(0)));
        }
        histograms.forEach((key, histogram) -> merged.put(key, HistogramCodec.encode(histogram)));
        return merged;
    }

    private static String sum(String a, String b) {
        try {
            return Long.toString(Long.parseLong(a) + Long.parseLong(b));
        } catch (NumberFormatException e) {
            return a; // not a number: the first worker's
        }
    }
}

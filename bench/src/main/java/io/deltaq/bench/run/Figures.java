package io.deltaq.bench.run;

import java.util.List;
import java.util.Map;

/**
 * Derives a run's measured-time figures from the workers' cumulative tick counters: the first
 * tick at or after the end of the warm-up is the baseline, the last tick at or before the end of
 * the measured time (or the last tick) the end point.
 */
final class Figures {

    private static final long TOLERANCE_MICROS = 500_000;

    private Figures() {
    }

    static void derive(RateResult result, List<Map<String, String>> producerTicks,
            List<Map<String, String>> consumerTicks, long warmupEndMicros, long endMicros) {
        Map<String, String> p0 = baseline(producerTicks, warmupEndMicros);
        Map<String, String> p1 = endPoint(producerTicks, endMicros);
        Map<String, String> c0 = baseline(consumerTicks, warmupEndMicros);
        Map<String, String> c1 = endPoint(consumerTicks, endMicros);
        if (p0 != null && p1 != null && p0 != p1) {
            double seconds = (value(p1, "t") - value(p0, "t")) / 1e6;
            result.producerJvm = jvm(p0, p1, seconds, value(p1, "sent") - value(p0, "sent"));
            if (p1.containsKey("commits")) {
                long commits = value(p1, "commits") - value(p0, "commits");
                long messages = value(p1, "committedMessages") - value(p0, "committedMessages");
                result.commits = commits;
                result.meanBatchSize = commits == 0 ? 0 : (double) messages / commits;
                result.lostRaces = value(p1, "lostRaces") - value(p0, "lostRaces");
                result.retriedBatches = value(p1, "retriedBatches") - value(p0, "retriedBatches");
            }
            if (p1.containsKey("storeRequests")) {
                long requests = value(p1, "storeRequests") - value(p0, "storeRequests");
                if (c0 != null && c1 != null && c1.containsKey("storeRequests")) {
                    requests += value(c1, "storeRequests") - value(c0, "storeRequests");
                }
                result.storeRequestsPerSecond = seconds <= 0 ? 0 : requests / seconds;
            }
        }
        if (c0 != null && c1 != null && c0 != c1) {
            double seconds = (value(c1, "t") - value(c0, "t")) / 1e6;
            result.consumerJvm = jvm(c0, c1, seconds, value(c1, "deliveries") - value(c0, "deliveries"));
        }
        stages(result, p0, p1);
        stages(result, c0, c1);
    }

    /** Each stage's times between two ticks: the cumulative histogram at the end less the one at the start. */
    private static void stages(RateResult result, Map<String, String> from, Map<String, String> to) {
        if (from == null || to == null || from == to) {
            return;
        }
        to.forEach((key, encoded) -> {
            if (!key.startsWith(Worker.STAGE_OF)) {
                return;
            }
            org.HdrHistogram.Histogram times = HistogramCodec.decode(encoded);
            String before = from.get(key);
            try {
                if (before != null) {
                    times.subtract(HistogramCodec.decode(before));
                }
                result.stages.put(key.substring(Worker.STAGE_OF.length()), times);
            } catch (IllegalArgumentException e) {
                // A client closed between the two ticks (a partition given up) took its times along: no figure.
            }
        });
    }

    /**
     * The whole run's injected faults, retries and failures, from the last tick of each role (its
     * counters carried over restarts): killed workers' figures count up to their last tick.
     */
    static void faultsAndRetries(RateResult result, List<Map<String, String>> producerTicks,
            List<Map<String, String>> consumerTicks) {
        for (List<Map<String, String>> ticks : List.of(producerTicks, consumerTicks)) {
            if (ticks.isEmpty()) {
                continue;
            }
            Map<String, String> last = Coordinator.last(ticks);
            last.forEach((k, v) -> {
                if (k.startsWith(io.deltaq.bench.driver.DeltaqDriver.FAULT_COUNTER_PREFIX)) {
                    result.faults.merge(k.substring(io.deltaq.bench.driver.DeltaqDriver.FAULT_COUNTER_PREFIX.length()),
                            Long.parseLong(v), Long::sum);
                }
            });
        }
        if (!producerTicks.isEmpty() && Coordinator.last(producerTicks).containsKey("retriedBatches")) {
            Map<String, String> last = Coordinator.last(producerTicks);
            result.totalRetriedBatches = value(last, "retriedBatches");
            result.totalLostRaces = value(last, "lostRaces");
            result.totalFailedMessages = value(last, "failedMessages");
            result.totalUnknownOutcomes = last.containsKey("unknownOutcomes") ? value(last, "unknownOutcomes") : 0;
            result.totalUnknownMessages = last.containsKey("unknownMessages") ? value(last, "unknownMessages") : 0;
            result.totalFailedCheckpoints = last.containsKey("failedCheckpoints") ? value(last, "failedCheckpoints") : 0;
        }
    }

    private static RateResult.JvmFigures jvm(Map<String, String> from, Map<String, String> to, double seconds,
            long messages) {
        double allocMBps = seconds <= 0 || !to.containsKey("allocBytes") ? Double.NaN
                : (value(to, "allocBytes") - value(from, "allocBytes")) / seconds / 1e6;
        double hotPerMessage = messages <= 0 || !to.containsKey("hotAllocBytes") ? Double.NaN
                : (double) (value(to, "hotAllocBytes") - value(from, "hotAllocBytes")) / messages;
        double cpuPerMessage = messages <= 0 || !to.containsKey("cpuNanos") || !from.containsKey("cpuNanos") ? Double.NaN
                : (value(to, "cpuNanos") - value(from, "cpuNanos")) / 1e3 / messages;
        return new RateResult.JvmFigures(value(to, "gcMs") - value(from, "gcMs"),
                value(to, "gcCount") - value(from, "gcCount"), allocMBps, hotPerMessage, cpuPerMessage);
    }

    private static Map<String, String> baseline(List<Map<String, String>> ticks, long warmupEndMicros) {
        for (Map<String, String> tick : ticks) {
            if (value(tick, "t") >= warmupEndMicros) {
                return tick;
            }
        }
        return null;
    }

    private static Map<String, String> endPoint(List<Map<String, String>> ticks, long endMicros) {
        Map<String, String> best = null;
        for (Map<String, String> tick : ticks) {
            if (value(tick, "t") <= endMicros + TOLERANCE_MICROS) {
                best = tick;
            }
        }
        return best != null ? best : ticks.isEmpty() ? null : Coordinator.last(ticks);
    }

    static long value(Map<String, String> fields, String name) {
        String text = fields.get(name);
        return text == null ? 0 : Long.parseLong(text);
    }
}

package io.deltaq.bench.run;

import java.util.ArrayList;
import java.util.List;

import org.HdrHistogram.Histogram;

/** What one run (one driver at one rate) measured, and its verdict. */
final class RateResult {

    /** One reporting interval after the warm-up: the interval's own percentiles and the cumulative ones, in µs. */
    record Interval(double secondsFromStart, long count, long p50, long p95, long p99, long cumP50, long cumP75,
            long cumP85, long cumP95, long cumP99) {
    }

    /**
     * GC, CPU and allocation of a role's worker JVMs over the measured time (summed over them when there
     * are several); CPU in microseconds of all its threads per message, NaN when unknown.
     */
    record JvmFigures(double gcPauseMs, long gcCount, double allocMBps, double hotBytesPerMessage,
            double cpuMicrosPerMessage) {
    }

    final String driver;
    final long rate;
    final int seconds;
    String error;

    long sent;
    long measuredSent;
    long acked;
    long failed;
    long backpressured;
    long received;
    long deliveries;
    int consumers;
    boolean caughtUp;
    long gaps;
    long duplicates;
    double achievedRate;

    final Histogram latency = HistogramCodec.empty();
    final Histogram publishDelay = HistogramCodec.empty();
    final List<Interval> intervals = new ArrayList<>();
    /** Every second's deliveries from the run's start, warm-up included, until the steady state is found. */
    final List<SteadyState.Second> everySecond = new ArrayList<>();
    /** Where this run's own steady state began and its latency from then; null if too little was delivered. */
    SteadyState.Result steady;

    /** By producer index: the end-to-end latency of its measured messages, and the rate it sent at. */
    final java.util.Map<Integer, Histogram> latencyByProducer = new java.util.TreeMap<>();
    final java.util.Map<Integer, Double> achievedRateByProducer = new java.util.TreeMap<>();
    /**
     * By group member ({@code group * members + member}), with several members per group: the fewest and
     * most partitions it held at a tick of the measured time, and how many at the last.
     */
    final java.util.Map<Integer, int[]> partitionsByMember = new java.util.TreeMap<>();
    /** Each producer and group member in a worker JVM of its own: memory figures are sums over them. */
    boolean jvmPerClient;

    /**
     * The clients' own stage times over the measured time, in µs, by stage name in path order (producer's
     * stages, then the consumers'); empty for a driver that has none.
     */
    final java.util.Map<String, Histogram> stages = new java.util.LinkedHashMap<>();

    long commits = -1;
    long lostRaces = -1;
    long retriedBatches = -1;
    double meanBatchSize = -1;
    double storeRequestsPerSecond = -1;
    JvmFigures producerJvm;
    JvmFigures consumerJvm;
    boolean sharedJvm;

    /** Peaks of a worker role's memory over its ticks, restarts included. */
    static final class MemoryPeaks {
        long rssBytes = -1;
        long heapUsedBytes = -1;
        long heapMaxBytes = -1;
        long directBytes = -1;

        void add(java.util.Map<String, String> tick) {
            rssBytes = Math.max(rssBytes, field(tick, "rssBytes"));
            heapUsedBytes = Math.max(heapUsedBytes, field(tick, "heapUsedBytes"));
            heapMaxBytes = Math.max(heapMaxBytes, field(tick, "heapMaxBytes"));
            directBytes = Math.max(directBytes, field(tick, "directBytes"));
        }

        boolean known() {
            return heapUsedBytes >= 0;
        }

        private static long field(java.util.Map<String, String> tick, String name) {
            String text = tick.get(name);
            return text == null ? -1 : Long.parseLong(text);
        }
    }

    /** Whether faults, kills or a slow consumer were injected. */
    boolean chaos;
    int producerRestarts;
    /** With kills: workers that failed and were restarted, why (abbreviated), in order. */
    final List<String> workerFailures = new ArrayList<>();
    int consumerRestarts;
    /** Storage faults injected, by kind, producers' and consumers' stores together, over the whole run. */
    final java.util.Map<String, Long> faults = new java.util.TreeMap<>();
    /** Over the whole run, all producers: batches tried again, lost commit races, messages failed for good; -1 unknown. */
    long totalRetriedBatches = -1;
    long totalLostRaces = -1;
    long totalFailedMessages = -1;
    /** Commit attempts whose outcome had to be settled, messages reported unknown, failed checkpoints. */
    long totalUnknownOutcomes;
    long totalUnknownMessages;
    long totalFailedCheckpoints;
    long positionCommits;
    long positionCommitFailures;
    final MemoryPeaks producerMemory = new MemoryPeaks();
    final MemoryPeaks consumerMemory = new MemoryPeaks();
    DeliveryAudit.Result audit;
    /** A soak run's figures over time; null in a sweep. */
    SoakSeries soak;

    long lagMessagesAtEnd = -1;
    double lagSecondsAtEnd = -1;
    double drainSeconds = -1;

    boolean sustained;
    String verdict = "";

    RateResult(String driver, long rate, int seconds) {
        this.driver = driver;
        this.rate = rate;
        this.seconds = seconds;
    }

    Histogram latencyOf(int producer) {
        return latencyByProducer.computeIfAbsent(producer, i -> HistogramCodec.empty());
    }

    void achievedRateOf(int producer, double rate) {
        achievedRateByProducer.put(producer, rate);
    }

    void memberPartitions(int slot, int held) {
        int[] seen = partitionsByMember.computeIfAbsent(slot, s -> new int[] {held, held, held});
        seen[0] = Math.min(seen[0], held);
        seen[1] = Math.max(seen[1], held);
        seen[2] = held;
    }

    boolean complete() {
        // With several members per group, gaps and duplicates are not counted (-1): the audit judges them.
        return error == null && caughtUp && received == sent && gaps <= 0 && duplicates <= 0;
    }

    static double ms(long micros) {
        return micros / 1000.0;
    }

    double latencyMs(double percentile) {
        return latency.getTotalCount() == 0 ? Double.NaN : ms(latency.getValueAtPercentile(percentile));
    }

    double maxLatencyMs() {
        return latency.getTotalCount() == 0 ? Double.NaN : ms(latency.getMaxValue());
    }

    double steadyMs(double percentile) {
        return steady == null || steady.latency().getTotalCount() == 0 ? Double.NaN
                : ms(steady.latency().getValueAtPercentile(percentile));
    }

    double publishDelayMs(double percentile) {
        return publishDelay.getTotalCount() == 0 ? Double.NaN : ms(publishDelay.getValueAtPercentile(percentile));
    }
}

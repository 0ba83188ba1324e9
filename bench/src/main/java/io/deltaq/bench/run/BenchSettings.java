package io.deltaq.bench.run;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import io.deltaq.bench.driver.BenchDriver;
import io.deltaq.bench.driver.ClientOptions;
import io.deltaq.bench.driver.TargetOptions;

/**
 * Everything a sweep needs, from the command line.
 *
 * @param rates messages per second, one run each (per driver)
 * @param seconds measured streaming time per rate
 * @param warmupSeconds streaming before the measured time, excluded from the results
 * @param drainSeconds how long the consumers may take to catch up after the measured time
 * @param producers producers per run, each paced at {@code rate / producers}
 * @param consumers consumer groups per run, each receiving every message
 * @param partitions partitions of each run's topic
 * @param members members of each consumer group, which split its partitions
 * @param jvmPerClient each producer and each group member in a worker JVM of its own, instead of all
 *     producers in one and all consumers in another
 * @param inProcess producers and consumers in the coordinator's JVM instead of two worker JVMs
 * @param workerJvmOptions options of the worker JVMs
 * @param floorSamples round trips of each kind for the storage floor
 * @param flightRecordings whether each worker JVM records a Java Flight Recorder profile into {@code out/jfr}
 * @param chaos faults, kills and a slow consumer, if any
 * @param remote {@code --remote-workers}: how many of the clients of a {@code jvmPerClient} run go to
 *     workers on other machines, and where they connect; empty: none
 * @param maxP99Ms {@code --max-p99}: a run whose measured p99 passes it is not sustained
 * @param maxPublishDelayMs {@code --max-publish-delay}: a run whose producers' publish delay at p50 passes it
 *     is not sustained (they could not send on schedule)
 * @param soak {@code --soak}: one long run sampled over time instead of a sweep ({@code seconds} is then
 *     the soak's duration)
 */
public record BenchSettings(List<Long> rates, int seconds, int warmupSeconds, int drainSeconds, List<BenchDriver> drivers,
        ClientOptions client, int producers, int consumers, int partitions, int members, boolean jvmPerClient,
        boolean inProcess, List<String> workerJvmOptions, TargetOptions target, Path out, int floorSamples,
        boolean flightRecordings, Chaos chaos, Optional<Remote> remote, double maxP99Ms, double maxPublishDelayMs,
        Optional<Soak> soak) {

    /** The reference's bound: a rate whose p99 passes 2 s is falling behind. */
    public static final double MAX_P99_MS_DEFAULT = 2_000;
    /** Producers half a batch interval late at the median are not keeping their schedule. */
    public static final double MAX_PUBLISH_DELAY_MS_DEFAULT = 50;

    /** Workers on other machines: the first {@code workers} clients of each run (producers first, then members). */
    public record Remote(int workers, java.net.InetSocketAddress listen) {
    }

    /** The most partitions a topic of a group with several members may have: members report theirs as 64-bit masks. */
    public static final int MAX_GROUP_PARTITIONS = 64;

    /** Settings of a sweep, not a soak, on topics of one partition. */
    public BenchSettings(List<Long> rates, int seconds, int warmupSeconds, int drainSeconds, List<BenchDriver> drivers,
            ClientOptions client, int producers, int consumers, boolean inProcess, List<String> workerJvmOptions,
            TargetOptions target, Path out, int floorSamples, boolean flightRecordings, Chaos chaos) {
        this(rates, seconds, warmupSeconds, drainSeconds, drivers, client, producers, consumers, 1, 1, false, inProcess,
                workerJvmOptions, target, out, floorSamples, flightRecordings, chaos, Optional.empty(), MAX_P99_MS_DEFAULT,
                MAX_PUBLISH_DELAY_MS_DEFAULT, Optional.empty());
    }

    /** Settings without chaos. */
    public BenchSettings(List<Long> rates, int seconds, int warmupSeconds, int drainSeconds, List<BenchDriver> drivers,
            ClientOptions client, int producers, int consumers, boolean inProcess, List<String> workerJvmOptions,
            TargetOptions target, Path out, int floorSamples, boolean flightRecordings) {
        this(rates, seconds, warmupSeconds, drainSeconds, drivers, client, producers, consumers, inProcess,
                workerJvmOptions, target, out, floorSamples, flightRecordings, Chaos.NONE);
    }
}

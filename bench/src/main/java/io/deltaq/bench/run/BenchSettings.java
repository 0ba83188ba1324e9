package io.deltaq.bench.run;

import java.nio.file.Path;
import java.util.List;

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
 * @param consumers independent consumers per run, each reading every message
 * @param inProcess producers and consumers in the coordinator's JVM instead of two worker JVMs
 * @param workerJvmOptions options of the worker JVMs
 * @param floorSamples round trips of each kind for the storage floor
 * @param flightRecordings whether each worker JVM records a Java Flight Recorder profile into {@code out/jfr}
 * @param chaos faults, kills and a slow consumer, if any
 */
public record BenchSettings(List<Long> rates, int seconds, int warmupSeconds, int drainSeconds, List<BenchDriver> drivers,
        ClientOptions client, int producers, int consumers, boolean inProcess, List<String> workerJvmOptions,
        TargetOptions target, Path out, int floorSamples, boolean flightRecordings, Chaos chaos) {

    /** Settings without chaos. */
    public BenchSettings(List<Long> rates, int seconds, int warmupSeconds, int drainSeconds, List<BenchDriver> drivers,
            ClientOptions client, int producers, int consumers, boolean inProcess, List<String> workerJvmOptions,
            TargetOptions target, Path out, int floorSamples, boolean flightRecordings) {
        this(rates, seconds, warmupSeconds, drainSeconds, drivers, client, producers, consumers, inProcess,
                workerJvmOptions, target, out, floorSamples, flightRecordings, Chaos.NONE);
    }
}

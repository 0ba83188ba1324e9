package io.deltaq.bench.driver;

/**
 * What a topic costs in storage at one moment, for the soak benchmark.
 *
 * @param liveFiles data files in the latest snapshot
 * @param objects every object under the table's prefix (data, log, checkpoints, positions, leases,
 *     and files removed but not yet vacuumed)
 * @param logObjects objects under {@code _delta_log/}
 * @param checkpointVersion the newest checkpoint's version, or -1 when there is none
 * @param checkpointBytes the newest checkpoint's size in storage (all its parts), or -1 when there is none
 * @param coldStartMs how long a new consumer starting at the head takes to open and resolve its start
 */
public record TopicSample(long liveFiles, long objects, long logObjects, long checkpointVersion, long checkpointBytes,
        double coldStartMs) {
}

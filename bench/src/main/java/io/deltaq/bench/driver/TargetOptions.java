package io.deltaq.bench.driver;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the sweep runs, from the command line.
 *
 * @param endpoint {@code --endpoint}: an S3-compatible service; empty with {@code bucket} means AWS
 * @param bucket {@code --bucket}; empty means the embedded S3 server (unless {@code storeDir})
 * @param region {@code --region}
 * @param s3LatencyMs {@code --s3-latency-ms}: delay added to every operation of the embedded server
 * @param serverWarmupSeconds {@code --server-warmup}: how long requests warm the embedded server before
 *     anything is measured
 * @param storeDir {@code --store}: a local directory instead of S3
 * @param runId names this sweep's prefix in a shared bucket
 * @param workDir scratch space for brokers and servers, deleted after the sweep
 */
public record TargetOptions(Optional<URI> endpoint, Optional<String> bucket, Optional<String> region, int s3LatencyMs,
        int serverWarmupSeconds, Optional<Path> storeDir, String runId, Path workDir) {
}

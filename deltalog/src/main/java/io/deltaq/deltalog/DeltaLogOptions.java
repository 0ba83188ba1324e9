package io.deltaq.deltalog;

import io.deltaq.s3io.RetryPolicy;
import java.io.InputStream;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;

/**
 * Settings of the Delta log layer, each with its default and its validation. Immutable; build with
 * {@link #builder()}.
 */
public final class DeltaLogOptions {

    /**
     * Checkpoint interval used when the table does not set {@code delta.checkpointInterval}, and
     * written into the configuration of tables deltaq creates. Delta's own default is 10, chosen for
     * tables with few, large commits. A queue commits many small batches (tens per second per
     * producer), a checkpoint rewrites every live file, and queue readers tail the log instead of
     * rebuilding snapshots; a snapshot (needed only when a producer or consumer starts) then replays
     * at most 100 small commits, fetched in parallel. So 100.
     */
    public static final int DEFAULT_CHECKPOINT_INTERVAL = 100;

    /** Upper bound on one storage round trip before it is reported as a failure. */
    public static final Duration DEFAULT_IO_TIMEOUT = Duration.ofSeconds(30);

    /** Keys requested per listing page. */
    public static final int DEFAULT_LIST_PAGE_SIZE = 1000;

    /** Commit and checkpoint files fetched concurrently while replaying the log. */
    public static final int DEFAULT_MAX_CONCURRENT_READS = 16;

    /** Versions a commit may try (lost races included) before giving up. */
    public static final int DEFAULT_MAX_COMMIT_ATTEMPTS = 1000;

    /**
     * Conditional creates (version 0, commits) whose attempts left nothing at the key: tried again up
     * to 5 times, backoff from 10 ms doubling to 1 s (at most 150 ms of waiting in all).
     */
    public static final RetryPolicy DEFAULT_CREATE_RETRY = RetryPolicy.of(5, 10, 1_000);

    /**
     * Reads (GET, LIST) of the table's files that failed with a fault that passes, after the store's
     * own retries: sent up to 4 times in all, backoff from 20 ms doubling to 1 s. A snapshot that
     * replays a hundred commits then fails only when one read keeps failing.
     */
    public static final RetryPolicy DEFAULT_READ_RETRY = RetryPolicy.of(4, 20, 1_000);

    /**
     * The most bytes one read of a log file, a checkpoint or a data file may bring into memory: a
     * larger object, by its {@code Content-Length} or its body, is refused with an error naming the
     * file, the size and this bound, before it is allocated. Far above what deltaq writes (a data file
     * holds one batch, 32 MiB by default), it keeps a hostile server or log from exhausting memory.
     */
    public static final int DEFAULT_MAX_READ_BYTES = 512 << 20;

    private static final DeltaLogOptions DEFAULTS = builder().build();

    private final int defaultCheckpointInterval;
    private final long ioTimeoutMs;
    private final int listPageSize;
    private final int maxConcurrentReads;
    private final int maxCommitAttempts;
    private final int maxReadBytes;
    private final RetryPolicy createRetry;
    private final RetryPolicy readRetry;
    private final boolean allowPathsOutsideTable;
    private final String tableUri;
    private final String engineInfo;

    private DeltaLogOptions(Builder b) {
        this.defaultCheckpointInterval = b.defaultCheckpointInterval;
        this.ioTimeoutMs = b.ioTimeout.toMillis();
        this.listPageSize = b.listPageSize;
        this.maxConcurrentReads = b.maxConcurrentReads;
        this.maxCommitAttempts = b.maxCommitAttempts;
        this.maxReadBytes = b.maxReadBytes;
        this.createRetry = b.createRetry;
        this.readRetry = b.readRetry;
        this.allowPathsOutsideTable = b.allowPathsOutsideTable;
        this.tableUri = b.tableUri;
        this.engineInfo = b.engineInfo;
    }

    public static DeltaLogOptions defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    public int defaultCheckpointInterval() {
        return defaultCheckpointInterval;
    }

    public Duration ioTimeout() {
        return Duration.ofMillis(ioTimeoutMs);
    }

    long ioTimeoutMs() {
        return ioTimeoutMs;
    }

    public int listPageSize() {
        return listPageSize;
    }

    public int maxConcurrentReads() {
        return maxConcurrentReads;
    }

    public int maxCommitAttempts() {
        return maxCommitAttempts;
    }

    /** The most bytes one read of a log, checkpoint or data file may take; see {@link #DEFAULT_MAX_READ_BYTES}. */
    public int maxReadBytes() {
        return maxReadBytes;
    }

    /** How conditional creates whose attempts left nothing at the key are retried. */
    public RetryPolicy createRetry() {
        return createRetry;
    }

    /** How reads of the table's files that failed with a fault that passes are sent again. */
    public RetryPolicy readRetry() {
        return readRetry;
    }

    public boolean allowPathsOutsideTable() {
        return allowPathsOutsideTable;
    }

    /** The table root as a URI (e.g. {@code s3://bucket/topics/orders}), or null when unknown. */
    public String tableUri() {
        return tableUri;
    }

    public String engineInfo() {
        return engineInfo;
    }

    /** Builds {@link DeltaLogOptions}; every setter validates its argument. */
    public static final class Builder {
        private int defaultCheckpointInterval = DEFAULT_CHECKPOINT_INTERVAL;
        private Duration ioTimeout = DEFAULT_IO_TIMEOUT;
        private int listPageSize = DEFAULT_LIST_PAGE_SIZE;
        private int maxConcurrentReads = DEFAULT_MAX_CONCURRENT_READS;
        private int maxCommitAttempts = DEFAULT_MAX_COMMIT_ATTEMPTS;
        private int maxReadBytes = DEFAULT_MAX_READ_BYTES;
        private RetryPolicy createRetry = DEFAULT_CREATE_RETRY;
        private RetryPolicy readRetry = DEFAULT_READ_RETRY;
        private boolean allowPathsOutsideTable;
        private String tableUri;
        private String engineInfo = "deltaq/" + libraryVersion();

        private Builder() {
        }

        /** Checkpoint every this many commits when the table sets no {@code delta.checkpointInterval}. */
        public Builder defaultCheckpointInterval(int commits) {
            if (commits < 1) {
                throw new IllegalArgumentException("defaultCheckpointInterval must be >= 1, was " + commits);
            }
            this.defaultCheckpointInterval = commits;
            return this;
        }

        /** Longest wait for one storage round trip (timeouts fail the operation, naming the file). */
        public Builder ioTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("ioTimeout must be positive, was " + timeout);
            }
            this.ioTimeout = timeout;
            return this;
        }

        public Builder listPageSize(int keys) {
            if (keys < 1 || keys > 1000) {
                throw new IllegalArgumentException("listPageSize must be 1..1000, was " + keys);
            }
            this.listPageSize = keys;
            return this;
        }

        public Builder maxConcurrentReads(int reads) {
            if (reads < 1) {
                throw new IllegalArgumentException("maxConcurrentReads must be >= 1, was " + reads);
            }
            this.maxConcurrentReads = reads;
            return this;
        }

        public Builder maxCommitAttempts(int attempts) {
            if (attempts < 1) {
                throw new IllegalArgumentException("maxCommitAttempts must be >= 1, was " + attempts);
            }
            this.maxCommitAttempts = attempts;
            return this;
        }

        /** Default {@link #DEFAULT_MAX_READ_BYTES}. */
        public Builder maxReadBytes(int bytes) {
            if (bytes < 1024) {
                throw new IllegalArgumentException("maxReadBytes must be >= 1024, was " + bytes);
            }
            this.maxReadBytes = bytes;
            return this;
        }

        /** Default {@link #DEFAULT_READ_RETRY}; {@code RetryPolicy.of(1, 0, 0)} sends each read once. */
        public Builder readRetry(RetryPolicy retry) {
            this.readRetry = Objects.requireNonNull(retry, "retry");
            return this;
        }

        /** Default {@link #DEFAULT_CREATE_RETRY}. */
        public Builder createRetry(RetryPolicy retry) {
            this.createRetry = Objects.requireNonNull(retry, "retry");
            return this;
        }

        /**
         * Accept data file paths that leave the table root (absolute URIs elsewhere, {@code ..}
         * escapes). Off by default: such a log could make a reader fetch arbitrary objects.
         */
        public Builder allowPathsOutsideTable(boolean allow) {
            this.allowPathsOutsideTable = allow;
            return this;
        }

        /** The table root as an absolute URI, so that absolute data file paths inside it are accepted. */
        public Builder tableUri(String uri) {
            this.tableUri = uri;
            return this;
        }

        /** The {@code engineInfo} written into {@code commitInfo}; default {@code deltaq/<version>}. */
        public Builder engineInfo(String engineInfo) {
            this.engineInfo = Objects.requireNonNull(engineInfo, "engineInfo");
            return this;
        }

        public DeltaLogOptions build() {
            return new DeltaLogOptions(this);
        }
    }

    /** The version from the jar's Maven metadata, or {@code dev} when running from classes. */
    static String libraryVersion() {
        try (InputStream in = DeltaLogOptions.class.getResourceAsStream(
                "/META-INF/maven/io.deltaq/deltaq-deltalog/pom.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version");
                if (v != null && !v.isBlank()) {
                    return v;
                }
            }
        } catch (java.io.IOException ignored) {
            // fall through: the version is informational only
        }
        return "dev";
    }
}

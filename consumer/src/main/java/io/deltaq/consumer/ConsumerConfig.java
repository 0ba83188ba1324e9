package io.deltaq.consumer;

import io.deltaq.deltalog.DeltaLogOptions;
import io.deltaq.deltalog.MessageLimits;
import io.deltaq.s3io.ObjectStores;
import io.deltaq.s3io.RetryPolicy;
import io.deltaq.s3io.config.ConfigDef;
import io.deltaq.s3io.config.ConfigDef.Type;
import io.deltaq.s3io.config.ConfigException;
import java.util.Map;
import java.util.regex.Pattern;
import org.agrona.BitUtil;

/**
 * The consumer's configuration: every name with its type, default, validation and meaning, in one
 * place. Pass a {@code Map<String, ?>} of these names to {@link Consumer}; values may be typed or
 * strings. {@link #toMarkdown()} renders the table for documentation.
 */
public final class ConsumerConfig {

    /**
     * Where a consumer without a committed position begins: {@code earliest}, {@code latest}, a table
     * version, or an ISO-8601 instant (e.g. {@code 2024-05-01T12:00:00Z}).
     */
    public static final String START = "start";
    public static final String START_DEFAULT = "earliest";
    private static final String START_DOC = "Where a consumer without a committed position begins. 'earliest': the "
            + "log start version, the oldest whose rows the table still holds (version 0 until maintenance expires "
            + "rows or cleans up the log; rows of compacted versions are read from their compacted files). 'latest': only commits made after the consumer started (if the table did not "
            + "exist yet, that is all of them). A number N: version N, row 0 (a version beyond the latest is "
            + "waited for). An ISO-8601 instant with zone or offset (2024-05-01T12:00:00Z): the first commit "
            + "whose commitInfo timestamp (inCommitTimestamp when present) is at or after it; commit timestamps "
            + "are assumed not to decrease. A committed position of consumer.name overrides this.";

    /**
     * Longest wait between two GETs of the next commit while the table is idle. For the first few misses
     * after a found commit the wait is {@link #POLL_INTERVAL_MIN_MS}; after that it doubles up to this.
     */
    public static final String POLL_INTERVAL_MS = "poll.interval.ms";
    public static final long POLL_INTERVAL_MS_DEFAULT = 100;
    private static final String POLL_INTERVAL_MS_DOC = "Longest wait after a GET finds no new commit before the "
            + "next GET, reached while the table stays idle. While commits keep coming the next GET is always in "
            + "flight, so this only matters after a quiet period: it bounds the extra latency of the first commit "
            + "after one, and it sets the idle cost: 100 ms is 10 GETs/s, about 864,000 a day per consumer, "
            + "about $0.35/day at S3 Standard's $0.0004 per 1,000 GETs.";

    /** The wait after a GET found no new commit, for the first few misses after a find; then doubled on each miss. */
    public static final String POLL_INTERVAL_MIN_MS = "poll.interval.min.ms";
    public static final long POLL_INTERVAL_MIN_MS_DEFAULT = 1;
    private static final String POLL_INTERVAL_MIN_MS_DOC = "Wait after a GET finds no new commit, for the first 8 "
            + "misses after a found commit (within poll.interval.ms of it); after that each further miss doubles the "
            + "wait up to poll.interval.ms, and a found commit resets it. A producer committing every few "
            + "milliseconds is then followed within about this interval plus one GET, at a few misses per commit. "
            + "1 ms follows a busy table about 3 ms sooner than 5 ms on fast storage, for about a quarter more GETs "
            + "while it is busy (docs/performance.md); on S3 a GET's own round trip dominates either way. Set it "
            + "equal to poll.interval.ms for a fixed interval.";

    /** How many commits' data files may be fetched and decoded ahead of delivery. */
    public static final String PREFETCH_COMMITS = "prefetch.commits";
    public static final int PREFETCH_COMMITS_DEFAULT = 8;
    private static final String PREFETCH_COMMITS_DOC = "Commits read ahead of the one being delivered; the data "
            + "files of all of them are fetched in parallel as soon as their commit is read. Memory held is up to "
            + "this many commits' data files. 1 reads one commit at a time.";

    /** Capacity in bytes of the ring between the tailer and the application; a power of two. */
    public static final String BUFFER_BYTES = "buffer.bytes";
    public static final int BUFFER_BYTES_DEFAULT = 8 << 20;
    private static final String BUFFER_BYTES_DOC = "Capacity of the ring buffer that holds decoded messages "
            + "between the tailer thread and poll(); a power of two. Each message takes "
            + RingRecordDescriptor.HEADER_LENGTH + " bytes + key + value + headers + 8 bytes of ring header, rounded up to"
            + " 8. A message's key, value and headers may take up to buffer.bytes / 8 minus " + RingRecordDescriptor.HEADER_LENGTH
            + " bytes (about 1 MiB at the default), and must take max.message.bytes; a larger message (from a producer"
            + " with a larger max.message.bytes) stops the consumer with an error naming it.";

    /** Most messages one {@code poll(Duration)} returns. */
    public static final String MAX_POLL_RECORDS = "max.poll.records";
    public static final int MAX_POLL_RECORDS_DEFAULT = 500;
    private static final String MAX_POLL_RECORDS_DOC = "Most records one poll(Duration) returns.";

    /** Optional name under which positions are committed; a restarted consumer of that name resumes. */
    public static final String CONSUMER_NAME = "consumer.name";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,200}");
    private static final String CONSUMER_NAME_DOC = "Name under which commitSync() stores positions, in "
            + "_deltaq/consumers/<name>/ under the table root (outside _delta_log, so Delta readers ignore it). "
            + "A consumer with a committed position resumes from it instead of 'start'. Letters, digits, '.', "
            + "'_', '-'. Unset: positions cannot be committed.";

    /** How long a consumer started before its table exists waits for it. */
    public static final String TABLE_WAIT_TIMEOUT_MS = "table.wait.timeout.ms";
    public static final long TABLE_WAIT_TIMEOUT_MS_DEFAULT = 60_000;
    private static final String TABLE_WAIT_TIMEOUT_MS_DOC = "How long a consumer whose table does not exist yet "
            + "waits for it (checking every poll.interval.ms) before failing with an error naming the table. "
            + "0 fails at once.";

    /** What to do with a commit that deletes or rewrites rows. */
    public static final String REWRITE_POLICY = "rewrite.policy";
    public static final String REWRITE_POLICY_FAIL = "fail";
    public static final String REWRITE_POLICY_SKIP = "skip";
    private static final String REWRITE_POLICY_DOC = "A commit with a 'remove' of dataChange true (DELETE, "
            + "UPDATE, MERGE) deletes or rewrites rows; its re-added rows are not new messages. 'fail': stop with a RewriteCommitException naming the version, after delivering "
            + "everything before it (seek past it to go on). 'skip': deliver nothing of that commit and go on. "
            + "Compactions (dataChange false) and deltaq retentions (operationParameters deltaq.maintenance = "
            + "retention, removes only) are always passed over.";

    /** What to do when the position lies before the log start (its rows expired and their files are gone). */
    public static final String AUTO_OFFSET_RESET = "auto.offset.reset";
    public static final String AUTO_OFFSET_RESET_NONE = "none";
    public static final String AUTO_OFFSET_RESET_EARLIEST = "earliest";
    public static final String AUTO_OFFSET_RESET_LATEST = "latest";
    private static final String AUTO_OFFSET_RESET_DOC = "What to do when the position (committed, sought, or "
            + "reached while tailing) lies before the log start version, the oldest version whose rows the table "
            + "still holds: retention removed them and vacuum or log cleanup removed their files or commits. "
            + "'none': poll() throws a PositionOutOfRangeException naming the position and the log start, after "
            + "delivering everything before it. 'earliest': go on at the log start version, row 0. 'latest': go on "
            + "with the commits made after the latest version.";

    /** Bound on the calls that wait: position() before the start is known, and commitSync(). */
    public static final String DEFAULT_API_TIMEOUT_MS = "default.api.timeout.ms";
    public static final long DEFAULT_API_TIMEOUT_MS_DEFAULT = 60_000;
    private static final String DEFAULT_API_TIMEOUT_MS_DOC = "Longest wait of position() (while the start "
            + "position is being resolved) and of commitSync().";

    /**
     * Retries of a position write whose attempts left nothing at the key: {@code position.retry.max.attempts},
     * {@code position.retry.backoff.ms}, {@code position.retry.backoff.max.ms}.
     */
    public static final String POSITION_RETRY = "position.retry";
    private static final RetryPolicy POSITION_RETRY_DEFAULT = RetryPolicy.of(3, 10, 1_000);

    /**
     * How long the consumer's reads (the log, data files, committed positions) keep retrying faults
     * that pass, such as throttling, server errors, 409 conflicts and timeouts, before the consumer
     * fails: {@code read.retry.timeout.ms}, with backoff {@code read.retry.backoff.ms} doubling up to
     * {@code read.retry.backoff.max.ms}.
     */
    public static final String READ_RETRY = "read.retry";
    public static final String READ_RETRY_TIMEOUT_MS = READ_RETRY + ".timeout.ms";
    public static final String READ_RETRY_BACKOFF_MS = READ_RETRY + ".backoff.ms";
    public static final String READ_RETRY_BACKOFF_MAX_MS = READ_RETRY + ".backoff.max.ms";
    public static final long READ_RETRY_TIMEOUT_MS_DEFAULT = 60_000;
    private static final String READ_RETRY_TIMEOUT_MS_DOC = "How long a read of the consumer (a commit, a data "
            + "file, the committed position, the start) keeps being retried while storage answers with faults that "
            + "pass (503 SlowDown and other throttling, 5xx, 409, timeouts, broken connections; each already retried "
            + "by the store under store.retry.*), counted from its first failure. The consumer then fails with an "
            + "error naming the read. Other failures (access denied, a missing or corrupt file) fail at once. "
            + "0 disables these retries.";

    /** The definitions, in documentation order. */
    public static final ConfigDef DEFINITION = RetryPolicy.define(new ConfigDef()
            .define(START, Type.STRING, START_DEFAULT, ConfigDef.validator("earliest, latest, a version, an ISO-8601 instant",
                            value -> StartPosition.problem(value.toString())), START_DOC)
            .define(POLL_INTERVAL_MS, Type.LONG, POLL_INTERVAL_MS_DEFAULT, ConfigDef.between(1, 3_600_000),
                    POLL_INTERVAL_MS_DOC)
            .define(POLL_INTERVAL_MIN_MS, Type.LONG, POLL_INTERVAL_MIN_MS_DEFAULT, ConfigDef.validator("[1, ..., poll.interval.ms]",
                            ConfigDef.between(1, 3_600_000)::check), POLL_INTERVAL_MIN_MS_DOC)
            .define(PREFETCH_COMMITS, Type.INT, PREFETCH_COMMITS_DEFAULT, ConfigDef.between(1, 1024),
                    PREFETCH_COMMITS_DOC)
            .define(BUFFER_BYTES, Type.INT, BUFFER_BYTES_DEFAULT, ConfigDef.validator(
                    "a power of two in [1024, ..., 1073741824]", ConsumerConfig::checkBufferBytes), BUFFER_BYTES_DOC)
            .define(MAX_POLL_RECORDS, Type.INT, MAX_POLL_RECORDS_DEFAULT, ConfigDef.between(1, 1_000_000),
                    MAX_POLL_RECORDS_DOC)
            .define(CONSUMER_NAME, Type.STRING, null,
                    ConfigDef.validator("[A-Za-z0-9._-]{1,200}, not '.' or '..'",
                            value -> NAME.matcher(value.toString()).matches() && !value.equals(".") && !value.equals("..")
                                    ? null : "must be 1-200 of A-Z a-z 0-9 . _ - (and not '.' or '..')"),
                    CONSUMER_NAME_DOC)
            .define(TABLE_WAIT_TIMEOUT_MS, Type.LONG, TABLE_WAIT_TIMEOUT_MS_DEFAULT, ConfigDef.atLeast(0),
                    TABLE_WAIT_TIMEOUT_MS_DOC)
            .define(REWRITE_POLICY, Type.STRING, REWRITE_POLICY_FAIL,
                    ConfigDef.oneOf(REWRITE_POLICY_FAIL, REWRITE_POLICY_SKIP), REWRITE_POLICY_DOC)
            .define(AUTO_OFFSET_RESET, Type.STRING, AUTO_OFFSET_RESET_NONE, ConfigDef.oneOf(AUTO_OFFSET_RESET_NONE,
                    AUTO_OFFSET_RESET_EARLIEST, AUTO_OFFSET_RESET_LATEST), AUTO_OFFSET_RESET_DOC)
            .define(DEFAULT_API_TIMEOUT_MS, Type.LONG, DEFAULT_API_TIMEOUT_MS_DEFAULT, ConfigDef.atLeast(1),
                    DEFAULT_API_TIMEOUT_MS_DOC)
            .define(READ_RETRY_TIMEOUT_MS, Type.LONG, READ_RETRY_TIMEOUT_MS_DEFAULT, ConfigDef.between(0, 86_400_000),
                    READ_RETRY_TIMEOUT_MS_DOC)
            .define(READ_RETRY_BACKOFF_MS, Type.LONG, 50L, ConfigDef.between(0, 3_600_000),
                    "Cap of the first wait before a failed read is retried; each later cap doubles up to "
                            + READ_RETRY_BACKOFF_MAX_MS + ", the wait random below it (full jitter).")
            .define(READ_RETRY_BACKOFF_MAX_MS, Type.LONG, 2_000L, ConfigDef.between(0, 3_600_000),
                    "Largest backoff cap of a failed read's retries: after a fault passes, reading resumes within "
                            + "about this long."),
            POSITION_RETRY, POSITION_RETRY_DEFAULT,
            "a committed position's write (commitSync) whose attempts left nothing at the key")
            .include(MessageLimits.DEFINITION)
            .include(ObjectStores.DEFINITION);

    private final StartPosition start;
    private final long pollIntervalMs;
    private final long pollIntervalMinMs;
    private final int prefetchCommits;
    private final int bufferBytes;
    private final int maxMessageBytes;
    private final DeltaLogOptions tableOptions;
    private final int maxPollRecords;
    private final String consumerName;
    private final long tableWaitTimeoutMs;
    private final boolean skipRewrites;
    private final long defaultApiTimeoutMs;
    private final OffsetReset offsetReset;
    private final Map<String, Object> storeOverrides;
    private final RetryPolicy positionRetry;
    private final RetryPolicy readRetry;
    private final long readRetryTimeoutMs;

    /**
     * Parses and validates {@code props}.
     *
     * @throws ConfigException naming the key and the problem for an unknown key or an invalid value
     */
    public ConsumerConfig(Map<String, ?> props) {
        Map<String, Object> v = DEFINITION.parse(props, "consumer configuration");
        this.start = StartPosition.parse((String) v.get(START));
        this.pollIntervalMs = (Long) v.get(POLL_INTERVAL_MS);
        this.pollIntervalMinMs = (Long) v.get(POLL_INTERVAL_MIN_MS);
        if (pollIntervalMinMs > pollIntervalMs) {
            throw new ConfigException("consumer configuration: '" + POLL_INTERVAL_MIN_MS + "' (" + pollIntervalMinMs
                    + ") must not exceed '" + POLL_INTERVAL_MS + "' (" + pollIntervalMs + ")");
        }
        this.prefetchCommits = (Integer) v.get(PREFETCH_COMMITS);
        this.bufferBytes = (Integer) v.get(BUFFER_BYTES);
        this.maxMessageBytes = (Integer) v.get(MessageLimits.MAX_MESSAGE_BYTES);
        this.tableOptions = MessageLimits.tableOptions(v);
        // A message the producer accepts must be deliverable: the ring takes records of at most an
        // eighth of its capacity (Agrona's maxMsgLength()), each with its header.
        int ringRecordMax = bufferBytes >> 3;
        if ((long) maxMessageBytes + RingRecordDescriptor.HEADER_LENGTH > ringRecordMax) {
            throw new ConfigException("consumer configuration: '" + BUFFER_BYTES + "' (" + bufferBytes + ") delivers"
                    + " messages of at most " + (ringRecordMax - RingRecordDescriptor.HEADER_LENGTH) + " key, value and headers"
                    + " bytes, fewer than '" + MessageLimits.MAX_MESSAGE_BYTES + "' (" + maxMessageBytes + "); raise '"
                    + BUFFER_BYTES + "' to at least "
                    + MessageLimits.ringBytesFor(maxMessageBytes, RingRecordDescriptor.HEADER_LENGTH)
                    + " or lower '" + MessageLimits.MAX_MESSAGE_BYTES + "' (on the producers too)");
        }
        this.maxPollRecords = (Integer) v.get(MAX_POLL_RECORDS);
        this.consumerName = (String) v.get(CONSUMER_NAME);
        this.tableWaitTimeoutMs = (Long) v.get(TABLE_WAIT_TIMEOUT_MS);
        this.skipRewrites = REWRITE_POLICY_SKIP.equalsIgnoreCase((String) v.get(REWRITE_POLICY));
        this.defaultApiTimeoutMs = (Long) v.get(DEFAULT_API_TIMEOUT_MS);
        this.offsetReset = OffsetReset.valueOf(((String) v.get(AUTO_OFFSET_RESET)).toUpperCase(java.util.Locale.ROOT));
        this.storeOverrides = ObjectStores.DEFINITION.subset(props);
        this.positionRetry = RetryPolicy.from(v, POSITION_RETRY);
        long readBackoff = (Long) v.get(READ_RETRY_BACKOFF_MS);
        long readBackoffMax = (Long) v.get(READ_RETRY_BACKOFF_MAX_MS);
        if (readBackoffMax < readBackoff) {
            throw new ConfigException("consumer configuration: '" + READ_RETRY_BACKOFF_MAX_MS + "' (" + readBackoffMax
                    + ") must not be below '" + READ_RETRY_BACKOFF_MS + "' (" + readBackoff + ")");
        }
        // Attempts are bounded by the time budget, not counted.
        this.readRetry = RetryPolicy.of(Integer.MAX_VALUE, readBackoff, readBackoffMax);
        this.readRetryTimeoutMs = (Long) v.get(READ_RETRY_TIMEOUT_MS);
    }

    private static String checkBufferBytes(Object value) {
        int v = (Integer) value;
        return v >= 1024 && v <= (1 << 30) && BitUtil.isPowerOfTwo(v) ? null
                : "must be a power of two between 1024 and 1073741824";
    }

    StartPosition start() {
        return start;
    }

    public long pollIntervalMs() {
        return pollIntervalMs;
    }

    public long pollIntervalMinMs() {
        return pollIntervalMinMs;
    }

    public int prefetchCommits() {
        return prefetchCommits;
    }

    /** The smallest {@value #BUFFER_BYTES} (a power of two) whose ring delivers a message of {@code maxMessageBytes}. */
    public static int minBufferBytes(int maxMessageBytes) {
        return (int) MessageLimits.ringBytesFor(maxMessageBytes, RingRecordDescriptor.HEADER_LENGTH);
    }

    public int bufferBytes() {
        return bufferBytes;
    }

    /** {@link MessageLimits#MAX_MESSAGE_BYTES}: the largest message this consumer's ring is sized for. */
    public int maxMessageBytes() {
        return maxMessageBytes;
    }

    /** How the table is read: {@link MessageLimits#FETCH_MAX_BYTES} bounds every read. */
    DeltaLogOptions tableOptions() {
        return tableOptions;
    }

    public int maxPollRecords() {
        return maxPollRecords;
    }

    /** The consumer name, or null when positions are not committed. */
    public String consumerName() {
        return consumerName;
    }

    public long tableWaitTimeoutMs() {
        return tableWaitTimeoutMs;
    }

    /** Whether rewrite commits are skipped ({@code rewrite.policy=skip}) rather than fatal. */
    public boolean skipRewrites() {
        return skipRewrites;
    }

    /** {@code auto.offset.reset}. */
    enum OffsetReset { NONE, EARLIEST, LATEST }

    OffsetReset offsetReset() {
        return offsetReset;
    }

    public long defaultApiTimeoutMs() {
        return defaultApiTimeoutMs;
    }

    /** The {@code store.*} and {@code fault.*} entries, for {@link ObjectStores#open}. */
    Map<String, Object> storeOverrides() {
        return storeOverrides;
    }

    RetryPolicy positionRetry() {
        return positionRetry;
    }

    /** The backoff of a failed read's retries; their attempts are bounded by {@link #readRetryTimeoutMs()}. */
    RetryPolicy readRetry() {
        return readRetry;
    }

    public long readRetryTimeoutMs() {
        return readRetryTimeoutMs;
    }

    /** The configuration keys as a Markdown table. */
    public static String toMarkdown() {
        return DEFINITION.toMarkdown();
    }
}

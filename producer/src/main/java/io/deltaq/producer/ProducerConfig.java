package io.deltaq.producer;

import static io.deltaq.s3io.config.ConfigDef.Type.BOOLEAN;
import static io.deltaq.s3io.config.ConfigDef.Type.INT;
import static io.deltaq.s3io.config.ConfigDef.Type.LONG;
import static io.deltaq.s3io.config.ConfigDef.Type.STRING;
import static io.deltaq.s3io.config.ConfigDef.atLeast;
import static io.deltaq.s3io.config.ConfigDef.between;

import io.deltaq.deltalog.TableLease;
import io.deltaq.deltalog.DeltaLogOptions;
import io.deltaq.deltalog.MessageLimits;
import io.deltaq.deltalog.Position;
import io.deltaq.s3io.ObjectStores;
import io.deltaq.s3io.RetryPolicy;
import io.deltaq.s3io.config.ConfigDef;
import io.deltaq.s3io.config.ConfigException;
import io.deltaq.deltalog.internal.parquet.Compression;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.agrona.BitUtil;

/**
 * The producer's configuration, by documented name, each with its default and its validation.
 * {@link #DEFINITION}{@code .toMarkdown()} prints the table the README shows.
 */
public final class ProducerConfig {

    public static final String LINGER_MS = "linger.ms";
    public static final String BATCH_MAX_RECORDS = "batch.max.records";
    public static final String BATCH_MAX_BYTES = "batch.max.bytes";
    public static final String BUFFER_BYTES = "buffer.bytes";
    public static final int BUFFER_BYTES_DEFAULT = 64 << 20;
    public static final String COMPRESSION = "compression";
    public static final String PRODUCER_ID = "producer.id";
    public static final String BLOCK_TIMEOUT_MS = "block.timeout.ms";
    public static final String DELIVERY_TIMEOUT_MS = "delivery.timeout.ms";
    public static final String OPEN_TIMEOUT_MS = "open.timeout.ms";
    public static final String IDLE_MAX_PARK_US = "idle.max.park.us";
    /**
     * Backoff of a batch whose upload or commit failed: {@code commit.retry.backoff.ms} and
     * {@code commit.retry.backoff.max.ms}; its attempts are bounded by {@link #DELIVERY_TIMEOUT_MS}.
     */
    public static final String COMMIT_RETRY = "commit.retry";
    public static final String MAINTENANCE_ENABLED = "maintenance.enabled";

    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(LINGER_MS, LONG, 5L, between(0, 60_000),
                    "How long the first message of a batch may wait for more before the batch is sealed (while"
                            + " a commit is in flight the next batch accumulates anyway). 0 seals as soon as the"
                            + " pipeline has room, which on fast storage makes a commit per round trip: twice the"
                            + " requests of 5 ms, and the storage and the consumers then fall behind the log's head"
                            + " (docs/performance.md). Kafka's default is 5 too.")
            .define(BATCH_MAX_RECORDS, INT, 500_000, between(1, Position.MAX_INDEX + 1),
                    "Most messages in one commit.")
            .define(BATCH_MAX_BYTES, INT, 32 * 1024 * 1024, between(1024, 1 << 30),
                    "Most key and value bytes in one commit; a batch is sealed when the next message would pass it.")
            .define(BUFFER_BYTES, INT, BUFFER_BYTES_DEFAULT, between(64 * 1024, 1 << 30),
                    "Capacity of the ring buffer between sending threads and the commit thread, rounded up to a power"
                            + " of two. With the batches in the commit pipeline it bounds the producer's memory.")
            .define(COMPRESSION, STRING, "snappy", ConfigDef.oneOf("snappy", "gzip", "none"),
                    "Compression of the Parquet data files.")
            .define(PRODUCER_ID, STRING, null, "The writer id recorded in each commit's txn action. A producer restarted"
                    + " with the same id continues its batch sequence and never commits a batch twice. Default: a random id.")
            .define(BLOCK_TIMEOUT_MS, LONG, 60_000L, atLeast(0),
                    "How long send() waits for room in a full buffer before failing. offer() never waits.")
            .define(OPEN_TIMEOUT_MS, LONG, 60_000L, atLeast(0),
                    "How long opening the producer (creating or recognising the table, loading its snapshot) keeps"
                            + " retrying storage faults that pass (throttling, 5xx, timeouts), with the commit.retry backoff."
                            + " 0 fails at the first.")
            .define(DELIVERY_TIMEOUT_MS, LONG, 120_000L, atLeast(1),
                    "How long a sealed batch may keep failing to commit (storage unavailable) before its messages fail"
                            + " (or complete with DeliveryOutcomeUnknownException when a commit attempt may have landed).")
            .define(IDLE_MAX_PARK_US, LONG, 1_000L, between(1, 1_000_000),
                    "Longest park of the idle commit thread. A send that starts a batch and every storage completion"
                            + " wake it at once, and a lingering batch is sealed at its deadline; this bounds how long"
                            + " messages wait in the buffer while a batch waits, and a missed wake-up.")
            .define(COMMIT_RETRY + ".backoff.ms", LONG, 50L, between(0, 3_600_000),
                    "Cap of the first wait before a batch whose upload or commit failed is tried again; each later"
                            + " cap doubles up to commit.retry.backoff.max.ms, the wait random below it (full jitter)."
                            + " Retries go on until delivery.timeout.ms.")
            .define(COMMIT_RETRY + ".backoff.max.ms", LONG, 2_000L, between(0, 3_600_000),
                    "Largest backoff cap of a failed batch's retries.")
            .define(MAINTENANCE_ENABLED, BOOLEAN, true,
                    "Run the table's maintenance in this producer: a thread that tries for the table's maintenance"
                            + " lease every deltaq.maintenance.interval.ms (a table property) and, only while it holds"
                            + " the lease, runs the maintenance steps. Of all producers and 'deltaq maintain' processes"
                            + " of a table one holds the lease at a time. false leaves maintenance to others.")
            .include(TableLease.DEFINITION)
            .include(MessageLimits.DEFINITION)
            .include(ObjectStores.DEFINITION);

    final long lingerNs;
    final int batchMaxRecords;
    final int batchMaxBytes;
    final int bufferBytes;
    /** {@link MessageLimits#MAX_MESSAGE_BYTES}: key, value and encoded headers bytes a message may have. */
    final int maxMessageBytes;
    /** How the table is read: {@link MessageLimits#FETCH_MAX_BYTES} bounds every read. */
    final DeltaLogOptions tableOptions;
    final Compression compression;
    final String producerId;
    final long blockTimeoutNs;
    final long deliveryTimeoutNs;
    final long openTimeoutMs;
    final long idleMaxParkNs;
    final RetryPolicy commitRetry;
    final boolean maintenanceEnabled;
    /** The {@code maintenance.lease.*} settings. */
    final TableLease.Settings lease;
    /** The {@code store.*} and {@code fault.*} entries, for {@link ObjectStores#open}. */
    final Map<String, Object> storeOverrides;

    /** {@value #BUFFER_BYTES}: the bytes of the producer's ring. */
    public int bufferBytes() {
        return bufferBytes;
    }

    /** The smallest {@value #BUFFER_BYTES} whose ring holds a message of {@code maxMessageBytes}. */
    public static long minBufferBytes(int maxMessageBytes) {
        return MessageLimits.ringBytesFor(maxMessageBytes, SendRecordDescriptor.HEADER_LENGTH);
    }

    /** {@code max.message.bytes}: the largest key, value and headers of one message. */
    public int maxMessageBytes() {
        return maxMessageBytes;
    }

    public ProducerConfig(Map<String, ?> props) {
        Map<String, Object> v = DEFINITION.parse(props, "producer configuration");
        this.lingerNs = (Long) v.get(LINGER_MS) * 1_000_000L;
        this.batchMaxRecords = (Integer) v.get(BATCH_MAX_RECORDS);
        this.batchMaxBytes = (Integer) v.get(BATCH_MAX_BYTES);
        this.bufferBytes = (Integer) v.get(BUFFER_BYTES);
        this.maxMessageBytes = (Integer) v.get(MessageLimits.MAX_MESSAGE_BYTES);
        this.tableOptions = MessageLimits.tableOptions(v);
        // The ring takes records of at most an eighth of its capacity (Agrona's maxMsgLength()): a
        // message of the limit must fit, or send() would accept nothing near it.
        long ringRecordMax = BitUtil.findNextPositivePowerOfTwo(bufferBytes) >> 3;
        if ((long) maxMessageBytes + SendRecordDescriptor.HEADER_LENGTH > ringRecordMax) {
            throw new ConfigException("producer configuration: '" + BUFFER_BYTES + "' (" + bufferBytes + ") holds"
                    + " messages of at most " + (ringRecordMax - SendRecordDescriptor.HEADER_LENGTH) + " key, value and headers"
                    + " bytes, fewer than '" + MessageLimits.MAX_MESSAGE_BYTES + "' (" + maxMessageBytes + "); raise '"
                    + BUFFER_BYTES + "' to at least "
                    + MessageLimits.ringBytesFor(maxMessageBytes, SendRecordDescriptor.HEADER_LENGTH)
                    + " or lower '" + MessageLimits.MAX_MESSAGE_BYTES + "'");
        }
        this.compression = switch (((String) v.get(COMPRESSION)).toLowerCase(Locale.ROOT)) {
            case "gzip" -> Compression.GZIP;
            case "none" -> Compression.UNCOMPRESSED;
            default -> Compression.SNAPPY;
        };
        String id = (String) v.get(PRODUCER_ID);
        this.producerId = id == null || id.isEmpty() ? "producer-" + UUID.randomUUID() : id;
        this.blockTimeoutNs = (Long) v.get(BLOCK_TIMEOUT_MS) * 1_000_000L;
        this.deliveryTimeoutNs = (Long) v.get(DELIVERY_TIMEOUT_MS) * 1_000_000L;
        this.openTimeoutMs = (Long) v.get(OPEN_TIMEOUT_MS);
        this.idleMaxParkNs = (Long) v.get(IDLE_MAX_PARK_US) * 1_000L;
        long backoff = (Long) v.get(COMMIT_RETRY + ".backoff.ms");
        long backoffMax = (Long) v.get(COMMIT_RETRY + ".backoff.max.ms");
        if (backoffMax < backoff) {
            throw new ConfigException("producer configuration: '" + COMMIT_RETRY + ".backoff.max.ms' (" + backoffMax
                    + ") must not be below '" + COMMIT_RETRY + ".backoff.ms' (" + backoff + ")");
        }
        this.commitRetry = RetryPolicy.of(Integer.MAX_VALUE, backoff, backoffMax);
        this.maintenanceEnabled = (Boolean) v.get(MAINTENANCE_ENABLED);
        this.lease = TableLease.settings(props, "producer configuration");
        this.storeOverrides = ObjectStores.DEFINITION.subset(props);
    }

    /** Every default. */
    public static ProducerConfig defaults() {
        return new ProducerConfig(Map.of());
    }

    public String producerId() {
        return producerId;
    }
}

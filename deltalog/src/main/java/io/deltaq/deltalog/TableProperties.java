package io.deltaq.deltalog;

import io.deltaq.deltalog.actions.Metadata;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The Delta table properties deltaq honours, read from {@code metaData.configuration}, with the
 * defaults of docs/rfcs/0005-maintenance.md. A value that cannot be parsed reads as the default: a
 * table written by another engine, or edited by hand, must never stop producers and readers; the
 * places that set values ({@link DeltaTable#setProperties}, {@link DeltaTable#createMessageTable(Map)})
 * refuse bad ones ({@link #problem}).
 */
final class TableProperties {

    static final String CHECKPOINT_INTERVAL = "delta.checkpointInterval";
    static final String DELETED_FILE_RETENTION = "delta.deletedFileRetentionDuration";
    static final String LOG_RETENTION = "delta.logRetentionDuration";
    static final String SET_TRANSACTION_RETENTION = "delta.setTransactionRetentionDuration";
    static final String RETENTION_MS = "deltaq.retention.ms";
    static final String RETENTION_BYTES = "deltaq.retention.bytes";
    static final String COMPACTION_MIN_AGE_MS = "deltaq.compaction.min.age.ms";
    static final String COMPACTION_TARGET_BYTES = "deltaq.compaction.target.bytes";
    static final String MAINTENANCE_INTERVAL_MS = "deltaq.maintenance.interval.ms";

    static final long DEFAULT_DELETED_FILE_RETENTION_MS = TimeUnit.DAYS.toMillis(7);
    static final long DEFAULT_LOG_RETENTION_MS = TimeUnit.DAYS.toMillis(30);
    /** What {@link DeltaTable#createMessageTable} writes for {@value #SET_TRANSACTION_RETENTION}. */
    static final String CREATED_SET_TRANSACTION_RETENTION = "interval 7 days";
    static final long DEFAULT_RETENTION_MS = TimeUnit.DAYS.toMillis(7);
    static final long DEFAULT_RETENTION_BYTES = -1;
    static final long DEFAULT_COMPACTION_MIN_AGE_MS = TimeUnit.MINUTES.toMillis(10);
    static final long DEFAULT_COMPACTION_TARGET_BYTES = 128L << 20;
    static final long DEFAULT_MAINTENANCE_INTERVAL_MS = 60_000;
    /** "No limit": for retention, keep everything; for txn retention, never expire. */
    static final long UNLIMITED = -1;

    private TableProperties() {
    }

    /** {@code delta.checkpointInterval}, or {@code defaultInterval} when unset or not a positive integer. */
    static int checkpointInterval(Metadata metadata, int defaultInterval) {
        return (int) CHECKPOINT.reader().read(metadata.property(CHECKPOINT_INTERVAL), defaultInterval);
    }

    /**
     * How a property is read: its value in effect, or {@code otherwise} when {@code value} is null or
     * not a valid value of the property.
     */
    @FunctionalInterface
    interface Reader {
        long read(String value, long otherwise);
    }

    /**
     * A property deltaq honours: its key, its default, how it is read, and what it accepts in words
     * (for the error that refuses a bad value).
     */
    record Definition(String key, long defaultValue, Reader reader, String accepted) {
        /** The value in effect in {@code metadata}. */
        long valueIn(Metadata metadata) {
            return reader.read(metadata.property(key), defaultValue);
        }

        /** Whether {@code value} is a valid value, so that it, not the default, is in effect. */
        boolean isValid(String value) {
            // No valid value of any property reads as Long.MIN_VALUE (all are >= -1).
            return value != null && reader.read(value, Long.MIN_VALUE) != Long.MIN_VALUE;
        }
    }

    private static final String INTERVAL = "a Delta interval such as 'interval 7 days' (units millisecond to week)";

    /** {@code deltaq.retention.ms}: 7 days by default; {@link #UNLIMITED} (-1) keeps everything. */
    static final Definition RETENTION = new Definition(RETENTION_MS, DEFAULT_RETENTION_MS,
            wholeNumber(0, Long.MAX_VALUE, true), "milliseconds, at least 0, or -1 for no limit");
    /** {@code deltaq.retention.bytes}: {@link #UNLIMITED} (-1, no limit) by default. */
    static final Definition RETENTION_BYTES_LIMIT = new Definition(RETENTION_BYTES, DEFAULT_RETENTION_BYTES,
            wholeNumber(0, Long.MAX_VALUE, true), "bytes, at least 0, or -1 for no limit");
    /** {@code deltaq.compaction.min.age.ms}: 10 minutes by default; at least 0. */
    static final Definition COMPACTION_MIN_AGE = new Definition(COMPACTION_MIN_AGE_MS, DEFAULT_COMPACTION_MIN_AGE_MS,
            wholeNumber(0, Long.MAX_VALUE, false), "milliseconds, at least 0");
    /** {@code deltaq.compaction.target.bytes}: 128 MiB by default; positive. */
    static final Definition COMPACTION_TARGET = new Definition(COMPACTION_TARGET_BYTES,
            DEFAULT_COMPACTION_TARGET_BYTES, wholeNumber(1, Long.MAX_VALUE, false), "bytes, at least 1");
    /** {@code deltaq.maintenance.interval.ms}: one minute by default; positive. */
    static final Definition MAINTENANCE_INTERVAL = new Definition(MAINTENANCE_INTERVAL_MS,
            DEFAULT_MAINTENANCE_INTERVAL_MS, wholeNumber(1, Long.MAX_VALUE, false), "milliseconds, at least 1");
    /** {@code delta.deletedFileRetentionDuration} in milliseconds; one week by default. */
    static final Definition DELETED_FILE_RETENTION_PERIOD = new Definition(DELETED_FILE_RETENTION,
            DEFAULT_DELETED_FILE_RETENTION_MS, TableProperties::intervalMs, INTERVAL);
    /** {@code delta.logRetentionDuration} in milliseconds; 30 days by default. */
    static final Definition LOG_RETENTION_PERIOD = new Definition(LOG_RETENTION, DEFAULT_LOG_RETENTION_MS,
            TableProperties::intervalMs, INTERVAL);
    /**
     * {@code delta.setTransactionRetentionDuration} in milliseconds, {@link #UNLIMITED} by default: as
     * in Delta, a table without the property keeps every {@code txn}. deltaq writes
     * {@value #CREATED_SET_TRANSACTION_RETENTION} when it creates a table.
     */
    static final Definition SET_TRANSACTION_RETENTION_PERIOD = new Definition(SET_TRANSACTION_RETENTION, UNLIMITED,
            TableProperties::intervalMs, INTERVAL);
    /**
     * {@code delta.checkpointInterval}: its default is the writer's
     * ({@link DeltaLogOptions#defaultCheckpointInterval()}), so {@link #checkpointInterval} passes it.
     */
    private static final Definition CHECKPOINT = new Definition(CHECKPOINT_INTERVAL, UNLIMITED,
            wholeNumber(1, Integer.MAX_VALUE, false), "a positive integer");

    /** Every maintenance property, in the order docs/rfcs/0005-maintenance.md lists them. */
    static final List<Definition> MAINTENANCE = List.of(RETENTION, RETENTION_BYTES_LIMIT,
            COMPACTION_MIN_AGE, COMPACTION_TARGET, MAINTENANCE_INTERVAL, DELETED_FILE_RETENTION_PERIOD,
            LOG_RETENTION_PERIOD, SET_TRANSACTION_RETENTION_PERIOD);

    /** Every property deltaq reads, by key. */
    private static final Map<String, Definition> READ = definitionsByKey();

    private static Map<String, Definition> definitionsByKey() {
        Map<String, Definition> m = new LinkedHashMap<>();
        for (Definition d : MAINTENANCE) {
            m.put(d.key(), d);
        }
        m.put(CHECKPOINT.key(), CHECKPOINT);
        return Collections.unmodifiableMap(m);
    }

    /**
     * Why {@code value} cannot be set for {@code key}, or null when it can. Reading is lenient (a bad
     * value reads as the default); setting is strict, so that a typo is refused where it is made
     * instead of silently meaning the default. An unknown {@code deltaq.} key is refused as a typo;
     * any other key (another engine's, the user's) is the table owner's business.
     */
    static String problem(String key, String value) {
        Definition d = READ.get(key);
        if (d == null) {
            return key.startsWith("deltaq.") ? "'" + key + "' is not a deltaq table property; deltaq reads "
                    + String.join(", ", READ.keySet()) : null;
        }
        return d.isValid(value) ? null : "'" + value + "' is not a valid " + key + ": expected " + d.accepted();
    }

    static long deletedFileRetentionMs(Metadata metadata) {
        return DELETED_FILE_RETENTION_PERIOD.valueIn(metadata);
    }

    static long logRetentionMs(Metadata metadata) {
        return LOG_RETENTION_PERIOD.valueIn(metadata);
    }

    static long setTransactionRetentionMs(Metadata metadata) {
        return SET_TRANSACTION_RETENTION_PERIOD.valueIn(metadata);
    }

    static long retentionMs(Metadata metadata) {
        return RETENTION.valueIn(metadata);
    }

    static long retentionBytes(Metadata metadata) {
        return RETENTION_BYTES_LIMIT.valueIn(metadata);
    }

    static long compactionMinAgeMs(Metadata metadata) {
        return COMPACTION_MIN_AGE.valueIn(metadata);
    }

    static long compactionTargetBytes(Metadata metadata) {
        return COMPACTION_TARGET.valueIn(metadata);
    }

    static long maintenanceIntervalMs(Metadata metadata) {
        return MAINTENANCE_INTERVAL.valueIn(metadata);
    }

    /**
     * A Delta interval ({@code interval <n> <unit>}, as Spark writes it, or {@code <n> <unit>}; units
     * millisecond to week, singular or plural) in milliseconds, or {@code defaultMs} when the value is
     * null or not such an interval.
     */
    static long intervalMs(String value, long defaultMs) {
        if (value == null) {
            return defaultMs;
        }
        String[] words = value.trim().toLowerCase(Locale.ROOT).split("\\s+");
        int i = words.length > 0 && words[0].equals("interval") ? 1 : 0;
        if (words.length - i != 2) {
            return defaultMs;
        }
        long n;
        try {
            n = Long.parseLong(words[i]);
        } catch (NumberFormatException e) {
            return defaultMs;
        }
        String unit = words[i + 1].endsWith("s") ? words[i + 1].substring(0, words[i + 1].length() - 1) : words[i + 1];
        long unitMs = switch (unit) {
            case "millisecond" -> 1L;
            case "second" -> 1000L;
            case "minute" -> 60_000L;
            case "hour" -> 3_600_000L;
            case "day" -> 86_400_000L;
            case "week" -> 7 * 86_400_000L;
            default -> -1L;
        };
        if (unitMs < 0 || n < 0 || n > Long.MAX_VALUE / unitMs) {
            return defaultMs;
        }
        return n * unitMs;
    }

    /**
     * Reads a whole number from {@code min} to {@code max}, and also -1 ({@link #UNLIMITED}) when
     * {@code unlimited}; anything else reads as the default.
     */
    private static Reader wholeNumber(long min, long max, boolean unlimited) {
        return (value, otherwise) -> {
            if (value == null) {
                return otherwise;
            }
            long v;
            try {
                v = Long.parseLong(value.trim());
            } catch (NumberFormatException e) {
                return otherwise;
            }
            return (v >= min && v <= max) || (unlimited && v == UNLIMITED) ? v : otherwise;
        };
    }
}

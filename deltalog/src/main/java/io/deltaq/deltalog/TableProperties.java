package io.deltaq.deltalog;

import io.deltaq.deltalog.actions.Metadata;
import java.util.Collections;
import java.util.LinkedHashMap;
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

    /** The properties deltaq reads, each with the values it accepts. */
    private static final Map<String, String> ACCEPTED = acceptedValues();

    private static Map<String, String> acceptedValues() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(CHECKPOINT_INTERVAL, "a positive integer");
        String interval = "a Delta interval such as 'interval 7 days' (units millisecond to week)";
        m.put(DELETED_FILE_RETENTION, interval);
        m.put(LOG_RETENTION, interval);
        m.put(SET_TRANSACTION_RETENTION, interval);
        m.put(RETENTION_MS, "milliseconds, at least 0, or -1 for no limit");
        m.put(RETENTION_BYTES, "bytes, at least 0, or -1 for no limit");
        m.put(COMPACTION_MIN_AGE_MS, "milliseconds, at least 0");
        m.put(COMPACTION_TARGET_BYTES, "bytes, at least 1");
        m.put(MAINTENANCE_INTERVAL_MS, "milliseconds, at least 1");
        return Collections.unmodifiableMap(m);
    }

    /**
     * Why {@code value} cannot be set for {@code key}, or null when it can. Reading is lenient (a bad
     * value reads as the default); setting is strict, so that a typo is refused where it is made
     * instead of silently meaning the default. An unknown {@code deltaq.} key is refused as a typo;
     * any other key (another engine's, the user's) is the table owner's business.
     */
    static String problem(String key, String value) {
        String accepted = ACCEPTED.get(key);
        if (accepted == null) {
            return key.startsWith("deltaq.") ? "'" + key + "' is not a deltaq table property; deltaq reads "
                    + String.join(", ", ACCEPTED.keySet()) : null;
        }
        boolean valid = switch (key) {
            case CHECKPOINT_INTERVAL -> parse(value, 0) > 0;
            case DELETED_FILE_RETENTION, LOG_RETENTION, SET_TRANSACTION_RETENTION -> intervalMs(value, -1) >= 0;
            case RETENTION_MS, RETENTION_BYTES -> parse(value, -2) >= -1;
            case COMPACTION_MIN_AGE_MS -> parse(value, -1) >= 0;
            default -> parse(value, 0) > 0;
        };
        return valid ? null : "'" + value + "' is not a valid " + key + ": expected " + accepted;
    }

    /** {@code delta.checkpointInterval}, or {@code defaultInterval} when unset or not a positive integer. */
    static int checkpointInterval(Metadata metadata, int defaultInterval) {
        String value = metadata.property(CHECKPOINT_INTERVAL);
        if (value != null) {
            try {
                int interval = Integer.parseInt(value.trim());
                if (interval > 0) {
                    return interval;
                }
            } catch (NumberFormatException ignored) {
                // not a number: the default applies
            }
        }
        return defaultInterval;
    }

    /** {@code delta.deletedFileRetentionDuration} in milliseconds; one week when unset or unparsable. */
    static long deletedFileRetentionMs(Metadata metadata) {
        return intervalMs(metadata.property(DELETED_FILE_RETENTION), DEFAULT_DELETED_FILE_RETENTION_MS);
    }

    /** {@code delta.logRetentionDuration} in milliseconds; 30 days when unset or unparsable. */
    static long logRetentionMs(Metadata metadata) {
        return intervalMs(metadata.property(LOG_RETENTION), DEFAULT_LOG_RETENTION_MS);
    }

    /**
     * {@code delta.setTransactionRetentionDuration} in milliseconds, or {@link #UNLIMITED} when unset or
     * unparsable: as in Delta, a table without the property keeps every {@code txn}. deltaq writes
     * {@value #CREATED_SET_TRANSACTION_RETENTION} when it creates a table.
     */
    static long setTransactionRetentionMs(Metadata metadata) {
        return intervalMs(metadata.property(SET_TRANSACTION_RETENTION), UNLIMITED);
    }

    /** {@code deltaq.retention.ms}: 7 days by default; {@link #UNLIMITED} (-1) keeps everything. */
    static long retentionMs(Metadata metadata) {
        return longOrUnlimited(metadata.property(RETENTION_MS), DEFAULT_RETENTION_MS);
    }

    /** {@code deltaq.retention.bytes}: {@link #UNLIMITED} (-1, no limit) by default. */
    static long retentionBytes(Metadata metadata) {
        return longOrUnlimited(metadata.property(RETENTION_BYTES), DEFAULT_RETENTION_BYTES);
    }

    /** {@code deltaq.compaction.min.age.ms}: 10 minutes by default; at least 0. */
    static long compactionMinAgeMs(Metadata metadata) {
        return nonNegative(metadata.property(COMPACTION_MIN_AGE_MS), DEFAULT_COMPACTION_MIN_AGE_MS);
    }

    /** {@code deltaq.compaction.target.bytes}: 128 MiB by default; positive. */
    static long compactionTargetBytes(Metadata metadata) {
        long v = nonNegative(metadata.property(COMPACTION_TARGET_BYTES), DEFAULT_COMPACTION_TARGET_BYTES);
        return v == 0 ? DEFAULT_COMPACTION_TARGET_BYTES : v;
    }

    /** {@code deltaq.maintenance.interval.ms}: one minute by default; positive. */
    static long maintenanceIntervalMs(Metadata metadata) {
        long v = nonNegative(metadata.property(MAINTENANCE_INTERVAL_MS), DEFAULT_MAINTENANCE_INTERVAL_MS);
        return v == 0 ? DEFAULT_MAINTENANCE_INTERVAL_MS : v;
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

    /** A non-negative long, or -1 for "no limit"; anything else reads as the default. */
    private static long longOrUnlimited(String value, long defaultValue) {
        long v = parse(value, defaultValue);
        return v >= 0 || v == UNLIMITED ? v : defaultValue;
    }

    private static long nonNegative(String value, long defaultValue) {
        long v = parse(value, defaultValue);
        return v >= 0 ? v : defaultValue;
    }

    private static long parse(String value, long defaultValue) {
        if (value == null) {
            return defaultValue;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return defaultValue;
        }
    }
}

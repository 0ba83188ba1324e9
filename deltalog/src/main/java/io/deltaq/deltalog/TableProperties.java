package io.deltaq.deltalog;

import io.deltaq.deltalog.actions.Metadata;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** The Delta table properties deltaq honours, read from {@code metaData.configuration}. */
final class TableProperties {

    static final String CHECKPOINT_INTERVAL = "delta.checkpointInterval";
    static final String DELETED_FILE_RETENTION = "delta.deletedFileRetentionDuration";
    static final long DEFAULT_DELETED_FILE_RETENTION_MS = TimeUnit.DAYS.toMillis(7);
    static final String MAINTENANCE_INTERVAL = "deltaq.maintenance.interval.ms";
    static final long DEFAULT_MAINTENANCE_INTERVAL_MS = 60_000;

    private TableProperties() {
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

    /**
     * {@code deltaq.maintenance.interval.ms}: how often a maintainer runs its steps; the default
     * when unset or not a positive integer.
     */
    static long maintenanceIntervalMs(Metadata metadata) {
        String value = metadata.property(MAINTENANCE_INTERVAL);
        if (value != null) {
            try {
                long interval = Long.parseLong(value.trim());
                if (interval > 0) {
                    return interval;
                }
            } catch (NumberFormatException ignored) {
                // not a number: the default applies
            }
        }
        return DEFAULT_MAINTENANCE_INTERVAL_MS;
    }

    /**
     * {@code delta.deletedFileRetentionDuration} ({@code interval <n> <unit>}, as Spark writes it) in
     * milliseconds; one week when unset or unparsable.
     */
    static long deletedFileRetentionMs(Metadata metadata) {
        String value = metadata.property(DELETED_FILE_RETENTION);
        if (value == null) {
            return DEFAULT_DELETED_FILE_RETENTION_MS;
        }
        String[] words = value.trim().toLowerCase(Locale.ROOT).split("\\s+");
        int i = words.length > 0 && words[0].equals("interval") ? 1 : 0;
        if (words.length - i != 2) {
            return DEFAULT_DELETED_FILE_RETENTION_MS;
        }
        long n;
        try {
            n = Long.parseLong(words[i]);
        } catch (NumberFormatException e) {
            return DEFAULT_DELETED_FILE_RETENTION_MS;
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
        return unitMs < 0 || n < 0 ? DEFAULT_DELETED_FILE_RETENTION_MS : n * unitMs;
    }
}

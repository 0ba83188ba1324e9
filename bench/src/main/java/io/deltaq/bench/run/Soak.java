package io.deltaq.bench.run;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The soak options: one long run at one rate, sampled every {@code sampleSeconds}, on a topic
 * created with short maintenance settings so that a run of minutes covers many maintenance cycles.
 *
 * @param seconds {@code --soak}: the measured time
 * @param sampleSeconds {@code --soak-sample}: the sampling period
 * @param tableProperties the topic's table properties at creation: {@link #DEFAULT_TABLE_PROPERTIES}
 *     with {@code --table-property} over them
 * @param overridden the keys {@code --table-property} set
 * @param maintenance {@code --maintenance on|off}
 */
public record Soak(int seconds, int sampleSeconds, Map<String, String> tableProperties, Set<String> overridden,
        boolean maintenance) {

    public static final int DEFAULT_SAMPLE_SECONDS = 60;

    /**
     * Short enough that a 15 minute run sees data expire, compact, vacuum and log cleanup many times
     * over: retention 2 min, compaction after 30 s into 16 MiB files, deleted files kept 1 min, log kept 2 min, a
     * maintenance pass every 10 s.
     */
    public static final Map<String, String> DEFAULT_TABLE_PROPERTIES = defaults();

    private static final Pattern DURATION_PART = Pattern.compile("(\\d+)([hms]?)");

    public Soak {
        tableProperties = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tableProperties));
        overridden = Set.copyOf(overridden);
    }

    private static Map<String, String> defaults() {
        Map<String, String> map = new LinkedHashMap<>();
        map.put("deltaq.retention.ms", "120000");
        map.put("deltaq.compaction.min.age.ms", "30000");
        // A group of 16 MiB is seconds of data at the soak's rates: many compactions per minute,
        // instead of one every minute or two at the 128 MiB default.
        map.put("deltaq.compaction.target.bytes", "16777216");
        map.put("delta.deletedFileRetentionDuration", "interval 1 minutes");
        map.put("delta.logRetentionDuration", "interval 2 minutes");
        map.put("deltaq.maintenance.interval.ms", "10000");
        return java.util.Collections.unmodifiableMap(map);
    }

    /** Samples in the run: one at the end of each whole sampling period. */
    public int samples() {
        return seconds / sampleSeconds;
    }

    /**
     * Parses {@code --soak}: a whole number of seconds, or parts such as {@code 90s}, {@code 15m},
     * {@code 1h30m}.
     *
     * @throws IllegalArgumentException saying what is wrong with {@code text}
     */
    public static int parseDuration(String text) {
        String trimmed = text.trim().toLowerCase(Locale.ROOT);
        Matcher m = DURATION_PART.matcher(trimmed);
        long seconds = 0;
        int at = 0;
        while (at < trimmed.length() && m.find(at) && m.start() == at) {
            long n;
            try {
                n = Long.parseLong(m.group(1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' is too long a duration");
            }
            seconds += n * switch (m.group(2)) {
                case "h" -> 3600;
                case "m" -> 60;
                default -> 1;
            };
            at = m.end();
            if (m.group(2).isEmpty() && at < trimmed.length()) {
                break; // a bare number must be the whole text
            }
        }
        if (trimmed.isEmpty() || at != trimmed.length()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration such as 90s, 15m or 1h30m");
        }
        if (seconds < 1 || seconds > 7 * 86_400) {
            throw new IllegalArgumentException("'" + text + "' is outside 1 s .. 7 days");
        }
        return (int) seconds;
    }

    /** {@code on} or {@code off}. */
    public static boolean parseOnOff(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "on" -> true;
            case "off" -> false;
            default -> throw new IllegalArgumentException("needs on or off, got '" + text + "'");
        };
    }
}

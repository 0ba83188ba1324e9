package io.deltaq.deltalog;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * ISO-8601 UTC timestamps with millisecond precision, as Delta statistics hold them
 * ({@code 2024-05-01T12:34:56.789Z}). Formatting years 0 to 9999 allocates nothing but the result.
 */
final class IsoTimestamps {

    private static final long MILLIS_PER_DAY = 86_400_000L;
    private static final DateTimeFormatter WIDE_YEARS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSX").withZone(ZoneOffset.UTC);

    private IsoTimestamps() {
    }

    /** Appends {@code epochMillis} as {@code yyyy-MM-ddTHH:mm:ss.SSSZ}. */
    static void appendMillis(StringBuilder sb, long epochMillis) {
        long days = Math.floorDiv(epochMillis, MILLIS_PER_DAY);
        long msOfDay = epochMillis - days * MILLIS_PER_DAY;
        // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long doe = z - era * 146_097;
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        long day = doy - (153 * mp + 2) / 5 + 1;
        long month = mp < 10 ? mp + 3 : mp - 9;
        long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
        if (year < 0 || year > 9999) {
            sb.append(WIDE_YEARS.format(Instant.ofEpochMilli(epochMillis)));
            return;
        }
        pad(sb, year, 4).append('-');
        pad(sb, month, 2).append('-');
        pad(sb, day, 2).append('T');
        pad(sb, msOfDay / 3_600_000, 2).append(':');
        pad(sb, msOfDay / 60_000 % 60, 2).append(':');
        pad(sb, msOfDay / 1000 % 60, 2).append('.');
        pad(sb, msOfDay % 1000, 3).append('Z');
    }

    static String formatMillis(long epochMillis) {
        StringBuilder sb = new StringBuilder(24);
        appendMillis(sb, epochMillis);
        return sb.toString();
    }

    /** Parses an ISO-8601 timestamp with an offset ({@code Z} or {@code +hh:mm}) to epoch microseconds. */
    static long parseMicros(String text) {
        try {
            Instant instant = OffsetDateTime.parse(text).toInstant();
            return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1000);
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new IllegalArgumentException("not an ISO-8601 timestamp with offset: '" + text + "'", e);
        }
    }

    private static StringBuilder pad(StringBuilder sb, long value, int width) {
        long limit = 1;
        for (int i = 1; i < width; i++) {
            limit *= 10;
        }
        for (long l = limit; l > 1 && value < l; l /= 10) {
            sb.append('0');
        }
        return sb.append(value);
    }
}

package io.deltaq.consumer;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * The {@code start} setting, parsed: where a consumer without a committed position begins.
 *
 * @param value the version for {@link Kind#VERSION}, epoch milliseconds for {@link Kind#TIMESTAMP}
 */
record StartPosition(Kind kind, long value) {

    enum Kind { EARLIEST, LATEST, VERSION, TIMESTAMP }

    static StartPosition parse(String text) {
        String problem = problem(text);
        if (problem != null) {
            throw new IllegalArgumentException("start '" + text + "': " + problem);
        }
        String t = text.trim();
        String lower = t.toLowerCase(Locale.ROOT);
        if (lower.equals("earliest")) {
            return new StartPosition(Kind.EARLIEST, 0);
        }
        if (lower.equals("latest")) {
            return new StartPosition(Kind.LATEST, 0);
        }
        if (isDigits(t)) {
            return new StartPosition(Kind.VERSION, Long.parseLong(t));
        }
        return new StartPosition(Kind.TIMESTAMP, instant(t).toEpochMilli());
    }

    /** Null when {@code text} is a valid start, else what is expected. */
    static String problem(String text) {
        String t = text.trim();
        String lower = t.toLowerCase(Locale.ROOT);
        if (lower.equals("earliest") || lower.equals("latest")) {
            return null;
        }
        if (isDigits(t)) {
            try {
                Long.parseLong(t);
                return null;
            } catch (NumberFormatException e) {
                return "version out of range";
            }
        }
        try {
            instant(t);
            return null;
        } catch (DateTimeParseException e) {
            return "expected earliest, latest, a version number, or an ISO-8601 instant with zone or offset "
                    + "such as 2024-05-01T12:00:00Z";
        }
    }

    private static boolean isDigits(String t) {
        if (t.isEmpty()) {
            return false;
        }
        for (int i = 0; i < t.length(); i++) {
            if (t.charAt(i) < '0' || t.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static Instant instant(String t) {
        try {
            return Instant.parse(t);
        } catch (DateTimeParseException e) {
            return OffsetDateTime.parse(t).toInstant();
        }
    }

    @Override
    public String toString() {
        return switch (kind) {
            case EARLIEST -> "earliest";
            case LATEST -> "latest";
            case VERSION -> "version " + value;
            case TIMESTAMP -> "timestamp " + Instant.ofEpochMilli(value);
        };
    }
}

package io.deltaq.cli;

import java.util.Map;

/** {@code KEY=VALUE} arguments, as {@code deltaq configure} and {@code bench --table-property} take table properties. */
public final class KeyValues {

    private KeyValues() {
    }

    /**
     * Adds the key and value of {@code text}, each trimmed, to {@code into}.
     *
     * @throws IllegalArgumentException if {@code text} is not {@code KEY=VALUE} with a key without
     *     blanks, or if {@code into} already holds its key
     */
    public static void parseInto(String text, Map<String, String> into) {
        int equals = text.indexOf('=');
        String key = equals < 0 ? "" : text.substring(0, equals).trim();
        if (key.isEmpty() || key.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("'" + text + "' is not KEY=VALUE");
        }
        if (into.putIfAbsent(key, text.substring(equals + 1).trim()) != null) {
            throw new IllegalArgumentException(key + " is given twice");
        }
    }
}

package io.deltaq.deltalog.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Configuration keys with their type, default, validation and documentation, in one place, in the
 * manner of the Kafka clients: callers pass {@code Map<String, ?>} of documented names, every name
 * has a default, and a wrong name or value fails at construction with a message naming it.
 */
public final class ConfigDef {

    /** The types a value can take; strings are parsed, typed values are accepted as they are. */
    public enum Type { INT, LONG, BOOLEAN, STRING, DOUBLE }

    /** Checks a parsed value; returns null when valid, else what is expected. */
    @FunctionalInterface
    public interface Validator {
        String check(Object value);
    }

    /**
     * One key.
     *
     * @param validValues what the validator accepts, for documentation, e.g. "[0,...]"
     */
    public record Key(String name, Type type, Object defaultValue, Validator validator, String validValues, String doc) {
    }

    private final Map<String, Key> keys = new LinkedHashMap<>();

    /** Adds a key. {@code defaultValue} must already be of {@code type} (null only for STRING). */
    public ConfigDef define(String name, Type type, Object defaultValue, Validator validator, String validValues, String doc) {
        if (keys.containsKey(name)) {
            throw new IllegalArgumentException("config key '" + name + "' is defined twice");
        }
        Key key = new Key(name, type, defaultValue, validator, validValues, doc);
        if (defaultValue != null) {
            String problem = validator == null ? null : validator.check(defaultValue);
            if (problem != null) {
                throw new IllegalArgumentException("default of '" + name + "' is invalid: " + problem);
            }
        }
        keys.put(name, key);
        return this;
    }

    public ConfigDef define(String name, Type type, Object defaultValue, String doc) {
        return define(name, type, defaultValue, null, "", doc);
    }

    public List<Key> keys() {
        return List.copyOf(keys.values());
    }

    /**
     * Parses {@code props} against the keys: unknown names, unparsable values and values the
     * validator rejects throw {@link ConfigException}; missing names take their defaults.
     */
    public Map<String, Object> parse(Map<String, ?> props, String what) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Map.Entry<String, ?> entry : props.entrySet()) {
            if (!keys.containsKey(entry.getKey())) {
                throw new ConfigException(what + ": unknown configuration '" + entry.getKey() + "'; known: " + keys.keySet());
            }
        }
        for (Key key : keys.values()) {
            Object raw = props.get(key.name());
            Object value = raw == null ? key.defaultValue() : convert(key, raw, what);
            if (value != null && key.validator() != null) {
                String problem = key.validator().check(value);
                if (problem != null) {
                    throw new ConfigException(what + ": invalid value '" + raw + "' for '" + key.name() + "': " + problem);
                }
            }
            values.put(key.name(), value);
        }
        return Collections.unmodifiableMap(values);
    }

    private static Object convert(Key key, Object raw, String what) {
        try {
            return switch (key.type()) {
                case INT -> raw instanceof Number n ? Math.toIntExact(n.longValue()) : Integer.parseInt(raw.toString().trim());
                case LONG -> raw instanceof Number n ? n.longValue() : Long.parseLong(raw.toString().trim());
                case DOUBLE -> raw instanceof Number n ? n.doubleValue() : Double.parseDouble(raw.toString().trim());
                case BOOLEAN -> raw instanceof Boolean b ? b : parseBoolean(raw.toString().trim());
                case STRING -> raw.toString().trim();
            };
        } catch (RuntimeException e) {
            throw new ConfigException(what + ": value '" + raw + "' for '" + key.name() + "' is not a valid "
                    + key.type().name().toLowerCase(java.util.Locale.ROOT), e);
        }
    }

    private static boolean parseBoolean(String s) {
        if (s.equalsIgnoreCase("true")) {
            return true;
        }
        if (s.equalsIgnoreCase("false")) {
            return false;
        }
        throw new IllegalArgumentException("expected true or false");
    }

    /** Accepts numbers in {@code [min, max]}. */
    public static Validator between(long min, long max) {
        return value -> {
            long v = ((Number) value).longValue();
            return v >= min && v <= max ? null : "must be between " + min + " and " + max;
        };
    }

    /** Accepts numbers at least {@code min}. */
    public static Validator atLeast(long min) {
        return value -> ((Number) value).longValue() >= min ? null : "must be at least " + min;
    }

    /** Accepts one of {@code allowed}, ignoring case. */
    public static Validator oneOf(String... allowed) {
        List<String> list = List.of(allowed);
        return value -> list.stream().anyMatch(a -> a.equalsIgnoreCase(value.toString())) ? null : "must be one of " + list;
    }

    /** Accepts a non-empty string. */
    public static Validator nonEmpty() {
        return value -> value.toString().isEmpty() ? "must not be empty" : null;
    }

    /** The keys as a Markdown table: name, type, default, valid values, meaning. */
    public String toMarkdown() {
        StringBuilder out = new StringBuilder("| name | type | default | valid values | meaning |\n|---|---|---|---|---|\n");
        for (Key key : keys.values()) {
            out.append("| `").append(key.name()).append("` | ").append(key.type().name().toLowerCase(java.util.Locale.ROOT))
                    .append(" | ").append(key.defaultValue() == null ? "(none)" : "`" + key.defaultValue() + "`")
                    .append(" | ").append(Objects.toString(key.validValues(), "")).append(" | ").append(key.doc()).append(" |\n");
        }
        return out.toString();
    }
}

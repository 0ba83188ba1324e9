package io.deltaq.s3io.config;

import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Configuration keys with their type, default, validation and documentation, in one place, in the
 * manner of the Kafka clients: callers pass {@code Map<String, ?>} of documented names, every name
 * has a default, and a wrong name or value fails at construction with a message naming it.
 *
 * <p>A validator describes what it accepts, and that description is the "valid values" column of
 * the documentation: the text cannot drift from the check.
 */
public final class ConfigDef {

    /** The types a value can take; strings are parsed, typed values are accepted as they are. */
    public enum Type { INT, LONG, BOOLEAN, STRING, DOUBLE }

    /** Checks a parsed value and says, for documentation, what it accepts. */
    public interface Validator {
        /** Null when {@code value} is valid, else what is expected. */
        String check(Object value);

        /** What this validator accepts, e.g. {@code [1, ..., 3600000]}. */
        String describe();
    }

    /** One key; {@code validator} is null when every value of the type is accepted. */
    public record Key(String name, Type type, Object defaultValue, Validator validator, String doc) {

        /** The valid values as documented: the validator's own description. */
        public String validValues() {
            if (validator != null) {
                return validator.describe();
            }
            return type == Type.BOOLEAN ? "true, false" : "any " + type.name().toLowerCase(Locale.ROOT);
        }
    }

    private final Map<String, Key> keys = new LinkedHashMap<>();
    /** Keys taken from another definition, which documents them itself. */
    private final Set<String> included = new HashSet<>();

    /** Adds a key. {@code defaultValue} must already be of {@code type} (null only for STRING). */
    public ConfigDef define(String name, Type type, Object defaultValue, Validator validator, String doc) {
        if (keys.containsKey(name)) {
            throw new IllegalArgumentException("config key '" + name + "' is defined twice");
        }
        Key key = new Key(name, type, defaultValue, validator, doc);
        if (defaultValue != null && validator != null) {
            String problem = validator.check(defaultValue);
            if (problem != null) {
                throw new IllegalArgumentException("default of '" + name + "' is invalid: " + problem);
            }
        }
        keys.put(name, key);
        return this;
    }

    public ConfigDef define(String name, Type type, Object defaultValue, String doc) {
        return define(name, type, defaultValue, null, doc);
    }

    /** Adds every key of {@code other}, for a configuration that embeds another (a client's store keys). */
    public ConfigDef include(ConfigDef other) {
        for (Key key : other.keys.values()) {
            define(key.name(), key.type(), key.defaultValue(), key.validator(), key.doc());
            included.add(key.name());
        }
        return this;
    }

    public List<Key> keys() {
        return List.copyOf(keys.values());
    }

    /** Whether {@code name} is one of these keys. */
    public boolean defines(String name) {
        return keys.containsKey(name);
    }

    /**
     * Parses {@code props} against the keys: unknown names, unparsable values and values the
     * validator rejects throw {@link ConfigException}; missing names take their defaults.
     */
    public Map<String, Object> parse(Map<String, ?> props, String what) {
        for (String name : props.keySet()) {
            if (!keys.containsKey(name)) {
                throw new ConfigException(what + ": unknown configuration '" + name + "'; known: " + keys.keySet());
            }
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (Key key : keys.values()) {
            Object raw = props.get(key.name());
            Object value = raw == null ? key.defaultValue() : convert(key, raw, what);
            if (value != null && key.validator() != null) {
                String problem = key.validator().check(value);
                if (problem != null) {
                    throw new ConfigException(what + ": invalid value '" + raw + "' for '" + key.name() + "': " + problem,
                            key.name(), problem, null);
                }
            }
            values.put(key.name(), value);
        }
        return Collections.unmodifiableMap(values);
    }

    /** The entries of {@code props} whose names are keys of this definition. */
    public Map<String, Object> subset(Map<String, ?> props) {
        Map<String, Object> out = new LinkedHashMap<>();
        props.forEach((name, value) -> {
            if (keys.containsKey(name)) {
                out.put(name, value);
            }
        });
        return out;
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
            String problem = "is not a valid " + key.type().name().toLowerCase(Locale.ROOT);
            throw new ConfigException(what + ": value '" + raw + "' for '" + key.name() + "' " + problem, key.name(),
                    problem, e);
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

    /** A validator from a check and the description of what it accepts. */
    public static Validator validator(String description, Function<Object, String> check) {
        return new Validator() {
            @Override
            public String check(Object value) {
                return check.apply(value);
            }

            @Override
            public String describe() {
                return description;
            }
        };
    }

    /** Accepts numbers in {@code [min, max]}. */
    public static Validator between(long min, long max) {
        return validator("[" + min + ", ..., " + max + "]", value -> {
            long v = ((Number) value).longValue();
            return v >= min && v <= max ? null : "must be between " + min + " and " + max;
        });
    }

    /** Accepts numbers in {@code [min, max]}. */
    public static Validator between(double min, double max) {
        return validator("[" + min + ", ..., " + max + "]", value -> {
            double v = ((Number) value).doubleValue();
            return v >= min && v <= max ? null : "must be between " + min + " and " + max;
        });
    }

    /** Accepts numbers at least {@code min}. */
    public static Validator atLeast(long min) {
        return validator("[" + min + ", ...]",
                value -> ((Number) value).longValue() >= min ? null : "must be at least " + min);
    }

    /** Accepts one of {@code allowed}, ignoring case. */
    public static Validator oneOf(String... allowed) {
        List<String> list = List.of(allowed);
        return validator(String.join(", ", list),
                value -> list.stream().anyMatch(a -> a.equalsIgnoreCase(value.toString())) ? null : "must be one of " + list);
    }

    /** Accepts a non-empty string. */
    public static Validator nonEmpty() {
        return validator("a non-empty string", value -> value.toString().isEmpty() ? "must not be empty" : null);
    }

    /**
     * The keys as a Markdown table: name, type, default, valid values, meaning. Keys {@link #include}d
     * from another definition are left to that definition's table.
     */
    public String toMarkdown() {
        StringBuilder out = new StringBuilder("| name | type | default | valid values | meaning |\n|---|---|---|---|---|\n");
        for (Key key : keys.values()) {
            if (included.contains(key.name())) {
                continue;
            }
            out.append("| `").append(key.name()).append("` | ").append(key.type().name().toLowerCase(Locale.ROOT))
                    .append(" | ").append(key.defaultValue() == null ? "(none)"
                            : key.defaultValue().toString().isEmpty() ? "(empty)" : "`" + key.defaultValue() + "`")
                    .append(" | ").append(key.validValues()).append(" | ").append(key.doc()).append(" |\n");
        }
        return out.toString();
    }
}

package io.deltaq.cli;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The result of {@link OptionParser#parse}. Typed getters convert and range-check values and
 * throw {@link UsageException} naming the option; asking for an undeclared option is a bug and
 * throws {@link IllegalArgumentException}.
 */
public final class ParsedOptions {

    private final OptionParser parser;
    private final Map<String, String> values;
    private final List<String> positionals;
    private final boolean helpRequested;

    ParsedOptions(OptionParser parser, Map<String, String> values, List<String> positionals, boolean helpRequested) {
        this.parser = parser;
        this.values = values;
        this.positionals = positionals;
        this.helpRequested = helpRequested;
    }

    /** {@code -h} or {@code --help} was given. */
    public boolean helpRequested() {
        return helpRequested;
    }

    /** Whether the boolean {@code --name} was given. */
    public boolean flag(String name) {
        if (parser.option(name).takesValue()) {
            throw new IllegalArgumentException("--" + name + " takes a value; use string(), not flag()");
        }
        return values.containsKey(name);
    }

    /** Whether {@code --name} was given (with any value). */
    public boolean has(String name) {
        parser.option(name);
        return values.containsKey(name);
    }

    public Optional<String> string(String name) {
        valueOption(name);
        return Optional.ofNullable(values.get(name));
    }

    public String string(String name, String defaultValue) {
        return string(name).orElse(defaultValue);
    }

    /** {@code --name N} as a long in {@code [min, max]}, or {@code defaultValue} when absent. */
    public long longValue(String name, long defaultValue, long min, long max) throws UsageException {
        Optional<String> text = string(name);
        if (text.isEmpty()) {
            return defaultValue;
        }
        long value;
        try {
            value = Long.parseLong(text.get().trim());
        } catch (NumberFormatException e) {
            throw parser.error("--" + name + " needs a whole number, got '" + text.get() + "'");
        }
        if (value < min || value > max) {
            throw parser.error("--" + name + " must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    /** {@code --name N} as an int in {@code [min, max]}, or {@code defaultValue} when absent. */
    public int intValue(String name, int defaultValue, int min, int max) throws UsageException {
        return (int) longValue(name, defaultValue, min, max);
    }

    public Optional<Path> path(String name) throws UsageException {
        Optional<String> text = string(name);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        if (text.get().isEmpty()) {
            throw parser.error("--" + name + " needs a path, got an empty string");
        }
        try {
            return Optional.of(Path.of(text.get()));
        } catch (InvalidPathException e) {
            throw parser.error("--" + name + " is not a valid path: " + e.getMessage());
        }
    }

    /** The arguments that are not options, in order. */
    public List<String> positionals() {
        return positionals;
    }

    private void valueOption(String name) {
        if (!parser.option(name).takesValue()) {
            throw new IllegalArgumentException("--" + name + " is a flag; use flag(), not a value getter");
        }
    }
}

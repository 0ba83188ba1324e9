package io.deltaq.cli;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParseResult;

/**
 * The result of {@link OptionParser#parse}: picocli's parse result, read by option name. Typed
 * getters convert and range-check values and throw {@link UsageException} naming the option;
 * asking for an undeclared option is a bug and throws {@link IllegalArgumentException}. picocli
 * keeps the values in the parser's model, so parse once per {@link OptionParser} (commands make a
 * new one in each {@link Command#options()} call).
 */
public final class ParsedOptions {

    private final OptionParser parser;
    private final ParseResult result;
    private final List<String> arguments;

    ParsedOptions(OptionParser parser, ParseResult result, List<String> arguments) {
        this.parser = parser;
        this.result = result;
        this.arguments = arguments;
    }

    /** {@code -h} or {@code --help} was given. */
    public boolean helpRequested() {
        return result.isUsageHelpRequested();
    }

    /** The words after the command name, as given. */
    public List<String> arguments() {
        return arguments;
    }

    /** Whether the boolean {@code --name} was given. */
    public boolean flag(String name) {
        OptionSpec option = parser.option(name);
        if (option.arity().max() > 0) {
            throw new IllegalArgumentException("--" + name + " takes a value; use string(), not flag()");
        }
        return result.hasMatchedOption(option);
    }

    /** Whether {@code --name} was given (with any value). */
    public boolean has(String name) {
        return result.hasMatchedOption(parser.option(name));
    }

    public Optional<String> string(String name) {
        OptionSpec option = valueOption(name);
        if (option.isMultiValue()) {
            throw new IllegalArgumentException("--" + name + " is repeatable; use strings(), not string()");
        }
        return result.hasMatchedOption(option) ? Optional.of((String) option.getValue()) : Optional.empty();
    }

    /** Every value of the repeatable {@code --name}, in order; empty when absent. */
    public List<String> strings(String name) {
        OptionSpec option = valueOption(name);
        if (!option.isMultiValue()) {
            throw new IllegalArgumentException("--" + name + " is given once; use string(), not strings()");
        }
        return result.hasMatchedOption(option) ? strings(option) : List.of();
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
        List<String> values = new ArrayList<>();
        for (PositionalParamSpec positional : parser.positionalParameters()) {
            if (result.hasMatchedPositional(positional)) {
                values.addAll(strings(positional));
            }
        }
        return List.copyOf(values);
    }

    private OptionSpec valueOption(String name) {
        OptionSpec option = parser.option(name);
        if (option.arity().max() == 0) {
            throw new IllegalArgumentException("--" + name + " is a flag; use flag(), not a value getter");
        }
        return option;
    }

    /** The values of a matched option or positional: {@link OptionParser} declares each as a String or a list of them. */
    private static List<String> strings(ArgSpec arg) {
        Object value = arg.getValue();
        return value instanceof List<?> values ? values.stream().map(String.class::cast).toList() : List.of((String) value);
    }
}

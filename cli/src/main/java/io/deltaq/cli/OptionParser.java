package io.deltaq.cli;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The options of one command, and their parser.
 *
 * <p>Accepted forms: {@code --name value}, {@code --name=value}, boolean {@code --flag},
 * {@code -h}/{@code --help} (always declared), {@code --} ending the options. Everything else that
 * does not start with {@code -} is a positional argument. Errors name the command, e.g.
 * {@code deltaq serve: unknown option --prot}.
 */
public final class OptionParser {

    static final String HELP = "help";
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]*");

    private final String command;
    private final Map<String, Option> options = new LinkedHashMap<>();
    private String positionalLabel;
    private int minPositionals;
    private int maxPositionals;

    record Option(String name, String valueLabel, String help) {
        boolean takesValue() {
            return valueLabel != null;
        }

        String display() {
            return takesValue() ? "--" + name + " " + valueLabel : "--" + name;
        }
    }

    /** @param command the command as typed, e.g. {@code "deltaq serve"}; prefixes every error */
    public OptionParser(String command) {
        this.command = Objects.requireNonNull(command, "command");
    }

    /** Declares {@code --name VALUE}. */
    public OptionParser value(String name, String valueLabel, String help) {
        Objects.requireNonNull(valueLabel, "valueLabel");
        return declare(new Option(name, valueLabel, help));
    }

    /** Declares the boolean {@code --name}. */
    public OptionParser flag(String name, String help) {
        return declare(new Option(name, null, help));
    }

    /** Allows {@code min} to {@code max} positional arguments, shown as {@code label} in the synopsis. */
    public OptionParser positionals(String label, int min, int max) {
        if (min < 0 || max < min) {
            throw new IllegalArgumentException("bad positional range " + min + ".." + max);
        }
        this.positionalLabel = Objects.requireNonNull(label, "label");
        this.minPositionals = min;
        this.maxPositionals = max;
        return this;
    }

    public String command() {
        return command;
    }

    /** The option part of the usage line, starting with a space when not empty. */
    public String synopsis() {
        StringBuilder line = new StringBuilder();
        for (Option option : options.values()) {
            line.append(" [").append(option.display()).append(']');
        }
        if (positionalLabel != null) {
            line.append(' ').append(minPositionals == 0 ? "[" + positionalLabel + "]" : positionalLabel);
        }
        return line.toString();
    }

    /** One aligned line per option, {@code --help} last. */
    public String help() {
        List<String[]> rows = new ArrayList<>();
        for (Option option : options.values()) {
            rows.add(new String[] {option.display(), option.help()});
        }
        rows.add(new String[] {"-h, --help", "show this help"});
        int width = rows.stream().mapToInt(row -> row[0].length()).max().orElse(0);
        StringBuilder text = new StringBuilder();
        for (String[] row : rows) {
            text.append("  ").append(row[0]).append(" ".repeat(width - row[0].length() + 3)).append(row[1]).append('\n');
        }
        return text.toString();
    }

    /** Parses {@code args} (the words after the command name). */
    public ParsedOptions parse(List<String> args) throws UsageException {
        if (helpRequested(args)) {
            // Help wins over any mistake next to it: the user is asking how to fix the line.
            return new ParsedOptions(this, Map.of(), List.of(), true);
        }
        Map<String, String> values = new LinkedHashMap<>();
        List<String> positionals = new ArrayList<>();
        boolean optionsEnded = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = Objects.requireNonNull(args.get(i), "argument");
            if (optionsEnded || arg.equals("-") || !arg.startsWith("-")) {
                positionals.add(arg);
                continue;
            }
            if (arg.equals("--")) {
                optionsEnded = true;
                continue;
            }
            if (!arg.startsWith("--")) {
                throw error("unknown option " + arg + " (options are spelled --name)");
            }
            int equals = arg.indexOf('=');
            String name = arg.substring(2, equals < 0 ? arg.length() : equals);
            Option option = options.get(name);
            if (option == null) {
                throw error("unknown option --" + name);
            }
            String value;
            if (!option.takesValue()) {
                if (equals >= 0) {
                    throw error("option --" + name + " takes no value, got '" + arg + "'");
                }
                value = "true";
            } else if (equals >= 0) {
                value = arg.substring(equals + 1);
            } else if (i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
                value = args.get(++i);
            } else {
                throw error("option --" + name + " needs a value (" + option.display() + ")");
            }
            if (values.putIfAbsent(name, value) != null) {
                throw error("option --" + name + " given twice");
            }
        }
        checkPositionalCount(positionals);
        return new ParsedOptions(this, Collections.unmodifiableMap(values), List.copyOf(positionals), false);
    }

    private static boolean helpRequested(List<String> args) {
        for (String arg : args) {
            if (arg.equals("--")) {
                return false;
            }
            if (arg.equals("-h") || arg.equals("--help")) {
                return true;
            }
        }
        return false;
    }

    /** A {@link UsageException} whose message starts with the command. */
    public UsageException error(String message) {
        return new UsageException(command + ": " + message);
    }

    Option option(String name) {
        Option option = options.get(name);
        if (option == null) {
            throw new IllegalArgumentException(command + " declares no option --" + name);
        }
        return option;
    }

    private void checkPositionalCount(List<String> positionals) throws UsageException {
        if (positionalLabel == null) {
            if (!positionals.isEmpty()) {
                throw error("unexpected argument '" + positionals.get(0) + "'");
            }
            return;
        }
        if (positionals.size() < minPositionals) {
            throw error("missing " + positionalLabel);
        }
        if (positionals.size() > maxPositionals) {
            throw error("too many arguments: at most " + maxPositionals + " " + positionalLabel + ", got "
                    + positionals.size());
        }
    }

    private OptionParser declare(Option option) {
        if (!NAME.matcher(option.name()).matches()) {
            throw new IllegalArgumentException("option names are lowercase words joined by '-': " + option.name());
        }
        if (option.name().equals(HELP) || options.putIfAbsent(option.name(), option) != null) {
            throw new IllegalArgumentException(command + " declares --" + option.name() + " twice");
        }
        Objects.requireNonNull(option.help(), "help");
        return this;
    }
}

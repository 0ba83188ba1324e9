package io.deltaq.cli;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import picocli.CommandLine;
import picocli.CommandLine.MaxValuesExceededException;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine.OverwrittenOptionException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The options of one command, declared here and parsed by picocli: each declaration becomes part of
 * a picocli {@link CommandSpec}, which parses the arguments, lays out the help and feeds the shell
 * completion script ({@code deltaq completion}).
 *
 * <p>Accepted forms: {@code --name value}, {@code --name=value}, boolean {@code --flag},
 * {@code -h}/{@code --help} (always declared), {@code --} ending the options. Errors name the
 * command, e.g. {@code deltaq serve: unknown option --prot}.
 */
public final class OptionParser {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]*");
    /** Descriptions are written as lines of up to ~105 characters: wide enough that picocli keeps them as written. */
    private static final int HELP_WIDTH = 110;

    private final String command;
    private final CommandSpec spec;
    private final CommandLine commandLine;

    /** @param command the command as typed, e.g. {@code "deltaq serve"}; prefixes every error */
    public OptionParser(String command) {
        this.command = Objects.requireNonNull(command, "command");
        spec = CommandSpec.create().name(command);
        // Errors are collected rather than thrown, so that help wins over any mistake next to it (the
        // user is asking how to fix the line) and the first mistake is reported in this class's words.
        spec.parser().collectErrors(true).expandAtFiles(false); // an argument starting with @ is a value, not a file
        spec.interpolateVariables(false); // ${...} in help text is text
        UsageMessageSpec usage = spec.usageMessage()
                .synopsisHeading("usage: ")
                .descriptionHeading("%n")
                .optionListHeading("%noptions:%n")
                .sortOptions(false)
                .sortSynopsis(false)
                .width(HELP_WIDTH);
        // The header is the summary, for the command list of `deltaq help`, not for the command's own help;
        // positional arguments are explained in the description.
        usage.sectionKeys(usage.sectionKeys().stream()
                .filter(key -> !List.of(UsageMessageSpec.SECTION_KEY_HEADER_HEADING, UsageMessageSpec.SECTION_KEY_HEADER,
                        UsageMessageSpec.SECTION_KEY_PARAMETER_LIST_HEADING, UsageMessageSpec.SECTION_KEY_PARAMETER_LIST)
                        .contains(key))
                .toList());
        spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true).description("show this help").build());
        commandLine = new CommandLine(spec);
    }

    /** Declares {@code --name VALUE}. */
    public OptionParser value(String name, String valueLabel, String help) {
        return declare(name, help, OptionSpec.builder("--" + name).type(String.class).arity("1")
                .paramLabel(Objects.requireNonNull(valueLabel, "valueLabel")));
    }

    /** Declares {@code --name VALUE} that may be given more than once; read it with {@link ParsedOptions#strings}. */
    public OptionParser repeatable(String name, String valueLabel, String help) {
        return declare(name, help, OptionSpec.builder("--" + name).type(List.class).auxiliaryTypes(String.class)
                .arity("1").paramLabel(Objects.requireNonNull(valueLabel, "valueLabel")));
    }

    /** Declares the boolean {@code --name}. */
    public OptionParser flag(String name, String help) {
        return declare(name, help, OptionSpec.builder("--" + name).type(boolean.class).arity("0"));
    }

    /**
     * Allows {@code min} to {@code max} positional arguments, shown as {@code label} in the synopsis.
     * Called again, declares the arguments that follow, e.g. {@code TABLE} then {@code KEY=VALUE...}.
     */
    public OptionParser positionals(String label, int min, int max) {
        if (min < 0 || max < min || max == 0) {
            throw new IllegalArgumentException("bad positional range " + min + ".." + max);
        }
        List<PositionalParamSpec> declared = spec.positionalParameters();
        if (declared.stream().anyMatch(p -> p.index().max() == Integer.MAX_VALUE)) {
            throw new IllegalArgumentException("no positional arguments can follow any number of them");
        }
        int first = declared.stream().mapToInt(p -> p.index().max() + 1).max().orElse(0);
        String upper = max == Integer.MAX_VALUE ? "*" : Integer.toString(max);
        String index = max == Integer.MAX_VALUE ? first + "..*" : first + ".." + (first + max - 1);
        spec.addPositional(PositionalParamSpec.builder().index(index).arity(min + ".." + upper).required(min > 0)
                .type(max == 1 ? String.class : List.class).auxiliaryTypes(String.class)
                .paramLabel(Objects.requireNonNull(label, "label")).build());
        return this;
    }

    /** Parses {@code args} (the words after the command name). */
    public ParsedOptions parse(List<String> args) throws UsageException {
        return parsed(commandLine.parseArgs(args.toArray(String[]::new)), args);
    }

    /** A {@link UsageException} whose message starts with the command. */
    public UsageException error(String message) {
        return new UsageException(command + ": " + message);
    }

    /** Sets what the help says besides the options: the summary (in the command list) and the description. */
    OptionParser describe(String summary, String description) {
        spec.usageMessage().header(literal(summary)).description(description.lines().map(OptionParser::literal)
                .toArray(String[]::new));
        return this;
    }

    /** The picocli model; {@link DeltaqMain} makes it a subcommand of {@code deltaq}. */
    CommandLine commandLine() {
        return commandLine;
    }

    /** The full help text: synopsis, description, options. */
    String usage() {
        // No colours: the same text on a terminal, in a pipe and in the tests.
        return commandLine.getUsageMessage(CommandLine.Help.Ansi.OFF);
    }

    /**
     * The parsed options of {@code result}, the picocli parse of {@code args} by this parser's model.
     *
     * @throws UsageException for the first mistake on the command line, unless help was asked for
     */
    ParsedOptions parsed(ParseResult result, List<String> args) throws UsageException {
        if (!result.isUsageHelpRequested() && !result.errors().isEmpty()) {
            // picocli lists a missing positional before the unknown arguments, which may be what was meant
            // for it ("deltaq inspect --jsno t"), so it is reported only when nothing else is wrong.
            Exception first = result.errors().stream()
                    .filter(e -> !(e instanceof MissingParameterException missing && !missing.getMissing().get(0).isOption()))
                    .findFirst().orElse(result.errors().get(0));
            throw error(describe(first, result));
        }
        return new ParsedOptions(this, result, List.copyOf(args));
    }

    OptionSpec option(String name) {
        OptionSpec option = spec.findOption("--" + name);
        if (option == null) {
            throw new IllegalArgumentException(command + " declares no option --" + name);
        }
        return option;
    }

    List<PositionalParamSpec> positionalParameters() {
        return spec.positionalParameters();
    }

    /** picocli's parse error in this project's words, which name the option as typed. */
    private String describe(Exception e, ParseResult result) {
        if (e instanceof UnmatchedArgumentException unmatched) {
            String arg = unmatched.getUnmatched().get(0);
            if (arg.startsWith("--")) {
                return "unknown option " + arg.split("=", 2)[0];
            }
            if (arg.startsWith("-") && arg.length() > 1) {
                return "unknown option " + arg + " (options are spelled --name)";
            }
            if (spec.positionalParameters().isEmpty()) {
                return "unexpected argument '" + arg + "'";
            }
            return "too many arguments: '" + arg + "' after " + spec.positionalParameters().stream()
                    .map(PositionalParamSpec::paramLabel).collect(Collectors.joining(" "));
        }
        if (e instanceof MissingParameterException missing) {
            ArgSpec arg = missing.getMissing().get(0);
            return arg instanceof OptionSpec option
                    ? "option " + option.longestName() + " needs a value (" + option.longestName() + " " + option.paramLabel() + ")"
                    : "missing " + arg.paramLabel();
        }
        if (e instanceof OverwrittenOptionException twice && twice.getOverwritten() instanceof OptionSpec option) {
            return "option " + option.longestName() + " given twice";
        }
        if (e instanceof MaxValuesExceededException) {
            // picocli names neither the option nor the argument here; a flag only gets a value as --flag=VALUE.
            for (String arg : result.originalArgs()) {
                int equals = arg.indexOf('=');
                OptionSpec flag = arg.startsWith("--") && equals > 0 ? spec.findOption(arg.substring(0, equals)) : null;
                if (flag != null && flag.arity().max() == 0) {
                    return "option " + flag.longestName() + " takes no value, got '" + arg + "'";
                }
            }
        }
        return e.getMessage();
    }

    private OptionParser declare(String name, String help, OptionSpec.Builder option) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("option names are lowercase words joined by '-': " + name);
        }
        if (spec.findOption("--" + name) != null) {
            throw new IllegalArgumentException(command + " declares --" + name + " twice");
        }
        spec.addOption(option.description(literal(Objects.requireNonNull(help, "help"))).build());
        return this;
    }

    /** picocli formats help text with String.format: a % is written %%. */
    private static String literal(String text) {
        return text.replace("%", "%%");
    }
}

package io.deltaq.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceLoader;

import picocli.AutoComplete;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * The {@code deltaq} command: dispatches to a subcommand. Exit status 0 on success, 1 when a
 * command fails, 2 for a wrong command line (usage on stderr).
 *
 * <p>The subcommands are the built-in ones and those found on the class path through
 * {@link ServiceLoader} ({@code META-INF/services/} + {@link Command}'s name), so that a module
 * that depends on this one (the benchmark) adds its command without this one knowing it. Each
 * command's {@link OptionParser} is a picocli subcommand of {@code deltaq}, which also has
 * {@code --version}, {@code help [COMMAND]} and {@code completion} (a bash/zsh completion script
 * picocli generates from the same model, so it knows every command and option).
 */
public final class DeltaqMain {

    /** The built-in subcommands, in the order {@code deltaq help} lists them. Add one line per new command. */
    private static final List<Command> BUILT_IN = List.of(
            new ServeCommand(),
            new ProduceCommand(),
            new ConsumeCommand(),
            new InspectCommand(),
            new ConfigureCommand(),
            new MaintainCommand(),
            new TopicCommand());

    static final String HELP = "help";
    static final String COMPLETION = "completion";

    private DeltaqMain() {
    }

    public static void main(String[] args) {
        int status = run(args, CommandIo.system());
        System.out.flush();
        System.err.flush();
        System.exit(status);
    }

    /** Runs {@code deltaq args...} writing to {@code io}; returns the exit status. */
    public static int run(String[] args, CommandIo io) {
        Map<String, Command> commands = new LinkedHashMap<>();
        commands().forEach(command -> commands.put(command.name(), command));
        Map<String, OptionParser> parsers = parsers(commands.values());
        OptionParser deltaq = topLevel(parsers);
        String name = args.length > 0 ? args[0] : "";
        OptionParser failing = deltaq;
        try {
            if (args.length == 0) {
                io.err().print(deltaq.usage());
                return Command.USAGE;
            }
            ParseResult result = deltaq.commandLine().parseArgs(args);
            if (result.isUsageHelpRequested()) {
                io.out().print(deltaq.usage());
                return Command.OK;
            }
            if (result.isVersionHelpRequested()) {
                io.out().println("deltaq " + version());
                return Command.OK;
            }
            if (!result.hasSubcommand() || !result.errors().isEmpty()) {
                // Anything before the command but -h or -V is a mistake, so the command is the first word.
                String word = result.unmatched().isEmpty() ? name : result.unmatched().get(0);
                throw new UsageException("deltaq: " + (word.startsWith("-") ? "unknown option " + word
                        : "unknown command '" + word + "'"));
            }
            failing = parsers.get(name);
            ParsedOptions parsed = failing.parsed(result.subcommand(), Arrays.asList(args).subList(1, args.length));
            if (parsed.helpRequested()) {
                io.out().print(failing.usage());
                return Command.OK;
            }
            return switch (name) {
                case HELP -> help(parsed.positionals(), deltaq, parsers, io);
                case COMPLETION -> {
                    io.out().print(AutoComplete.bash("deltaq", deltaq.commandLine()));
                    yield Command.OK;
                }
                default -> commands.get(name).run(parsed, io);
            };
        } catch (UsageException e) {
            io.err().println(e.getMessage());
            io.err().print(failing.usage());
            return Command.USAGE;
        } catch (Exception e) {
            io.err().println("deltaq " + name + ": " + describe(e));
            if (Boolean.getBoolean("deltaq.debug")) {
                e.printStackTrace(io.err());
            }
            return Command.FAILED;
        } finally {
            io.out().flush();
            io.err().flush();
        }
    }

    /** The options of every subcommand by name: the commands, then help and completion. */
    private static Map<String, OptionParser> parsers(Collection<Command> commands) {
        Map<String, OptionParser> parsers = new LinkedHashMap<>();
        commands.forEach(command -> parsers.put(command.name(),
                command.options().describe(command.summary(), command.description())));
        parsers.put(HELP, new OptionParser("deltaq " + HELP).positionals("COMMAND", 0, 1).describe(
                "show the commands, or the options of COMMAND",
                "Lists the commands, or shows the options of COMMAND like 'deltaq COMMAND --help'."));
        parsers.put(COMPLETION, new OptionParser("deltaq " + COMPLETION).describe(
                "print the bash/zsh completion script: source <(deltaq completion)",
                """
                Prints a bash and zsh script (generated by picocli) with which Tab completes deltaq's commands
                and options, for deltaq on the PATH or typed as a path such as bin/deltaq. Load it with
                'source <(deltaq completion)', e.g. in ~/.bashrc or ~/.zshrc; in zsh it turns on
                bashcompinit itself."""));
        return parsers;
    }

    /** {@code deltaq} itself: {@code -h}, {@code -V} and the subcommands. */
    private static OptionParser topLevel(Map<String, OptionParser> subcommands) {
        // No summary: deltaq is in no command list.
        OptionParser deltaq = new OptionParser("deltaq").describe("",
                "A message queue on Delta Lake tables in S3-compatible object storage.");
        deltaq.commandLine().getCommandSpec()
                .addOption(OptionSpec.builder("-V", "--version").versionHelp(true).description("print the version").build())
                .usageMessage()
                .synopsisSubcommandLabel("COMMAND")
                .commandListHeading("%ncommands:%n")
                .footerHeading("%n")
                .footer("Run 'deltaq help COMMAND' or 'deltaq COMMAND --help' for its options.",
                        "Completion of commands and options in bash or zsh: source <(deltaq completion)");
        subcommands.forEach((name, parser) -> {
            // As a subcommand its name is the word after deltaq; its help still says "deltaq NAME".
            parser.commandLine().getCommandSpec().name(name);
            deltaq.commandLine().addSubcommand(name, parser.commandLine());
        });
        return deltaq;
    }

    /** The version the build wrote into {@code version.properties} (see cli/pom.xml). */
    static String version() {
        Properties properties = new Properties();
        try (InputStream in = DeltaqMain.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                throw new IllegalStateException("version.properties is missing from the class path: built without its resources");
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties.getProperty("version");
    }

    /**
     * The built-in commands, then those the class path provides, by name.
     *
     * @throws IllegalStateException when two commands have the same name (a packaging mistake)
     * @throws java.util.ServiceConfigurationError when a provided command cannot be loaded
     */
    static List<Command> commands() {
        List<Command> provided = new ArrayList<>();
        ServiceLoader.load(Command.class).forEach(provided::add);
        provided.sort(Comparator.comparing(Command::name));
        List<Command> commands = new ArrayList<>(BUILT_IN);
        commands.addAll(provided);
        Map<String, Command> byName = new HashMap<>();
        for (Command command : commands) {
            Command other = byName.putIfAbsent(command.name(), command);
            if (other != null) {
                throw new IllegalStateException("two deltaq commands are named '" + command.name() + "': "
                        + other.getClass().getName() + " and " + command.getClass().getName());
            }
        }
        return List.copyOf(commands);
    }

    private static int help(List<String> names, OptionParser deltaq, Map<String, OptionParser> parsers, CommandIo io) {
        if (names.isEmpty()) {
            io.out().print(deltaq.usage());
            return Command.OK;
        }
        OptionParser parser = parsers.get(names.get(0));
        if (parser == null) {
            io.err().println("deltaq help: unknown command '" + names.get(0) + "'");
            io.err().print(deltaq.usage());
            return Command.USAGE;
        }
        io.out().print(parser.usage());
        return Command.OK;
    }

    /** The message and its causes, without stack traces (set -Ddeltaq.debug=true for those). */
    private static String describe(Throwable e) {
        StringBuilder text = new StringBuilder(String.valueOf(e.getMessage() != null ? e.getMessage() : e));
        Throwable cause = e.getCause();
        for (int depth = 0; cause != null && depth < 8; depth++, cause = cause.getCause()) {
            String message = cause.getMessage() != null ? cause.getMessage() : cause.toString();
            if (!text.toString().contains(message)) {
                text.append(": ").append(message);
            }
        }
        return text.toString();
    }
}

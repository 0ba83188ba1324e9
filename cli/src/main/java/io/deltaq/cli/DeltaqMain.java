package io.deltaq.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The {@code deltaq} command: dispatches to a subcommand. Exit status 0 on success, 1 when a
 * command fails, 2 for a wrong command line (usage on stderr).
 *
 * <p>The subcommands are the built-in ones and those found on the class path through
 * {@link ServiceLoader} ({@code META-INF/services/} + {@link Command}'s name), so that a module
 * that depends on this one (the benchmark) adds its command without this one knowing it.
 */
public final class DeltaqMain {

    /** The built-in subcommands, in the order {@code deltaq help} lists them. Add one line per new command. */
    private static final List<Command> BUILT_IN = List.of(
            new ServeCommand(),
            new ProduceCommand(),
            new ConsumeCommand(),
            new InspectCommand(),
            new ConfigureCommand(),
            new MaintainCommand());

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
        List<Command> commands = commands();
        if (args.length == 0) {
            io.err().print(usage(commands));
            return Command.USAGE;
        }
        String name = args[0];
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        if (name.equals("help") || name.equals("--help") || name.equals("-h")) {
            return help(commands, rest, io);
        }
        Optional<Command> command = find(commands, name);
        if (command.isEmpty()) {
            io.err().println("deltaq: unknown command '" + name + "'");
            io.err().print(usage(commands));
            return Command.USAGE;
        }
        try {
            return command.get().run(rest, io);
        } catch (UsageException e) {
            io.err().println(e.getMessage());
            io.err().print(command.get().usage());
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

    /** The top-level help: every command with its summary. */
    private static String usage(List<Command> commands) {
        int width = commands.stream().mapToInt(c -> c.name().length()).max().orElse(0);
        StringBuilder text = new StringBuilder("usage: deltaq <command> [options]\n\ncommands:\n");
        for (Command command : commands) {
            text.append("  ").append(command.name()).append(" ".repeat(width - command.name().length() + 3))
                    .append(command.summary()).append('\n');
        }
        text.append("\nRun 'deltaq help <command>' or 'deltaq <command> --help' for its options.\n");
        return text.toString();
    }

    private static int help(List<Command> commands, List<String> rest, CommandIo io) {
        if (rest.isEmpty()) {
            io.out().print(usage(commands));
            return Command.OK;
        }
        Optional<Command> command = find(commands, rest.get(0));
        if (command.isEmpty() || rest.size() > 1) {
            io.err().println("deltaq help: " + (command.isEmpty() ? "unknown command '" + rest.get(0) + "'"
                    : "expects one command name"));
            io.err().print(usage(commands));
            return Command.USAGE;
        }
        io.out().print(command.get().usage());
        return Command.OK;
    }

    private static Optional<Command> find(List<Command> commands, String name) {
        return commands.stream().filter(c -> c.name().equals(name)).findFirst();
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

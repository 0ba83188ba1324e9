package io.deltaq.cli;

import java.util.List;

/**
 * A {@code deltaq} subcommand, and the service {@link DeltaqMain} loads commands through. To add
 * one, implement this (usually {@link #name()}, {@link #summary()}, {@link #options()} and
 * {@link #run(ParsedOptions, CommandIo)}), then either list an instance among
 * {@code DeltaqMain}'s built-in commands or, from another module, make the class public with a
 * public no-argument constructor and name it in that module's
 * {@code META-INF/services/} file named after this interface.
 */
public interface Command {

    /** Exit status: success. */
    int OK = 0;
    /** Exit status: the command ran and failed. */
    int FAILED = 1;
    /** Exit status: the command line is wrong. */
    int USAGE = 2;

    /** What follows {@code deltaq} on the command line. */
    String name();

    /** One line for {@code deltaq help}. */
    String summary();

    /** Paragraphs between the synopsis and the options in {@code deltaq NAME --help}; default the summary. */
    default String description() {
        return summary();
    }

    /** The options this command accepts; {@code -h}/{@code --help} is always added. */
    OptionParser options();

    /** Runs with parsed options; returns the exit status. */
    int run(ParsedOptions options, CommandIo io) throws Exception;

    /**
     * Runs with the raw arguments after the command name: parses them, answers {@code --help} on
     * stdout, and calls {@link #run(ParsedOptions, CommandIo)}. Override only to take over
     * parsing entirely.
     *
     * @throws UsageException for a wrong command line; the dispatcher prints it with {@link #usage()}
     */
    default int run(List<String> args, CommandIo io) throws Exception {
        ParsedOptions parsed = options().parse(args);
        if (parsed.helpRequested()) {
            io.out().print(usage());
            io.out().flush();
            return OK;
        }
        return run(parsed, io);
    }

    /** The full help text: synopsis, description, options. */
    default String usage() {
        OptionParser options = options();
        return "usage: " + options.command() + options.synopsis() + "\n\n"
                + description() + "\n\n"
                + "options:\n" + options.help();
    }
}

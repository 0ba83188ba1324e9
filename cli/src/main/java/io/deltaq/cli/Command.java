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

    /** The options this command accepts, in a new parser each call; {@code -h}/{@code --help} is always added. */
    OptionParser options();

    /** Runs with parsed options; returns the exit status. {@link DeltaqMain} answers {@code --help} before. */
    int run(ParsedOptions options, CommandIo io) throws Exception;

    /**
     * Parses {@code args} (the words after the command name) with {@link #options()} and runs: for a
     * caller that holds the command itself, such as a test with its own environment. {@code --help}
     * is {@link DeltaqMain}'s to answer.
     *
     * @throws UsageException for a wrong command line
     */
    default int run(List<String> args, CommandIo io) throws Exception {
        return run(options().parse(args), io);
    }

    /** The full help text ({@code deltaq NAME --help}): synopsis, description, options. */
    default String usage() {
        return options().describe(summary(), description()).usage();
    }
}

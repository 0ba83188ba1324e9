package io.deltaq.bench.cli;

import java.util.List;

/** Holds the place of a subcommand that is planned but not written yet: says so and exits 2. */
final class NotBuiltCommand implements Command {

    private final String name;
    private final String summary;

    NotBuiltCommand(String name, String summary) {
        this.name = name;
        this.summary = summary;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String summary() {
        return summary + " (not built yet)";
    }

    @Override
    public OptionParser options() {
        return new OptionParser("deltaq " + name);
    }

    /** Ignores the arguments: whatever they are, the answer is the same. */
    @Override
    public int run(List<String> args, CommandIo io) {
        io.err().println("deltaq " + name + ": not built yet");
        return USAGE;
    }

    @Override
    public int run(ParsedOptions options, CommandIo io) {
        return run(List.of(), io);
    }
}

package io.deltaq.bench.cli;

import java.io.PrintStream;
import java.util.Objects;

/**
 * Where a command writes: {@code out} for its results (machine-readable where documented),
 * {@code err} for errors, progress and hints. Tests pass their own streams.
 */
public record CommandIo(PrintStream out, PrintStream err) {
    public CommandIo {
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(err, "err");
    }

    /** The process's {@code System.out} and {@code System.err}. */
    public static CommandIo system() {
        return new CommandIo(System.out, System.err);
    }
}

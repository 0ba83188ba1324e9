package io.deltaq.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.Objects;

/**
 * Where a command reads and writes: {@code in} for input data (e.g. the lines {@code deltaq produce}
 * sends), {@code out} for its results (machine-readable where documented), {@code err} for errors,
 * progress and hints. Tests pass their own streams.
 */
public record CommandIo(InputStream in, PrintStream out, PrintStream err) {
    public CommandIo {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(err, "err");
    }

    /** Output streams only: stdin is empty. */
    public CommandIo(PrintStream out, PrintStream err) {
        this(InputStream.nullInputStream(), out, err);
    }

    /** The process's {@code System.in}, {@code System.out} and {@code System.err}. */
    public static CommandIo system() {
        return new CommandIo(System.in, System.out, System.err);
    }
}

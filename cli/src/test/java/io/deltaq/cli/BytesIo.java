package io.deltaq.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** A {@link CommandIo} with given stdin bytes whose stdout is kept byte for byte. */
final class BytesIo {

    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    final CommandIo io;

    BytesIo(byte[] stdin) {
        this(new ByteArrayInputStream(stdin));
    }

    BytesIo(InputStream stdin) {
        io = new CommandIo(stdin, new PrintStream(outBytes, true), new PrintStream(errBytes, true, StandardCharsets.UTF_8));
    }

    BytesIo() {
        this(new byte[0]);
    }

    byte[] out() {
        return outBytes.toByteArray();
    }

    String outText() {
        return outBytes.toString(StandardCharsets.UTF_8);
    }

    String err() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    /** Runs {@code deltaq args} and returns the exit status. */
    int run(String... args) {
        return DeltaqMain.run(args, io);
    }
}

package io.deltaq.cli;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A {@link CommandIo} whose stdout arrives line by line in a queue and whose stderr is kept as text. */
final class CapturedIo {

    private final BlockingQueue<String> outLines = new LinkedBlockingQueue<>();
    private final StringBuilder outText = new StringBuilder();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    final CommandIo io = new CommandIo(
            new PrintStream(new LineSplitter(), true, StandardCharsets.UTF_8),
            new PrintStream(errBytes, true, StandardCharsets.UTF_8));

    /** The next complete stdout line, or null after {@code timeoutSeconds}. */
    String nextOutLine(long timeoutSeconds) throws InterruptedException {
        return outLines.poll(timeoutSeconds, TimeUnit.SECONDS);
    }

    /** Complete stdout lines not taken yet, plus any unterminated tail. */
    synchronized String remainingOut() {
        StringBuilder rest = new StringBuilder();
        outLines.forEach(line -> rest.append(line).append('\n'));
        return rest.append(outText).toString();
    }

    String err() {
        synchronized (errBytes) {
            return errBytes.toString(StandardCharsets.UTF_8);
        }
    }

    /** Everything written to stdout so far (only for commands that have finished). */
    String out() {
        return remainingOut();
    }

    private final class LineSplitter extends OutputStream {
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        @Override
        public void write(int b) {
            synchronized (CapturedIo.this) {
                if (b == '\n') {
                    outLines.add(line.toString(StandardCharsets.UTF_8));
                    line.reset();
                    outText.setLength(0);
                } else {
                    line.write(b);
                    outText.append((char) b);
                }
            }
        }
    }
}

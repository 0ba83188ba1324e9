package io.deltaq.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A progress line on stderr, rewritten in place ({@code \r}) at most every {@link #INTERVAL_NS}, for
 * {@code deltaq produce} and {@code consume}: shown on a terminal, silent when stderr is piped or
 * redirected, unless {@code --progress} says otherwise. The caller asks {@link #due} from its loop
 * (when on, a clock read; when off, a field read) and builds the line only when it is due.
 */
final class Progress {

    static final String OPTION = "progress";
    static final String OPTION_HELP = "auto (default: on a terminal), always or never: a progress line on stderr";
    static final long INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(250);

    private final PrintStream err;
    private final boolean on;
    private long startNs = System.nanoTime();
    private long nextNs = startNs;
    private int width;

    private Progress(PrintStream err, boolean on) {
        this.err = err;
        this.on = on;
    }

    /** From {@code --progress}: auto, always or never. */
    static Progress of(ParsedOptions options, OptionParser parser, PrintStream err) throws UsageException {
        String mode = options.string(OPTION, "auto").toLowerCase(Locale.ROOT);
        return switch (mode) {
            case "auto" -> new Progress(err, err == System.err && stderrIsTerminal());
            case "always" -> new Progress(err, true);
            case "never" -> new Progress(err, false);
            default -> throw parser.error("--" + OPTION + " must be auto, always or never, got '" + mode + "'");
        };
    }

    /**
     * Whether this process's stderr is a terminal. Java 17 cannot ask for stderr alone
     * ({@code System.console()} also needs stdin and stdout, which {@code produce} and {@code consume}
     * use for data), so Linux's /proc says; elsewhere, the console.
     */
    static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return System.console() != null;
        }
    }

    /** Rates count from now: called once the table is open, as the command's own summary counts. */
    void start() {
        startNs = System.nanoTime();
        nextNs = startNs;
    }

    boolean isOn() {
        return on;
    }

    /** Whether a line is due now; false always when off. */
    boolean due() {
        return on && System.nanoTime() - nextNs >= 0;
    }

    /** {@code count} per second since this progress started. */
    double rate(long count) {
        long ns = System.nanoTime() - startNs;
        return ns <= 0 ? 0 : count * 1e9 / ns;
    }

    /** Writes {@code line} over the previous one and schedules the next; a signal's hook may end it meanwhile. */
    synchronized void show(String line) {
        nextNs = System.nanoTime() + INTERVAL_NS;
        err.print("\r" + line + " ".repeat(Math.max(0, width - line.length())));
        err.flush();
        width = line.length();
    }

    /** Ends the progress line, if one was shown, so that what follows starts on its own line. */
    synchronized void end() {
        if (width > 0) {
            err.println();
            err.flush();
            width = 0;
        }
    }
}

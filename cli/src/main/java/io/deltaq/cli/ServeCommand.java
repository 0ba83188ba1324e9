package io.deltaq.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

import io.deltaq.s3server.EmbeddedS3Server;

/**
 * {@code deltaq serve}: an S3 server on 127.0.0.1 for local runs. Prints its settings as
 * {@code KEY=value} lines on stdout, then runs until interrupted (Ctrl-C, SIGTERM, or in process
 * an interrupt of the running thread). End of stdin does not stop it, so it can run in the
 * background.
 */
final class ServeCommand implements Command {

    private static final int MAX_LATENCY_MS = 600_000;

    @Override
    public String name() {
        return "serve";
    }

    @Override
    public String summary() {
        return "run an S3 server on 127.0.0.1 and print its settings as KEY=value lines";
    }

    @Override
    public String description() {
        return """
                Runs an in-process S3 server (s3proxy) on 127.0.0.1 with random credentials until
                Ctrl-C or SIGTERM. Prints exactly these lines on stdout, then nothing more:
                AWS_ENDPOINT_URL, AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, DELTAQ_BUCKET.
                Clients must use path-style requests. Example:
                  deltaq serve > s3.env &   then   set -a; . ./s3.env; set +a""";
    }

    @Override
    public OptionParser options() {
        return new OptionParser("deltaq serve")
                .value("dir", "PATH", "keep objects in files under PATH, across restarts (default: in memory)")
                .value("latency-ms", "N", "delay each storage operation by N ms to emulate S3 (default 0)")
                .value("bucket", "NAME", "the bucket to create (default " + EmbeddedS3Server.DEFAULT_BUCKET + ")")
                .value("port", "N", "the TCP port (default 0: any free port)");
    }

    @Override
    public int run(ParsedOptions options, CommandIo io) throws UsageException {
        int latencyMs = options.intValue("latency-ms", 0, 0, MAX_LATENCY_MS);
        EmbeddedS3Server.Builder builder = EmbeddedS3Server.builder()
                .port(options.intValue("port", 0, 0, 65535))
                .latency(Duration.ofMillis(latencyMs));
        Optional<Path> dir = options.path("dir");
        dir.ifPresent(builder::directory);
        Optional<String> bucket = options.string("bucket");
        if (bucket.isPresent()) {
            try {
                builder.bucket(bucket.get());
            } catch (IllegalArgumentException e) {
                throw options().error("--bucket: " + e.getMessage());
            }
        }

        EmbeddedS3Server server = builder.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "deltaq-serve-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            PrintStream out = io.out();
            out.println("AWS_ENDPOINT_URL=" + server.endpoint());
            out.println("AWS_REGION=" + server.region());
            out.println("AWS_ACCESS_KEY_ID=" + server.accessKey());
            out.println("AWS_SECRET_ACCESS_KEY=" + server.secretKey());
            out.println("DELTAQ_BUCKET=" + server.bucket());
            out.flush();
            io.err().println("deltaq serve: S3 at " + server.endpoint() + ", bucket " + server.bucket() + ", "
                    + dir.map(d -> "objects under " + d.toAbsolutePath()).orElse("objects in memory (lost on exit)")
                    + (latencyMs > 0 ? ", " + latencyMs + " ms latency per storage operation" : "")
                    + "; Ctrl-C or SIGTERM stops it");
            io.err().flush();
            stopped.await();
        } catch (InterruptedException e) {
            // In process (tests, an embedding application) an interrupt is the stop signal.
            Thread.currentThread().interrupt();
        } finally {
            removeHook(hook);
            server.close();
        }
        return OK;
    }

    /** Unregisters the hook unless the JVM is already running it. */
    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shutdownInProgress) {
            // The hook is closing the server; nothing to undo.
        }
    }
}

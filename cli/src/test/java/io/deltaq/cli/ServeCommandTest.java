package io.deltaq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ServeCommandTest {

    private static final List<String> KEYS = List.of(
            "AWS_ENDPOINT_URL", "AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "DELTAQ_BUCKET");

    @TempDir
    Path tempDir;

    /** {@code deltaq serve} running on a thread of this JVM. */
    private static final class RunningServe implements AutoCloseable {
        final CapturedIo captured = new CapturedIo();
        final AtomicInteger status = new AtomicInteger(-1);
        final Thread thread;
        final Map<String, String> settings = new LinkedHashMap<>();

        RunningServe(String... serveArgs) throws InterruptedException {
            String[] args = new String[serveArgs.length + 1];
            args[0] = "serve";
            System.arraycopy(serveArgs, 0, args, 1, serveArgs.length);
            thread = new Thread(() -> status.set(DeltaqMain.run(args, captured.io)), "deltaq-serve-test");
            thread.start();
            for (String key : KEYS) {
                String line = captured.nextOutLine(60);
                assertNotNull(line, "serve printed " + settings.keySet() + ", stderr: " + captured.err());
                int equals = line.indexOf('=');
                assertEquals(key, equals < 0 ? line : line.substring(0, equals), "line '" + line + "' in order");
                settings.put(key, line.substring(equals + 1));
            }
        }

        S3Client client() {
            return S3Client.builder()
                    .endpointOverride(URI.create(settings.get("AWS_ENDPOINT_URL")))
                    .region(Region.of(settings.get("AWS_REGION")))
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                            settings.get("AWS_ACCESS_KEY_ID"), settings.get("AWS_SECRET_ACCESS_KEY"))))
                    .forcePathStyle(true)
                    .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                    .build();
        }

        int port() {
            return URI.create(settings.get("AWS_ENDPOINT_URL")).getPort();
        }

        /** Interrupts serve (what Ctrl-C does via the shutdown hook) and returns its exit status. */
        int stop() throws InterruptedException {
            thread.interrupt();
            thread.join(TimeUnit.SECONDS.toMillis(30));
            assertFalse(thread.isAlive(), "serve stopped after an interrupt");
            assertEquals(Command.OK, status.get(), () -> "serve's stderr: " + captured.err());
            return status.get();
        }

        @Override
        public void close() throws InterruptedException {
            if (thread.isAlive()) {
                stop();
            }
        }
    }

    private static int putIfAbsent(S3Client s3, String bucket, String key, String body) {
        try {
            return s3.putObject(PutObjectRequest.builder().bucket(bucket).key(key).ifNoneMatch("*").build(),
                    RequestBody.fromString(body, StandardCharsets.UTF_8)).sdkHttpResponse().statusCode();
        } catch (S3Exception e) {
            return e.statusCode();
        }
    }

    @Test
    void printsExactlyTheFiveSettingsWhichWorkForPutIfAbsentThenStopsOnInterrupt() throws Exception {
        try (RunningServe serve = new RunningServe("--bucket", "cli-test")) {
            assertEquals("us-east-1", serve.settings.get("AWS_REGION"));
            assertEquals("cli-test", serve.settings.get("DELTAQ_BUCKET"));
            assertTrue(serve.settings.get("AWS_ENDPOINT_URL").startsWith("http://127.0.0.1:"));
            try (S3Client s3 = serve.client()) {
                assertEquals(200, putIfAbsent(s3, "cli-test", "_delta_log/00000000000000000000.json", "a"));
                assertEquals(412, putIfAbsent(s3, "cli-test", "_delta_log/00000000000000000000.json", "b"));
            }
            assertTrue(serve.captured.err().contains("Ctrl-C"), "a hint on stderr: " + serve.captured.err());

            int port = serve.port();
            assertEquals(Command.OK, serve.stop());
            assertEquals("", serve.captured.remainingOut(), "nothing on stdout after the five lines");
            assertThrows(ConnectException.class, () -> connect(port), "the server is closed");
        }
    }

    @Test
    void dirLatencyAndPortOptionsReachTheServer() throws Exception {
        int freePort;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            freePort = probe.getLocalPort();
        }
        Path dir = tempDir.resolve("objects");
        try (RunningServe serve = new RunningServe("--dir", dir.toString(), "--latency-ms=20",
                "--port", Integer.toString(freePort))) {
            assertEquals("http://127.0.0.1:" + freePort, serve.settings.get("AWS_ENDPOINT_URL"));
            try (S3Client s3 = serve.client()) {
                long start = System.nanoTime();
                assertEquals(200, putIfAbsent(s3, "deltaq", "k", "v"));
                assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(20), "latency applied");
            }
            assertTrue(Files.isDirectory(dir.resolve("deltaq")), "the bucket is a directory under --dir");
            assertEquals(Command.OK, serve.stop());
        }
    }

    @Test
    void aPortInUseFailsWithStatus1AndAMessage() throws Exception {
        try (RunningServe first = new RunningServe()) {
            CapturedIo captured = new CapturedIo();
            int status = DeltaqMain.run(new String[] {"serve", "--port", Integer.toString(first.port())}, captured.io);
            assertEquals(Command.FAILED, status);
            assertTrue(captured.err().startsWith("deltaq serve: could not start the S3 server on 127.0.0.1:"
                    + first.port()), captured.err());
            assertEquals("", captured.out());
        }
    }

    private static void connect(int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        }
    }
}

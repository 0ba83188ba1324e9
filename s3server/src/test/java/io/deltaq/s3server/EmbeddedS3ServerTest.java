package io.deltaq.s3server;

import static io.deltaq.s3server.S3TestClients.CREATED;
import static io.deltaq.s3server.S3TestClients.PRECONDITION_FAILED;
import static io.deltaq.s3server.S3TestClients.client;
import static io.deltaq.s3server.S3TestClients.get;
import static io.deltaq.s3server.S3TestClients.put;
import static io.deltaq.s3server.S3TestClients.putIfAbsent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EmbeddedS3ServerTest {

    enum Store {
        MEMORY, FILESYSTEM;

        EmbeddedS3Server.Builder builder(Path tempDir) {
            EmbeddedS3Server.Builder builder = EmbeddedS3Server.builder();
            return this == FILESYSTEM ? builder.directory(tempDir.resolve("store")) : builder;
        }
    }

    @TempDir
    Path tempDir;

    @ParameterizedTest
    @EnumSource(Store.class)
    void putThenGetReturnsTheBytes(Store store) {
        try (EmbeddedS3Server server = store.builder(tempDir).start(); S3Client s3 = client(server)) {
            put(s3, server.bucket(), "a/b/c.json", "{\"hello\":\"world\"}");
            assertEquals("{\"hello\":\"world\"}", get(s3, server.bucket(), "a/b/c.json"));
        }
    }

    @Test
    void defaultsAreLoopbackRandomPortUsEast1AndBucketDeltaq() {
        try (EmbeddedS3Server one = EmbeddedS3Server.start(); EmbeddedS3Server two = EmbeddedS3Server.start()) {
            assertEquals("http", one.endpoint().getScheme());
            assertEquals("127.0.0.1", one.endpoint().getHost());
            assertTrue(one.port() > 0, "a real port was read back: " + one.endpoint());
            assertNotEquals(one.port(), two.port());
            assertEquals("us-east-1", one.region());
            assertEquals("deltaq", one.bucket());
            assertEquals(20, one.accessKey().length());
            assertEquals(40, one.secretKey().length());
            assertNotEquals(one.accessKey(), two.accessKey());
            assertNotEquals(one.secretKey(), two.secretKey());
        }
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void secondConditionalPutOnAKeyGets412AndLeavesTheFirstContent(Store store) {
        try (EmbeddedS3Server server = store.builder(tempDir).start(); S3Client s3 = client(server)) {
            assertEquals(CREATED, putIfAbsent(s3, server.bucket(), "_delta_log/00000000000000000000.json", "first"));
            assertEquals(PRECONDITION_FAILED,
                    putIfAbsent(s3, server.bucket(), "_delta_log/00000000000000000000.json", "second"));
            assertEquals("first", get(s3, server.bucket(), "_delta_log/00000000000000000000.json"));
        }
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void racingConditionalPutsHaveExactlyOneWinner(Store store) throws Exception {
        int writers = 8;
        int rounds = 100;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try (EmbeddedS3Server server = store.builder(tempDir).start(); S3Client s3 = client(server)) {
            CyclicBarrier startTogether = new CyclicBarrier(writers);
            for (int round = 0; round < rounds; round++) {
                String key = "race/" + round + ".json";
                List<Future<Integer>> statuses = new ArrayList<>();
                for (int writer = 0; writer < writers; writer++) {
                    String body = "writer-" + writer;
                    statuses.add(pool.submit(() -> {
                        startTogether.await(10, TimeUnit.SECONDS);
                        return putIfAbsent(s3, server.bucket(), key, body);
                    }));
                }
                List<Integer> winners = new ArrayList<>();
                for (int writer = 0; writer < writers; writer++) {
                    int status = statuses.get(writer).get(30, TimeUnit.SECONDS);
                    if (status == CREATED) {
                        winners.add(writer);
                    } else {
                        assertEquals(PRECONDITION_FAILED, status, "round " + round + ", writer " + writer);
                    }
                }
                assertEquals(1, winners.size(), "round " + round + " winners " + winners);
                assertEquals("writer-" + winners.get(0), get(s3, server.bucket(), key), "round " + round);
            }
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void wrongSecretKeyOrAccessKeyIsRefusedWith403() {
        try (EmbeddedS3Server server = EmbeddedS3Server.start();
                S3Client wrongSecret = client(server, server.accessKey(), server.secretKey() + "x");
                S3Client wrongAccess = client(server, "AKIAWRONGWRONGWRONG0", server.secretKey())) {
            S3Exception secret = assertThrows(S3Exception.class, () -> put(wrongSecret, server.bucket(), "k", "v"));
            assertEquals(403, secret.statusCode());
            S3Exception access = assertThrows(S3Exception.class, () -> get(wrongAccess, server.bucket(), "k"));
            assertEquals(403, access.statusCode());
        }
    }

    @Test
    void explicitCredentialsAreTheOnlyOnesAccepted() {
        try (EmbeddedS3Server server = EmbeddedS3Server.builder().credentials("ACCESS", "SECRET").start();
                S3Client s3 = client(server, "ACCESS", "SECRET");
                S3Client other = client(server, "ACCESS", "SECRET2")) {
            assertEquals("ACCESS", server.accessKey());
            assertEquals("SECRET", server.secretKey());
            put(s3, server.bucket(), "k", "v");
            assertEquals(403, assertThrows(S3Exception.class, () -> get(other, server.bucket(), "k")).statusCode());
        }
    }

    @Test
    void filesystemStoreKeepsObjectsAndConditionalSemanticsAcrossARestart() {
        Path dir = tempDir.resolve("persistent");
        try (EmbeddedS3Server server = EmbeddedS3Server.builder().directory(dir).bucket("topic-a").start();
                S3Client s3 = client(server)) {
            assertEquals(CREATED, putIfAbsent(s3, "topic-a", "_delta_log/00000000000000000000.json", "v0"));
        }
        try (EmbeddedS3Server server = EmbeddedS3Server.builder().directory(dir).bucket("topic-a").start();
                S3Client s3 = client(server)) {
            assertEquals("v0", get(s3, "topic-a", "_delta_log/00000000000000000000.json"));
            assertEquals(PRECONDITION_FAILED,
                    putIfAbsent(s3, "topic-a", "_delta_log/00000000000000000000.json", "again"));
        }
    }

    @Test
    void createBucketMakesAnotherUsableBucketAndIsIdempotent() {
        try (EmbeddedS3Server server = EmbeddedS3Server.start(); S3Client s3 = client(server)) {
            server.createBucket("second");
            server.createBucket("second");
            server.createBucket(server.bucket());
            put(s3, "second", "k", "in second");
            assertEquals("in second", get(s3, "second", "k"));
            assertEquals(404, assertThrows(S3Exception.class, () -> get(s3, "third", "k")).statusCode());
        }
    }

    @Test
    void invalidBucketNamesAreRejectedWithTheName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EmbeddedS3Server.builder().bucket("Upper_Case"));
        assertTrue(e.getMessage().contains("'Upper_Case'"), e.getMessage());
        try (EmbeddedS3Server server = EmbeddedS3Server.start()) {
            assertThrows(IllegalArgumentException.class, () -> server.createBucket("ab"));
            assertThrows(IllegalArgumentException.class, () -> server.createBucket("a..b"));
        }
    }

    @Test
    void aTakenPortFailsWithAMessageNamingIt() {
        try (EmbeddedS3Server first = EmbeddedS3Server.start()) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> EmbeddedS3Server.builder().port(first.port()).start());
            assertTrue(e.getMessage().contains("127.0.0.1:" + first.port()), e.getMessage());
        }
    }

    @Test
    void latencyEmulationDelaysEveryRequestByAtLeastTheConfiguredTime() {
        Duration latency = Duration.ofMillis(150);
        try (EmbeddedS3Server server = EmbeddedS3Server.builder().latency(latency).start();
                S3Client s3 = client(server)) {
            long putStart = System.nanoTime();
            assertEquals(CREATED, putIfAbsent(s3, server.bucket(), "k", "v"));
            long putNanos = System.nanoTime() - putStart;
            long getStart = System.nanoTime();
            assertEquals("v", get(s3, server.bucket(), "k"));
            long getNanos = System.nanoTime() - getStart;
            assertTrue(putNanos >= latency.toNanos(), "PUT took " + putNanos / 1_000_000 + " ms");
            assertTrue(getNanos >= latency.toNanos(), "GET took " + getNanos / 1_000_000 + " ms");
            // The middleware wraps the store; conditional writes must still be native, not refused.
            assertEquals(PRECONDITION_FAILED, putIfAbsent(s3, server.bucket(), "k", "again"));
        }
    }

    @Test
    void latencyMustBeNonNegativeWholeMilliseconds() {
        assertThrows(IllegalArgumentException.class, () -> EmbeddedS3Server.builder().latency(Duration.ofMillis(-1)));
        assertThrows(IllegalArgumentException.class, () -> EmbeddedS3Server.builder().latency(Duration.ofNanos(1500)));
    }

    @Test
    void closeStopsListeningAndLeavesNoThreadBehind() throws Exception {
        Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());
        EmbeddedS3Server server = EmbeddedS3Server.start();
        int port = server.port();
        // An unsigned request makes Jetty hand work to its pool; it proves the server answers.
        String response = rawRequest(port, "GET", "/");
        assertTrue(response.startsWith("HTTP/1.1 403"), "anonymous ListBuckets is refused: " + response);
        server.close();
        server.close();

        assertThrows(ConnectException.class, () -> rawRequest(port, "GET", "/"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Set<String> leftover;
        do {
            leftover = new HashSet<>(Thread.getAllStackTraces().keySet()).stream()
                    .filter(t -> !before.contains(t) && t.isAlive())
                    .map(Thread::getName)
                    .collect(Collectors.toSet());
            if (leftover.isEmpty()) {
                break;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        } while (System.nanoTime() < deadline);
        assertEquals(Set.of(), leftover, "threads started by the server and still alive after close()");
    }

    @Test
    void closeOnAnInterruptedThreadStopsTheServerAndKeepsTheInterrupt() {
        EmbeddedS3Server server = EmbeddedS3Server.start();
        int port = server.port();
        Thread.currentThread().interrupt();
        try {
            server.close();
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt is preserved");
        } finally {
            Thread.interrupted();
        }
        assertThrows(ConnectException.class, () -> rawRequest(port, "GET", "/"));
    }

    @Test
    void unsignedRequestsCannotReadOrWriteObjects() throws IOException {
        try (EmbeddedS3Server server = EmbeddedS3Server.start(); S3Client s3 = client(server)) {
            put(s3, server.bucket(), "private", "secret");
            String read = rawRequest(server.port(), "GET", "/" + server.bucket() + "/private");
            assertTrue(read.startsWith("HTTP/1.1 403"), read);
            String write = rawRequest(server.port(), "PUT", "/" + server.bucket() + "/private");
            assertTrue(write.startsWith("HTTP/1.1 403"), write);
            String list = rawRequest(server.port(), "GET", "/" + server.bucket() + "/");
            assertTrue(list.startsWith("HTTP/1.1 403"), list);
            assertEquals("secret", get(s3, server.bucket(), "private"));
        }
    }

    private static String rawRequest(int port, String method, String path) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write((method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}

package io.deltaq.deltalog;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.deltaq.deltalog.actions.AddFile;
import io.deltaq.s3io.ObjectStore;
import io.deltaq.s3io.ObjectStores;
import io.deltaq.s3io.ObjectTooLargeException;
import io.deltaq.testkit.TestS3;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server (or a store) that declares, or holds, more than a reader's bound cannot make deltalog
 * allocate it: each read is refused with an error naming the file, the field, the value and the bound.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostileServerTest {

    private static final int BOUND = 1 << 20;
    private static final long DECLARED = 1_500_000_000L;

    private HttpServer server;
    private final AtomicLong gets = new AtomicLong();

    @TempDir
    Path dir;

    @BeforeEach
    void startServer() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        // Every GET answers 200 with a Content-Length of 1.5 GB and sends 16 bytes of it.
        server.createContext("/", exchange -> {
            gets.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, DECLARED);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(new byte[16]);
                out.flush();
            } catch (Exception closed) {
                // the client hung up: what it was meant to do
            }
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private ObjectStore hostileStore() {
        return ObjectStores.open("s3://bucket/prefix", Map.of(
                "AWS_ENDPOINT_URL", "http://127.0.0.1:" + server.getAddress().getPort(),
                "AWS_REGION", "us-east-1", "AWS_ACCESS_KEY_ID", "k", "AWS_SECRET_ACCESS_KEY", "s"),
                Map.of("store.retry.max.attempts", 1));
    }

    private static DeltaTable table(ObjectStore store) {
        return DeltaTable.at(store, "t", DeltaLogOptions.builder().maxReadBytes(BOUND).build());
    }

    @Test
    void aContentLengthOverTheBoundIsRefusedNamingTheFileTheValueAndTheBound() {
        try (ObjectStore store = hostileStore()) {
            LiveFile file = table(store).dataFile(1, AddFile.ofNewFile("part-0.parquet", 16, 1, null));
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> table(store).readDataFile(file).get(30, TimeUnit.SECONDS));
            String m = e.getCause().getMessage();
            assertInstanceOf(DeltaLogException.class, e.getCause(), m);
            assertInstanceOf(ObjectTooLargeException.class, e.getCause().getCause(), m);
            assertTrue(m.contains("t/part-0.parquet"), "names the file: " + m);
            assertTrue(m.contains("Content-Length is " + DECLARED), "names the field and the value: " + m);
            assertTrue(m.contains("bound of " + BOUND), "names the bound: " + m);
        }
    }

    @Test
    void aPrefetchHintAndALogReadAreBoundTheSameWay() {
        try (ObjectStore store = hostileStore()) {
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> table(store).prefetchDataFile("part-1.parquet").get(30, TimeUnit.SECONDS));
            assertTrue(e.getCause().getMessage().contains("Content-Length is " + DECLARED), e.getCause().getMessage());
            DeltaLogException log = assertThrows(DeltaLogException.class, () -> table(store).snapshot());
            assertTrue(log.getMessage().contains("Content-Length is " + DECLARED), log.getMessage());
        }
    }

    @Test
    void aLocalFileOverTheBoundIsRefusedBeforeItIsRead() throws Exception {
        Path data = dir.resolve("t/part-0.parquet");
        Files.createDirectories(data.getParent());
        Files.write(data, new byte[BOUND + 1]);
        try (ObjectStore store = TestS3.local(dir)) {
            LiveFile file = table(store).dataFile(1, AddFile.ofNewFile("part-0.parquet", BOUND + 1, 1, null));
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> table(store).readDataFile(file).get(30, TimeUnit.SECONDS));
            String m = e.getCause().getMessage();
            assertTrue(m.contains("part-0.parquet") && m.contains((BOUND + 1) + " bytes")
                    && m.contains("bound of " + BOUND), m);
        }
    }
}

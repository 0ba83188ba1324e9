package io.deltaq.s3io;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deltaq.s3io.config.ConfigException;
import io.deltaq.s3server.EmbeddedS3Server;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ObjectStores#open}: every kind of address, the environment, overrides, and decorators from configuration. */
class ObjectStoresTest {

    @TempDir
    Path dir;

    @Test
    void plainPathsAndFileUrisOpenTheSameDirectory() throws Exception {
        try (ObjectStore byPath = ObjectStores.open(dir.toString(), Map.of(), Map.of());
             ObjectStore byUri = ObjectStores.open(dir.toUri().toString(), Map.of(), Map.of("store.local.fsync", "false"))) {
            byPath.put("k", "v".getBytes(UTF_8)).get(10, TimeUnit.SECONDS);
            assertArrayEquals("v".getBytes(UTF_8), byUri.get("k").get(10, TimeUnit.SECONDS).orElseThrow());
            assertInstanceOf(LocalObjectStore.class, byPath);
        }
    }

    @Test
    void anS3AddressTakesItsSettingsFromTheEnvironment() throws Exception {
        EmbeddedS3Server server = SharedS3Server.get();
        try (ObjectStore store = ObjectStores.open("s3://" + server.bucket() + "/stores-test", Map.of(
                     "AWS_ENDPOINT_URL", server.endpoint().toString(),
                     "AWS_REGION", server.region(),
                     "AWS_ACCESS_KEY_ID", server.accessKey(),
                     "AWS_SECRET_ACCESS_KEY", server.secretKey()), Map.of("store.retry.max.attempts", 2))) {
            S3ObjectStore s3 = assertInstanceOf(S3ObjectStore.class, store);
            assertEquals(2, s3.config().retryPolicy().maxAttempts());
            assertTrue(store.putIfAbsent("k", "v".getBytes(UTF_8)).get(30, TimeUnit.SECONDS));
            assertTrue(store.location().contains("stores-test"), store.location());
        }
    }

    @Test
    void overridesBeatTheEnvironment() {
        try (ObjectStore store = ObjectStores.open("s3://bucket/x", Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:1",
                "AWS_REGION", "eu-west-1"), Map.of("store.endpoint", "http://127.0.0.1:2", "store.region", "us-west-2"))) {
            S3StoreConfig config = ((S3ObjectStore) store).config();
            assertEquals("http://127.0.0.1:2", config.endpoint().toString());
            assertEquals("us-west-2", config.region());
        }
    }

    @Test
    void wrongSettingsAreRefusedByName() {
        ConfigException unknown = assertThrows(ConfigException.class,
                () -> ObjectStores.open(dir.toString(), Map.of(), Map.of("store.retries", 3)));
        assertTrue(unknown.getMessage().contains("'store.retries'"), unknown.getMessage());

        ConfigException s3Only = assertThrows(ConfigException.class,
                () -> ObjectStores.open(dir.toString(), Map.of(), Map.of("store.endpoint", "http://127.0.0.1:9000")));
        assertTrue(s3Only.getMessage().contains("s3:// addresses only"), s3Only.getMessage());

        ConfigException badEndpoint = assertThrows(ConfigException.class,
                () -> ObjectStores.open("s3://b/x", Map.of(), Map.of("store.endpoint", "ftp://host")));
        assertTrue(badEndpoint.getMessage().contains("http://host[:port]"), badEndpoint.getMessage());

        ConfigException badSpec = assertThrows(ConfigException.class,
                () -> ObjectStores.open(dir.toString(), Map.of(), Map.of("fault.spec", "get:explode:0.5")));
        assertTrue(badSpec.getMessage().contains("unknown fault"), badSpec.getMessage());

        assertThrows(IllegalArgumentException.class, () -> ObjectStores.open("gs://bucket/x", Map.of(), Map.of()));
        assertThrows(IllegalArgumentException.class, () -> ObjectStores.open(" ", Map.of(), Map.of()));
    }

    @Test
    void faultsAreOnOnlyThroughAnExplicitSpec() throws Exception {
        try (ObjectStore plain = ObjectStores.open(dir.toString(), Map.of(), Map.of())) {
            assertInstanceOf(LocalObjectStore.class, plain, "no decorator by default");
        }
        try (ObjectStore faulty = ObjectStores.open(dir.toString(), Map.of(),
                Map.of("fault.spec", "get:error=503:1.0", "fault.seed", "7"))) {
            assertInstanceOf(FaultInjectingStore.class, faulty);
            CompletionException e = assertThrows(CompletionException.class, () -> faulty.get("k").join());
            assertInstanceOf(StoreUnavailableException.class, e.getCause());
            assertTrue(Files.isDirectory(dir));
        }
    }

    @Test
    void theDocumentedWorstCaseIsTheComputedOne() {
        // 25 + 50 + 100 + 200 ms: four backoffs before the fifth attempt.
        assertEquals(Duration.ofMillis(375), S3StoreConfig.DEFAULT_RETRY.worstCaseBackoff());
        assertEquals(Duration.ofMillis(2_000 + 2_000), RetryPolicy.of(3, 2_000, 2_000).worstCaseBackoff());
        assertEquals(Duration.ZERO, RetryPolicy.of(1, 25, 2_000).worstCaseBackoff());
        for (int attempt = 2; attempt < 12; attempt++) {
            long cap = Math.min(2_000_000_000L, 25_000_000L << (attempt - 2));
            long wait = S3StoreConfig.DEFAULT_RETRY.backoffNanos(attempt);
            assertTrue(wait >= 0 && wait <= cap, "attempt " + attempt + " waited " + wait + " ns, cap " + cap);
        }
    }
}

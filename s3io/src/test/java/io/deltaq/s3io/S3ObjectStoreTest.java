package io.deltaq.s3io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deltaq.s3io.StoreMetrics.Operation;
import io.deltaq.s3server.EmbeddedS3Server;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The contract against a real S3 server (s3proxy on loopback), then the failures only S3 has, with
 * the default client ({@link S3ClientKind#CRT_LEAN}); {@link SdkS3ObjectStoreTest} runs it all again
 * through the SDK.
 */
class S3ObjectStoreTest extends ObjectStoreContractTest {

    private static EmbeddedS3Server server;

    @BeforeAll
    static void startServer() {
        server = SharedS3Server.get();
    }

    /** The client every store of this class uses. */
    protected S3ClientKind clientKind() {
        return S3ClientKind.CRT_LEAN;
    }

    private S3StoreConfig.Builder config() {
        return config(server);
    }

    /** A store configuration for {@code s3} with this class's client. */
    private S3StoreConfig.Builder config(EmbeddedS3Server s3) {
        return S3StoreConfig.builder()
                .clientKind(clientKind())
                .endpoint(s3.endpoint())
                .region(s3.region())
                .credentials(s3.accessKey(), s3.secretKey());
    }

    /** Each test gets its own prefix, so tests share one bucket without seeing each other's keys. */
    private static S3Location freshLocation() {
        return new S3Location(server.bucket(), "contract/" + UUID.randomUUID());
    }

    @Override
    protected ObjectStore openStore() {
        return new S3ObjectStore(freshLocation(), config().build());
    }

    /* Issue 11, item 4: a fixed deadline abandons every attempt of a large upload on slow storage. */
    @Test
    void anAttemptsDeadlineGrowsWithItsPayload() {
        try (EmbeddedS3Server slow = EmbeddedS3Server.builder().latency(Duration.ofMillis(300)).start()) {
            S3StoreConfig tight = config(slow)
                    .requestTimeout(Duration.ofMillis(150))
                    .requestTimeoutPerMiB(Duration.ofMillis(150))
                    .retryPolicy(RetryPolicy.of(1, 0, 0))
                    .build();
            try (ObjectStore store = new S3ObjectStore(new S3Location(slow.bucket(), "deadline"), tight)) {
                ByteBuffer large = ByteBuffer.allocate(16 << 20); // 150 ms + 16 x 150 ms: time for 300 ms of latency
                await(store.put("large", large));
                Throwable small = failureOf(store.put("small", ByteBuffer.allocate(1024)));
                assertTrue(String.valueOf(small).contains("no response within 150 ms"), "a small upload keeps the floor: " + small);
            }
            S3StoreConfig fixed = config(slow)
                    .requestTimeout(Duration.ofMillis(150)).requestTimeoutPerMiB(Duration.ZERO)
                    .retryPolicy(RetryPolicy.of(1, 0, 0)).build();
            try (ObjectStore store = new S3ObjectStore(new S3Location(slow.bucket(), "deadline-fixed"), fixed)) {
                Throwable stalled = failureOf(store.put("large", ByteBuffer.allocate(16 << 20)));
                assertTrue(String.valueOf(stalled).contains("no response within 150 ms"),
                        "a fixed deadline abandons the same upload (what the code did before): " + stalled);
            }
            try (ObjectStore patient = new S3ObjectStore(new S3Location(slow.bucket(), "deadline"),
                    config(slow).build())) {
                assertEquals(16 << 20, await(patient.get("large")).orElseThrow().length, "the large upload landed whole");
            }
        }
    }

    @Test
    void aMissingBucketIsNamedAndNotRetried() {
        try (ObjectStore missing = new S3ObjectStore(new S3Location("no-such-bucket-" + UUID.randomUUID(), "t"), config().build())) {
            Throwable failure = failureOf(missing.get("k"));
            assertInstanceOf(NoSuchBucketException.class, failure);
            assertTrue(failure.getMessage().contains("no-such-bucket-"), failure.getMessage());
            assertTrue(failure.getMessage().contains(server.endpoint().toString()), failure.getMessage());
            assertEquals(1, missing.metrics().snapshot(Operation.GET).requests(), "no retries");
        }
    }

    @Test
    void wrongCredentialsAreNamedAndNotRetried() {
        S3StoreConfig wrong = config().credentials("not-the-key", "not-the-secret").build();
        try (ObjectStore store = new S3ObjectStore(freshLocation(), wrong)) {
            Throwable failure = failureOf(store.putIfAbsent("k", bytes("v")));
            assertInstanceOf(StoreCredentialsException.class, failure);
            assertTrue(failure.getMessage().contains(server.bucket()), failure.getMessage());
            assertTrue(failure.getMessage().contains(server.endpoint().toString()), failure.getMessage());
            assertEquals(1, store.metrics().snapshot(Operation.PUT_IF_ABSENT).requests(), "no retries");
        }
    }

    @Test
    void anUnreachableEndpointFailsAfterTheRetryBudget() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        S3StoreConfig unreachable = config()
                .endpoint(URI.create("http://127.0.0.1:" + closedPort))
                .retryPolicy(new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(5)))
                .build();
        try (ObjectStore store = new S3ObjectStore(freshLocation(), unreachable)) {
            Throwable failure = failureOf(store.get("k"));
            assertInstanceOf(StoreUnavailableException.class, failure);
            assertTrue(failure.getMessage().contains("after 3 attempts"), failure.getMessage());
            assertEquals(3, store.metrics().snapshot(Operation.GET).requests());
        }
    }

    @Test
    void throttlingIsRetriedUntilItPasses() throws Exception {
        try (FaultInjectingProxy proxy = new FaultInjectingProxy(server.endpoint());
                ObjectStore store = new S3ObjectStore(freshLocation(), config().endpoint(proxy.endpoint()).build())) {
            await(store.put("k", bytes("v")));
            proxy.refuseNextRequests(2, 503, "SlowDown");
            assertEquals("v", string(await(store.get("k")).orElseThrow()));
            StoreMetrics.OperationStats gets = store.metrics().snapshot(Operation.GET);
            assertEquals(3, gets.requests());
            assertEquals(2, gets.retries());
            assertEquals(2, gets.failures());
        }
    }

    @Test
    void aConditionalCreateWhoseResponseWasLostIsAmbiguousNotAlreadyExists() throws Exception {
        S3Location location = freshLocation();
        try (FaultInjectingProxy proxy = new FaultInjectingProxy(server.endpoint());
                ObjectStore viaProxy = new S3ObjectStore(location, config().endpoint(proxy.endpoint()).build());
                ObjectStore direct = new S3ObjectStore(location, config().build())) {
            proxy.dropNextResponses(1);
            Throwable failure = failureOf(viaProxy.putIfAbsent("_delta_log/00000000000000000001.json", bytes("mine")));
            AmbiguousWriteException ambiguous = assertInstanceOf(AmbiguousWriteException.class, failure);
            assertEquals("_delta_log/00000000000000000001.json", ambiguous.key());
            assertEquals("mine", string(await(direct.get("_delta_log/00000000000000000001.json")).orElseThrow()),
                    "the first attempt landed although its response was lost");
            assertEquals(2, viaProxy.metrics().snapshot(Operation.PUT_IF_ABSENT).requests());
        }
    }

    @Test
    void theCrtClientsHiddenRetryDoesNotPassForAnotherWriter() throws Exception {
        S3Location location = freshLocation();
        try (FaultInjectingProxy proxy = new FaultInjectingProxy(server.endpoint());
                ObjectStore crt = new S3ObjectStore(location, config().endpoint(proxy.endpoint()).clientKind(S3ClientKind.CRT).build());
                ObjectStore direct = new S3ObjectStore(location, config().build())) {
            proxy.dropNextResponses(1);
            assertInstanceOf(AmbiguousWriteException.class, failureOf(crt.putIfAbsent("k", bytes("mine"))));
            assertTrue(await(direct.putIfAbsent("other", bytes("theirs"))));
            assertEquals(false, await(crt.putIfAbsent("other", bytes("mine"))), "other bytes prove another writer won");
        }
    }

    @Test
    void deniedAccessIsNamedAndNotRetried() throws Exception {
        try (FaultInjectingProxy proxy = new FaultInjectingProxy(server.endpoint());
                ObjectStore store = new S3ObjectStore(freshLocation(), config().endpoint(proxy.endpoint()).build())) {
            proxy.refuseNextRequests(1, 403, "AccessDenied");
            Throwable failure = failureOf(store.get("k"));
            assertInstanceOf(StoreAccessDeniedException.class, failure);
            assertTrue(failure.getMessage().contains("bucket '" + server.bucket() + "'"), failure.getMessage());
            assertEquals(1, store.metrics().snapshot(Operation.GET).requests(), "no retries");
        }
    }

    @Test
    void aConditionalRequestConflictIsTypedAndAConditionalCreateRetriesIt() throws Exception {
        try (FaultInjectingProxy proxy = new FaultInjectingProxy(server.endpoint());
                ObjectStore store = new S3ObjectStore(freshLocation(), config().endpoint(proxy.endpoint()).build())) {
            proxy.refuseNextRequests(1, 409, "ConditionalRequestConflict");
            Throwable failure = failureOf(store.putIfAbsent("k", bytes("v")));
            assertInstanceOf(ConditionalConflictException.class, failure);
            assertTrue(failure.getMessage().contains("put-if-absent k"), failure.getMessage());

            proxy.refuseNextRequests(1, 409, "ConditionalRequestConflict");
            CreateOutcome outcome = await(new ConditionalCreate(store, RetryPolicy.of(3, 1, 5), Duration.ofSeconds(30))
                    .create("k", bytes("v")));
            assertEquals(CreateOutcome.Kind.CREATED, outcome.kind());
            assertEquals("v", string(await(store.get("k")).orElseThrow()));
        }
    }

    @Test
    void aBodyCutOffMidwayIsNeverReturnedAsTheObject() throws Exception {
        byte[] object = new byte[300_000];
        new java.util.Random(7).nextBytes(object);
        try (FaultInjectingProxy proxy = new FaultInjectingProxy(server.endpoint());
                ObjectStore store = new S3ObjectStore(freshLocation(), config().endpoint(proxy.endpoint()).build())) {
            await(store.put("big", ByteBuffer.wrap(object)));
            proxy.cutNextResponseAfter(100_000);
            assertArrayEquals(object, await(store.get("big")).orElseThrow(), "the whole object, after a retry");
            assertEquals(2, store.metrics().snapshot(Operation.GET).requests());
        }
    }

    @Test
    void aPlainPutWhoseResponseWasLostIsRetriedToSuccess() throws Exception {
        try (FaultInjectingProxy proxy = new FaultInjectingProxy(server.endpoint());
                ObjectStore store = new S3ObjectStore(freshLocation(), config().endpoint(proxy.endpoint()).build())) {
            proxy.dropNextResponses(1);
            await(store.put("k", bytes("v")));
            assertEquals("v", string(await(store.get("k")).orElseThrow()));
            assertEquals(2, store.metrics().snapshot(Operation.PUT).requests());
        }
    }

    @Test
    void aSlowServerTimesOutAndAConditionalCreateThatTimedOutIsAmbiguous() {
        try (EmbeddedS3Server slow = EmbeddedS3Server.builder().latency(Duration.ofMillis(400)).start()) {
            S3StoreConfig impatient = config(slow)
                    .requestTimeout(Duration.ofMillis(100))
                    .retryPolicy(new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(1)))
                    .build();
            try (ObjectStore store = new S3ObjectStore(new S3Location(slow.bucket(), "t"), impatient)) {
                Throwable get = failureOf(store.get("k"));
                assertInstanceOf(StoreUnavailableException.class, get);
                assertTrue(get.getMessage().contains("no response within 100 ms"), get.getMessage());
                assertInstanceOf(AmbiguousWriteException.class, failureOf(store.putIfAbsent("k", bytes("v"))));
            }
        }
    }

    @Test
    void s3AddressesParse() {
        assertEquals(new S3Location("bucket", "a/b"), S3Location.parse("s3://bucket/a/b/"));
        assertEquals(new S3Location("bucket", ""), S3Location.parse("s3://bucket"));
        assertEquals("a/b/_delta_log/0.json", S3Location.parse("s3a://bucket/a/b").keyOf("_delta_log/0.json"));
        IllegalArgumentException noBucket = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> S3Location.parse("s3:///prefix"));
        assertTrue(noBucket.getMessage().contains("s3:///prefix"), noBucket.getMessage());
    }

    @Test
    void theEnvironmentConfiguresEndpointAndRegion() {
        S3StoreConfig fromEnv = S3StoreConfig.fromEnvironment(java.util.Map.of(
                "AWS_ENDPOINT_URL", "http://127.0.0.1:9000", "AWS_REGION", "eu-west-3")).build();
        assertEquals(URI.create("http://127.0.0.1:9000"), fromEnv.endpoint());
        assertEquals("eu-west-3", fromEnv.region());
        assertTrue(fromEnv.pathStyle(), "an endpoint override implies path-style, as MinIO-likes need");
        S3StoreConfig aws = S3StoreConfig.fromEnvironment(java.util.Map.of()).build();
        assertEquals(null, aws.endpoint());
        assertEquals(S3StoreConfig.FALLBACK_REGION, aws.region());
        assertEquals(false, aws.pathStyle());
    }

    @Test
    void theLeanClientRefusesAddressesItCannotSend() {
        S3StoreConfig.Builder lean = S3StoreConfig.builder().clientKind(S3ClientKind.CRT_LEAN).region("us-east-1")
                .credentials("k", "s");
        for (String bucket : new String[] {"arn:aws:s3:us-east-1:123456789012:accesspoint/ap", "data--use1-az4--x-s3"}) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> new S3ObjectStore(new S3Location(bucket, "t"), lean.build()).close());
            assertTrue(refused.getMessage().contains(bucket) && refused.getMessage().contains("store.client=crt-http"),
                    refused.getMessage());
        }
        IllegalArgumentException withPath = assertThrows(IllegalArgumentException.class, () -> new S3ObjectStore(
                new S3Location("b", "t"), lean.endpoint(java.net.URI.create("http://127.0.0.1:9000/under")).build()).close());
        assertTrue(withPath.getMessage().contains("store.client=crt-http"), withPath.getMessage());
    }

    /**
     * A refusal decided on the response's headers is the answer, every time: the body that follows, or
     * the end of the response, must not settle the read first (as a lean client racing its own
     * completions once let an empty array through).
     */
    @Test
    void aGetOverItsBoundIsRefusedEveryTime() throws Exception {
        try (ObjectStore store = openStore()) {
            await(store.put("k", "0123456789".getBytes()));
            for (int i = 0; i < 300; i++) {
                Throwable failure = failureOf(store.get("k", 9));
                assertInstanceOf(ObjectTooLargeException.class, failure, "read " + i);
            }
        }
    }
}

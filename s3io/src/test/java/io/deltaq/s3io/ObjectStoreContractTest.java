package io.deltaq.s3io;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deltaq.s3io.StoreMetrics.Operation;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The {@link ObjectStore} contract, run against every implementation over real storage. Each test
 * works under its own key prefix so implementations may share one bucket or directory.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
abstract class ObjectStoreContractTest {

    private static final long TIMEOUT_SECONDS = 60;

    protected ObjectStore store;

    /** A fresh store over real storage; closed after each test. */
    protected abstract ObjectStore openStore() throws Exception;

    @BeforeEach
    void open() throws Exception {
        store = openStore();
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    protected static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new CompletionException(e.getCause());
        } catch (Exception e) {
            throw new AssertionError("store call did not complete within " + TIMEOUT_SECONDS + " s", e);
        }
    }

    protected static Throwable failureOf(CompletableFuture<?> future) {
        CompletionException e = assertThrows(CompletionException.class, () -> await(future));
        return e.getCause();
    }

    @Test
    void racingConditionalCreatesHaveExactlyOneWinnerEveryRound() throws Exception {
        int writers = 8;
        int rounds = 40;
        ExecutorService threads = Executors.newFixedThreadPool(writers);
        try {
            for (int round = 0; round < rounds; round++) {
                String key = "race/" + round + ".json";
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Boolean>> outcomes = new ArrayList<>();
                for (int w = 0; w < writers; w++) {
                    byte[] content = ("writer-" + w + "-round-" + round).getBytes(UTF_8);
                    outcomes.add(threads.submit(() -> {
                        start.await();
                        return await(store.putIfAbsent(key, content));
                    }));
                }
                start.countDown();
                int winner = -1;
                for (int w = 0; w < writers; w++) {
                    if (outcomes.get(w).get(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                        assertEquals(-1, winner, "round " + round + ": writers " + winner + " and " + w + " both created " + key);
                        winner = w;
                    }
                }
                assertTrue(winner >= 0, "round " + round + ": nobody created " + key);
                byte[] stored = await(store.get(key)).orElseThrow();
                assertEquals("writer-" + winner + "-round-" + round, new String(stored, UTF_8),
                        "round " + round + ": the object must hold the winner's bytes");
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void conditionalCreateOfAnExistingKeyWritesNothing() {
        assertTrue(await(store.putIfAbsent("once/key", bytes("first"))));
        assertFalse(await(store.putIfAbsent("once/key", bytes("second"))));
        assertEquals("first", string(await(store.get("once/key")).orElseThrow()));
    }

    @Test
    void missingKeyIsAnEmptyResult() {
        assertEquals(Optional.empty(), await(store.get("missing/key")));
        assertEquals(Optional.empty(), await(store.getRange("missing/key", 0, 10)));
    }

    @Test
    void putReplacesAndDeleteRemoves() {
        await(store.put("obj", bytes("one")));
        await(store.put("obj", bytes("two")));
        assertEquals("two", string(await(store.get("obj")).orElseThrow()));
        await(store.delete("obj"));
        assertEquals(Optional.empty(), await(store.get("obj")));
        await(store.delete("obj")); // deleting a missing key succeeds
    }

    @Test
    void writesUseTheBufferWindowWithoutMovingIt() {
        ByteBuffer buffer = ByteBuffer.wrap(bytes("xxpayloadyy"));
        buffer.position(2).limit(9);
        assertTrue(await(store.putIfAbsent("window", buffer)));
        assertEquals(2, buffer.position());
        assertEquals(9, buffer.limit());
        assertEquals("payload", string(await(store.get("window")).orElseThrow()));
    }

    @Test
    void rangedReads() {
        await(store.put("range/obj", bytes("0123456789")));
        assertEquals("3456", string(await(store.getRange("range/obj", 3, 4)).orElseThrow()));
        assertEquals("789", string(await(store.getRange("range/obj", 7, 100)).orElseThrow()), "a range past the end is cut");
        assertEquals("", string(await(store.getRange("range/obj", 10, 5)).orElseThrow()), "a range at the end is empty");
        assertEquals("", string(await(store.getRange("range/obj", 2, 0)).orElseThrow()));
        assertEquals("0", string(await(store.getRange("range/obj", 0, 1)).orElseThrow()));
    }

    @Test
    void listingPagesThroughMoreThanAThousandKeysInOrder() {
        int count = 1_100;
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String key = String.format("many/%020d.json", i);
            expected.add(key);
            writes.add(store.put(key, bytes("v" + i)));
        }
        writes.forEach(ObjectStoreContractTest::await);
        await(store.put("manyother/not-listed", bytes("x")));

        List<String> listed = new ArrayList<>();
        String startAfter = null;
        int pages = 0;
        ListPage page;
        do {
            page = await(store.list("many/", startAfter, 1000));
            page.objects().forEach(o -> listed.add(o.key()));
            startAfter = page.nextStartAfter();
            pages++;
        } while (page.truncated());
        assertEquals(expected, listed);
        assertEquals(2, pages, "1,100 keys in pages of 1,000");

        ListPage tail = await(store.list("many/", expected.get(1_095), 1000));
        assertEquals(expected.subList(1_096, 1_100), tail.objects().stream().map(ObjectInfo::key).toList());
        assertFalse(tail.truncated());
        assertEquals(("v" + 1_096).length(), tail.objects().get(0).size(), "sizes are listed");

        ListPage small = await(store.list("many/", null, 3));
        assertEquals(expected.subList(0, 3), small.objects().stream().map(ObjectInfo::key).toList());
        assertTrue(small.truncated());

        assertEquals(List.of(), await(store.list("nothing-here/", null, 10)).objects());
    }

    @Test
    void listingMatchesPartialNamesLikeS3() {
        await(store.put("log/00001.json", bytes("a")));
        await(store.put("log/00002.json", bytes("b")));
        await(store.put("log/00002.checkpoint.parquet", bytes("c")));
        await(store.put("log/sub/00003.json", bytes("d")));
        List<String> keys = await(store.list("log/0000", "log/00001.json", 100)).objects().stream().map(ObjectInfo::key).toList();
        assertEquals(List.of("log/00002.checkpoint.parquet", "log/00002.json"), keys);
        List<String> all = await(store.list("log/", null, 100)).objects().stream().map(ObjectInfo::key).toList();
        assertEquals(List.of("log/00001.json", "log/00002.checkpoint.parquet", "log/00002.json", "log/sub/00003.json"), all);
    }

    @Test
    void largeObjectsRoundTrip() {
        byte[] large = new byte[16 * 1024 * 1024 + 123];
        new Random(42).nextBytes(large);
        await(store.put("large/object.bin", large));
        assertArrayEquals(large, await(store.get("large/object.bin")).orElseThrow());
        byte[] slice = await(store.getRange("large/object.bin", 9_000_000, 1_000)).orElseThrow();
        assertArrayEquals(java.util.Arrays.copyOfRange(large, 9_000_000, 9_001_000), slice);
    }

    @Test
    void metricsCountRequestsAndBytes() {
        await(store.put("m/a", bytes("12345")));
        await(store.get("m/a"));
        await(store.get("m/missing"));
        StoreMetrics.OperationStats puts = store.metrics().snapshot(Operation.PUT);
        StoreMetrics.OperationStats gets = store.metrics().snapshot(Operation.GET);
        assertEquals(1, puts.requests());
        assertEquals(5, puts.bytes());
        assertEquals(2, gets.requests());
        assertEquals(0, gets.failures(), "a missing key is an answer, not a failure");
        assertEquals(5, gets.bytes());
        assertEquals(2, gets.latencyNanos().getTotalCount());
        assertTrue(gets.latencyMicros(50) > 0);
    }

    @Test
    void aClosedStoreFailsRequestsInsteadOfHanging() {
        store.close();
        Throwable failure = failureOf(store.get("anything"));
        assertInstanceOf(ObjectStoreException.class, failure);
        assertTrue(failure.getMessage().contains("closed"), failure.getMessage());
        store = null;
    }

    protected static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }

    protected static String string(byte[] b) {
        return new String(b, UTF_8);
    }
}

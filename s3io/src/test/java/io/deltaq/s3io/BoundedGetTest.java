package io.deltaq.s3io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deltaq.s3server.EmbeddedS3Server;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ObjectStore#get(String, int)} on both stores and through decorators. */
class BoundedGetTest {

    @TempDir
    Path dir;

    private List<ObjectStore> stores() {
        EmbeddedS3Server server = SharedS3Server.get();
        return List.of(new LocalObjectStore(dir),
                ObjectStores.open(server.address("bounded/" + UUID.randomUUID()), server.environment(), Map.of()));
    }

    private static <T> T await(CompletableFuture<T> f) throws Exception {
        return f.get(30, TimeUnit.SECONDS);
    }

    @Test
    void anObjectOverTheBoundIsRefusedNamingItsSizeAndTheBoundAndOneWithinIsRead() throws Exception {
        for (ObjectStore store : stores()) {
            try (store) {
                byte[] ten = "0123456789".getBytes();
                await(store.put("k", ten));
                assertArrayEquals(ten, await(store.get("k", 10)).orElseThrow());
                assertEquals(Optional.empty(), await(store.get("missing", 10)));
                ExecutionException e = assertThrows(ExecutionException.class, () -> await(store.get("k", 9)));
                ObjectTooLargeException tooLarge = assertInstanceOf(ObjectTooLargeException.class, e.getCause());
                assertEquals(10, tooLarge.size());
                assertEquals(9, tooLarge.bound());
                assertTrue(tooLarge.getMessage().contains("get k in " + store.location())
                        && tooLarge.getMessage().contains("10 bytes, over the bound of 9 bytes"), tooLarge.getMessage());
            }
        }
    }

    @Test
    void aDecoratorThatChangesOnlyGetStillSeesBoundedReadsAndTheBoundStillHolds() throws Exception {
        for (ObjectStore store : stores()) {
            AtomicInteger seen = new AtomicInteger();
            ObjectStore counting = new ForwardingObjectStore(store) {
                @Override
                public CompletableFuture<Optional<byte[]>> get(String key) {
                    seen.incrementAndGet();
                    return super.get(key);
                }
            };
            ObjectStore plain = new ForwardingObjectStore(store) {
            };
            try (store) {
                await(store.put("k", "0123456789".getBytes()));
                assertEquals(10, await(counting.get("k", 10)).orElseThrow().length);
                ExecutionException e = assertThrows(ExecutionException.class, () -> await(counting.get("k", 9)));
                assertInstanceOf(ObjectTooLargeException.class, e.getCause());
                assertEquals(2, seen.get(), "both bounded reads went through the decorator's get");
                ExecutionException passed = assertThrows(ExecutionException.class, () -> await(plain.get("k", 9)));
                assertInstanceOf(ObjectTooLargeException.class, passed.getCause());
            }
        }
    }
}

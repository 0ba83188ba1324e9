package io.deltaq.s3io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalObjectStoreTest extends ObjectStoreContractTest {

    @TempDir
    Path dir;

    @Override
    protected ObjectStore openStore() {
        return new LocalObjectStore(dir);
    }

    @Test
    void objectsAreFilesUnderTheRootAndTempFilesAreNeverListed() throws Exception {
        await(store.putIfAbsent("_delta_log/00000000000000000000.json", bytes("{}")));
        assertEquals("{}", Files.readString(dir.resolve("_delta_log/00000000000000000000.json")));
        Files.writeString(dir.resolve("_delta_log/" + LocalObjectStore.TEMP_PREFIX + "abc"), "partial");
        List<ObjectInfo> listed = await(store.list("_delta_log/", null, 10)).objects();
        assertEquals(List.of("_delta_log/00000000000000000000.json"), listed.stream().map(ObjectInfo::key).toList());
    }

    @Test
    void listingNeverLosesKeysWhileWritersComeAndGo() throws Exception {
        List<String> existing = new java.util.ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String key = String.format("log/%05d.json", i);
            existing.add(key);
            await(store.put(key, bytes("x")));
        }
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread writer = new Thread(() -> {
            for (int i = 1000; !stop.get(); i++) {
                await(store.putIfAbsent(String.format("log/%05d.json", i), bytes("y")));
            }
        });
        writer.start();
        try {
            for (int round = 0; round < 300; round++) {
                List<String> listed = await(store.list("log/", null, 100_000)).objects().stream().map(ObjectInfo::key).toList();
                assertTrue(listed.containsAll(existing), "round " + round + " lost keys: listed " + listed.size());
            }
        } finally {
            stop.set(true);
            writer.join(10_000);
        }
    }

    @Test
    void keysCannotEscapeTheRoot() {
        Throwable failure = failureOf(store.get("../outside"));
        assertTrue(failure instanceof IllegalArgumentException, failure.toString());
        assertTrue(failure.getMessage().contains("../outside"), failure.getMessage());
        assertTrue(failureOf(store.put("/etc/passwd", bytes("x"))) instanceof IllegalArgumentException);
    }

    @Test
    void opensFromFileUrisAndPlainPaths() {
        try (ObjectStore byUri = ObjectStores.open(dir.toUri().toString());
                ObjectStore byPath = ObjectStores.open(dir.toString())) {
            await(byUri.put("k", bytes("v")));
            assertEquals("v", string(await(byPath.get("k")).orElseThrow()));
        }
    }
}

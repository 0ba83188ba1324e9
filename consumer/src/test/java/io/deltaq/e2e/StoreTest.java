package io.deltaq.e2e;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import io.deltaq.s3io.ObjectStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A test on one real store that a subclass opens (the local filesystem, the in-process S3 server),
 * fresh for each test; what the test {@linkplain #track tracks} is closed after it, newest first,
 * and then the store.
 */
abstract class StoreTest {

    /** A fresh, empty store; the table lives at its root. */
    protected abstract ObjectStore openStore();

    /** A local directory holding the table, for Kernel. */
    protected abstract Path kernelDirectory(ObjectStore store, Path scratch) throws Exception;

    @TempDir
    Path scratch;

    ObjectStore store;
    private final List<AutoCloseable> resources = new ArrayList<>();

    @BeforeEach
    void openTheStore() {
        store = openStore();
    }

    @AfterEach
    void closeEverything() throws Exception {
        Collections.reverse(resources);
        for (AutoCloseable r : resources) {
            r.close();
        }
        store.close();
    }

    <T extends AutoCloseable> T track(T resource) {
        resources.add(resource);
        return resource;
    }
}

package io.deltaq.e2e;

import java.nio.file.Path;

import io.deltaq.s3io.ObjectStore;
import org.junit.jupiter.api.io.TempDir;
import io.deltaq.testkit.TestS3;

/** End to end on the local-filesystem store (fsync on, as by default). */
class LocalQueueEndToEndTest extends QueueEndToEndTest {

    @TempDir
    Path tables;

    private Path root;

    @Override
    protected ObjectStore openStore() {
        root = tables.resolve("table");
        return TestS3.local(root);
    }

    @Override
    protected Path kernelDirectory(ObjectStore store, Path scratch) {
        return root;
    }
}

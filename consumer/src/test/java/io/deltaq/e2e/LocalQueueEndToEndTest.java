package io.deltaq.e2e;

import io.deltaq.s3io.ObjectStore;
import io.deltaq.testkit.TestS3;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

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

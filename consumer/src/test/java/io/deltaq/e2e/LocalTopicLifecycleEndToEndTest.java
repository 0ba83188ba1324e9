package io.deltaq.e2e;

import io.deltaq.s3io.ObjectStore;
import io.deltaq.testkit.TestS3;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** A topic's life with maintenance on the local-filesystem store. */
class LocalTopicLifecycleEndToEndTest extends TopicLifecycleEndToEndTest {

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

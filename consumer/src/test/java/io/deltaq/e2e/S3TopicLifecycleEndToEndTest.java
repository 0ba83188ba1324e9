package io.deltaq.e2e;

import io.deltaq.s3io.ObjectStore;
import io.deltaq.testkit.TestS3;
import java.nio.file.Path;

/** A topic's life with maintenance on the in-process S3 server; Kernel reads a local copy of its objects. */
class S3TopicLifecycleEndToEndTest extends TopicLifecycleEndToEndTest {

    @Override
    protected ObjectStore openStore() {
        return TestS3.freshStore("e2e-lifecycle");
    }

    @Override
    protected Path kernelDirectory(ObjectStore store, Path scratch) throws Exception {
        return KernelRows.copyToDirectory(store, scratch);
    }
}

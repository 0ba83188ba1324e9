package io.deltaq.e2e;

import io.deltaq.s3io.ObjectStore;
import io.deltaq.testkit.TestS3;
import java.nio.file.Path;

/**
 * End to end on the in-process S3 server (s3proxy, in memory, loopback); each test under its own
 * prefix. Kernel reads a copy of the table's objects in a local directory.
 */
class S3QueueEndToEndTest extends QueueEndToEndTest {

    @Override
    protected ObjectStore openStore() {
        return TestS3.freshStore("e2e");
    }

    @Override
    protected Path kernelDirectory(ObjectStore store, Path scratch) throws Exception {
        return KernelRows.copyToDirectory(store, scratch);
    }
}

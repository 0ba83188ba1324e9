package io.deltaq.consumer;

import io.deltaq.s3io.ObjectStore;
import io.deltaq.testkit.TestS3;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The consumer under faults on the local-filesystem store. */
class LocalConsumerFaultsTest extends ConsumerFaultsContractTest {

    @TempDir
    Path dir;

    @Override
    protected ObjectStore openStore() {
        return TestS3.local(dir);
    }
}

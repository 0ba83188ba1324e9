package io.deltaq.consumer;

import io.deltaq.s3io.ObjectStore;
import io.deltaq.testkit.TestS3;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** Consumers of a maintained table on the local-filesystem store. */
class LocalCompactedRangeReadTest extends CompactedRangeReadContractTest {

    @TempDir
    Path dir;

    @Override
    protected ObjectStore openStore() {
        return TestS3.local(dir);
    }
}

package io.deltaq.producer;

import io.deltaq.s3io.ObjectStore;
import io.deltaq.testkit.TestS3;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class LocalAcknowledgementTest extends AcknowledgementContractTest {

    @TempDir
    Path dir;

    @Override
    protected ObjectStore openStore() {
        return TestS3.local(dir);
    }
}

package io.deltaq.topic;

import java.nio.file.Path;

import io.deltaq.s3io.ObjectStore;
import io.deltaq.testkit.TestS3;
import org.junit.jupiter.api.io.TempDir;

/** The topic producer's offer and listener on the local-filesystem store. */
class LocalTopicOfferTest extends TopicOfferContractTest {

    @TempDir
    Path dir;

    @Override
    protected ObjectStore openStore() {
        return TestS3.local(dir);
    }
}

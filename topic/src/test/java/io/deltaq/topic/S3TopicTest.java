package io.deltaq.topic;

import io.deltaq.s3io.ObjectStore;
import io.deltaq.testkit.TestS3;

/** Topics on the in-process S3 server. */
class S3TopicTest extends TopicContractTest {

    @Override
    protected ObjectStore openStore() {
        return TestS3.freshStore("topic");
    }
}

package io.deltaq.topic;

import io.deltaq.s3io.ObjectStore;
import io.deltaq.testkit.TestS3;

/** The topic producer and groups on the in-process S3 server. */
class S3TopicClientsTest extends TopicClientsContractTest {

    @Override
    protected ObjectStore openStore() {
        return TestS3.freshStore("topic-clients");
    }
}

package io.deltaq.topic;

import io.deltaq.s3io.ObjectStore;
import io.deltaq.testkit.TestS3;

/** The topic producer's offer and listener on the in-process S3 server. */
class S3TopicOfferTest extends TopicOfferContractTest {

    @Override
    protected ObjectStore openStore() {
        return TestS3.freshStore("topic-offer");
    }
}

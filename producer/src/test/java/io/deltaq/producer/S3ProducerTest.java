package io.deltaq.producer;

import io.deltaq.s3io.ObjectStore;
import io.deltaq.testkit.TestS3;

class S3ProducerTest extends ProducerContractTest {

    @Override
    protected ObjectStore openStore() {
        return TestS3.freshStore("producer");
    }
}

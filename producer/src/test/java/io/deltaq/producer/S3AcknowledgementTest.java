package io.deltaq.producer;

import io.deltaq.s3io.ObjectStore;
import io.deltaq.testkit.TestS3;

class S3AcknowledgementTest extends AcknowledgementContractTest {

    @Override
    protected ObjectStore openStore() {
        return TestS3.freshStore("acks");
    }
}

package io.deltaq.consumer;

import io.deltaq.s3io.ObjectStore;
import io.deltaq.testkit.TestS3;

/** Consumers of a maintained table on S3: the in-process s3proxy, each test under its own prefix. */
class S3CompactedRangeReadTest extends CompactedRangeReadContractTest {

    @Override
    protected ObjectStore openStore() {
        return TestS3.freshStore("consumer");
    }
}

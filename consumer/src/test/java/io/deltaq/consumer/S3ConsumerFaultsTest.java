package io.deltaq.consumer;

import io.deltaq.s3io.ObjectStore;
import io.deltaq.testkit.TestS3;

/** The consumer under faults on S3: the in-process s3proxy on loopback, each test under its own prefix. */
class S3ConsumerFaultsTest extends ConsumerFaultsContractTest {

    @Override
    protected ObjectStore openStore() {
        return TestS3.freshStore("consumer-faults");
    }
}

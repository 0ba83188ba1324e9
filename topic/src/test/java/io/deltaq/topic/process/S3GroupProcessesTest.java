package io.deltaq.topic.process;

import java.util.Map;

import io.deltaq.s3io.ObjectStore;
import io.deltaq.testkit.TestS3;

/** The processes reach the in-process S3 server of the test JVM over loopback. */
class S3GroupProcessesTest extends GroupProcessesContractTest {

    private final String address = TestS3.freshAddress("group-processes");

    @Override
    protected String address() {
        return address;
    }

    @Override
    protected Map<String, String> environment() {
        return TestS3.environment();
    }

    @Override
    protected ObjectStore openStore() {
        return TestS3.open(address);
    }
}
